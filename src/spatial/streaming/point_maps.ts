// The maps of a dataflow state as "point maps": a map over a box whose one tasklet reads each
// input at the map point plus a constant offset and writes one output element at the map point
// plus a constant offset. That is exactly what a stencil computes; anything else in the state is
// refused with its location.

import { topologicalNodeOrder, type PEdge, type PExpr, type PNode, type PRange, type PState, type PStmt } from "../../ir/program.js";
import { constantValue, pointOffsets } from "./affine_index.js";

export interface PointRead {
  /** The tasklet's input connector. */
  connector: string;
  data: string;
  /** Access node the value comes from (a version of `data`). */
  node: number;
  /** Index = map parameter + offset, per axis; empty for a scalar. */
  offset: number[];
  scalar: boolean;
}

export interface PointMap {
  state: PState;
  entry: number;
  label: string;
  where: string;
  params: string[];
  /** Inclusive parameter bounds. */
  lo: number[];
  hi: number[];
  code: PStmt[];
  output: string;
  reads: PointRead[];
  write: { data: string; node: number; offset: number[] };
}

/** The state's maps in a dependency order, each as a point map, or why the state is not such. */
export function pointMapsOf(state: PState, arrays: Readonly<Record<string, { kind: string }>>, values: Readonly<Record<string, number>>): PointMap[] | string {
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  for (const n of state.nodes) {
    const top = state.scope.get(n.id) === null || state.scope.get(n.id) === undefined;
    if (top && n.kind !== "access" && n.kind !== "map_entry" && n.kind !== "map_exit") return `${n.where}: a ${describe(n)} outside a map`;
    if (!top && n.kind !== "tasklet") return `${n.where}: a ${describe(n)} inside a map (only one tasklet per map is streamed)`;
  }
  const maps: PointMap[] = [];
  for (const id of topologicalNodeOrder(state)) {
    const n = byId.get(id)!;
    if (n.kind === "access") {
      // A whole-array copy (host to device buffer and back) is the identity at offset 0.
      const writers = state.edges.filter((e) => e.dst === id);
      const copies = writers.filter((e) => byId.get(e.src)?.kind === "access");
      if (copies.length === 0) continue;
      if (writers.length > 1) return `${n.where}: '${n.data}' is written by more than one edge`;
      const c = wholeCopy(copies[0]!, byId, arrays, values);
      if (typeof c === "string") return c;
      maps.push({ ...c, state });
      continue;
    }
    if (n.kind !== "map_entry") continue;
    const m = pointMap(state, n, byId, arrays, values);
    if (typeof m === "string") return m;
    maps.push(m);
  }
  return maps;
}

function pointMap(
  state: PState, entry: Extract<PNode, { kind: "map_entry" }>, byId: Map<number, PNode>,
  arrays: Readonly<Record<string, { kind: string }>>, values: Readonly<Record<string, number>>,
): PointMap | string {
  const where = entry.where;
  const inside = state.nodes.filter((n) => state.scope.get(n.id) === entry.id);
  if (inside.length !== 1 || inside[0]!.kind !== "tasklet") return `${where}: map '${entry.label}' does not hold exactly one tasklet`;
  const tasklet = inside[0]!;
  const params = entry.params;
  const lo: number[] = [];
  const hi: number[] = [];
  for (const [d, r] of entry.ranges.entries()) {
    const a = constantValue(r.start, values);
    const b = constantValue(r.end, values);
    const step = constantValue(r.step, values);
    if (a === null || b === null) return `${where}: map '${entry.label}' has a range whose bounds are not known before the run (parameter ${params[d]})`;
    if (step !== 1) return `${where}: map '${entry.label}' steps parameter ${params[d]} by ${step ?? "a non-constant"} (only unit steps are streamed)`;
    if (b < a) return `${where}: map '${entry.label}' is empty`;
    lo.push(a);
    hi.push(b);
  }
  const edgesTo = (id: number) => state.edges.filter((e) => e.dst === id);
  const edgesFrom = (id: number) => state.edges.filter((e) => e.src === id);

  const reads: PointRead[] = [];
  for (const e of edgesTo(tasklet.id)) {
    if (!e.memlet) continue; // an empty memlet only orders the tasklet after the map entry
    if (e.src !== entry.id || !e.dstConn) return `${e.where}: the tasklet reads from something other than its map`;
    const outer = outerEdge(edgesTo(entry.id), e.srcConn);
    if (!outer || byId.get(outer.src)?.kind !== "access") return `${e.where}: the map's input does not come from a data container`;
    if (e.memlet.wcr || e.memlet.dynamic) return `${e.where}: a dynamic or write-conflict read`;
    const data = e.memlet.data;
    const scalar = arrays[data]?.kind === "scalar";
    if (scalar) { reads.push({ connector: e.dstConn, data, node: outer.src, offset: [], scalar: true }); continue; }
    if (!e.memlet.subset) return `${e.where}: a read of '${data}' without a subset`;
    const offset = pointOffsets(e.memlet.subset, params, values);
    if (typeof offset === "string") return `${e.where}: the read of '${data}' ${offset}`;
    reads.push({ connector: e.dstConn, data, node: outer.src, offset, scalar: false });
  }
  const outs = edgesFrom(tasklet.id).filter((e) => e.memlet);
  if (tasklet.outputs.length !== 1 || outs.length !== 1) return `${tasklet.where}: the tasklet does not write exactly one output`;
  const o = outs[0]!;
  if (o.dst !== entry.exit) return `${o.where}: the tasklet writes to something other than its map's exit`;
  if (o.memlet!.wcr) return `${o.where}: the write of '${o.memlet!.data}' has a write-conflict resolution (a reduction, not a stencil)`;
  if (o.memlet!.dynamic) return `${o.where}: the write of '${o.memlet!.data}' is dynamic`;
  const outer = state.edges.find((e) => e.src === entry.exit && e.srcConn === (o.dstConn ?? "").replace(/^IN_/, "OUT_"));
  if (!outer || byId.get(outer.dst)?.kind !== "access") return `${o.where}: the map's output does not go to a data container`;
  if (arrays[o.memlet!.data]?.kind !== "array") return `${o.where}: the map writes '${o.memlet!.data}', which is not an array`;
  const offset = pointOffsets(o.memlet!.subset ?? [], params, values);
  if (typeof offset === "string") return `${o.where}: the write of '${o.memlet!.data}' ${offset}`;
  return {
    state, entry: entry.id, label: entry.label, where, params, lo, hi, code: tasklet.code, output: tasklet.outputs[0]!, reads,
    write: { data: o.memlet!.data, node: outer.dst, offset },
  };
}

/** A copy of a whole array into another of the same shape, as a point map of the identity. */
function wholeCopy(e: PEdge, byId: Map<number, PNode>, arrays: Readonly<Record<string, { kind: string; shape?: PExpr[] }>>, values: Readonly<Record<string, number>>): Omit<PointMap, "state"> | string {
  const src = byId.get(e.src) as Extract<PNode, { kind: "access" }>;
  const dst = byId.get(e.dst) as Extract<PNode, { kind: "access" }>;
  const m = e.memlet;
  const what = `${e.where}: the copy of '${src.data}' into '${dst.data}'`;
  if (!m || m.wcr || m.dynamic) return `${what} is dynamic or has a write-conflict resolution`;
  const shapeOf = (data: string) => (arrays[data]?.shape ?? []).map((x) => constantValue(x, values));
  const from = shapeOf(src.data);
  const to = shapeOf(dst.data);
  if (arrays[src.data]?.kind !== "array" || arrays[dst.data]?.kind !== "array") return `${what} is not between two arrays`;
  if (from.some((x) => x === null) || from.join() !== to.join()) return `${what} is between arrays of different shapes`;
  const whole = (subset: PRange[] | null) => subset === null || (subset.length === from.length && subset.every((r, d) => constantValue(r.start, values) === 0 && constantValue(r.end, values) === from[d]! - 1 && constantValue(r.step, values) === 1));
  if (!whole(m.subset) || !whole(m.otherSubset)) return `${what} is not of the whole array`;
  const params = from.map((_, d) => `copy${d}`);
  return {
    entry: dst.id, label: `copy ${src.data} -> ${dst.data}`, where: e.where, params,
    lo: from.map(() => 0), hi: from.map((x) => x! - 1),
    code: [{ kind: "assign", target: "out", value: { kind: "name", name: "in" } }], output: "out",
    reads: [{ connector: "in", data: src.data, node: src.id, offset: from.map(() => 0), scalar: false }],
    write: { data: dst.data, node: dst.id, offset: from.map(() => 0) },
  };
}

/** The edge into a map entry feeding its `OUT_x` connector (`IN_x`). */
function outerEdge(into: PEdge[], srcConn: string | null): PEdge | undefined {
  if (!srcConn || !srcConn.startsWith("OUT_")) return undefined;
  return into.find((e) => e.dstConn === `IN_${srcConn.slice(4)}`);
}

function describe(n: PNode): string {
  switch (n.kind) {
    case "library": return `library node '${n.label}' (${n.classpath})`;
    case "nested": return `nested SDFG '${n.label}'`;
    case "tasklet": return `tasklet '${n.label}'`;
    case "scope_unsupported": return `${n.type} scope '${n.label}'`;
    case "map_entry": return `map '${n.label}'`;
    default: return n.kind;
  }
}

