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
    if (top && n.kind !== "access" && n.kind !== "map_entry" && n.kind !== "map_exit" && n.kind !== "tasklet") return `${n.where}: a ${describe(n)} outside a map`;
    if (!top && n.kind !== "tasklet") return `${n.where}: a ${describe(n)} inside a map (only one tasklet per map is streamed)`;
  }
  const maps: PointMap[] = [];
  for (const id of topologicalNodeOrder(state)) {
    const n = byId.get(id)!;
    if (n.kind === "access") {
      // A whole-array copy (host to device buffer and back) is the identity at offset 0; a copy
      // between boxes the identity at their distance.
      const writers = state.edges.filter((e) => e.dst === id);
      const copies = writers.filter((e) => byId.get(e.src)?.kind === "access");
      if (copies.length === 0) continue;
      if (writers.length > 1) return `${n.where}: '${n.data}' is written by more than one edge`;
      const c = boxCopy(copies[0]!, byId, arrays, values);
      if (typeof c === "string") return c;
      maps.push({ ...c, state });
      continue;
    }
    if (n.kind === "tasklet" && (state.scope.get(n.id) ?? null) === null) {
      const t = scalarTasklet(state, n, byId, arrays);
      if (typeof t === "string") return t;
      maps.push(t);
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

/**
 * A copy of a box of one array into an equally sized box of another (or the same) array, as a
 * point map of the identity over the destination box reading the source at the boxes' distance:
 * `A[:] = B` is the whole box, cavity_flow's boundary condition `p[:, -1] = p[:, -2]` the last
 * column reading the one before it.
 */
function boxCopy(e: PEdge, byId: Map<number, PNode>, arrays: Readonly<Record<string, { kind: string; shape?: PExpr[] }>>, values: Readonly<Record<string, number>>): Omit<PointMap, "state"> | string {
  const src = byId.get(e.src) as Extract<PNode, { kind: "access" }>;
  const dst = byId.get(e.dst) as Extract<PNode, { kind: "access" }>;
  const m = e.memlet;
  const what = `${e.where}: the copy of '${src.data}' into '${dst.data}'`;
  if (!m || m.wcr || m.dynamic) return `${what} is dynamic or has a write-conflict resolution`;
  const shapeOf = (data: string) => (arrays[data]?.shape ?? []).map((x) => constantValue(x, values));
  const from = shapeOf(src.data);
  const to = shapeOf(dst.data);
  if (arrays[src.data]?.kind !== "array" || arrays[dst.data]?.kind !== "array") return `${what} is not between two arrays`;
  if (from.some((x) => x === null) || to.some((x) => x === null) || from.length !== to.length) return `${what} is between arrays of different ranks or of shapes not known before the run`;
  // DaCe's `subset` belongs to the memlet's data; `is_data_src` says which end that is when
  // both ends are the same array (a copy within p).
  const subsetIsSrc = m.subsetIsSrc ?? m.data === src.data;
  const srcBox = box(subsetIsSrc ? m.subset : m.otherSubset, from as number[], values);
  const dstBox = box(subsetIsSrc ? m.otherSubset : m.subset, to as number[], values);
  if (typeof srcBox === "string") return `${what}: its source ${srcBox}`;
  if (typeof dstBox === "string") return `${what}: its destination ${dstBox}`;
  if (srcBox.some((r, d) => r.hi - r.lo !== dstBox[d]!.hi - dstBox[d]!.lo)) return `${what} copies boxes of different extents`;
  const params = from.map((_, d) => `copy${d}`);
  return {
    entry: dst.id, label: `copy ${src.data} -> ${dst.data}`, where: e.where, params,
    lo: dstBox.map((r) => r.lo), hi: dstBox.map((r) => r.hi),
    code: [{ kind: "assign", target: "out", value: { kind: "name", name: "in" } }], output: "out",
    reads: [{ connector: "in", data: src.data, node: src.id, offset: srcBox.map((r, d) => r.lo - dstBox[d]!.lo), scalar: false }],
    write: { data: dst.data, node: dst.id, offset: from.map(() => 0) },
  };
}

/** A subset as inclusive constant bounds per axis (the whole array when absent), or why not. */
function box(subset: PRange[] | null, shape: number[], values: Readonly<Record<string, number>>): { lo: number; hi: number }[] | string {
  if (subset === null) return shape.map((x) => ({ lo: 0, hi: x - 1 }));
  if (subset.length !== shape.length) return `has ${subset.length} axes for a ${shape.length}-D array`;
  const out: { lo: number; hi: number }[] = [];
  for (const r of subset) {
    const lo = constantValue(r.start, values);
    const hi = constantValue(r.end, values);
    if (lo === null || hi === null || constantValue(r.step, values) !== 1) return "is not a box of unit steps known before the run";
    if (hi < lo) return "is empty";
    out.push({ lo, hi });
  }
  if (out.some((r, d) => r.lo < 0 || r.hi > shape[d]! - 1)) return "lies outside its array";
  return out;
}

/**
 * A tasklet outside any map computing one scalar from scalars (`1 / dt`, `dx ** 2`: DaCe's
 * NumPy frontend computes such factors once per state) as a point map without parameters; the
 * stencil pass puts its expression into the maps that read it.
 */
function scalarTasklet(state: PState, t: Extract<PNode, { kind: "tasklet" }>, byId: Map<number, PNode>, arrays: Readonly<Record<string, { kind: string; transient?: boolean }>>): PointMap | string {
  const what = `${t.where}: tasklet '${t.label}' outside a map`;
  const reads: PointRead[] = [];
  for (const e of state.edges.filter((x) => x.dst === t.id && x.memlet)) {
    const src = byId.get(e.src);
    if (src?.kind !== "access" || arrays[e.memlet!.data]?.kind !== "scalar" || !e.dstConn) return `${what} reads something other than a scalar`;
    reads.push({ connector: e.dstConn, data: e.memlet!.data, node: src.id, offset: [], scalar: true });
  }
  const outs = state.edges.filter((x) => x.src === t.id && x.memlet);
  const dst = outs.length === 1 ? byId.get(outs[0]!.dst) : undefined;
  if (t.outputs.length !== 1 || dst?.kind !== "access") return `${what} does not write exactly one data container`;
  const data = outs[0]!.memlet!.data;
  if (arrays[data]?.kind !== "scalar" || !arrays[data]?.transient) return `${what} writes '${data}', which is not a transient scalar`;
  return {
    state, entry: t.id, label: t.label, where: t.where, params: [], lo: [], hi: [], code: t.code, output: outs[0]!.srcConn ?? t.outputs[0]!, reads,
    write: { data, node: dst.id, offset: [] },
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

