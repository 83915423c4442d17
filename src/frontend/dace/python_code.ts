// DaCe's code strings into our expression/statement AST: tasklet code (DaCe's Python subset),
// interstate conditions and assignments, loop statements, WCR lambdas and the sympy expressions
// DaCe writes for sizes, subsets and ranges (`Min`, `Max`, `int_floor`, `Mod`, `**`,
// `symbol($N, dtype=dace.int64)`). One parser for all of them; what it does not know is refused
// with the line and column inside the string.

import { isPDType, PROGRAM_FUNCTIONS, type PDType, type PExpr, type ProgramFunction, type PStmt, type Wcr } from "../../ir/program.js";

export class PythonCodeError extends Error {
  constructor(readonly line: number, readonly column: number, readonly detail: string) {
    super(`line ${line} col ${column}: ${detail}`);
  }
}

interface Token { t: "num" | "name" | "op" | "nl" | "indent" | "dedent" | "eof"; v: string; off: number; int?: boolean }

const OPS = ["**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "+", "-", "*", "/", "%", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", ",", ":", "=", "."];

function lineCol(src: string, off: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = src.indexOf("\n"); i >= 0 && i < off; i = src.indexOf("\n", i + 1)) { line++; start = i + 1; }
  return { line, column: off - start + 1 };
}

const NUM_RE = /(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[jJ]?/y;
const NAME_RE = /\$?[A-Za-z_][A-Za-z0-9_]*/y;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const indents = [0];
  let depth = 0; // bracket depth: newlines inside brackets are ignored
  let i = 0;
  let atLineStart = true;
  const fail = (off: number, msg: string): never => { const p = lineCol(src, off); throw new PythonCodeError(p.line, p.column, msg); };
  while (i < src.length) {
    if (atLineStart && depth === 0) {
      let col = 0;
      let j = i;
      while (j < src.length && (src[j] === " " || src[j] === "\t")) { col += src[j] === "\t" ? 8 - (col % 8) : 1; j++; }
      if (j >= src.length || src[j] === "\n" || src[j] === "#" || src[j] === "\r") {
        while (j < src.length && src[j] !== "\n") j++;
        i = j + 1;
        continue;
      }
      if (col > indents[indents.length - 1]!) { indents.push(col); out.push({ t: "indent", v: "", off: j }); }
      while (col < indents[indents.length - 1]!) {
        indents.pop();
        out.push({ t: "dedent", v: "", off: j });
        if (col > indents[indents.length - 1]!) fail(j, "inconsistent indentation");
      }
      i = j;
      atLineStart = false;
    }
    const c = src[i]!;
    if (c === "\n" || c === ";") {
      if (depth === 0 && out.length > 0 && out[out.length - 1]!.t !== "nl") out.push({ t: "nl", v: "", off: i });
      if (c === "\n") atLineStart = true;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") { i++; continue; }
    if (c === "\\" && src[i + 1] === "\n") { i += 2; continue; }
    if (c === "#") { while (i < src.length && src[i] !== "\n") i++; continue; }
    NUM_RE.lastIndex = i;
    const num = NUM_RE.exec(src);
    if (num && /[\d.]/.test(c) && !(c === "." && !/\d/.test(src[i + 1] ?? ""))) {
      const v = num[0];
      out.push({ t: "num", v, off: i, int: /^0[xX]/.test(v) || /^\d+$/.test(v) });
      i += v.length;
      continue;
    }
    NAME_RE.lastIndex = i;
    const name = NAME_RE.exec(src);
    if (name) { out.push({ t: "name", v: name[0], off: i }); i += name[0].length; continue; }
    if (c === "'" || c === '"') fail(i, "string literals are not supported in code");
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) fail(i, `unexpected character '${c}'`);
    if (op === "(" || op === "[") depth++;
    if (op === ")" || op === "]") depth = Math.max(0, depth - 1);
    out.push({ t: "op", v: op!, off: i });
    i += op!.length;
  }
  if (out.length > 0 && out[out.length - 1]!.t !== "nl") out.push({ t: "nl", v: "", off: src.length });
  while (indents.length > 1) { indents.pop(); out.push({ t: "dedent", v: "", off: src.length }); }
  out.push({ t: "eof", v: "", off: src.length });
  return out;
}

const MODULES = new Set(["math", "np", "numpy", "dace", "cmath", "sympy", "dace.math"]);

/** Python/NumPy/sympy function names → our functions. */
const FUNCTION_ALIASES: Record<string, ProgramFunction> = {
  Min: "min", Max: "max", Abs: "abs", ceiling: "ceil", int_floor: "floordiv", int_ceil: "ceildiv",
  Mod: "mod", fabs: "abs", absolute: "abs", power: "pow", arctan: "atan", arcsin: "asin", arccos: "acos",
  arctan2: "atan2", fmin: "min", fmax: "max", minimum: "min", maximum: "max", sym_min: "min", sym_max: "max",
};

/** Cast spellings → types. */
const CASTS: Record<string, PDType> = {
  float: "float64", int: "int64", bool: "bool", complex: "complex128",
  float_: "float64", bool_: "bool", int_: "int64", intp: "int64", double: "float64", single: "float32",
};

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, inf: Infinity, nan: NaN, infty: Infinity, oo: Infinity };

class Parser {
  private p = 0;
  constructor(private readonly src: string, private readonly toks: Token[]) {}

  private peek(): Token { return this.toks[this.p]!; }
  private next(): Token { return this.toks[this.p++]!; }
  private isOp(v: string): boolean { const t = this.peek(); return t.t === "op" && t.v === v; }
  private isName(v: string): boolean { const t = this.peek(); return t.t === "name" && t.v === v; }
  fail(off: number, msg: string): never { const p = lineCol(this.src, off); throw new PythonCodeError(p.line, p.column, msg); }
  private expectOp(v: string): Token {
    const t = this.next();
    if (t.t !== "op" || t.v !== v) this.fail(t.off, `expected '${v}' but found ${describe(t)}`);
    return t;
  }
  pos(off: number) { return lineCol(this.src, off); }

  atEnd(): boolean {
    while (this.peek().t === "nl") this.p++;
    return this.peek().t === "eof";
  }

  statements(stopAtDedent: boolean): PStmt[] {
    const out: PStmt[] = [];
    for (;;) {
      while (this.peek().t === "nl") this.p++;
      const t = this.peek();
      if (t.t === "eof") break;
      if (t.t === "dedent") { if (stopAtDedent) { this.p++; break; } this.fail(t.off, "unexpected dedent"); }
      out.push(...this.statement());
    }
    return out;
  }

  private block(): PStmt[] {
    this.expectOp(":");
    if (this.peek().t !== "nl") {
      // `if c: x = 1` on one line
      return this.statement();
    }
    while (this.peek().t === "nl") this.p++;
    const t = this.next();
    if (t.t !== "indent") this.fail(t.off, "expected an indented block");
    return this.statements(true);
  }

  private statement(): PStmt[] {
    const t = this.peek();
    if (t.t === "name" && t.v === "pass") { this.p++; this.endOfStatement(); return []; }
    if (t.t === "name" && t.v === "if") return [this.ifStatement()];
    if (t.t === "name" && ["for", "while", "return", "def", "import", "from", "with", "try", "del", "global", "lambda", "print", "assert", "raise", "break", "continue", "yield", "class"].includes(t.v)) {
      this.fail(t.off, `'${t.v}' statements are not supported in tasklets (supported: assignments, augmented assignments, if/elif/else, pass)`);
    }
    const lhs = this.expr();
    const op = this.peek();
    if (op.t === "op" && ["=", "+=", "-=", "*=", "/="].includes(op.v)) {
      this.p++;
      if (lhs.kind !== "name" && lhs.kind !== "index") this.fail(t.off, "the target of an assignment must be a name or an indexed name");
      let value = this.expr();
      if (op.v !== "=") value = { kind: "binary", op: op.v[0] as "+" | "-" | "*" | "/", left: lhs, right: value, pos: this.pos(op.off) };
      this.endOfStatement();
      return [lhs.kind === "name"
        ? { kind: "assign", target: lhs.name, value, pos: this.pos(t.off) }
        : { kind: "assign", target: lhs.name, indices: lhs.indices, value, pos: this.pos(t.off) }];
    }
    this.fail(op.off, `expected an assignment but found ${describe(op)} (expression statements are not supported)`);
  }

  private ifStatement(): PStmt {
    const t = this.next(); // if / elif
    const cond = this.expr();
    const then = this.block();
    let otherwise: PStmt[] = [];
    while (this.peek().t === "nl") this.p++;
    if (this.isName("elif")) otherwise = [this.ifStatement()];
    else if (this.isName("else")) { this.p++; otherwise = this.block(); }
    return { kind: "if", cond, then, otherwise, pos: this.pos(t.off) };
  }

  private endOfStatement(): void {
    const t = this.peek();
    if (t.t === "nl") { this.p++; return; }
    if (t.t === "eof" || t.t === "dedent") return;
    this.fail(t.off, `unexpected ${describe(t)} after the statement`);
  }

  expr(): PExpr {
    const t = this.peek();
    const e = this.or();
    if (this.isName("if")) {
      this.p++;
      const cond = this.or();
      if (!this.isName("else")) this.fail(this.peek().off, "expected 'else' in a conditional expression");
      this.p++;
      const otherwise = this.expr();
      return { kind: "ternary", cond, then: e, otherwise, pos: this.pos(t.off) };
    }
    return e;
  }

  private or(): PExpr {
    let l = this.and();
    while (this.isName("or")) { const o = this.next(); l = { kind: "binary", op: "or", left: l, right: this.and(), pos: this.pos(o.off) }; }
    return l;
  }
  private and(): PExpr {
    let l = this.not();
    while (this.isName("and")) { const o = this.next(); l = { kind: "binary", op: "and", left: l, right: this.not(), pos: this.pos(o.off) }; }
    return l;
  }
  private not(): PExpr {
    if (this.isName("not")) { const o = this.next(); return { kind: "unary", op: "not", operand: this.not(), pos: this.pos(o.off) }; }
    return this.comparison();
  }
  private comparison(): PExpr {
    const first = this.bitor();
    let left = first;
    let result: PExpr | null = null;
    for (;;) {
      const t = this.peek();
      let op: string | null = null;
      if (t.t === "op" && ["<", "<=", ">", ">=", "==", "!="].includes(t.v)) op = t.v;
      else if (t.t === "name" && (t.v === "is" || t.v === "in")) this.fail(t.off, `'${t.v}' is not supported`);
      if (!op) break;
      this.p++;
      const right = this.bitor();
      const cmp: PExpr = { kind: "binary", op: op as "<", left, right, pos: this.pos(t.off) };
      result = result ? { kind: "binary", op: "and", left: result, right: cmp } : cmp;
      left = right;
    }
    return result ?? first;
  }
  private binaryLevel(ops: string[], sub: () => PExpr): PExpr {
    let l = sub();
    for (;;) {
      const t = this.peek();
      if (t.t !== "op" || !ops.includes(t.v)) return l;
      this.p++;
      l = { kind: "binary", op: t.v as "+", left: l, right: sub(), pos: this.pos(t.off) };
    }
  }
  private bitor(): PExpr { return this.binaryLevel(["|"], () => this.bitxor()); }
  private bitxor(): PExpr { return this.binaryLevel(["^"], () => this.bitand()); }
  private bitand(): PExpr { return this.binaryLevel(["&"], () => this.shift()); }
  private shift(): PExpr { return this.binaryLevel(["<<", ">>"], () => this.arith()); }
  private arith(): PExpr { return this.binaryLevel(["+", "-"], () => this.term()); }
  private term(): PExpr { return this.binaryLevel(["*", "/", "//", "%"], () => this.unary()); }
  private unary(): PExpr {
    const t = this.peek();
    if (t.t === "op" && (t.v === "-" || t.v === "+" || t.v === "~")) {
      this.p++;
      const operand = this.unary();
      if (t.v === "-" && operand.kind === "number") return { ...operand, value: -operand.value };
      return { kind: "unary", op: t.v as "-", operand, pos: this.pos(t.off) };
    }
    return this.power();
  }
  private power(): PExpr {
    const base = this.postfix();
    if (this.isOp("**")) {
      const t = this.next();
      return { kind: "binary", op: "**", left: base, right: this.unary(), pos: this.pos(t.off) };
    }
    return base;
  }

  private dotted(): { name: string; off: number } {
    const t = this.next();
    let name = t.v;
    while (this.isOp(".") && this.toks[this.p + 1]?.t === "name") { this.p++; name += "." + this.next().v; }
    return { name, off: t.off };
  }

  private postfix(): PExpr {
    const t = this.peek();
    if (t.t === "num") {
      this.p++;
      if (/[jJ]$/.test(t.v)) return { kind: "number", value: Number(t.v.slice(0, -1)), integer: false, imag: true, pos: this.pos(t.off) };
      const value = t.v.startsWith("0x") || t.v.startsWith("0X") ? parseInt(t.v, 16) : Number(t.v);
      return { kind: "number", value, integer: !!t.int, pos: this.pos(t.off) };
    }
    if (t.t === "op" && t.v === "(") {
      this.p++;
      const e = this.expr();
      if (this.isOp(",")) this.fail(this.peek().off, "tuples are not supported");
      this.expectOp(")");
      return e;
    }
    if (t.t !== "name") this.fail(t.off, `expected an expression but found ${describe(t)}`);
    if (t.v === "lambda") this.fail(t.off, "a lambda is only allowed as a write-conflict resolution");
    const { name, off } = this.dotted();
    const pos = this.pos(off);
    if (this.isOp("(")) return this.call(name, off);
    if (this.isOp("[")) {
      this.p++;
      const indices = [this.expr()];
      while (this.isOp(",")) { this.p++; indices.push(this.expr()); }
      this.expectOp("]");
      if (this.isOp("[")) this.fail(this.peek().off, "chained indexing is not supported");
      return { kind: "index", name: symbolName(name), indices, pos };
    }
    if (name === "True" || name === "False" || name === "true" || name === "false") return { kind: "bool", value: name.toLowerCase() === "true", pos };
    const bare = stripModule(name);
    if (bare !== name || name === "pi" || name === "oo" || name === "inf" || name === "nan") {
      if (Object.hasOwn(CONSTANTS, bare)) return { kind: "number", value: CONSTANTS[bare]!, integer: false, pos };
      if (bare !== name) this.fail(off, `unknown name '${name}'`);
    }
    if (name.includes(".")) this.fail(off, `attribute access '${name}' is not supported`);
    return { kind: "name", name: symbolName(name), pos };
  }

  private args(): { args: PExpr[]; kwargs: Record<string, PExpr> } {
    this.expectOp("(");
    const args: PExpr[] = [];
    const kwargs: Record<string, PExpr> = {};
    while (!this.isOp(")")) {
      if (this.peek().t === "name" && this.toks[this.p + 1]?.t === "op" && this.toks[this.p + 1]!.v === "=") {
        const k = this.next().v;
        this.p++;
        kwargs[k] = this.kwValue();
      } else args.push(this.expr());
      if (!this.isOp(",")) break;
      this.p++;
    }
    this.expectOp(")");
    return { args, kwargs };
  }

  /** A keyword argument's value: `dtype=dace.int64` is a dotted name, not an attribute read. */
  private kwValue(): PExpr {
    if (this.peek().t === "name") {
      const save = this.p;
      const { name, off } = this.dotted();
      if (!this.isOp("(") && !this.isOp("[") && name.includes(".")) return { kind: "name", name, pos: this.pos(off) };
      this.p = save;
    }
    return this.expr();
  }

  private call(name: string, off: number): PExpr {
    const pos = this.pos(off);
    const { args, kwargs } = this.args();
    const bare = stripModule(name);
    const arity = (n: number) => { if (args.length !== n) this.fail(off, `${name}() takes ${n} argument(s), got ${args.length}`); };
    if (bare === "symbol" || bare === "Symbol") {
      if (args.length !== 1 || args[0]!.kind !== "name") this.fail(off, "symbol() needs one name");
      return args[0]!;
    }
    if (bare === "Integer" || bare === "Float") { arity(1); return args[0]!; }
    const cast = CASTS[bare] ?? (isPDType(bare) ? bare : undefined);
    if (cast) {
      arity(1);
      return { kind: "cast", to: cast, operand: args[0]!, pos };
    }
    const sympyLogic: Record<string, string> = { Eq: "==", Ne: "!=", Lt: "<", Le: "<=", Gt: ">", Ge: ">=", And: "and", Or: "or" };
    if (Object.hasOwn(sympyLogic, bare)) {
      if (args.length < 2) this.fail(off, `${name}() needs two arguments`);
      return args.slice(1).reduce<PExpr>((l, r) => ({ kind: "binary", op: sympyLogic[bare] as "==", left: l, right: r, pos }), args[0]!);
    }
    if (bare === "Not") { arity(1); return { kind: "unary", op: "not", operand: args[0]!, pos }; }
    if (bare === "round") this.fail(off, "round() is not supported");
    const fn = FUNCTION_ALIASES[bare] ?? ((PROGRAM_FUNCTIONS as readonly string[]).includes(bare) ? (bare as ProgramFunction) : undefined);
    if (!fn) this.fail(off, `unknown function '${name}'`);
    if (Object.keys(kwargs).length > 0) this.fail(off, `${name}() takes no keyword arguments`);
    if (fn === "min" || fn === "max") {
      if (args.length < 1) this.fail(off, `${name}() needs arguments`);
      return args.slice(1).reduce<PExpr>((l, r) => ({ kind: "call", fn, args: [l, r], pos }), args[0]!);
    }
    const two = ["atan2", "pow", "floordiv", "ceildiv", "mod"].includes(fn);
    arity(two ? 2 : 1);
    return { kind: "call", fn, args, pos };
  }
}

function describe(t: Token): string {
  if (t.t === "nl") return "end of line";
  if (t.t === "eof") return "end of code";
  if (t.t === "indent" || t.t === "dedent") return "a change of indentation";
  return `'${t.v}'`;
}

function stripModule(name: string): string {
  const dot = name.lastIndexOf(".");
  if (dot < 0) return name;
  const mod = name.slice(0, dot);
  return MODULES.has(mod) || mod === "dace.dtypes" || mod === "numpy.core" ? name.slice(dot + 1) : name;
}

/** `$N` (DaCe's sympy spelling of a symbol) is the symbol `N`. */
function symbolName(n: string): string { return n.startsWith("$") ? n.slice(1) : n; }

export function parsePyExpression(src: string): PExpr {
  const toks = tokenize(src).filter((t) => t.t !== "nl" && t.t !== "indent" && t.t !== "dedent");
  const p = new Parser(src, toks);
  const e = p.expr();
  if (!p.atEnd()) p.fail(toks.find((_, i) => i > 0 && false)?.off ?? src.length, "unexpected text after the expression");
  return e;
}

export function parsePyStatements(src: string): PStmt[] {
  const p = new Parser(src, tokenize(src));
  return p.statements(false);
}

/** `i = i + 1` (loop init/update statements): one or more plain assignments. */
export function parsePyAssignments(src: string): [string, PExpr][] {
  const stmts = parsePyStatements(src);
  return stmts.map((s) => {
    if (s.kind !== "assign" || s.indices) throw new PythonCodeError(s.pos?.line ?? 1, s.pos?.column ?? 1, "expected an assignment to a symbol");
    return [s.target, s.value];
  });
}

/** A write-conflict resolution: `lambda a, b: a + b` becomes `+` where it is one of the common ones. */
export function parseWcr(src: string): Wcr {
  const m = /^\s*\(?\s*lambda\s+([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)\s*:([\s\S]*?)\)?\s*$/.exec(src);
  if (!m) throw new PythonCodeError(1, 1, "a write-conflict resolution must be 'lambda a, b: expression'");
  let body: PExpr;
  try {
    body = parsePyExpression(balanced(m[3]!));
  } catch (e) {
    if (e instanceof PythonCodeError) throw new PythonCodeError(1, 1, `in the lambda body: ${e.detail}`);
    throw e;
  }
  const a = m[1]!;
  const b = m[2]!;
  const isName = (e: PExpr, n: string) => e.kind === "name" && e.name === n;
  const pair = (l: PExpr, r: PExpr) => (isName(l, a) && isName(r, b)) || (isName(l, b) && isName(r, a));
  if (body.kind === "binary" && (body.op === "+" || body.op === "*") && pair(body.left, body.right)) return { op: body.op };
  if (body.kind === "call" && (body.fn === "min" || body.fn === "max") && pair(body.args[0]!, body.args[1]!)) return { op: body.fn };
  return { op: "lambda", a, b, body };
}

/** Drops one unbalanced trailing `)` left by `(lambda …: …)`. */
function balanced(s: string): string {
  let depth = 0;
  for (const c of s) { if (c === "(") depth++; else if (c === ")") depth--; }
  let out = s.trimEnd();
  while (depth < 0 && out.endsWith(")")) { out = out.slice(0, -1).trimEnd(); depth++; }
  return out;
}
