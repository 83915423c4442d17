// Prints the expression AST as C/C++/OpenCL C. Every value is computed in the stencil's type T:
// literals and inputs of other types are converted first, which is how NumPy evaluates a
// float32 program with Python float literals (weak scalars).

import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import { multipliedPower, walkExpr, type Assignment, type Expr } from "../ir/expr.js";

export interface CExprContext {
  dtype: DType;
  /** Prints a field access (a window tap with its boundary check, an array load…). */
  access(e: Extract<Expr, { kind: "access" }>): string;
  /** Prints a scalar input or constant by name; temporaries are printed as they are. */
  name(name: string): string;
  /** Function-call spelling: C++ uses `std::sqrt`, OpenCL C plain `sqrt`. */
  mathPrefix: string;
  /** How conversions are spelled (default C++ `float(x)`; OpenCL C needs `(float)(x)`). */
  cast?: CastStyle;
  /** How types are spelled (default C++: `float`, `int32_t`; OpenCL C: `float`, `int`). */
  typeName?: TypeName;
}

/** Spelling of a scalar type in the target language. */
export type TypeName = (d: DType) => string;
export const cppTypeName: TypeName = (d) => DTYPE_INFO[d].cType;
export const openclTypeName: TypeName = (d) => DTYPE_INFO[d].clType;

/**
 * Spelling of a conversion: `functional` is C++'s `float(x)`, `c` the C cast `(float)(x)` that
 * OpenCL C (which has no functional casts) and C++ both accept.
 */
export type CastStyle = "functional" | "c";

/** `text` converted to the C type `type`. */
export function castTo(type: string, text: string, style: CastStyle = "functional"): string {
  return style === "c" ? `(${type})(${text})` : `${type}(${text})`;
}

/** A double literal that C parses to exactly the same double as JavaScript holds. */
export function doubleLiteral(v: number): string {
  if (Number.isNaN(v)) return "(0.0/0.0)";
  if (!Number.isFinite(v)) return v > 0 ? "(1.0/0.0)" : "(-1.0/0.0)";
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * A literal of type `dtype`: a double literal converted once, like NumPy converts a Python float;
 * an integer literal for integer types (the frontend admits only exact integers there). Negative
 * values are parenthesised so that a sign in front never makes `--`.
 */
export function typedLiteral(v: number, dtype: DType, style: CastStyle = "functional", typeName: TypeName = cppTypeName): string {
  if (DTYPE_INFO[dtype].integer) {
    const int = Math.trunc(v);
    if (dtype === "int32") return int === -2147483648 ? "(-2147483647 - 1)" : int < 0 ? `(${int})` : String(int);
    // int64: the literal's own type (int or long) is converted.
    return castTo(typeName(dtype), String(int), style);
  }
  const lit = doubleLiteral(v);
  if (dtype === "float64") return v < 0 || Object.is(v, -0) ? `(${lit})` : lit;
  return castTo(typeName(dtype), lit, style);
}

/** Precedence of C operators as printed (higher binds tighter). */
const PRECEDENCE: Record<string, number> = {
  ternary: 1, or: 2, and: 3, "|": 4, "^": 5, "&": 6, "==": 7, "!=": 7, "<": 8, "<=": 8, ">": 8, ">=": 8,
  "<<": 9, ">>": 9, "+": 10, "-": 10, "*": 11, "/": 11, "%": 11, unary: 12, atom: 14,
};

/** Name of the helper that gives an integer operator defined C semantics (see integerHelpers). */
const INTEGER_HELPER: Record<string, string> = { "/": "div", "%": "rem", "<<": "shl", ">>": "shr" };
const helperName = (op: string, d: DType) => `sdfg_${INTEGER_HELPER[op]}_${d === "int32" ? "i32" : "i64"}_`;

const C_OPS: Record<string, string> = { and: "&&", or: "||" };

export function printCExpr(e: Expr, ctx: CExprContext): string {
  return print(e, ctx).text;
}

function print(e: Expr, ctx: CExprContext): { text: string; prec: number } {
  const typeName = ctx.typeName ?? cppTypeName;
  const T = typeName(ctx.dtype);
  const integer = DTYPE_INFO[ctx.dtype].integer;
  const style = ctx.cast ?? "functional";
  const conv = (text: string) => castTo(T, text, style);
  // A C cast binds like a unary operator; a functional cast is an atom.
  const convPrec = style === "c" ? PRECEDENCE.unary! : PRECEDENCE.atom!;
  const wrap = (x: { text: string; prec: number }, min: number) => (x.prec < min ? `(${x.text})` : x.text);
  switch (e.kind) {
    case "number": return { text: typedLiteral(e.value, ctx.dtype, style, typeName), prec: ctx.dtype === "float64" || ctx.dtype === "int32" ? PRECEDENCE.atom! : convPrec };
    case "name": return { text: ctx.name(e.name), prec: PRECEDENCE.atom! };
    case "access": return { text: ctx.access(e), prec: PRECEDENCE.atom! };
    case "unary": {
      const inner = print(e.operand, ctx);
      if (e.op === "not") return { text: `!${wrap(inner, PRECEDENCE.unary!)}`, prec: PRECEDENCE.unary! };
      if (e.op === "~" && isBoolean(e.operand)) return { text: `~${conv(inner.text)}`, prec: PRECEDENCE.unary! };
      return { text: `${e.op}${wrap(inner, PRECEDENCE.unary! + 1)}`, prec: PRECEDENCE.unary! };
    }
    case "binary": {
      const l = print(e.left, ctx);
      const r = print(e.right, ctx);
      if (e.op === "**") {
        // Small integer powers are multiplications (cheaper in hardware than a pow core, and
        // exact for x**2); the base is printed once per factor, so keep it small.
        const n = multipliedPower(e.right);
        if (n !== null) {
          const base = isBoolean(e.left) ? conv(l.text) : wrap(l, PRECEDENCE.atom!);
          return { text: `(${Array(n).fill(base).join(" * ")})`, prec: PRECEDENCE.atom! };
        }
        return { text: `${ctx.mathPrefix}pow(${conv(l.text)}, ${conv(r.text)})`, prec: PRECEDENCE.atom! };
      }
      const p = PRECEDENCE[e.op]!;
      // Arithmetic on a comparison result (bool) is done in T, as NumPy does.
      const arith = ["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^"].includes(e.op);
      const operand = (x: { text: string; prec: number }, ex: Expr, min: number) => (arith && isBoolean(ex) ? conv(x.text) : wrap(x, min));
      // Integer division, remainder and shifts go through helpers that define every case
      // (division by zero, INT_MIN / -1, shift counts outside 0..bits-1) the way NumPy does.
      if (integer && e.op in INTEGER_HELPER) {
        return { text: `${helperName(e.op, ctx.dtype)}(${operand(l, e.left, PRECEDENCE.ternary!)}, ${operand(r, e.right, PRECEDENCE.ternary!)})`, prec: PRECEDENCE.atom! };
      }
      // Parenthesise what GCC's -Wparentheses asks for (and -Werror would refuse): comparisons
      // inside comparisons, `&&` inside `||`, anything compound inside `&`, `|`, `^`.
      const min = ["&", "|", "^"].includes(e.op) ? PRECEDENCE.unary!
        : ["<", "<=", ">", ">=", "==", "!="].includes(e.op) ? PRECEDENCE["<"]! + 1
        : e.op === "or" ? PRECEDENCE.and! + 1 : p;
      const lt = operand(l, e.left, Math.max(min, p));
      const rt = operand(r, e.right, Math.max(min, p + 1));
      return { text: `${lt} ${C_OPS[e.op] ?? e.op} ${rt}`, prec: p };
    }
    case "call": {
      const fn = e.fn === "abs" && !integer ? "fabs" : e.fn;
      const args = e.args.map((a) => conv(print(a, ctx).text));
      const call = `${ctx.mathPrefix}${fn}(${args.join(", ")})`;
      // OpenCL's integer abs returns the unsigned type: convert back.
      if (integer && fn === "abs") return { text: conv(call), prec: convPrec };
      return { text: call, prec: PRECEDENCE.atom! };
    }
    case "ternary": {
      const c = print(e.cond, ctx);
      const a = print(e.then, ctx);
      const b = print(e.otherwise, ctx);
      const branch = (x: { text: string }, ex: Expr) => (isBoolean(ex) ? conv(x.text) : wrap(x as { text: string; prec: number }, PRECEDENCE.ternary! + 1));
      return { text: `${wrap(c, PRECEDENCE.ternary! + 1)} ? ${branch(a, e.then)} : ${branch(b, e.otherwise)}`, prec: PRECEDENCE.ternary! };
    }
  }
}

/** Whether code calls one of `fns` (e.g. min/max, which need <algorithm> in C++). */
export function callsAny(code: Assignment[], fns: readonly string[]): boolean {
  let found = false;
  for (const s of code) walkExpr(s.value, (e) => { if (e.kind === "call" && fns.includes(e.fn)) found = true; });
  return found;
}

function isBoolean(e: Expr): boolean {
  return (e.kind === "binary" && ["<", "<=", ">", ">=", "==", "!=", "and", "or"].includes(e.op)) || (e.kind === "unary" && e.op === "not");
}

/**
 * Prints stencil code as C statements: one `const T name = …;` per assignment. Returns the
 * statements and the name holding the result (the last assignment's target).
 */
export function printAssignments(code: Assignment[], ctx: CExprContext, rename: (target: string) => string = (t) => t): { statements: string[]; result: string } {
  const T = (ctx.typeName ?? cppTypeName)(ctx.dtype);
  const statements: string[] = [];
  const seen = new Map<string, number>();
  const current = new Map<string, string>();
  const printed: { name: string }[] = [];
  const used = new Set<string>();
  const inner: CExprContext = {
    ...ctx,
    name: (n) => {
      const temp = current.get(n);
      if (temp === undefined) return ctx.name(n);
      used.add(temp);
      return temp;
    },
  };
  for (const s of code) {
    const value = printCExpr(s.value, inner);
    // A temporary may be reassigned (`t = …; t = t * 2`): each assignment gets its own const.
    const count = seen.get(s.target) ?? 0;
    seen.set(s.target, count + 1);
    const base = rename(s.target);
    const name = count === 0 ? base : `${base}_${count}_`;
    const typed = isBoolean(s.value) ? castTo(T, value, ctx.cast) : value;
    statements.push(`const ${T} ${name} = ${typed};`);
    current.set(s.target, name);
    printed.push({ name });
  }
  const result = current.get(code[code.length - 1]!.target)!;
  // A temporary nothing reads is kept (the program says so) but marked used: the generated code
  // must compile under -Wall -Wextra -Werror on every vendor (`(void)x;` is C and C++).
  for (const p of printed) if (p.name !== result && !used.has(p.name)) statements.push(`(void)${p.name};`);
  return { statements, result };
}

/** Whether any of the stencils' code needs the integer helpers (integer division, `%`, shifts). */
export function needsIntegerHelpers(codes: { dtype: DType; code: Assignment[] }[]): DType[] {
  const out = new Set<DType>();
  for (const { dtype, code } of codes) {
    if (!DTYPE_INFO[dtype].integer) continue;
    for (const s of code) walkExpr(s.value, (e) => { if (e.kind === "binary" && e.op in INTEGER_HELPER) out.add(dtype); });
  }
  return [...out].sort();
}

/**
 * The integer helpers for `dtypes`, as C/C++/OpenCL C (`static inline`, so unused ones cost
 * nothing and raise no warning). C leaves these cases undefined; we define them as NumPy does:
 *  - a / b truncates toward zero; a / 0 = 0; INT_MIN / -1 wraps to INT_MIN;
 *  - a % b has the sign of a (a == (a / b) * b + a % b); a % 0 = 0; a % -1 = 0;
 *  - a << b shifts the two's-complement bits (wrapping); a >> b is arithmetic; a shift count
 *    outside 0..bits-1 gives 0 (<<), or 0 / -1 by the sign of a (>>).
 */
export function integerHelpers(dtypes: DType[], typeName: TypeName, unsignedName: (d: DType) => string): string[] {
  const lines: string[] = [];
  for (const d of dtypes) {
    const T = typeName(d);
    const U = unsignedName(d);
    const tag = d === "int32" ? "i32" : "i64";
    const bits = DTYPE_INFO[d].bytes * 8;
    lines.push(
      `static inline ${T} sdfg_div_${tag}_(${T} a, ${T} b) { return b == 0 ? (${T})0 : b == -1 ? (${T})((${U})0 - (${U})a) : a / b; }`,
      `static inline ${T} sdfg_rem_${tag}_(${T} a, ${T} b) { return (b == 0 || b == -1) ? (${T})0 : a % b; }`,
      `static inline ${T} sdfg_shl_${tag}_(${T} a, ${T} b) { return (b < 0 || b >= ${bits}) ? (${T})0 : (${T})((${U})a << b); }`,
      `static inline ${T} sdfg_shr_${tag}_(${T} a, ${T} b) { return (b < 0 || b >= ${bits}) ? (${T})(a < 0 ? -1 : 0) : (${T})(a >> b); }`,
    );
  }
  return lines;
}
