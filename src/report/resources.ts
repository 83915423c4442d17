// Resource estimate of a spatial pipeline on a board: DSPs and LUTs from the arithmetic of every
// PE lane, flip-flops from register windows, block RAM / UltraRAM from delay lines and deep
// FIFOs, plus the board's shell. Coarse per-operator costs (typical Vitis HLS float cores), good
// for "does it fit, and what runs out first" — not a substitute for synthesis.

import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import { walkExpr, type Assignment } from "../ir/expr.js";
import type { Platform } from "../platform/platform.js";
import type { Pipeline } from "../spatial/pipeline.js";

export interface Resources { lut: number; ff: number; dsp: number; bram: number; uram: number }

/** Cost of one operator instance: [DSP, LUT, FF]. */
const OPS: Record<DType, Record<string, [number, number, number]>> = {
  float32: { add: [2, 220, 330], mul: [3, 110, 150], div: [0, 800, 1300], sqrt: [0, 500, 800], exp: [7, 900, 1200], log: [4, 1000, 1300], trig: [10, 2500, 3000], pow: [14, 3000, 4000], cmp: [0, 70, 20], select: [0, 35, 0], minmax: [0, 100, 20], round: [0, 150, 100] },
  float64: { add: [3, 700, 900], mul: [11, 250, 450], div: [0, 3200, 6000], sqrt: [0, 1700, 3200], exp: [26, 2000, 2700], log: [18, 2500, 3200], trig: [30, 6000, 7000], pow: [45, 7000, 9000], cmp: [0, 140, 40], select: [0, 70, 0], minmax: [0, 200, 40], round: [0, 300, 200] },
};

function opKind(e: import("../ir/expr.js").Expr): string | null {
  if (e.kind === "binary") {
    if (e.op === "+" || e.op === "-") return "add";
    if (e.op === "*") return "mul";
    if (e.op === "/") return "div";
    if (e.op === "**") return "pow";
    if (e.op === "and" || e.op === "or") return null;
    return "cmp";
  }
  if (e.kind === "ternary") return "select";
  if (e.kind === "call") {
    if (["sin", "cos", "tan"].includes(e.fn)) return "trig";
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
      const [dsp, lut, ff] = OPS[dtype][k]!;
      r.dsp += dsp; r.lut += lut; r.ff += ff;
    });
  }
  return r;
}

/** BRAM36 / M20K blocks for a memory of `depth` words of `width` bits. */
function blocks(width: number, depth: number, platform: Platform): number {
  const kbits = platform.resources.bramKbits;
  // Widest aspect ratio: 72 x 512 for BRAM36, 40 x 512 for M20K.
  const maxWidth = kbits === 36 ? 72 : 40;
  return Math.ceil(width / maxWidth) * Math.ceil(depth / 512);
}

const uramBlocks = (width: number, depth: number) => Math.ceil(width / 72) * Math.ceil(depth / 4096);

/** A FIFO of up to this many bits lives in shift registers (SRL), else in block RAM. */
const SRL_FIFO_BITS = 1024;

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
        else if (part.storage === "registers") add({ lut: Math.ceil((part.count * bits) / 32) });
        else if (part.storage === "uram") add({ uram: uramBlocks(bits, part.count) });
        else add({ bram: blocks(bits, part.count, platform) });
      }
    }
  }
  for (const c of p.channels) {
    const bits = W * DTYPE_INFO[c.dtype].bytes * 8;
    if (c.depth * bits <= SRL_FIFO_BITS || c.depth <= 32) add({ lut: Math.ceil((c.depth * bits) / 32) + 20, ff: bits });
    else add({ bram: blocks(bits, c.depth, platform), lut: 60, ff: 2 * bits });
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
