// Maps of fewer parameters than the domain has axes, lifted to the domain's rank so that the
// stencil-maps pass sees ordinary point maps. NumPy code that computes one column of a 2-D
// array from other columns (channel_flow's periodic boundary `u[1:-1, -1] = f(un[1:-1, 0],
// un[1:-1, -2], …)`) becomes, in DaCe, 1-D maps over the rows: each reads the 2-D arrays at a
// fixed column index and writes a 1-D transient `[ny - 2]` or a fixed column of a 2-D array.
// Such a map is exactly a 2-D map whose missing axis runs over the single value 0 and whose
// fixed indices are that parameter plus the constant; a 1-D transient is a 2-D one with a unit
// axis. The stencil-maps placement then puts the column where its writer writes, so a read of
// column 0 from column nx-1 is the constant, row-long offset -(nx - 1): a periodic boundary.
// Which domain axis a map parameter runs along is read off the indices of the domain-rank
// arrays it touches, and carried through the lower-rank transients it writes to their readers.
// A map whose axes cannot be told this way is left alone (the stencil pass then refuses it).

import type { PDataDesc, PExpr, PNode, PRange, PState } from "../../ir/program.js";
import { affineForm } from "./affine_index.js";

type MapEntry = Extract<PNode, { kind: "map_entry" }>;
type Values = Readonly<Record<string, number>>;
type Arrays = Readonly<Record<string, PDataDesc>>;

interface LowRankMap {
  state: number;
  entry: MapEntry;
  /** The memlets between the map's entry/exit and its tasklet, by edge index in the state. */
  edges: number[];
  /** Domain axis each parameter runs along, once known. */
  axisOf: Map<string, number>;
}

/** The states with every lower-rank map lifted to the domain's rank, and the arrays with lifted transients. */
export function liftLowerRankMaps(states: readonly PState[], arrays: Arrays, values: Values): { states: PState[]; arrays: Record<string, PDataDesc> } {
  const rank = Math.max(0, ...Object.values(arrays).filter((d) => d.kind === "array" && !d.transient).map((d) => d.shape.length));
  const low = lowRankMaps(states, rank);
  if (low.length === 0) return { states: [...states], arrays: { ...arrays } };
  const transientAxes = inferAxes(low, states, arrays, rank, values);
  const out = states.map((s) => ({ ...s, nodes: [...s.nodes], edges: [...s.edges] }));
  for (const m of low) {
    const known = m.entry.params.every((p) => m.axisOf.has(p)) && new Set(m.axisOf.values()).size === m.entry.params.length;
    if (known) liftMap(m, out[m.state]!, arrays, transientAxes, rank, values);
  }
  const outArrays: Record<string, PDataDesc> = { ...arrays };
  for (const [data, axes] of transientAxes) {
    const d = arrays[data]!;
    outArrays[data] = { ...d, shape: Array.from({ length: rank }, (_, a) => (axes.includes(a) ? d.shape[axes.indexOf(a)]! : num(1))), strides: [] };
  }
  return { states: out, arrays: outArrays };
}

/** The maps with parameters, but fewer than `rank`, with the memlets at their tasklets. */
function lowRankMaps(states: readonly PState[], rank: number): LowRankMap[] {
  const low: LowRankMap[] = [];
  states.forEach((s, k) => {
    for (const n of s.nodes) {
      if (n.kind !== "map_entry" || n.params.length === 0 || n.params.length >= rank) continue;
      const inner = new Set(s.nodes.filter((x) => s.scope.get(x.id) === n.id).map((x) => x.id));
      const atTasklet = (e: PState["edges"][number]) => (e.src === n.id && inner.has(e.dst)) || (inner.has(e.src) && e.dst === n.exit);
      const edges = s.edges.flatMap((e, i) => (atTasklet(e) && e.memlet?.subset ? [i] : []));
      low.push({ state: k, entry: n, edges, axisOf: new Map() });
    }
  });
  return low;
}

/**
 * Fills every map's `axisOf` and returns the domain axes of every lower-rank transient whose axes
 * all became known (distinct). Axes flow from domain-rank arrays into the parameters indexing
 * them, from parameters into the transients they index, and from transients into their other
 * maps' parameters, until nothing changes.
 */
function inferAxes(low: LowRankMap[], states: readonly PState[], arrays: Arrays, rank: number, values: Values): Map<string, number[]> {
  const axes = new Map<string, (number | null)[]>();
  const memlets = (m: LowRankMap) => m.edges.map((i) => states[m.state]!.edges[i]!.memlet!);
  for (const m of low) {
    for (const { data, subset } of memlets(m)) {
      const d = arrays[data];
      if (d?.kind === "array" && d.transient && d.shape.length < rank && !axes.has(data)) axes.set(data, subset!.map(() => null));
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const m of low) {
      for (const { data, subset } of memlets(m)) {
        const known = arrays[data]?.shape.length === rank ? subset!.map((_, a) => a) : axes.get(data);
        if (!known) continue;
        subset!.forEach((r, j) => {
          const p = soleParam(r.start, m.entry.params, values);
          if (p === null) return;
          const axis = known[j] ?? null;
          if (axis !== null && !m.axisOf.has(p)) { m.axisOf.set(p, axis); changed = true; }
          if (axis === null && m.axisOf.has(p)) { axes.get(data)![j] = m.axisOf.get(p)!; changed = true; }
        });
      }
    }
  }
  return new Map([...axes].filter(([, a]) => a.every((x) => x !== null) && new Set(a).size === a.length) as [string, number[]][]);
}

/**
 * One map rewritten in place in `s` over all `rank` axes: an axis none of its parameters runs
 * along gets a new parameter over the single value 0, and every index on it (a fixed column)
 * becomes that parameter plus the index. Memlets of transients whose axes are unknown stay as
 * they are (the stencil pass names what it cannot read).
 */
function liftMap(m: LowRankMap, s: PState, arrays: Arrays, transientAxes: Map<string, number[]>, rank: number, values: Values): void {
  const taken = new Set(m.entry.params);
  const axisParam = Array.from({ length: rank }, (_, a) => {
    const own = m.entry.params.find((p) => m.axisOf.get(p) === a);
    if (own !== undefined) return own;
    let name = `__axis${a}`;
    while (taken.has(name)) name = `_${name}`;
    taken.add(name);
    return name;
  });
  const zero: PRange = { start: num(0), end: num(0), step: num(1) };
  const ranges = axisParam.map((p) => { const k = m.entry.params.indexOf(p); return k >= 0 ? m.entry.ranges[k]! : zero; });
  s.nodes[s.nodes.indexOf(m.entry)] = { ...m.entry, params: axisParam, ranges };
  for (const i of m.edges) {
    const e = s.edges[i]!;
    const { data, subset } = e.memlet!;
    const axes = arrays[data]?.shape.length === rank ? subset!.map((_, a) => a) : transientAxes.get(data);
    if (!axes) continue;
    const lifted: PRange[] = axisParam.map((p, a) => {
      const j = axes.indexOf(a);
      const r = j >= 0 ? subset![j]! : zero;
      const fixed = !m.entry.params.includes(p) && soleParam(r.start, m.entry.params, values) === null;
      return fixed ? { start: plus(p, r.start), end: plus(p, r.end), step: r.step } : r;
    });
    s.edges[i] = { ...e, memlet: { ...e.memlet!, subset: lifted } };
  }
}

/** The one parameter an index is (plus a constant), or null. */
function soleParam(e: PExpr, params: readonly string[], values: Values): string | null {
  const f = affineForm(e, params, values);
  const c = f ? [...f.coefficients] : [];
  return c.length === 1 && c[0]![1] === 1 ? c[0]![0] : null;
}

const num = (value: number): PExpr => ({ kind: "number", value, integer: true });
const plus = (param: string, e: PExpr): PExpr => ({ kind: "binary", op: "+", left: { kind: "name", name: param }, right: e });
