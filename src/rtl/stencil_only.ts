// The RTL backend builds whole-domain stencil PEs only: a pipeline with a stencil that writes a
// sub-box of its domain, linear-algebra process kinds (matrix-vector, systolic matrix-matrix),
// reduction PEs, or functions the datapath has no operator for is refused by name, in one line.

import { callsAny } from "../codegen/c_expr.js";
import { UserError } from "../ir/diagnostics.js";
import type { Pipeline } from "../spatial/pipeline.js";

/** Functions of the expression IR the RTL datapath has no operator for. */
const RTL_MISSING_FUNCTIONS = ["atan2", "tanh"];

export function requireStencilProcesses(p: Pipeline): void {
  const partial = p.pes.find((pe) => pe.region);
  if (partial) throw new UserError("--target rtl", `has no write regions yet: stencil '${partial.stencil}' writes only part of its domain (use --target xilinx, intel or cpu)`);
  const reduction = p.reductions?.[0];
  if (reduction) throw new UserError("--target rtl", `has no reduction PEs yet: '${reduction.node}' is a ${reduction.op} reduction (use --target xilinx, intel or cpu)`);
  const unsupported = p.pes.find((pe) => callsAny(pe.code, RTL_MISSING_FUNCTIONS));
  if (unsupported) throw new UserError("--target rtl", `has no ${RTL_MISSING_FUNCTIONS.join(" or ")} operator yet: stencil '${unsupported.stencil}' calls one (use --target xilinx, intel or cpu)`);
  const sweep = p.linalg?.processes.find((x) => x.kind === "column-sweep");
  if (sweep) throw new UserError("--target rtl", `has no vertical-solver sweep PEs yet ('${sweep.name}'): use --target xilinx, intel or cpu for streamed vertical solvers`);
  const linalg = p.linalg?.processes.find((x) => x.kind !== "matrix-reader" && x.kind !== "matrix-writer");
  if (linalg) throw new UserError("--target rtl", `has no ${linalg.kind} processes yet ('${linalg.name}'): use --target xilinx, intel or cpu for streamed linear algebra`);
}
