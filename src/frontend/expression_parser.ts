// Tokenizer and recursive-descent parser for `computation_string`, the Python expression subset
// StencilFlow programs use. It knows nothing about the program: names, fields and iterators are
// resolved by the loader, which turns this syntax tree into the IR's `Expr`.

import { MATH_FUNCTIONS, type CompareOp, type IntegerOp, type MathFunction, type SourcePos } from "../ir/expr.js";

/** One index of a subscript: `iterator + offset`. */
export interface IndexExpr {
  iterator: string;
  offset: number;
  pos: SourcePos;
}

/** Syntax tree of an expression; like the IR's `Expr`, but subscripts keep their iterators. */
export type SyntaxExpr =
  | { kind: "number"; value: number; pos: SourcePos }
  | { kind: "name"; name: string; pos: SourcePos }
  | { kind: "subscript"; name: string; indices: IndexExpr[]; pos: SourcePos }
  | { kind: "unary"; op: "-" | "+" | "not" | "~"; operand: SyntaxExpr; pos: SourcePos }
  | { kind: "binary"; op: "+" | "-" | "*" | "/" | "**" | IntegerOp | CompareOp | "and" | "or"; left: SyntaxExpr; right: SyntaxExpr; pos: SourcePos; opPos?: SourcePos }
  | { kind: "call"; fn: MathFunction; args: SyntaxExpr[]; pos: SourcePos }
  | { kind: "ternary"; cond: SyntaxExpr; then: SyntaxExpr; otherwise: SyntaxExpr; pos: SourcePos };

export interface SyntaxAssignment {
  target: string;
  value: SyntaxExpr;
  pos: SourcePos;
}

/** A syntax error; `offset` is the index into the computation string, `pos` the same as line/column. */
export class ExpressionSyntaxError extends Error {
  constructor(readonly detail: string, readonly offset: number, readonly pos: SourcePos) {
    super(`${pos.line}:${pos.column}: ${detail}`);
    this.name = "ExpressionSyntaxError";
  }
}

type TokenKind = "number" | "name" | "keyword" | "op" | "sep" | "eof";
interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
  pos: SourcePos;
}

const KEYWORDS = new Set(["if", "else", "and", "or", "not"]);
// Longest first, so that `**` wins over `*` and `<=` over `<`.
const OPERATORS = ["**", "<<", ">>", "<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "~", "(", ")", "[", "]", ",", "="];
// Python operators we do not support get a precise message instead of "unexpected character".
// (`%`, shifts and bitwise operators exist for integer stencils; the loader refuses them in others.)
const UNSUPPORTED = ["//", "@", ":", "."];
// Sticky: they match exactly at lastIndex, so the tokenizer never copies the rest of the input.
const NUMBER_RE = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME_RE = /[A-Za-z_][A-Za-z0-9_]*/y;

function matchAt(re: RegExp, src: string, at: number): string | null {
  re.lastIndex = at;
  return re.exec(src)?.[0] ?? null;
}

/** Line and column (1-based) of an offset of `src`; `lineStarts` are the offsets where lines begin. */
function positionAt(lineStarts: number[], offset: number): SourcePos {
  let line = 0;
  while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
  return { line: line + 1, column: offset - lineStarts[line]! + 1 };
}

function lineStartsOf(src: string): number[] {
  const starts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === "\n") starts.push(i + 1);
  return starts;
}

/**
 * Splits `src` into tokens. A newline outside brackets separates statements as in Python, so
 * `a = 1\nb = 2` parses like `a = 1; b = 2`; inside brackets it is plain whitespace.
 */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const lines = lineStartsOf(src);
  let depth = 0;
  let i = 0;
  const push = (kind: TokenKind, text: string, offset: number) => tokens.push({ kind, text, offset, pos: positionAt(lines, offset) });
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\n" || c === ";") {
      if (c === ";" || depth === 0) push("sep", c, i);
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") { i++; continue; }
    if (c === "#") { while (i < src.length && src[i] !== "\n") i++; continue; }
    const num = matchAt(NUMBER_RE, src, i);
    if (num !== null) {
      const glued = matchAt(NAME_RE, src, i + num.length);
      if (glued !== null) fail(src, i, `invalid numeric literal '${num}${glued}'`);
      push("number", num, i);
      i += num.length;
      continue;
    }
    const name = matchAt(NAME_RE, src, i);
    if (name !== null) {
      push(KEYWORDS.has(name) ? "keyword" : "name", name, i);
      i += name.length;
      continue;
    }
    const bad = UNSUPPORTED.find((o) => src.startsWith(o, i));
    if (bad) fail(src, i, `operator '${bad}' is not supported`);
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      if (op === "(" || op === "[") depth++;
      if ((op === ")" || op === "]") && depth > 0) depth--;
      push("op", op, i);
      i += op.length;
      continue;
    }
    fail(src, i, `unexpected character '${c}'`);
  }
  push("eof", "", src.length);
  return tokens;
}

function fail(src: string, offset: number, detail: string): never {
  throw new ExpressionSyntaxError(detail, offset, positionAt(lineStartsOf(src), offset));
}

/**
 * Limits that keep every recursive pass over expressions (here and in the loader, the IR, the
 * code printers and g++) far from the stack's end: nesting while parsing (parentheses, signs,
 * `not`, calls, conditionals), and the depth of the tree built, which long chains such as
 * `a + b + c + ...` also grow. Python's own parser stops at 200 nested parentheses.
 */
export const MAX_NESTING = 200;
export const MAX_TREE_DEPTH = 1000;

/** Parses a whole computation string: one or more assignments separated by `;` or newlines. */
export function parseComputation(src: string): SyntaxAssignment[] {
  const stmts = new Parser(src, tokenize(src)).program();
  for (const s of stmts) checkTreeDepth(src, s.value);
  return stmts;
}

/** Parses a single expression (for tests and tools). */
export function parseExpression(src: string): SyntaxExpr {
  const p = new Parser(src, tokenize(src));
  const e = p.expression();
  p.expectEnd();
  checkTreeDepth(src, e);
  return e;
}

function childrenOf(e: SyntaxExpr): SyntaxExpr[] {
  switch (e.kind) {
    case "unary": return [e.operand];
    case "binary": return [e.left, e.right];
    case "call": return e.args;
    case "ternary": return [e.cond, e.then, e.otherwise];
    default: return [];
  }
}

/** Depth of the tree, without recursion; fails at the first node past MAX_TREE_DEPTH. */
function checkTreeDepth(src: string, root: SyntaxExpr): void {
  const stack: [SyntaxExpr, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [e, d] = stack.pop()!;
    if (d > MAX_TREE_DEPTH) {
      const lines = lineStartsOf(src);
      const offset = lines[e.pos.line - 1]! + e.pos.column - 1;
      fail(src, offset, `expression is too deep (more than ${MAX_TREE_DEPTH} levels of operations); split it into temporaries`);
    }
    for (const c of childrenOf(e)) stack.push([c, d + 1]);
  }
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly src: string, private readonly tokens: Token[]) {}

  /** Runs a rule that may recurse, failing cleanly past MAX_NESTING levels. */
  private nested<T>(rule: () => T): T {
    if (++this.depth > MAX_NESTING) this.error(`expression is nested too deeply (more than ${MAX_NESTING} levels of parentheses, signs, calls or conditionals)`);
    try {
      return rule();
    } finally {
      this.depth--;
    }
  }

  private get tok(): Token { return this.tokens[this.i]!; }
  private next(): Token { return this.tokens[this.i++]!; }
  private is(kind: TokenKind, text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }
  private accept(kind: TokenKind, text?: string): Token | null {
    return this.is(kind, text) ? this.next() : null;
  }
  private describe(t: Token): string {
    if (t.kind === "eof") return "end of input";
    if (t.kind === "sep") return t.text === ";" ? "';'" : "end of line";
    return `'${t.text}'`;
  }
  private error(detail: string, t: Token = this.tok): never {
    fail(this.src, t.offset, detail);
  }
  private expect(kind: TokenKind, text: string, what: string): Token {
    const t = this.accept(kind, text);
    if (!t) this.error(`expected ${what}, found ${this.describe(this.tok)}`);
    return t;
  }

  program(): SyntaxAssignment[] {
    const out: SyntaxAssignment[] = [];
    while (this.accept("sep"));
    while (!this.is("eof")) {
      out.push(this.assignment());
      if (!this.is("eof") && !this.is("sep")) this.error(`expected ';' or end of input, found ${this.describe(this.tok)}`);
      while (this.accept("sep"));
    }
    if (out.length === 0) this.error("expected at least one assignment 'name = expression'");
    return out;
  }

  expectEnd(): void {
    while (this.accept("sep"));
    if (!this.is("eof")) this.error(`unexpected ${this.describe(this.tok)} after the expression`);
  }

  private assignment(): SyntaxAssignment {
    const t = this.tok;
    if (t.kind !== "name") this.error(`expected an assignment 'name = expression', found ${this.describe(t)}`);
    this.next();
    if (this.is("op", "[")) this.error(`cannot assign to a subscript; write '${t.text} = expression'`);
    this.expect("op", "=", `'=' after '${t.text}'`);
    return { target: t.text, value: this.expression(), pos: t.pos };
  }

  /** `x if c else y`, the lowest precedence. */
  expression(): SyntaxExpr {
    return this.nested(() => this.conditional());
  }

  private conditional(): SyntaxExpr {
    const then = this.or();
    if (!this.accept("keyword", "if")) return then;
    const cond = this.or();
    this.expect("keyword", "else", "'else' in conditional expression");
    const otherwise = this.expression();
    return { kind: "ternary", cond, then, otherwise, pos: then.pos };
  }

  private or(): SyntaxExpr {
    let left = this.and();
    while (this.accept("keyword", "or")) left = { kind: "binary", op: "or", left, right: this.and(), pos: left.pos };
    return left;
  }

  private and(): SyntaxExpr {
    let left = this.not();
    while (this.accept("keyword", "and")) left = { kind: "binary", op: "and", left, right: this.not(), pos: left.pos };
    return left;
  }

  private not(): SyntaxExpr {
    const t = this.accept("keyword", "not");
    if (t) return { kind: "unary", op: "not", operand: this.nested(() => this.not()), pos: t.pos };
    return this.comparison();
  }

  private comparison(): SyntaxExpr {
    const left = this.bitOr();
    const op = this.compareOp();
    if (!op) return left;
    this.next();
    const right = this.bitOr();
    if (this.compareOp()) this.error("chained comparisons are not supported; combine them with 'and'");
    return { kind: "binary", op, left, right, pos: left.pos };
  }

  private compareOp(): CompareOp | null {
    const t = this.tok;
    return t.kind === "op" && ["<", "<=", ">", ">=", "==", "!="].includes(t.text) ? (t.text as CompareOp) : null;
  }

  /** Python's bitwise levels, loosest first: `|`, `^`, `&`, then shifts. */
  private bitOr(): SyntaxExpr { return this.leftAssoc(["|"], () => this.bitXor()); }
  private bitXor(): SyntaxExpr { return this.leftAssoc(["^"], () => this.bitAnd()); }
  private bitAnd(): SyntaxExpr { return this.leftAssoc(["&"], () => this.shift()); }
  private shift(): SyntaxExpr { return this.leftAssoc(["<<", ">>"], () => this.arith()); }

  private leftAssoc(ops: IntegerOp[], operand: () => SyntaxExpr): SyntaxExpr {
    let left = operand();
    for (;;) {
      const t = ops.map((o) => this.accept("op", o)).find((x) => x !== null);
      if (!t) return left;
      left = { kind: "binary", op: t.text as IntegerOp, left, right: operand(), pos: left.pos, opPos: t.pos };
    }
  }

  private arith(): SyntaxExpr {
    let left = this.term();
    for (;;) {
      const t = this.accept("op", "+") ?? this.accept("op", "-");
      if (!t) return left;
      left = { kind: "binary", op: t.text as "+" | "-", left, right: this.term(), pos: left.pos };
    }
  }

  private term(): SyntaxExpr {
    let left = this.factor();
    for (;;) {
      const t = this.accept("op", "*") ?? this.accept("op", "/") ?? this.accept("op", "%");
      if (!t) return left;
      left = { kind: "binary", op: t.text as "*" | "/" | "%", left, right: this.factor(), pos: left.pos, opPos: t.pos };
    }
  }

  /** Unary signs bind looser than `**` on their right: `-x**2` is `-(x**2)`. */
  private factor(): SyntaxExpr {
    const t = this.accept("op", "-") ?? this.accept("op", "+") ?? this.accept("op", "~");
    if (t) return { kind: "unary", op: t.text as "-" | "+" | "~", operand: this.nested(() => this.factor()), pos: t.pos };
    return this.power();
  }

  /** Right-associative; the exponent may carry a sign (`2**-1`), as in Python. */
  private power(): SyntaxExpr {
    const base = this.primary();
    if (!this.accept("op", "**")) return base;
    return { kind: "binary", op: "**", left: base, right: this.nested(() => this.factor()), pos: base.pos };
  }

  private primary(): SyntaxExpr {
    const t = this.tok;
    if (t.kind === "number") {
      this.next();
      return { kind: "number", value: Number(t.text), pos: t.pos };
    }
    if (t.kind === "op" && t.text === "(") {
      this.next();
      const e = this.expression();
      if (this.is("eof") || this.is("sep")) this.error(`expected ')' to close the '(' at ${t.pos.line}:${t.pos.column}, found ${this.describe(this.tok)}`);
      this.expect("op", ")", "')'");
      return e;
    }
    if (t.kind === "name") {
      this.next();
      if (this.is("op", "(")) return this.call(t);
      if (this.is("op", "[")) return this.subscript(t);
      return { kind: "name", name: t.text, pos: t.pos };
    }
    this.error(`expected an expression, found ${this.describe(t)}`);
  }

  private call(name: Token): SyntaxExpr {
    if (!Object.hasOwn(MATH_FUNCTIONS, name.text)) {
      this.error(`unknown function '${name.text}' (known: ${Object.keys(MATH_FUNCTIONS).join(", ")})`, name);
    }
    const fn = name.text as MathFunction;
    this.next(); // (
    const args: SyntaxExpr[] = [];
    if (!this.is("op", ")")) {
      do args.push(this.expression()); while (this.accept("op", ",") && !this.is("op", ")"));
    }
    this.expect("op", ")", "',' or ')' in the argument list");
    const arity = MATH_FUNCTIONS[fn];
    if (args.length !== arity) {
      this.error(`function '${fn}' takes ${arity} argument${arity === 1 ? "" : "s"}, ${args.length} given`, name);
    }
    return { kind: "call", fn, args, pos: name.pos };
  }

  private subscript(name: Token): SyntaxExpr {
    this.next(); // [
    const indices: IndexExpr[] = [];
    const unclosed = () => {
      if (this.is("eof") || this.is("sep")) this.error(`expected ']' to close the subscript of '${name.text}', found ${this.describe(this.tok)}`);
    };
    do { unclosed(); indices.push(this.index()); unclosed(); } while (this.accept("op", ",") && !this.is("op", "]"));
    this.expect("op", "]", "',' or ']' in the subscript");
    return { kind: "subscript", name: name.text, indices, pos: name.pos };
  }

  /** `it`, `it + n`, `it - n`, `n + it` (n an integer literal, optionally signed). */
  private index(): IndexExpr {
    const start = this.tok;
    const form = "an index must be 'it', 'it + n', 'it - n' or 'n + it' with an iterator 'it' and an integer n";
    if (start.kind === "name") {
      this.next();
      const sign = this.accept("op", "+") ?? this.accept("op", "-");
      if (!sign) {
        if (!this.is("op", ",") && !this.is("op", "]") && !this.is("eof") && !this.is("sep")) this.error(form);
        return { iterator: start.text, offset: 0, pos: start.pos };
      }
      const n = this.integer(form);
      return { iterator: start.text, offset: sign.text === "-" ? 0 - n : n, pos: start.pos };
    }
    if (start.kind === "number" || this.is("op", "-") || this.is("op", "+")) {
      const n = this.integer(form);
      this.expect("op", "+", `'+ iterator' after the offset (${form})`);
      const it = this.tok;
      if (it.kind !== "name") this.error(form);
      this.next();
      return { iterator: it.text, offset: n, pos: start.pos };
    }
    this.error(form);
  }

  /** An optionally signed integer literal. */
  private integer(form: string): number {
    const sign = this.accept("op", "-") ?? this.accept("op", "+");
    const t = this.tok;
    if (t.kind !== "number") this.error(form);
    if (!/^\d+$/.test(t.text)) this.error(`offset '${t.text}' is not an integer`);
    this.next();
    if (this.is("op", "*") || this.is("op", "/") || this.is("op", "**") || this.is("op", "(")) this.error(form);
    const n = Number(t.text);
    if (!Number.isSafeInteger(n)) this.error(`offset '${t.text}' is too large`);
    return sign?.text === "-" ? 0 - n : n; // 0 - n: never -0
  }
}
