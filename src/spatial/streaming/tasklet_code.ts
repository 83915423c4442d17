// A DaCe tasklet's code (general-program statements) as stencil-road code: the assignments of a
// map PE whose taps are all at offset 0. Connectors become reads of the data they carry, program
// constants and symbols become numbers; what a streamed map PE cannot compute is refused with the
// reason, never approximated.

import { MATH_FUNCTIONS, type Assignment, type BinaryOp, type Expr, type MathFunction } from "../../ir/expr.js";
import type { PExpr, PStmt } from "../../ir/program.js";
import { NotStreamable } from "./not_streamable.js";


/** What a tasklet's connector carries: a field read at offset 0 (rank axes), or a scalar. */
export type ConnectorRead = { kind: "field"; data: string; rank: number } | { kind: "scalar"; data: string };

export interface TaskletContext {
  tasklet: string;
  connectors: Record<string, ConnectorRead>;
  /** The out-connector and the data name its value becomes. */
  output: { connector: string; data: string };
  constants: Record<string, number>;
  symbols: Record<string, number>;
}

const BINARY: readonly string[] = ["+", "-", "*", "/", "**", "%", "<", "<=", ">", ">=", "==", "!=", "and", "or", "&", "|", "^", "<<", ">>"];

/** The tasklet's statements as stencil assignments; the last assigns the out-connector. */
export function taskletAssignments(code: PStmt[], ctx: TaskletContext): Assignment[] {
  const locals = new Map<string, string>();
  const out: Assignment[] = [];
  for (const s of code) {
    if (s.kind !== "assign") throw new NotStreamable(`tasklet '${ctx.tasklet}' branches (an if statement)`);
    if (s.indices && s.indices.length > 0) throw new NotStreamable(`tasklet '${ctx.tasklet}' assigns an element of '${s.target}'`);
    const value = expr(s.value, ctx, locals);
    const target = s.target === ctx.output.connector ? ctx.output.data : `t${locals.size}`;
    if (s.target !== ctx.output.connector) locals.set(s.target, target);
    out.push({ target, value });
  }
  if (out.length === 0 || code[code.length - 1]!.kind !== "assign" || (code[code.length - 1] as { target: string }).target !== ctx.output.connector) {
    throw new NotStreamable(`tasklet '${ctx.tasklet}' does not end by assigning its output '${ctx.output.connector}'`);
  }
  return out;
}

function expr(e: PExpr, ctx: TaskletContext, locals: Map<string, string>): Expr {
  const r = (x: PExpr) => expr(x, ctx, locals);
  switch (e.kind) {
    case "number":
      if (e.imag) throw new NotStreamable(`tasklet '${ctx.tasklet}' uses a complex number`);
      return { kind: "number", value: e.value };
    case "bool": return { kind: "number", value: e.value ? 1 : 0 };
    case "name": return nameRead(e.name, ctx, locals);
    case "index": {
      const conn = ctx.connectors[e.name];
      if (conn && e.indices.every((i) => i.kind === "number" && i.value === 0)) return nameRead(e.name, ctx, locals);
      throw new NotStreamable(`tasklet '${ctx.tasklet}' indexes '${e.name}' inside its code`);
    }
    case "unary": return { kind: "unary", op: e.op, operand: r(e.operand) };
    case "binary":
      if (!BINARY.includes(e.op)) throw new NotStreamable(`tasklet '${ctx.tasklet}' uses the operator '${e.op}'`);
      return { kind: "binary", op: e.op as BinaryOp, left: r(e.left), right: r(e.right) };
    case "call":
      if (!Object.hasOwn(MATH_FUNCTIONS, e.fn)) throw new NotStreamable(`tasklet '${ctx.tasklet}' calls '${e.fn}', which map PEs do not compute yet`);
      return { kind: "call", fn: e.fn as MathFunction, args: e.args.map(r) };
    case "cast": {
      // A literal converted (`float64(2)`) is a number; any other conversion is left to the PE's type.
      if (e.operand.kind === "number" && !e.operand.imag) return { kind: "number", value: e.operand.value };
      if (e.to === "float32" || e.to === "float64") return r(e.operand);
      throw new NotStreamable(`tasklet '${ctx.tasklet}' converts to ${e.to}`);
    }
    case "ternary": return { kind: "ternary", cond: r(e.cond), then: r(e.then), otherwise: r(e.otherwise) };
  }
}

function nameRead(name: string, ctx: TaskletContext, locals: Map<string, string>): Expr {
  const local = locals.get(name);
  if (local !== undefined) return { kind: "name", name: local };
  const conn = Object.hasOwn(ctx.connectors, name) ? ctx.connectors[name]! : undefined;
  if (conn?.kind === "field") return { kind: "access", field: conn.data, offset: Array(conn.rank).fill(0) };
  if (conn?.kind === "scalar") return { kind: "name", name: conn.data };
  if (Object.hasOwn(ctx.constants, name)) return { kind: "number", value: ctx.constants[name]! };
  if (Object.hasOwn(ctx.symbols, name)) return { kind: "number", value: ctx.symbols[name]! };
  throw new NotStreamable(`tasklet '${ctx.tasklet}' reads '${name}', which is neither a connector, a constant nor a symbol`);
}
