// The RTL backend builds stencil PEs only: a pipeline with linear-algebra process kinds
// (matrix-vector, systolic matrix-matrix) is refused by name, in one line.

import { UserError } from "../ir/diagnostics.js";
import type { Pipeline } from "../spatial/pipeline.js";

export function requireStencilProcesses(p: Pipeline): void {
  const linalg = p.linalg?.processes.find((x) => x.kind !== "matrix-reader" && x.kind !== "matrix-writer");
  if (linalg) throw new UserError("--target rtl", `has no ${linalg.kind} processes yet ('${linalg.name}'): use --target xilinx, intel or cpu for streamed linear algebra`);
}
