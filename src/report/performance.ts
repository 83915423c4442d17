// Performance model of a spatial pipeline on a board: one vector per cycle per channel once the
// pipeline is full, so a pass takes (vectors + fill) cycles and the host makes ceil(T/P) passes;
// each memory port is limited by the bandwidth of the bank it is mapped to (shared with the
// other ports in that bank). Operations per cell are counted from the expression trees
// (op_count.ts). Gives run time, achieved GOp/s and the design's own roofline: the compute
// ceiling (ops x W x P x clock) and the bandwidth ceiling (intensity x the banks it uses), so
// GOp/s can never exceed either; and what bounds the design.

import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import { addCounts, countOperations, emptyCounts, type OpCounts } from "./op_count.js";
import type { Platform } from "../platform/platform.js";
import { bankSpan } from "../platform/placement.js";
import { memoryPlacement } from "./memory.js";
import { linalgPerformance } from "./linalg_figures.js";
import { readerPasses, writtenElements, type Pipeline } from "../spatial/pipeline.js";

export interface PortTraffic { port: string; bank: string; bytesPerPass: number; demandGBs: number; bankGBs: number }

export interface StencilOps { stencil: string; dtype: DType; counts: OpCounts }

export interface Performance {
  clockMHz: number;
  /** Where the clock comes from: the middle of the board's achieved range, or --clock. */
  clockSource: "board" | "override";
  /** Vectors per field per pass (cells / W) and the cycles before the first output leaves. */
  vectorsPerPass: number;
  fillCycles: number;
  passes: number;
  cyclesPerPass: number;
  seconds: number;
  cells: number;
  /** Arithmetic operations per cell and time step (all stencils; comparisons and selects not included). */
  opsPerCell: number;
  /** The same, per stencil, with the breakdown by operator. */
  opsByStencil: StencilOps[];
  /** Off-chip bytes per cell and pass (every reader and writer). */
  bytesPerCell: number;
  gops: number;
  bytes: number;
  gbs: number;
  /** Operations per byte moved to or from off-chip memory. */
  intensity: number;
  /** Ceilings of the roofline: compute in GOp/s (ops x W x P x clock), bandwidth in GB/s and GOp/s. */
  computeCeiling: number;
  bandwidthCeilingGBs: number;
  bandwidthCeilingGops: number;
  /** min(computeCeiling, bandwidthCeilingGops): GOp/s never exceeds it. */
  rooflineGops: number;
  /** gops / rooflineGops. */
  fractionOfRoofline: number;
  bound: "pipeline" | "memory";
  ports: PortTraffic[];
}

/** 512 bits: the widest path between a Xilinx kernel port and global memory (UG1393). */
export const XILINX_PORT_BYTES_PER_CYCLE = 64;

/** The clock the model uses: --clock, else the middle of the board's achieved range. */
export function modelClockMHz(platform: Platform, clockMHz?: number): number {
  return clockMHz ?? (platform.achievedClockMHz[0] + platform.achievedClockMHz[1]) / 2;
}

/** A warning when an overridden clock lies outside the range designs reached on the board. */
export function clockWarning(platform: Platform, clockMHz?: number): string | undefined {
  if (clockMHz === undefined) return undefined;
  const [lo, hi] = platform.achievedClockMHz;
  if (clockMHz >= lo && clockMHz <= hi) return undefined;
  return `clock ${clockMHz} MHz is outside the range designs reached on the ${platform.name} (${lo}-${hi} MHz, platforms/${platform.shortName}.json achievedClockMHz): the estimate assumes a clock this design may not reach`;
}

export function estimatePerformance(p: Pipeline, platform: Platform, clockMHz?: number, hbmParts?: number): Performance {
  const f = modelClockMHz(platform, clockMHz) * 1e6;
  const W = p.vectorWidth;
  if (p.linalg) return linalgPerformance(p, platform, clockMHz); // matrix-vector and systolic processes (linalg_figures.ts)
  const cells = p.domain[0] * p.domain[1] * p.domain[2];
  const fill = Math.max(0, ...p.pes.map((x) => x.arrivalCycles));
  const cyclesPerPass = p.vectors + fill;
  const passes = Math.ceil(p.timeSteps / p.replicas);
  const pipelineSeconds = (passes * cyclesPerPass) / f;

  // Each memory port at the bandwidth of the bank its buffer lives in (as link.cfg and the host
  // place them), shared with the other buffers in that bank. On Xilinx boards a port also moves
  // at most 512 bits per kernel cycle ("the maximum data width from the global memory to and
  // from the kernel is 512 bits", UG1393 "Memory Interface Width Considerations").
  // An array split into K lane groups (memory.ts) moves 1/K of its bytes through each of K ports.
  const placement = memoryPlacement(p, platform, clockMHz, hbmParts);
  const perBank = new Map<string, number>();
  for (const x of placement.ports) perBank.set(x.bufferBanks[0]!, (perBank.get(x.bufferBanks[0]!) ?? 0) + 1);
  const ports: PortTraffic[] = [];
  const portLimitGBs = platform.vendor === "xilinx" ? (XILINX_PORT_BYTES_PER_CYCLE * f) / 1e9 : Infinity;
  const portBytes = (name: string, bytes: number) => {
    const placed = placement.ports.filter((x) => (x.part?.array ?? x.name) === name);
    // Not placed: the report says why.
    for (const x of placed) ports.push({ port: x.name, bank: bankSpan(x.bufferBanks), bytesPerPass: bytes / placed.length, demandGBs: 0, bankGBs: Math.min(x.bankGBs / perBank.get(x.bufferBanks[0]!)!, portLimitGBs) });
  };
  for (const r of p.readers) {
    const elems = r.onChip ? r.shape.reduce((a, b) => a * b, 1) : r.axes.includes(2) ? cells : p.vectors;
    // A reader's second pass (a reduction over the whole domain's consumers) reads the array again.
    portBytes(r.array, (r.onChip ? elems : elems * readerPasses(r)) * DTYPE_INFO[r.dtype].bytes);
  }
  for (const w of p.writers) portBytes(w.array, (w.rowVectors ? writtenElements(p, w) : cells) * DTYPE_INFO[w.dtype].bytes);
  // Memory-bound, the whole pass (its fill included: the fill is mostly reading ahead) slows down
  // by the ratio of what the busiest port needs to what its bank gives.
  // A second pass over memory is not fill: its vectors are counted in the bytes already.
  const streamedVectors = p.vectors * Math.max(1, ...p.readers.map(readerPasses));
  const memorySeconds = passes * Math.max(0, ...ports.map((x) => x.bytesPerPass / (x.bankGBs * 1e9))) * Math.max(1, cyclesPerPass / streamedVectors);
  const seconds = Math.max(pipelineSeconds, memorySeconds);
  for (const x of ports) x.demandGBs = (passes * x.bytesPerPass) / seconds / 1e9;

  // One copy of each stencil (the replicas repeat the chain, one time step each).
  const stencils = new Map(p.pes.map((x) => [x.stencil, x]));
  const opsByStencil = [...stencils.values()].map((x) => ({ stencil: x.stencil, dtype: x.dtype, counts: countOperations(x.code) }));
  const opsPerCell = opsByStencil.reduce((a, x) => addCounts(a, x.counts), emptyCounts()).ops;
  const ops = cells * opsPerCell * p.timeSteps;
  const bytes = passes * ports.reduce((a, x) => a + x.bytesPerPass, 0);
  // Each bank counted once: ports sharing a bank share its bandwidth.
  const bandwidthCeilingGBs = ports.reduce((a, x) => a + x.bankGBs, 0);
  const intensity = bytes === 0 ? Infinity : ops / bytes;
  const gops = ops / seconds / 1e9;
  const computeCeiling = (opsPerCell * W * Math.min(p.replicas, p.timeSteps) * f) / 1e9;
  const bandwidthCeilingGops = intensity * bandwidthCeilingGBs;
  const rooflineGops = Math.min(computeCeiling, bandwidthCeilingGops);
  return {
    clockMHz: f / 1e6, clockSource: clockMHz === undefined ? "board" : "override", vectorsPerPass: p.vectors, fillCycles: fill,
    passes, cyclesPerPass, seconds, cells, opsPerCell, opsByStencil,
    bytesPerCell: bytes / passes / cells,
    gops, bytes, gbs: bytes / seconds / 1e9,
    intensity,
    computeCeiling, bandwidthCeilingGBs, bandwidthCeilingGops, rooflineGops,
    fractionOfRoofline: rooflineGops === 0 ? 0 : gops / rooflineGops,
    bound: memorySeconds > pipelineSeconds ? "memory" : "pipeline",
    ports,
  };
}
