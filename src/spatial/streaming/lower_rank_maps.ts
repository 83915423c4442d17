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

interface LowRankMap {
  state: number;
  entry: MapEntry;
  /** The memlets between the map's entry/exit and its tasklet, by edge index in the state. */
  edges: number[];
  /** Domain axis each parameter runs along, once known. */
  axisOf: Map<string, number>;
}

/** The states with every lower-rank map lifted to `rank` axes, and the arrays with lifted transients. */
export function liftLowerRankMaps(
  states: readonly PState[], arrays: Readonly<Record<string, PDataDesc>>, values: Readonly<Record<string, number>>,
): { states: PState[]; arrays: Record<string, PDataDesc> } {
  const rank = Math.max(0, ...Object.values(arrays).filter((d) => d.kind === "array" && !d.transient).map((d) => d.shape.length));
  const low: LowRankMap[] = [];
  states.forEach((s, k) => {
    for (const n of s.nodes) {
      if (n.kind !== "map_entry" || n.params.length === 0 || n.params.length >= rank) continue;
      const inner = new Set(s.nodes.filter((x) => s.scope.get(x.id) === n.id).map((x) => x.id));
      const edges = s.edges.flatMap((e, i) => ((e.src === n.id && inner.has(e.dst)) || (inner.has(e.src) && e.dst === n.exit)) && e.memlet?.subset ? [i] : []);
      low.push({ state: k, entry: n, edges, axisOf: new Map() });
    }
  });
  if (low.length === 0) return { states: [...states], arrays: { ...arrays } };
  // Lower-rank transients the maps touch: the domain axis of each of their axes, once known.
  const transientAxes = new Map<string, (number | null)[]>();
  const lowerTransient = (data: string) => arrays[data]?.kind === "array" && arrays[data]!.transient && arrays[data]!.shape.length < rank;
  for (const m of low) {
    for (const i of m.edges) {
      const { data, subset } = states[m.state]!.edges[i]!.memlet!;
      if (lowerTransient(data) && !transientAxes.has(data)) transientAxes.set(data, subset!.map(() => null));
    }
  }
  const soleParam = (e: PExpr, params: readonly string[]) => {
    const f = affineForm(e, params, values);
    const c = f ? [...f.coefficients] : [];
    return c.length === 1 && c[0]![1] === 1 ? c[0]![0] : null;
  };
  // Axes flow from domain-rank arrays into parameters, from parameters into transients and
  // from transients into their other maps' parameters, until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const m of low) {
      for (const i of m.edges) {
        const { data, subset } = states[m.state]!.edges[i]!.memlet!;
        const known = arrays[data]?.shape.length === rank ? subset!.map((_, a) => a) : transientAxes.get(data);
        if (!known) continue;
        subset!.forEach((r, j) => {
          const p = soleParam(r.start, m.entry.params);
          if (p === null) return;
          const axis = known[j];
          if (axis !== null && axis !== undefined && !m.axisOf.has(p)) { m.axisOf.set(p, axis); changed = true; }
          if ((axis === null || axis === undefined) && transientAxes.has(data) && m.axisOf.has(p)) { transientAxes.get(data)![j] = m.axisOf.get(p)!; changed = true; }
        });
      }
    }
  }
  const lifted = low.filter((m) => m.entry.params.every((p) => m.axisOf.has(p)) && new Set(m.axisOf.values()).size === m.entry.params.length);
  const liftedTransients = new Map([...transientAxes].filter(([, axes]) => axes.every((a) => a !== null) && new Set(axes).size === axes.length) as [string, number[]][]);
  const out = states.map((s) => ({ ...s, nodes: [...s.nodes], edges: [...s.edges] }));
  for (const m of lifted) {
    const s = out[m.state]!;
    // The parameter of each domain axis: the map's own, or a new one over the single value 0.
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
      const axes = arrays[data]?.shape.length === rank ? subset!.map((_, a) => a) : liftedTransients.get(data);
      if (!axes) continue; // left as it is; the stencil pass names what it cannot read
      const lifted: PRange[] = axisParam.map((p, a) => {
        const j = axes.indexOf(a);
        const r = j >= 0 ? subset![j]! : zero;
        // A fixed index (a column) is the axis's new parameter, always 0, plus that index.
        const fixed = !m.entry.params.includes(p) && soleParam(r.start, m.entry.params) === null;
        return fixed ? { start: plus(p, r.start), end: plus(p, r.end), step: r.step } : r;
      });
      s.edges[i] = { ...e, memlet: { ...e.memlet!, subset: lifted } };
    }
  }
  const outArrays: Record<string, PDataDesc> = { ...arrays };
  for (const [data, axes] of liftedTransients) {
    const d = arrays[data]!;
    const shape = Array.from({ length: rank }, (_, a) => (axes.includes(a) ? d.shape[axes.indexOf(a)]! : num(1)));
    outArrays[data] = { ...d, shape, strides: [] };
  }
  return { states: out, arrays: outArrays };
}

const num = (value: number): PExpr => ({ kind: "number", value, integer: true });
const plus = (param: string, e: PExpr): PExpr => ({ kind: "binary", op: "+", left: { kind: "name", name: param }, right: e });
