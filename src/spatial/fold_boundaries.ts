// IR → IR pass: an access whose offset leaves the domain on some axis for every output point
// (|offset| ≥ extent) always reads its boundary value. Replacing it by that value keeps windows
// from growing with offsets that can never hit data (StencilFlow's own tests read `k-100` on a
// 3-wide domain).

import { mapExpr, type Expr } from "../ir/expr.js";
import type { SDFG, StencilNode } from "../ir/sdfg.js";

export function foldAlwaysOutOfDomainAccesses(sdfg: SDFG): SDFG {
  const out = structuredClone(sdfg);
  for (const state of out.states) {
    for (const node of state.nodes) {
      if (node.kind !== "stencil") continue;
      node.code = node.code.map((s) => ({ ...s, value: mapExpr(s.value, (e) => foldAccess(e, node)) }));
    }
  }
  return out;
}

function foldAccess(e: Expr, node: StencilNode): Expr {
  if (e.kind !== "access") return e;
  const outside = e.offset.some((d, axis) => Math.abs(d) >= node.domain[axis]!);
  if (!outside) return e;
  const bc = node.inputs[e.field]!.boundary;
  if (bc.type === "constant") return { kind: "number", value: bc.value, ...(e.pos ? { pos: e.pos } : {}) };
  // copy / shrink: the centre value of the field.
  return { ...e, offset: e.offset.map(() => 0) };
}
