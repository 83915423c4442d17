// Pattern pass: programs whose outputs are matrix-matrix products (`alpha * A @ B + beta * C`:
// gemm; a chain of them: 2mm) become systolic chains of P PEs (spatial/linalg_pipeline.ts), one
// per product, a chained product's A operand passing through a tile transpose on chip.

import type { PatternResult, StreamPattern, StreamingInput } from "./patterns.js";
import { raiseProducts } from "./linear_products.js";

export function raiseSystolicMatMul(input: StreamingInput): PatternResult {
  const r = raiseProducts(input);
  if (!r.ok) return r;
  const mv = r.nodes.find((n) => n.kind === "matvec");
  if (mv) return { ok: false, reason: `'${mv.output}' is a matrix-vector product (the matrix-vector pass's)` };
  return {
    ok: true, bundle: r.bundle,
    kernels: r.kernels("systolic-matmul", () => "a systolic chain of P PEs (-P), W lanes each (-W); A fed down the chain, B shifted through it, C drained"),
  };
}

export const SYSTOLIC_MATMUL_PATTERN: StreamPattern = { name: "systolic-matmul", raise: raiseSystolicMatMul };
