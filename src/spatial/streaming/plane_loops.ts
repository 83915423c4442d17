// The loops of a vertical solver as the vertical-solver pass (vertical_solver.ts) reads them: a
// counted loop over k (its planes in visiting order) whose body is dataflow states of maps over the
// (i, j) plane, one tasklet each, or copies between arrays (`a[:] = b`); each read or write an
// offset from the map point ([di, dj] in a plane, [di, dj, dk] in a 3-D array at plane k + dk),
// views resolved to the arrays they show. Anything else is refused with the reason.

import { topologicalNodeOrder, type PLoop, type PRange, type PState, type PStmt } from "../../ir/program.js";
import { constantValue, pointOffsets } from "./affine_index.js";
import { NotStreamable } from "./not_streamable.js";
import { ordered, stepOf, tripCount } from "./program_shape.js";

/** One loop over k: its planes in the order it visits them, and its body's maps in order. */
export interface KLoop {
  loop: PLoop;
  variable: string;
  step: 1 | -1;
  first: number;
  last: number;
  /** The body's dataflow states, in execution order. */
  states: PState[];
}

/** A map of the loop body (or a copy between two arrays): what its tasklet reads and writes. */
export interface PlaneMap {
  label: string;
  tasklet: { label: string; code: PStmt[] };
  reads: { connector: string; data: string; offset: number[] | null }[];
  write: { connector: string; data: string; rank: number };
  where: string;
}

/** A counted loop over k, its body one state: its planes in visiting order, or why it is not. */
export function kLoop(loop: PLoop, symbols: Record<string, number>): KLoop {
  const where = `loop '${loop.label}'`;
  const count = tripCount(loop, symbols);
  if (typeof count === "string") throw new NotStreamable(count);
  if (count === 0) throw new NotStreamable(`${where} never runs`);
  const variable = loop.variable!;
  const first = constantValue(loop.init[0]![1], symbols)!;
  const step = stepOf(loop.update[0]![1], variable, symbols);
  if (step !== 1 && step !== -1) throw new NotStreamable(`${where} steps by ${step}; a sweep visits every plane`);
  const body = ordered(loop.body);
  if (typeof body === "string") throw new NotStreamable(body);
  const states = body.filter((b) => !(b.kind === "state" && b.nodes.length === 0));
  if (states.length === 0 || !states.every((b) => b.kind === "state")) throw new NotStreamable(`${where}: its body is not a straight line of dataflow states (nested control flow)`);
  return { loop, variable, step, first, last: first + step * (count - 1), states: states as PState[] };
}

/** The maps of a loop body in dataflow order (state by state), each one tasklet over the (i, j) plane. */
export function planeMaps(l: KLoop, symbols: Record<string, number>): { maps: PlaneMap[]; plane: [number, number] } {
  const maps: PlaneMap[] = [];
  let plane: [number, number] | undefined;
  for (const state of l.states) {
    const found = stateMaps(l, state, symbols, plane);
    maps.push(...found.maps);
    plane = found.plane;
  }
  if (!plane) throw new NotStreamable(`loop '${l.loop.label}' holds no map`);
  return { maps, plane };
}

function stateMaps(l: KLoop, state: PState, symbols: Record<string, number>, known: [number, number] | undefined): { maps: PlaneMap[]; plane: [number, number] | undefined } {
  const order = topologicalNodeOrder(state);
  if (order.length !== state.nodes.length) throw new NotStreamable(`loop '${l.loop.label}': its state has a cycle`);
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  const maps: PlaneMap[] = [];
  let plane = known;
  // Views (`x = a[:, :, k]`): the array and the subset each view of this state stands for.
  const views = new Map<string, { data: string; subset: readonly PRange[] }>();
  const isViewEdge = (e: (typeof state.edges)[number]) => e.dstConn === "views" || e.srcConn === "views";
  for (const e of state.edges.filter((x) => isViewEdge(x) && x.memlet)) {
    const viewNode = byId.get(e.dstConn === "views" ? e.dst : e.src);
    const arrayNode = byId.get(e.dstConn === "views" ? e.src : e.dst);
    if (viewNode?.kind !== "access" || arrayNode?.kind !== "access") throw new NotStreamable(`loop '${l.loop.label}': a view edge (${e.where}) does not join two access nodes`);
    const subset = e.memlet!.data === arrayNode.data ? e.memlet!.subset : e.memlet!.otherSubset;
    if (!subset) throw new NotStreamable(`loop '${l.loop.label}': view '${viewNode.data}' has no subset of '${arrayNode.data}' (${e.where})`);
    views.set(viewNode.data, { data: arrayNode.data, subset });
  }
  /** The array element a view's element at `offsets` is (the view's subset start plus the offsets on its free axes). */
  const resolve = (data: string, offsets: number[] | null, where: string): { data: string; offset: number[] | null } => {
    const v = views.get(data);
    if (!v || offsets === null) return { data, offset: offsets };
    // A 2-D view of a 3-D array is one plane (k + dk); otherwise every axis is free.
    const squeeze = v.subset.length - offsets.length;
    if (squeeze !== 0 && !(squeeze === 1 && v.subset.length === 3)) throw new NotStreamable(`${where}: view '${data}' is ${offsets.length}-D over the ${v.subset.length}-D '${v.data}'`);
    const out: number[] = [];
    v.subset.forEach((r, a) => {
      if (squeeze === 1 && a === 2) {
        const k = planeOffset(r, l, symbols);
        if (typeof k === "string") throw new NotStreamable(`${where}: view '${data}' of '${v.data}': its plane ${k}`);
        out.push(k);
        return;
      }
      const start = constantValue(r.start, symbols);
      if (start === null) throw new NotStreamable(`${where}: view '${data}' of '${v.data}' starts on axis ${a} at an index not known before the run`);
      out.push(start + offsets[a]!);
    });
    return { data: v.data, offset: out };
  };
  for (const id of order) {
    const n = byId.get(id)!;
    const scope = state.scope.get(n.id) ?? null;
    if (n.kind === "access" && scope === null) {
      // `a[:] = b` between arrays: a copy edge from one access node to another, an elementwise map of its own.
      for (const e of state.edges.filter((x) => x.dst === n.id && x.memlet && !isViewEdge(x))) {
        const src = byId.get(e.src)!;
        if (src.kind !== "access") continue;
        const m = e.memlet!;
        const srcIsData = m.data === src.data;
        const srcSubset = srcIsData ? m.subset : m.otherSubset ?? m.subset;
        const dstSubset = srcIsData ? m.otherSubset ?? m.subset : m.subset;
        const where = `loop '${l.loop.label}', copy '${src.data}' -> '${n.data}' (${e.where})`;
        const from = copyOffsets(srcSubset ?? [], l, where, symbols);
        const to = copyOffsets(dstSubset ?? [], l, where, symbols);
        if (plane && (from.extent.join() !== plane.join() || to.extent.join() !== plane.join())) throw new NotStreamable(`${where} does not copy the ${plane.join("x")} plane`);
        if (from.extent.join() !== to.extent.join()) throw new NotStreamable(`${where} copies ${from.extent.join("x")} elements into ${to.extent.join("x")}`);
        plane = from.extent;
        if (to.offset.some((x) => x !== 0)) throw new NotStreamable(`${where} writes '${n.data}' other than at its own point`);
        const read = resolve(src.data, from.offset, where);
        const write = resolve(n.data, to.offset, where);
        if (write.offset!.some((x) => x !== 0)) throw new NotStreamable(`${where} writes '${write.data}' other than at its own point`);
        maps.push({
          label: `copy ${src.data} -> ${n.data}`, tasklet: { label: `copy ${src.data} -> ${n.data}`, code: [{ kind: "assign", target: "__out", value: { kind: "name", name: "__in1" } }] },
          reads: [{ connector: "__in1", data: read.data, offset: read.offset }], write: { connector: "__out", data: write.data, rank: write.offset!.length }, where,
        });
      }
      continue;
    }
    if (n.kind === "access" || n.kind === "map_exit") continue;
    if (n.kind === "tasklet" && scope !== null) continue;
    if (n.kind !== "map_entry") throw new NotStreamable(`loop '${l.loop.label}' holds ${n.kind === "library" ? `library node '${n.label}'` : n.kind === "tasklet" ? `tasklet '${n.label}' outside a map` : `a ${n.kind} node`}; a sweep's body is maps over the plane`);
    if (scope !== null) throw new NotStreamable(`map '${n.label}' is nested in another map`);
    const where = `loop '${l.loop.label}', map '${n.label}'`;
    if (n.params.length !== 2) throw new NotStreamable(`${where} has ${n.params.length} parameter(s); a plane map has two (i, j)`);
    const extent = n.ranges.map((r, a) => {
      const start = constantValue(r.start, symbols);
      const end = constantValue(r.end, symbols);
      const step = constantValue(r.step, symbols);
      if (start !== 0 || step !== 1 || end === null) throw new NotStreamable(`${where} does not cover axis ${a} from 0 in steps of 1`);
      return end + 1;
    }) as [number, number];
    if (plane && extent.join() !== plane.join()) throw new NotStreamable(`${where} covers ${extent.join("x")}, another map ${plane.join("x")}`);
    plane = extent;
    const inside = state.nodes.filter((x) => state.scope.get(x.id) === n.id && x.kind !== "map_exit");
    const tasklet = inside[0];
    if (inside.length !== 1 || !tasklet || tasklet.kind !== "tasklet") throw new NotStreamable(`${where} holds ${inside.length} nodes; a plane map holds one tasklet`);
    const reads: PlaneMap["reads"] = [];
    for (const e of state.edges.filter((x) => x.dst === tasklet.id)) {
      if (!e.memlet || e.dstConn === null) throw new NotStreamable(`${where}: tasklet '${tasklet.label}' has an empty input`);
      const r = resolve(e.memlet.data, access(e.memlet.data, e.memlet.subset ?? [], n.params, l, where, symbols), where);
      reads.push({ connector: e.dstConn, data: r.data, offset: r.offset });
    }
    const outs = state.edges.filter((x) => x.src === tasklet.id);
    if (outs.length !== 1 || !outs[0]!.memlet || outs[0]!.srcConn === null) throw new NotStreamable(`${where}: tasklet '${tasklet.label}' does not write exactly one value`);
    const o = outs[0]!;
    if (o.memlet!.wcr) throw new NotStreamable(`${where} writes '${o.memlet!.data}' with write-conflict resolution`);
    const w = resolve(o.memlet!.data, access(o.memlet!.data, o.memlet!.subset ?? [], n.params, l, where, symbols), where);
    const at = w.offset;
    if (at === null || at.some((x) => x !== 0)) throw new NotStreamable(`${where} writes '${w.data}' other than at its own point`);
    maps.push({ label: n.label, tasklet, reads, write: { connector: o.srcConn!, data: w.data, rank: at.length }, where });
  }
  return { maps, plane };
}

/**
 * The plane offset dk of an index `k + dk` of loop `l`; in a single-iteration loop also a constant
 * (DaCe's constant propagation writes `wcon[…, 1]` for `k + 1` when k is always 0).
 */
function planeOffset(r: PRange, l: KLoop, symbols: Record<string, number>): number | string {
  const k = pointOffsets([r], [l.variable], symbols);
  if (typeof k !== "string") return k[0]!;
  const start = constantValue(r.start, symbols);
  const end = constantValue(r.end, symbols);
  if (l.first === l.last && start !== null && start === end) return start - l.first;
  return k;
}

/** A copy's subset: the plane it covers (I, J) and its offset [di, dj] or [di, dj, dk] (plane k + dk). */
function copyOffsets(subset: readonly PRange[], l: KLoop, where: string, symbols: Record<string, number>): { extent: [number, number]; offset: number[] } {
  if (subset.length !== 2 && subset.length !== 3) throw new NotStreamable(`${where} copies a ${subset.length}-D subset; plane copies are 2-D or a plane of a 3-D array`);
  const extent: number[] = [];
  const offset: number[] = [];
  for (let a = 0; a < 2; a++) {
    const start = constantValue(subset[a]!.start, symbols);
    const end = constantValue(subset[a]!.end, symbols);
    const step = constantValue(subset[a]!.step, symbols);
    if (start === null || end === null || step !== 1) throw new NotStreamable(`${where}: axis ${a} is not a constant range in steps of 1`);
    extent.push(end - start + 1);
    offset.push(start);
  }
  if (subset.length === 3) {
    const k = planeOffset(subset[2]!, l, symbols);
    if (typeof k === "string") throw new NotStreamable(`${where}: its k index ${k}`);
    offset.push(k);
  }
  return { extent: extent as [number, number], offset };
}

/**
 * How a memlet inside a plane map indexes its data: null for a scalar, [di, dj] for an (I, J)
 * array at the map point, [di, dj, dk] for a 3-D array at the point of plane k + dk.
 */
function access(data: string, subset: readonly PRange[], params: string[], l: KLoop, where: string, symbols: Record<string, number>): number[] | null {
  if (subset.length === 0 || (subset.length === 1 && constantValue(subset[0]!.start, symbols) === 0 && constantValue(subset[0]!.end, symbols) === 0)) return null;
  const offsets = pointOffsets(subset.slice(0, 2), params, symbols);
  if (typeof offsets === "string") throw new NotStreamable(`${where}: '${data}' ${offsets}`);
  if (subset.length === 3) {
    const k = planeOffset(subset[2]!, l, symbols);
    if (typeof k === "string") throw new NotStreamable(`${where}: '${data}' index 2 ${k}`);
    offsets.push(k);
  } else if (subset.length !== 2) throw new NotStreamable(`${where}: '${data}' has ${subset.length} indices; sweeps read 2-D planes and 3-D arrays`);
  if (subset.length === 2 && offsets.some((x) => x !== 0)) throw new NotStreamable(`${where} reads the plane '${data}' at a neighbouring column`);
  return offsets;
}
