// Report figures of a linear-algebra pipeline (spatial/linalg_pipeline.ts): the cycles of each
// process's loops (a dataflow region runs as long as its slowest process), the operations, the
// bytes each memory port moves, the multiply-add lanes and their DSPs. performance.ts and
// resources.ts use these in place of the stencil figures when `Pipeline.linalg` is present.

import { DTYPE_INFO } from "../ir/dtype.js";
import type { Pipeline } from "../spatial/pipeline.js";
import type { LinalgProcess } from "../spatial/linalg_pipeline.js";
import { DSP_PER_LANE } from "./gemm_systolic_model.js";

/** Loop iterations (cycles at II=1) of one process over a whole run. */
export function processCycles(x: LinalgProcess, W: number): number {
  switch (x.kind) {
    case "matrix-reader": return x.order === "rows" ? (x.repeat * x.rows * x.cols) / W : x.rows * x.cols;
    case "matrix-vector": return x.transposed ? (x.rows + 1) * (x.cols / W) : (x.rows + 1) * (x.cols / W) + x.interleave;
    case "systolic-pe": return (x.rows / x.count) * (x.count - x.index + (x.inner * x.cols) / W + ((x.index + 1) * x.cols) / W);
    case "scale-add": return x.vectors;
    case "tile-transpose": return x.tiles * x.tileRows * (x.cols / W + x.cols);
    case "matrix-writer": return x.vectors;
  }
}

/** Cycles of a run: the slowest process's, plus the chain's fill. */
export function linalgCycles(p: Pipeline): number {
  const l = p.linalg!;
  const fill = Math.max(0, ...l.processes.map((x) => ("pipelineDepth" in x ? x.pipelineDepth : 0))) + p.replicas;
  return Math.max(...l.processes.map((x) => processCycles(x, p.vectorWidth))) + fill;
}

/** Bytes each memory port moves in a run (readers re-reading B count every read). */
export function linalgPortBytes(p: Pipeline): Map<string, number> {
  const out = new Map<string, number>();
  for (const x of p.linalg!.processes) {
    const bytes = DTYPE_INFO[x.dtype].bytes;
    if (x.kind === "matrix-reader") out.set(x.array, x.repeat * x.rows * x.cols * bytes);
    if (x.kind === "matrix-writer") out.set(x.array, x.vectors * p.vectorWidth * bytes);
  }
  return out;
}

/** Multiply-add lanes working every cycle (matrix-vector and systolic PEs: W each). */
export function linalgLanes(p: Pipeline): number {
  return p.linalg!.processes.filter((x) => x.kind === "matrix-vector" || x.kind === "systolic-pe").length * p.vectorWidth;
}

/** DSPs of the multiply-add lanes and of the drains' scaling (two multiplies and an add per lane). */
export function linalgDsps(p: Pipeline): number {
  return p.linalg!.processes.reduce((a, x) => {
    const perLane = x.dtype === "float32" || x.dtype === "float64" ? DSP_PER_LANE[x.dtype] : 3;
    if (x.kind === "matrix-vector" || x.kind === "systolic-pe") return a + perLane * p.vectorWidth;
    if (x.kind === "scale-add") return a + 2 * perLane * p.vectorWidth;
    return a;
  }, 0);
}
