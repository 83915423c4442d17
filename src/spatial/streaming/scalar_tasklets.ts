// Scalar tasklets outside the maps (`1 / dt` computed once, before or inside cavity_flow's time
// step): the stencil-maps pass puts each one's expression into the maps that read it, so the
// streamed stencils compute it from the program's read-only scalars and need no scalar stage.

import type { DType } from "../../ir/dtype.js";
import type { Expr } from "../../ir/expr.js";
import type { PDataDesc } from "../../ir/program.js";
import type { PointMap } from "./point_maps.js";
import { asOneExpression, streamedTypeProblem, taskletToStencil, type ConnectorRead } from "./tasklet_to_stencil.js";

/**
 * The expression a scalar tasklet computes, over the program's scalars (each read by its own
 * name: the stencil's scalar input) and earlier such expressions, or why it has none.
 */
export function scalarDefinition(m: PointMap, defs: ReadonlyMap<string, Expr>, arrays: Readonly<Record<string, PDataDesc>>, values: Readonly<Record<string, number>>): Expr | string {
  const reads = new Map<string, ConnectorRead>();
  for (const r of m.reads) {
    const def = defs.get(r.data);
    if (def) reads.set(r.connector, { kind: "value", value: def });
    else if (arrays[r.data]!.transient) return `reads transient '${r.data}' before anything writes it`;
    else reads.set(r.connector, { kind: "scalar", name: r.data });
  }
  const dtype = arrays[m.write.data]!.dtype;
  const problem = streamedTypeProblem(m.write.data, dtype);
  if (problem) return problem;
  const code = taskletToStencil(m.code, { reads, output: m.output, values, dtype: dtype as DType, taken: new Set(Object.keys(arrays)) });
  return typeof code === "string" ? code : asOneExpression(code);
}
