// A tasklet of a DaCe map as stencil code: each input connector becomes a field access at the
// connector's constant offset (or a scalar input), symbols and constants become numbers, tasklet
// locals become temporaries. What the stencil expression language cannot say is refused with the
// reason.

import type { DType } from "../../ir/dtype.js";
import { mapExpr, type Assignment, type BinaryOp, type Expr, type MathFunction } from "../../ir/expr.js";
import type { PDType, PExpr, PStmt } from "../../ir/program.js";

/**
 * What an input connector reads: a field at an offset (one per domain axis), a scalar, or a
 * value computed from scalars (a scalar tasklet's expression, put where it is read).
 */
export type ConnectorRead = { kind: "field"; field: string; offset: number[] } | { kind: "scalar"; name: string } | { kind: "value"; value: Expr };

export interface TaskletContext {
  /** Input connector → what it reads. */
  reads: ReadonlyMap<string, ConnectorRead>;
  /** The output connector whose value is the stencil's result. */
  output: string;
  /** Values of symbols and program constants. */
  values: Readonly<Record<string, number>>;
  /** Element type of the result (integer operators are only allowed on integer stencils). */
  dtype: DType;
  /** Names temporaries must not take (data, scalar inputs). */
  taken: ReadonlySet<string>;
}

const FUNCTIONS: Partial<Record<string, MathFunction>> = {
  sqrt: "sqrt", exp: "exp", log: "log", sin: "sin", cos: "cos", tan: "tan", abs: "abs",
  floor: "floor", ceil: "ceil", min: "min", max: "max", pow: "pow",
};
const FLOAT_OPS = new Set(["+", "-", "*", "/", "**", "<", "<=", ">", ">=", "==", "!=", "and", "or"]);
const INTEGER_OPS = new Set(["%", "<<", ">>", "&", "|", "^"]);

/** The tasklet's code as stencil assignments (the last one is the result), or why not. */
export function taskletToStencil(code: readonly PStmt[], ctx: TaskletContext): Assignment[] | string {
  const locals = new Map<string, string>();
  const out: Assignment[] = [];
  let fresh = 0;
  const temp = () => {
    let n: string;
    do n = `t${fresh++}`; while (ctx.taken.has(n));
    return n;
  };
  for (const s of code) {
    if (s.kind !== "assign") return "the tasklet has an if statement (stencil code is straight-line)";
    if (s.indices && s.indices.length > 0) return `the tasklet writes '${s.target}' at an index`;
    if (ctx.reads.has(s.target)) return `the tasklet assigns its input connector '${s.target}'`;
    const value = convert(s.value, ctx, locals);
    if (typeof value === "string") return value;
    const name = temp();
    out.push({ target: name, value });
    locals.set(s.target, name);
  }
  if (!locals.has(ctx.output)) return `the tasklet never assigns its output '${ctx.output}'`;
  const last = out[out.length - 1];
  if (!last || last.target !== locals.get(ctx.output)) out.push({ target: temp(), value: { kind: "name", name: locals.get(ctx.output)! } });
  return out;
}

function convert(e: PExpr, ctx: TaskletContext, locals: ReadonlyMap<string, string>): Expr | string {
  const rec = (x: PExpr) => convert(x, ctx, locals);
  switch (e.kind) {
    case "number":
      if (e.imag) return "the tasklet uses a complex number";
      return { kind: "number", value: e.value };
    case "bool": return { kind: "number", value: e.value ? 1 : 0 };
    case "name": {
      const local = locals.get(e.name);
      if (local !== undefined) return { kind: "name", name: local };
      const read = ctx.reads.get(e.name);
      if (read) return read.kind === "field" ? { kind: "access", field: read.field, offset: [...read.offset] } : read.kind === "value" ? read.value : { kind: "name", name: read.name };
      if (Object.hasOwn(ctx.values, e.name)) return { kind: "number", value: ctx.values[e.name]! };
      return `the tasklet reads '${e.name}', which is neither a connector nor a symbol with a value`;
    }
    case "index": return `the tasklet indexes '${e.name}' (a data-dependent access)`;
    case "unary": {
      if (e.op === "~" && !isIntegerType(ctx.dtype)) return "the tasklet uses '~' on floating-point data";
      const operand = rec(e.operand);
      return typeof operand === "string" ? operand : { kind: "unary", op: e.op, operand };
    }
    case "binary": {
      const ok = FLOAT_OPS.has(e.op) || (isIntegerType(ctx.dtype) && INTEGER_OPS.has(e.op));
      if (!ok) return `the tasklet uses the operator '${e.op}', which stencil code has no ${ctx.dtype} form of`;
      const left = rec(e.left);
      if (typeof left === "string") return left;
      const right = rec(e.right);
      if (typeof right === "string") return right;
      return { kind: "binary", op: e.op as BinaryOp, left, right };
    }
    case "call": {
      const fn = FUNCTIONS[e.fn];
      if (!fn) return `the tasklet calls '${e.fn}', which stencil code has no form of`;
      const args: Expr[] = [];
      for (const a of e.args) {
        const x = rec(a);
        if (typeof x === "string") return x;
        args.push(x);
      }
      return { kind: "call", fn, args };
    }
    case "cast":
      if (!sameType(e.to, ctx.dtype)) return `the tasklet converts to ${e.to} inside a ${ctx.dtype} computation`;
      return rec(e.operand);
    case "ternary": {
      const cond = rec(e.cond);
      if (typeof cond === "string") return cond;
      const then = rec(e.then);
      if (typeof then === "string") return then;
      const otherwise = rec(e.otherwise);
      if (typeof otherwise === "string") return otherwise;
      return { kind: "ternary", cond, then, otherwise };
    }
  }
}

/** The element types streamed stencils compute. */
const STREAMED_TYPES: readonly string[] = ["float32", "float64", "int32", "int64"];

/** Why data of type `dtype` cannot be streamed through a stencil, or null. */
export function streamedTypeProblem(data: string, dtype: string): string | null {
  return STREAMED_TYPES.includes(dtype) ? null : `'${data}' is ${dtype}; streamed stencils compute float32, float64, int32 or int64`;
}

/** Stencil code whose temporaries are put into the last assignment: one expression. */
export function asOneExpression(code: readonly Assignment[]): Expr {
  const byName = new Map<string, Expr>();
  let last: Expr = { kind: "number", value: 0 };
  for (const a of code) {
    last = mapExpr(a.value, (x) => (x.kind === "name" && byName.has(x.name) ? byName.get(x.name)! : x));
    byName.set(a.target, last);
  }
  return last;
}

function isIntegerType(d: DType): boolean {
  return d === "int32" || d === "int64";
}

function sameType(p: PDType, d: DType): boolean {
  return p === d;
}
