// Per-step values of a time loop (NPBench fdtd_2d's `ey[0, :] = _fict_[t]`): a loop body that
// reads its variable only to copy `T[t]` of a read-only 1-D array T into a scalar transient still
// does the same work every step, given one value per step. That value travels as a step table: a
// field of the domain's shape whose row i holds T[start + i]; every step reads row 0 and shifts
// the table up by one row (a copy stencil at offset +1 along axis 0), so that the next step finds
// its own value in row 0. The table is fed back like every other written array, so -P replicas
// and the host's passes see each step's value in order. This pass finds those copies and removes
// them from the states; stencil_maps.ts reads the table instead of the scalar.

import type { PEdge, PState } from "../../ir/program.js";
import { affineForm } from "./affine_index.js";
import { readsName } from "./program_shape.js";

export interface StepTableReads {
  /** The states without the copies `T[t] -> x`. */
  states: PState[];
  /** Scalar transient written by such a copy → the 1-D array T it copies from. */
  scalars: Map<string, string>;
}

interface ArrayFacts {
  kind: string;
  transient: boolean;
  shape: readonly unknown[];
}

/** The copies `T[variable] -> x` of the states, removed, or why the body reads the variable otherwise. */
export function stepTableReads(states: readonly PState[], variable: string, arrays: Readonly<Record<string, ArrayFacts>>, values: Readonly<Record<string, number>>): StepTableReads | string {
  const scalars = new Map<string, string>();
  const out: PState[] = [];
  for (const s of states) {
    const byId = new Map(s.nodes.map((n) => [n.id, n]));
    const copies: PEdge[] = [];
    for (const e of s.edges) {
      const src = byId.get(e.src);
      const dst = byId.get(e.dst);
      if (src?.kind !== "access" || dst?.kind !== "access" || !e.memlet) continue;
      const subset = e.memlet.data === src.data ? e.memlet.subset : e.memlet.otherSubset;
      if (!subset || subset.length !== 1) continue;
      const r = subset[0]!;
      const f = affineForm(r.start, [variable], values);
      const single = JSON.stringify(r.start) === JSON.stringify(r.end);
      if (!f || !single || f.constant !== 0 || f.coefficients.size !== 1 || f.coefficients.get(variable) !== 1) continue;
      const from = arrays[src.data];
      const to = arrays[dst.data];
      if (!from || from.kind !== "array" || from.transient || from.shape.length !== 1) return `${e.where}: reads '${src.data}[${variable}]', but '${src.data}' is not a 1-D argument array`;
      if (!to || to.kind !== "scalar" || !to.transient) return `${e.where}: copies '${src.data}[${variable}]' into '${dst.data}', which is not a scalar transient`;
      if (states.some((x) => x.edges.some((w) => { const n = x.nodes.find((m) => m.id === w.dst); return n?.kind === "access" && n.data === src.data; }))) {
        return `${e.where}: '${src.data}' is written inside the loop (a step table holds read-only values)`;
      }
      if (scalars.has(dst.data) && scalars.get(dst.data) !== src.data) return `${e.where}: '${dst.data}' is copied from two arrays`;
      scalars.set(dst.data, src.data);
      copies.push(e);
    }
    if (copies.length === 0) { out.push(s); continue; }
    const edges = s.edges.filter((e) => !copies.includes(e));
    const used = new Set(edges.flatMap((e) => [e.src, e.dst]));
    const dropped = new Set(copies.map((e) => e.src).filter((id) => !used.has(id)));
    out.push({ ...s, edges, nodes: s.nodes.filter((n) => !dropped.has(n.id)) });
  }
  if (readsName(out, variable)) return `its body reads the loop variable '${variable}' other than as 'T[${variable}]' of a read-only 1-D array copied into a scalar, so its time steps differ`;
  return { states: out, scalars };
}
