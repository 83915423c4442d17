// Resource estimate of a spatial pipeline on a board: DSPs and LUTs from the arithmetic of every
// PE lane, flip-flops from register windows, block RAM / UltraRAM from delay lines and deep
// FIFOs, plus the board's shell. Coarse per-operator costs (typical Vitis HLS float cores), good
// for "does it fit, and what runs out first" — not a substitute for synthesis.

import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import { multipliedPower, walkExpr, type Assignment } from "../ir/expr.js";
import type { Platform } from "../platform/platform.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { REDUCE_OPERATOR } from "../spatial/reduction.js";
import { bram36Blocks, lutramLuts, srlLuts, uramBlocks, type Storage } from "../spatial/storage.js";

export interface Resources { lut: number; ff: number; dsp: number; bram: number; uram: number }

/** Cost of one operator instance: [DSP, LUT, FF]. */
const OPS: Record<DType, Record<string, [number, number, number]>> = {
  float32: { add: [2, 220, 330], mul: [3, 110, 150], div: [0, 800, 1300], sqrt: [0, 500, 800], exp: [7, 900, 1200], log: [4, 1000, 1300], trig: [10, 2500, 3000], pow: [14, 3000, 4000], cmp: [0, 70, 20], select: [0, 35, 0], minmax: [0, 100, 20], round: [0, 150, 100] },
  // Integers: adders in LUT carry chains, multipliers on DSPs (32×32: 3 DSP48, 64×64: 10),
  // dividers as LUT arrays; shifts (barrel shifters) and bitwise ops count as "logic".
  int32: { add: [0, 32, 32], mul: [3, 40, 60], div: [0, 1100, 1400], sqrt: [0, 0, 0], exp: [0, 0, 0], log: [0, 0, 0], trig: [0, 0, 0], pow: [0, 0, 0], cmp: [0, 16, 1], select: [0, 32, 0], minmax: [0, 48, 32], round: [0, 0, 0], logic: [0, 32, 32], shift: [0, 100, 32] },
  int64: { add: [0, 64, 64], mul: [10, 120, 180], div: [0, 4300, 5000], sqrt: [0, 0, 0], exp: [0, 0, 0], log: [0, 0, 0], trig: [0, 0, 0], pow: [0, 0, 0], cmp: [0, 32, 1], select: [0, 64, 0], minmax: [0, 96, 64], round: [0, 0, 0], logic: [0, 64, 64], shift: [0, 250, 64] },
  float64: { add: [3, 700, 900], mul: [11, 250, 450], div: [0, 3200, 6000], sqrt: [0, 1700, 3200], exp: [26, 2000, 2700], log: [18, 2500, 3200], trig: [30, 6000, 7000], pow: [45, 7000, 9000], cmp: [0, 140, 40], select: [0, 70, 0], minmax: [0, 200, 40], round: [0, 300, 200] },
};

function opKind(e: import("../ir/expr.js").Expr): string | null {
  if (e.kind === "binary") {
    if (e.op === "+" || e.op === "-") return "add";
    if (e.op === "*") return "mul";
    if (e.op === "/" || e.op === "%") return "div";
    if (e.op === "<<" || e.op === ">>") return "shift";
    if (e.op === "&" || e.op === "|" || e.op === "^") return "logic";
    if (e.op === "**") return "pow";
    if (e.op === "and" || e.op === "or") return null;
    return "cmp";
  }
  if (e.kind === "ternary") return "select";
  if (e.kind === "call") {
    if (["sin", "cos", "tan", "atan2", "tanh"].includes(e.fn)) return "trig";
    if (e.fn === "min" || e.fn === "max") return "minmax";
    if (e.fn === "floor" || e.fn === "ceil") return "round";
    if (e.fn === "abs" || e.fn === "fabs") return null;
    return e.fn;
  }
  return null;
}

/** Operator cost of one lane of a stencil's code. */
export function arithmeticCost(code: Assignment[], dtype: DType): Resources {
  const r: Resources = { lut: 0, ff: 0, dsp: 0, bram: 0, uram: 0 };
  for (const s of code) {
    walkExpr(s.value, (e) => {
      const k = opKind(e);
      if (!k) return;
      // x**n for n = 2..4 is printed as n - 1 multiplications (c_expr.ts).
      const times = k === "pow" && e.kind === "binary" && multipliedPower(e.right) !== null ? multipliedPower(e.right)! - 1 : 1;
      const [dsp, lut, ff] = OPS[dtype][times === 1 && k !== "pow" ? k : times === 1 ? "pow" : "mul"] ?? [0, 0, 0];
      r.dsp += dsp * times; r.lut += lut * times; r.ff += ff * times;
    });
  }
  return r;
}

/** BRAM36 / M20K blocks for a memory of `depth` words of `width` bits. */
function blocks(width: number, depth: number, platform: Platform): number {
  if (platform.resources.bramKbits === 36) return bram36Blocks(width, depth);
  // M20K: 512 × 40 at its widest (2048 × 10 … 16384 × 1 when narrow).
  return Math.min(...[[40, 512], [20, 1024], [10, 2048], [5, 4096], [2, 8192], [1, 16384]].map(([w, d]) => Math.ceil(width / w!) * Math.ceil(depth / d!)));
}

/** What a buffer of `depth` words of `width` bits costs in the storage the kernel declares for it. */
export function storageResources(storage: Storage, width: number, depth: number, platform: Platform): Partial<Resources> {
  switch (storage) {
    case "srl": return { lut: srlLuts(width, depth) };
    case "lutram": return { lut: lutramLuts(width, depth) };
    case "uram": return platform.resources.uram > 0 ? { uram: uramBlocks(width, depth) } : { bram: blocks(width, depth, platform) };
    case "bram": return { bram: blocks(width, depth, platform) };
  }
}

export function estimateResources(p: Pipeline, platform: Platform): Resources {
  const W = p.vectorWidth;
  const total: Resources = { lut: 0, ff: 0, dsp: 0, bram: 0, uram: 0 };
  const add = (r: Partial<Resources>) => { for (const k of Object.keys(r) as (keyof Resources)[]) total[k] += r[k] ?? 0; };
  for (const pe of p.pes) {
    const lane = arithmeticCost(pe.code, pe.dtype);
    add({ lut: lane.lut * W + 400, ff: lane.ff * W + 300, dsp: lane.dsp * W });
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
    const [dsp, lut, ff] = OPS[r.dtype][REDUCE_OPERATOR[r.op]] ?? [0, 0, 0];
    const ops = W - 1 + 1 + (r.partials - 1);
    add({ dsp: dsp * ops, lut: lut * ops + 400, ff: ff * ops + 300 + r.banks * r.partials * DTYPE_INFO[r.dtype].bytes * 8 });
  }
  // FIFOs: the storage the kernel binds them to, plus control logic and an output register.
  for (const c of p.channels) {
    const bits = W * DTYPE_INFO[c.dtype].bytes * 8;
    add(storageResources(c.storage, bits, c.depth, platform));
    add({ lut: c.storage === "srl" ? 20 : 60, ff: c.storage === "srl" ? bits : 2 * bits });
  }
  // Each memory port: an AXI master with burst buffers.
  const ports = p.readers.length + p.writers.length;
  add({ lut: ports * 1800, ff: ports * 2600, bram: ports * 2 });
  for (const r of p.readers.filter((x) => x.onChip)) add({ bram: blocks(DTYPE_INFO[r.dtype].bytes * 8 * (r.axes.includes(2) ? W : 1), r.shape.reduce((a, b) => a * b, 1), platform) });
  const shell = platform.shellOverhead;
  if (shell) add({ lut: shell.lut, ff: shell.ff, bram: shell.bram });
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
