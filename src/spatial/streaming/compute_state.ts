// The one dataflow state of a DaCe program that a streaming pattern reads, with what stands
// for what: the device copies of fpga_transform_sdfg's copy states, a nested SDFG's connectors,
// and the nested SDFG's own data, symbols and constants. Also the small readers of a state every
// pass needs: constant sizes and a deterministic topological order.

import { topologicalNodeOrder, type PDataDesc, type PExpr, type PState, type Program } from "../../ir/program.js";
import { NotStreamable } from "./not_streamable.js";

/**
 * The program's one dataflow state, and the device copies it works on: a DaCe FPGA program
 * (fpga_transform_sdfg) copies each array to a transient `fpga_X` in a state before and back in a
 * state after. Those copy states are memory traffic the streamed kernel's readers and writers
 * already do: each transient is read as the array it copies.
 */
export interface ComputeState {
  state: PState;
  /** Data of the state → the program's data it stands for (device copies, nested connectors). */
  alias: Map<string, string>;
  /** The program's data, and a nested SDFG's own when the state is inside one. */
  arrays: Record<string, PDataDesc>;
  symbols: Record<string, number>;
  constants: Record<string, number>;
}

export function computeState(program: Program, symbols: Record<string, number>): ComputeState {
  const blocks = program.root.blocks;
  const states = blocks.filter((b): b is PState => b.kind === "state");
  const unconditional = program.root.edges.every((e) => e.condition === null && e.assignments.length === 0);
  const isCopyState = (s: PState) => s.nodes.every((n) => n.kind === "access") && s.edges.every((e) => e.memlet !== null && !e.memlet.wcr);
  const compute = states.filter((s) => !isCopyState(s));
  if (states.length !== blocks.length || !unconditional || compute.length !== 1) {
    throw new NotStreamable(`the program has control flow (${blocks.length} top-level blocks); elementwise chains and reductions are streamed from one dataflow state`);
  }
  const alias = new Map<string, string>();
  for (const s of states) {
    if (s === compute[0]) continue;
    for (const e of s.edges) {
      const src = s.nodes.find((n) => n.id === e.src);
      const dst = s.nodes.find((n) => n.id === e.dst);
      if (src?.kind !== "access" || dst?.kind !== "access") continue;
      const [a, b] = [program.arrays[src.data], program.arrays[dst.data]];
      if (!a || !b || a.transient === b.transient) throw new NotStreamable(`copy state '${s.label}' copies '${src.data}' to '${dst.data}'`);
      const [device, host] = a.transient ? [src.data, dst.data] : [dst.data, src.data];
      if ((alias.get(device) ?? host) !== host) throw new NotStreamable(`'${device}' is copied from and to different arrays`);
      alias.set(device, host);
    }
  }
  const state = compute[0]!;
  const nested = state.nodes.filter((n) => n.kind === "nested");
  if (nested.length === 0) return { state, alias, arrays: program.arrays, symbols, constants: program.constants };
  // One nested SDFG between access nodes (DaCe FPGA samples wrap the kernel in one): its state,
  // its connectors standing for the outer data.
  const n = nested[0]!;
  if (n.kind !== "nested" || state.nodes.some((x) => x.kind !== "access" && x !== n)) throw new NotStreamable(`nested SDFG '${nested[0]!.kind === "nested" ? nested[0]!.label : ""}' sits among other computations`);
  const innerSymbols: Record<string, number> = {};
  for (const [k, v] of Object.entries(n.symbolMapping)) {
    const value = evalSize(v, symbols);
    if (value === undefined) throw new NotStreamable(`nested SDFG '${n.label}': symbol '${k}' is not a constant`);
    innerSymbols[k] = value;
  }
  const inner = computeState(n.sdfg, innerSymbols);
  const outerOf = (d: string) => alias.get(d) ?? d;
  const connectorAlias = new Map<string, string>();
  for (const e of state.edges) {
    const conn = e.dst === n.id ? e.dstConn : e.src === n.id ? e.srcConn : null;
    const other = state.nodes.find((x) => x.id === (e.dst === n.id ? e.src : e.dst));
    if (conn === null || other?.kind !== "access") continue;
    const target = outerOf(other.data);
    if ((connectorAlias.get(conn) ?? target) !== target) throw new NotStreamable(`nested SDFG '${n.label}': connector '${conn}' stands for two arrays`);
    connectorAlias.set(conn, target);
  }
  const merged = new Map<string, string>();
  for (const [k, v] of inner.alias) merged.set(k, connectorAlias.get(v) ?? v);
  for (const [k, v] of connectorAlias) merged.set(k, v);
  const arrays: Record<string, PDataDesc> = { ...program.arrays };
  for (const [k, d] of Object.entries(inner.arrays)) {
    if (merged.has(k)) continue;
    if (Object.hasOwn(arrays, k)) throw new NotStreamable(`nested SDFG '${n.label}' has its own '${k}'`);
    arrays[k] = d;
  }
  return { state: inner.state, alias: merged, arrays, symbols: { ...symbols, ...inner.symbols }, constants: { ...program.constants, ...inner.constants } };
}

/** A constant size expression (numbers, symbols, + - * and //) or undefined. */
export function evalSize(e: PExpr, symbols: Record<string, number>): number | undefined {
  switch (e.kind) {
    case "number": return e.imag ? undefined : e.value;
    case "name": return Object.hasOwn(symbols, e.name) ? symbols[e.name] : undefined;
    case "unary": { const v = evalSize(e.operand, symbols); return v === undefined ? undefined : e.op === "-" ? -v : e.op === "+" ? v : undefined; }
    case "cast": return evalSize(e.operand, symbols);
    case "binary": {
      const a = evalSize(e.left, symbols);
      const b = evalSize(e.right, symbols);
      if (a === undefined || b === undefined) return undefined;
      return e.op === "+" ? a + b : e.op === "-" ? a - b : e.op === "*" ? a * b : e.op === "//" && b !== 0 ? Math.floor(a / b) : undefined;
    }
    default: return undefined;
  }
}

/** Node ids of a state in a topological order of its edges; a cycle is not streamable. */
export function stateOrder(state: PState): number[] {
  const out = topologicalNodeOrder(state);
  if (out.length !== state.nodes.length) throw new NotStreamable(`state '${state.label}' has a cycle`);
  return out;
}
