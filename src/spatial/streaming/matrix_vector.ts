// Pattern pass: programs whose outputs are matrix-vector products (`A @ x`, `x @ A` = Aᵀx, with
// alpha/beta and an added vector: gemv, atax, mvt) become matrix-vector PEs that stream each
// matrix row by row once (spatial/linalg_pipeline.ts); a matrix first updated by outer products
// (gemver's `A += u1 v1ᵀ + u2 v2ᵀ`) streams through a rank-update PE that feeds them.

import type { PatternResult, StreamPattern, StreamingInput } from "./patterns.js";
import { raiseProducts } from "./linear_products.js";

export function raiseMatrixVector(input: StreamingInput): PatternResult {
  const r = raiseProducts(input);
  if (!r.ok) return r;
  const mm = r.nodes.find((n) => n.kind === "matmul");
  if (mm) return { ok: false, reason: `'${mm.output}' is a matrix-matrix product (the systolic pass's)` };
  return {
    ok: true, bundle: r.bundle,
    kernels: r.kernels("matrix-vector", (n) => (n.kind === "rank-update"
      ? `the ${n.rows} x ${n.cols} matrix streamed row by row and updated W lanes per cycle (v on chip, one u element per row); the updated matrix goes on to the matrix-vector PEs and its writer, and stays on chip in a FIFO where a PE needs a vector computed from it first`
      : n.kind === "vector-sum" ? "element-wise sum of two streamed vectors, added to a product"
        : n.kind === "matvec" && n.transposed
          ? `the ${n.rows} x ${n.cols} matrix streamed row by row, its transposed product accumulated in the on-chip output vector`
          : "the matrix streamed row by row against the vector on chip, interleaved partial sums")),
  };
}

export const MATRIX_VECTOR_PATTERN: StreamPattern = { name: "matrix-vector", raise: raiseMatrixVector };
