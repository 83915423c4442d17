// Performance model of a spatial pipeline on a board: one vector per cycle per channel once the
// pipeline is full, ceil(T/P) passes through memory, each memory port limited by the bandwidth
// of the bank it is mapped to. Gives run time, achieved operations per second and the roofline
// (operational intensity against the compute and bandwidth ceilings): what bounds the design.

import { DTYPE_INFO } from "../ir/dtype.js";
import { countOps } from "../ir/expr.js";
import type { Platform } from "../platform/platform.js";
import { bankSpan } from "../platform/placement.js";
import { memoryPlacement } from "./memory.js";
import { writtenElements, type Pipeline } from "../spatial/pipeline.js";

export interface PortTraffic { port: string; bank: string; bytesPerPass: number; demandGBs: number; bankGBs: number }

export interface Performance {
  clockMHz: number;
  passes: number;
  cyclesPerPass: number;
  seconds: number;
  cells: number;
  /** Arithmetic operations per cell and time step (all stencils). */
  opsPerCell: number;
  gops: number;
  bytes: number;
  gbs: number;
  /** Operations per byte moved to or from off-chip memory. */
  intensity: number;
  /** Ceilings of the roofline, in GOp/s. */
  computeCeiling: number;
  bandwidthCeilingGBs: number;
  bound: "pipeline" | "memory";
  ports: PortTraffic[];
}

export function estimatePerformance(p: Pipeline, platform: Platform, clockMHz?: number): Performance {
  const f = (clockMHz ?? (platform.achievedClockMHz ? (platform.achievedClockMHz[0] + platform.achievedClockMHz[1]) / 2 : platform.clockMHz)) * 1e6;
  const W = p.vectorWidth;
  const cells = p.domain[0] * p.domain[1] * p.domain[2];
  const fill = Math.max(0, ...p.pes.map((x) => x.arrivalCycles));
  const cyclesPerPass = p.vectors + fill;
  const passes = Math.ceil(p.timeSteps / p.replicas);
  const pipelineSeconds = (passes * cyclesPerPass) / f;

  // Each memory port at the bandwidth of the bank its buffer lives in (as link.cfg and the host
  // place them), shared with the other buffers in that bank.
  const placement = memoryPlacement(p, platform);
  const perBank = new Map<string, number>();
  for (const x of placement.ports) perBank.set(x.bufferBanks[0]!, (perBank.get(x.bufferBanks[0]!) ?? 0) + 1);
  const placed = new Map(placement.ports.map((x) => [x.name, x]));
  const ports: PortTraffic[] = [];
  const portBytes = (name: string, bytes: number) => {
    const x = placed.get(name);
    if (!x) return; // not placed: the report says why
    ports.push({ port: name, bank: bankSpan(x.bufferBanks), bytesPerPass: bytes, demandGBs: 0, bankGBs: x.bankGBs / perBank.get(x.bufferBanks[0]!)! });
  };
  for (const r of p.readers) {
    const elems = r.onChip ? r.shape.reduce((a, b) => a * b, 1) : r.axes.includes(2) ? cells : p.vectors;
    portBytes(r.array, elems * DTYPE_INFO[r.dtype].bytes);
  }
  for (const w of p.writers) portBytes(w.array, (w.rowVectors ? writtenElements(p, w) : cells) * DTYPE_INFO[w.dtype].bytes);
  const memorySeconds = passes * Math.max(0, ...ports.map((x) => x.bytesPerPass / (x.bankGBs * 1e9)));
  const seconds = Math.max(pipelineSeconds, memorySeconds);
  for (const x of ports) x.demandGBs = (passes * x.bytesPerPass) / seconds / 1e9;

  const stencils = new Map(p.pes.map((x) => [x.stencil, x]));
  const opsPerCell = [...stencils.values()].reduce((a, x) => a + countOps(x.code), 0);
  const ops = cells * opsPerCell * p.timeSteps;
  const bytes = passes * ports.reduce((a, x) => a + x.bytesPerPass, 0);
  const bandwidthCeilingGBs = ports.reduce((a, x) => a + x.bankGBs, 0);
  return {
    clockMHz: f / 1e6, passes, cyclesPerPass, seconds, cells, opsPerCell,
    gops: ops / seconds / 1e9, bytes, gbs: bytes / seconds / 1e9,
    intensity: bytes === 0 ? Infinity : ops / bytes,
    computeCeiling: (opsPerCell * W * p.replicas * f) / 1e9,
    bandwidthCeilingGBs,
    bound: memorySeconds > pipelineSeconds ? "memory" : "pipeline",
    ports,
  };
}
