// Prints the expression AST as C/C++/OpenCL C. Every value is computed in the stencil's type T:
// literals and inputs of other types are converted first, which is how NumPy evaluates a
// float32 program with Python float literals (weak scalars).

import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import { walkExpr, type Assignment, type Expr } from "../ir/expr.js";

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
}

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

/** A literal of type `dtype`: a double literal converted once, like NumPy converts a Python float. */
export function typedLiteral(v: number, dtype: DType, style: CastStyle = "functional"): string {
  const lit = doubleLiteral(v);
  return dtype === "float64" ? lit : castTo(DTYPE_INFO[dtype].cType, lit, style);
}

const PRECEDENCE: Record<string, number> = {
  ternary: 1, or: 2, and: 3, not: 4, "<": 5, "<=": 5, ">": 5, ">=": 5, "==": 5, "!=": 5,
  "+": 6, "-": 6, "*": 7, "/": 7, unary: 8, "**": 9, atom: 10,
};

const C_OPS: Record<string, string> = { and: "&&", or: "||" };

export function printCExpr(e: Expr, ctx: CExprContext): string {
  return print(e, ctx).text;
}

function print(e: Expr, ctx: CExprContext): { text: string; prec: number } {
  const T = DTYPE_INFO[ctx.dtype].cType;
  const style = ctx.cast ?? "functional";
  const conv = (text: string) => castTo(T, text, style);
  // A C cast binds like a unary operator; a functional cast is an atom.
  const convPrec = style === "c" ? PRECEDENCE.unary! : PRECEDENCE.atom!;
  const wrap = (x: { text: string; prec: number }, min: number) => (x.prec < min ? `(${x.text})` : x.text);
  switch (e.kind) {
    case "number": return { text: typedLiteral(e.value, ctx.dtype, style), prec: ctx.dtype === "float64" ? PRECEDENCE.atom! : convPrec };
    case "name": return { text: ctx.name(e.name), prec: PRECEDENCE.atom! };
    case "access": return { text: ctx.access(e), prec: PRECEDENCE.atom! };
    case "unary": {
      const inner = print(e.operand, ctx);
      if (e.op === "not") return { text: `!${wrap(inner, PRECEDENCE.unary!)}`, prec: PRECEDENCE.unary! };
      return { text: `${e.op}${wrap(inner, PRECEDENCE.unary! + 1)}`, prec: PRECEDENCE.unary! };
    }
    case "binary": {
      const l = print(e.left, ctx);
      const r = print(e.right, ctx);
      if (e.op === "**") {
        // Small integer powers are multiplications (cheaper in hardware than a pow core, and
        // exact for x**2); the base is printed once per factor, so keep it small.
        const n = smallIntegerExponent(e.right);
        if (n !== null) {
          const base = isBoolean(e.left) ? conv(l.text) : wrap(l, PRECEDENCE.atom!);
          return { text: `(${Array(n).fill(base).join(" * ")})`, prec: PRECEDENCE.atom! };
        }
        return { text: `${ctx.mathPrefix}pow(${conv(l.text)}, ${conv(r.text)})`, prec: PRECEDENCE.atom! };
      }
      const p = PRECEDENCE[e.op]!;
      // Arithmetic on a comparison result (bool) is done in T, as NumPy does.
      const arith = ["+", "-", "*", "/"].includes(e.op);
      const lt = arith && isBoolean(e.left) ? conv(l.text) : wrap(l, p);
      const rt = arith && isBoolean(e.right) ? conv(r.text) : wrap(r, p + 1);
      return { text: `${lt} ${C_OPS[e.op] ?? e.op} ${rt}`, prec: p };
    }
    case "call": {
      const fn = e.fn === "abs" ? "fabs" : e.fn;
      const args = e.args.map((a) => conv(print(a, ctx).text));
      return { text: `${ctx.mathPrefix}${fn}(${args.join(", ")})`, prec: PRECEDENCE.atom! };
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

/** Exponents written as multiplications: `x**2` … `x**4` (literal integers, possibly `2.0`). */
export const MAX_MULTIPLIED_POWER = 4;

function smallIntegerExponent(e: Expr): number | null {
  return e.kind === "number" && Number.isInteger(e.value) && e.value >= 2 && e.value <= MAX_MULTIPLIED_POWER ? e.value : null;
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
  const T = DTYPE_INFO[ctx.dtype].cType;
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
