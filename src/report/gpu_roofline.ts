// Roofline of the CUDA version of a program on a GPU board: each kernel (one per stencil) reads
// every array it uses once and writes its output once (halos come from the caches), does its
// arithmetic per cell, and is bound by whichever of memory bandwidth and peak arithmetic it hits
// first. A time step runs the kernels one after another; the estimate is what the board's
// datasheet figures allow, an upper bound on what `emulate --target cuda` measures.

import { CodeWriter } from "../codegen/code_writer.js";
import { cudaStencils } from "../cuda/cuda_kernels.js";
import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import { countOps } from "../ir/expr.js";
import type { SDFG } from "../ir/sdfg.js";
import type { GpuPlatform } from "../platform/gpu_platform.js";
import type { Report } from "./report.js";

export interface GpuKernelRoofline {
  stencil: string;
  dtype: string;
  bytesPerCell: number;
  opsPerCell: number;
  /** Operations per byte. */
  intensity: number;
  /** min(peak, intensity x bandwidth), GFLOP/s. */
  attainableGflops: number;
  bound: "memory" | "compute";
  secondsPerStep: number;
}

export interface GpuRoofline {
  program: string;
  platform: string;
  arch: string;
  cells: number;
  timeSteps: number;
  bandwidthGBs: number;
  kernels: GpuKernelRoofline[];
  /** All kernels of a step together. */
  bytesPerCell: number;
  opsPerCell: number;
  intensity: number;
  seconds: number;
  gflops: number;
  gbs: number;
  bound: "memory" | "compute";
}

/**
 * Peak operations per second for a stencil's type. The boards' data give fp32 and fp64 peaks only;
 * integer rates are estimates: int32 at half the fp32 rate (an SM since Volta has half as many
 * INT32 as FP32 lanes), int64 at the fp64 rate (each int64 op is several int32 ops).
 */
function peakOpsPerSecond(gpu: GpuPlatform, dtype: DType): number {
  if (dtype === "float32" || dtype === "float64") return gpu.peakGflops[dtype] * 1e9;
  return (dtype === "int32" ? gpu.peakGflops.float32 / 2 : gpu.peakGflops.float64) * 1e9;
}

export function gpuRoofline(sdfg: SDFG, gpu: GpuPlatform): GpuRoofline {
  const size = (name: string) => { const d = sdfg.arrays[name]!; return d.kind === "array" ? d.shape.map(Number).reduce((a, b) => a * b, 1) : 0; };
  const bw = gpu.memory.bandwidthGBs * 1e9;
  const kernels = cudaStencils(sdfg).map((k): GpuKernelRoofline => {
    const cells = k.stencil.domain.reduce((a, b) => a * b, 1);
    const bytes = [...k.reads, k.output].reduce((a, d) => a + size(d) * DTYPE_INFO[sdfg.arrays[d]!.dtype].bytes, 0);
    const ops = countOps(k.stencil.code);
    const peak = peakOpsPerSecond(gpu, k.stencil.dtype);
    const memorySeconds = bytes / bw;
    const computeSeconds = (ops * cells) / peak;
    const intensity = ops / (bytes / cells);
    return {
      stencil: k.stencil.label, dtype: k.stencil.dtype, bytesPerCell: bytes / cells, opsPerCell: ops, intensity,
      attainableGflops: Math.min(peak, intensity * bw) / 1e9,
      bound: computeSeconds > memorySeconds ? "compute" : "memory",
      secondsPerStep: Math.max(memorySeconds, computeSeconds),
    };
  });
  const cells = (cudaStencils(sdfg)[0]?.stencil.domain ?? [1]).reduce((a, b) => a * b, 1);
  const steps = sdfg.timeLoop?.steps ?? 1;
  const bytesPerCell = kernels.reduce((a, k) => a + k.bytesPerCell, 0);
  const opsPerCell = kernels.reduce((a, k) => a + k.opsPerCell, 0);
  const seconds = steps * kernels.reduce((a, k) => a + k.secondsPerStep, 0);
  // The step is compute-bound when its compute-bound kernels take longer than its memory-bound ones.
  const timeBoundBy = (b: string) => kernels.filter((k) => k.bound === b).reduce((a, k) => a + k.secondsPerStep, 0);
  return {
    program: sdfg.name, platform: gpu.shortName, arch: gpu.arch, cells, timeSteps: steps, bandwidthGBs: gpu.memory.bandwidthGBs, kernels,
    bytesPerCell, opsPerCell, intensity: opsPerCell / bytesPerCell, seconds,
    gflops: (opsPerCell * cells * steps) / seconds / 1e9,
    gbs: (bytesPerCell * cells * steps) / seconds / 1e9,
    bound: timeBoundBy("compute") > timeBoundBy("memory") ? "compute" : "memory",
  };
}

/** The GPU roofline as text, with the FPGA estimate of the same program beside it. */
export function formatGpuRoofline(r: GpuRoofline, gpu: GpuPlatform, fpga?: { report: Report; boardName: string }): string {
  const w = new CodeWriter();
  w.line(`${r.program} on ${gpu.name} (CUDA, -arch=${gpu.arch}): ${r.cells} cells, ${r.timeSteps} time step(s)`);
  w.line(`  board: ${gpu.sms} SMs at ${gpu.boostClockMHz} MHz, ${gpu.memory.capacityGB} GB ${gpu.memory.kind} at ${gpu.memory.bandwidthGBs} GB/s, peak ${gpu.peakGflops.float32} GFLOP/s fp32 / ${gpu.peakGflops.float64} fp64`);
  w.line();
  w.line("roofline per kernel (compulsory traffic: each array read once, the output written once)");
  for (const k of r.kernels) {
    w.line(`  ${k.stencil.padEnd(12)} ${k.bytesPerCell.toFixed(1).padStart(6)} B/cell ${String(k.opsPerCell).padStart(4)} op/cell  intensity ${k.intensity.toFixed(3)} op/B  ${k.attainableGflops.toFixed(0).padStart(6)} GFLOP/s attainable  ${k.bound}-bound`);
  }
  w.line(`  all kernels: ${r.bytesPerCell.toFixed(1)} B/cell, ${r.opsPerCell} op/cell per step, intensity ${r.intensity.toFixed(3)} op/B (ridge point ${(gpu.peakGflops.float32 / gpu.memory.bandwidthGBs).toFixed(1)} op/B fp32)`);
  w.line(`  estimate: ${(r.seconds * 1e3).toPrecision(4)} ms, ${r.gflops.toFixed(1)} GFLOP/s, ${r.gbs.toFixed(0)} GB/s; bound by ${r.bound === "memory" ? "memory bandwidth" : "arithmetic"} (kernel launches, a few µs each, not counted)`);
  if (fpga) {
    const p = fpga.report.performance;
    w.line();
    w.line(`FPGA beside it: ${fpga.boardName}, W = ${fpga.report.vectorWidth}, P = ${fpga.report.replicas}`);
    w.line(`  estimate: ${(p.seconds * 1e3).toPrecision(4)} ms, ${p.gops.toFixed(1)} GOp/s, ${p.gbs.toFixed(1)} GB/s; bound by ${p.bound === "memory" ? "memory bandwidth" : "the pipeline"}${fpga.report.fits ? "" : " (does NOT fit)"}`);
    const ratio = p.seconds / r.seconds;
    w.line(`  the GPU estimate is ${ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`} than the FPGA estimate`);
  }
  return w.toString();
}
