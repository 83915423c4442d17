// Resource estimate of a spatial pipeline on a board: DSPs and logic from the arithmetic of every
// PE lane (operator costs by device family, multiply-add pairs fused where the family's DSP does
// it: operator_costs.ts, with the source of every number), flip-flops from register windows,
// LUTRAM/MLAB, block RAM and UltraRAM from delay lines and FIFOs in the storage the kernels
// declare, the memory ports, plus the board's shell where the board file records it. Logic is
// counted in the board's unit: LUTs (Xilinx) or ALMs (Intel). Good for "does it fit, and what
// runs out first" — not a substitute for synthesis.

import { linalgResources } from "./linalg_figures.js";
import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import type { Assignment } from "../ir/expr.js";
import type { Platform } from "../platform/platform.js";
import type { Pipeline, ReductionPE } from "../spatial/pipeline.js";
import { REDUCE_OPERATOR } from "../spatial/reduction.js";
import { bram36Blocks, chooseStorage, lutramLuts, srlLuts, uramBlocks, type Storage } from "../spatial/storage.js";
import { countOperations } from "./op_count.js";
import { callKind, costFamily, FAMILY_COSTS, type CostFamily, type OpKind } from "./operator_costs.js";

export interface Resources { lut: number; ff: number; dsp: number; bram: number; uram: number }

/** Operator cost of one lane of a stencil's code on a device family (operator_costs.ts). */
export function arithmeticCost(code: Assignment[], dtype: DType, family: CostFamily): Resources {
  const table = FAMILY_COSTS[family].ops[dtype];
  const n = countOperations(code);
  // Products whose add the family's DSP does: one multiply-add instead of a multiply and an add.
  const fused = table.fma ? n.fusable : 0;
  const counts: [OpKind, number][] = [
    ["add", n.add - fused], ["mul", n.mul - fused], ["fma", fused], ["div", n.div],
    ["logic", n.logic - n.shift], ["shift", n.shift], ["compare", n.compare], ["select", n.select],
    ...Object.entries(n.calls).map(([fn, k]): [OpKind, number] => [callKind(fn), k]),
  ];
  const r: Resources = { lut: 0, ff: 0, dsp: 0, bram: 0, uram: 0 };
  for (const [kind, k] of counts) {
    const cost = table[kind];
    if (!cost || k === 0) continue;
    r.dsp += cost.dsp * k; r.lut += cost.logic * k; r.ff += cost.ff * k;
  }
  return r;
}

/** BRAM36 / M20K blocks for a memory of `depth` words of `width` bits. */
function blocks(width: number, depth: number, platform: Platform): number {
  if (platform.resources.bramKbits === 36) return bram36Blocks(width, depth);
  // M20K: 512 × 40 at its widest (2048 × 10 … 16384 × 1 when narrow).
  return Math.min(...[[40, 512], [20, 1024], [10, 2048], [5, 4096], [2, 8192], [1, 16384]].map(([w, d]) => Math.ceil(width / w!) * Math.ceil(depth / d!)));
}

/** MLABs (Intel: 640 bits as 32 words x 20 bits, one per LAB of ten ALMs) for `depth` words of `width` bits. */
export const mlabBlocks = (width: number, depth: number): number => Math.ceil(width / 20) * Math.ceil(depth / 32);
export const ALMS_PER_MLAB = 10;

/**
 * What a buffer of `depth` words of `width` bits costs in the storage the kernel declares for it.
 * Xilinx: SRL32 shift registers and LUTRAM in LUTs, BRAM36, UltraRAM (UG574, UG573). Intel:
 * `srl` is `__attribute__((register))` (flip-flops), `lutram` an MLAB, `bram`/`uram` M20K
 * (opencl_kernel.ts; UG 683423).
 */
export function storageResources(storage: Storage, width: number, depth: number, platform: Platform): Partial<Resources> {
  const intel = platform.vendor === "intel";
  switch (storage) {
    case "srl": return intel ? { ff: width * depth } : { lut: srlLuts(width, depth) };
    case "lutram": return intel ? { lut: mlabBlocks(width, depth) * ALMS_PER_MLAB } : { lut: lutramLuts(width, depth) };
    case "uram": return platform.resources.uram > 0 ? { uram: uramBlocks(width, depth) } : { bram: blocks(width, depth, platform) };
    case "bram": return { bram: blocks(width, depth, platform) };
  }
}

/** Arithmetic of one lane of one copy of each stencil (DSP, logic in the board's unit, FF). */
export interface LaneCost { stencil: string; dsp: number; logic: number; ff: number }

export function laneCosts(p: Pipeline, platform: Platform): LaneCost[] {
  const family = costFamily(platform.vendor);
  const seen = new Map<string, LaneCost>();
  for (const pe of p.pes) {
    if (seen.has(pe.stencil)) continue;
    const r = arithmeticCost(pe.code, pe.dtype, family);
    seen.set(pe.stencil, { stencil: pe.stencil, dsp: r.dsp, logic: r.lut, ff: r.ff });
  }
  return [...seen.values()];
}

/**
 * Operators of a reduction PE: a lane tree of W - 1, the accumulating one, a final tree of
 * partials - 1; a column reduction's W lanes each accumulate and have a tree of banks - 1.
 */
export function reductionOperators(r: Pick<ReductionPE, "partials" | "banks" | "columns">, W: number): number {
  return r.columns ? W * r.banks : W - 1 + 1 + (r.partials - 1);
}

/** `extraPorts`: AXI masters beyond one per reader and writer (the lane groups of split arrays, port_parts.ts). */
export function estimateResources(p: Pipeline, platform: Platform, extraPorts = 0): Resources {
  if (p.linalg) return linalgResources(p, platform); // matrix-vector and systolic processes (linalg_figures.ts)
  const W = p.vectorWidth;
  const family = costFamily(platform.vendor);
  const costs = FAMILY_COSTS[family];
  const total: Resources = { lut: 0, ff: 0, dsp: 0, bram: 0, uram: 0 };
  const add = (r: Partial<Resources>) => { for (const k of Object.keys(r) as (keyof Resources)[]) total[k] += r[k] ?? 0; };
  for (const pe of p.pes) {
    const lane = arithmeticCost(pe.code, pe.dtype, family);
    add({ lut: lane.lut * W + costs.peControl.logic, ff: lane.ff * W + costs.peControl.ff, dsp: lane.dsp * W });
    for (const input of pe.inputs) {
      const bits = W * DTYPE_INFO[input.dtype].bytes * 8;
      for (const part of input.parts) {
        if (part.kind === "registers") add({ ff: part.count * bits });
        else add(storageResources(part.storage, bits, part.count, platform));
      }
    }
  }
  // Reduction PEs (reduction.ts): a lane tree of W - 1 operators, the accumulating one and a
  // final tree of partials - 1; the banks of partial accumulators in registers.
  for (const r of p.reductions ?? []) {
    const cost = FAMILY_COSTS[family].ops[r.dtype][REDUCE_OPERATOR[r.op] as OpKind] ?? { dsp: 0, logic: 0, ff: 0 };
    const ops = reductionOperators(r, W);
    const bits = DTYPE_INFO[r.dtype].bytes * 8;
    add({ dsp: cost.dsp * ops, lut: cost.logic * ops + costs.peControl.logic, ff: cost.ff * ops + costs.peControl.ff + (r.columns ? 0 : r.banks * r.partials * bits) });
    // A column reduction's accumulators: one per column in each bank, W lanes wide, rowVectors deep.
    if (r.columns) for (let b = 0; b < r.banks; b++) add(storageResources(chooseStorage(r.rowVectors, W * bits, false), W * bits, r.rowVectors, platform));
  }
  // FIFOs: the storage the kernel binds them to, plus control logic and an output register.
  for (const c of p.channels) {
    const bits = W * DTYPE_INFO[c.dtype].bytes * 8;
    add(storageResources(c.storage, bits, c.depth, platform));
    add({ lut: c.storage === "srl" ? costs.fifoControl.logic : 3 * costs.fifoControl.logic, ff: c.storage === "srl" ? bits : 2 * bits });
  }
  // Each memory port: an AXI master with burst buffers (Xilinx), a burst-coalesced LSU (Intel).
  const ports = p.readers.length + p.writers.length + extraPorts;
  add({ lut: ports * costs.memoryPort.logic, ff: ports * costs.memoryPort.ff, bram: ports * costs.memoryPort.bram });
  for (const r of p.readers.filter((x) => x.onChip)) add({ bram: blocks(DTYPE_INFO[r.dtype].bytes * 8 * (r.axes.includes(2) ? W : 1), r.shape.reduce((a, b) => a * b, 1), platform) });
  const shell = platform.shellOverhead;
  if (shell) add({ lut: shell.lut, ff: shell.ff, bram: shell.bram, uram: shell.uram ?? 0, dsp: shell.dsp ?? 0 });
  return total;
}

export interface Utilisation {
  resource: keyof Resources;
  /** What the board counts: LUT or ALM, FF, DSP, BRAM36 or M20K, URAM. */
  unit: string;
  used: number;
  available: number;
  fraction: number;
}

export function utilisation(used: Resources, platform: Platform): Utilisation[] {
  const avail: Resources = { lut: platform.resources.lut, ff: platform.resources.ff, dsp: platform.resources.dsp, bram: platform.resources.bram, uram: platform.resources.uram };
  return (Object.keys(avail) as (keyof Resources)[]).map((k) => ({
    resource: k, unit: k === "lut" ? platform.resources.lutUnit : k === "bram" ? platform.resources.bramKind : k.toUpperCase(), used: used[k], available: avail[k], fraction: avail[k] === 0 ? (used[k] === 0 ? 0 : Infinity) : used[k] / avail[k],
  }));
}
