// The resource model's numbers, as data, each with where it comes from. Two device families:
// AMD/Xilinx UltraScale+ (DSP48E2 slices, LUT6 logic; the Alveo boards) and Intel Stratix 10
// (variable-precision DSP blocks with hard single-precision floating point, ALM logic; the 520N).
//
// Every entry names a key of SOURCES. Entries marked "estimate" have no published table behind
// them: they are our own order-of-magnitude figures and say so, so that nobody mistakes them for
// a datasheet number. Nothing here is fitted to the published designs bench/published.mjs
// compares against.

import type { DType } from "../ir/dtype.js";

export const SOURCES = {
  S10_DSP: "Intel, Stratix 10 Variable Precision DSP Blocks User Guide (UG 683832), 10.2 'Native Floating Point DSP Stratix 10 FPGA IP Supported Operational Modes', table 56: one DSP block does a single-precision multiply, add/subtract, or multiply-add (Out = Ay*Az + Ax); 2.6/2.7: fixed-point adder and chainout adder in the block",
  S10_ALM: "Intel, Stratix 10 Logic Array Blocks and Adaptive Logic Modules User Guide (UG 683699): two dedicated full-adder bits and four registers per ALM, ten ALMs per LAB",
  S10_MEM: "Intel, Stratix 10 Embedded Memory User Guide (UG 683423): M20K = 20 Kbit (512x40 .. 16Kx1), MLAB = 640 bits (32x20) in a LAB of ten ALMs",
  PG060: "AMD, Floating-Point Operator LogiCORE v7.1 (PG060) and its resource pages (xilinx.com/htmldocs/ip_docs/pru_files/floating-point.html), UltraScale+ full-DSP-usage configurations that Vitis HLS instantiates (UG1399, BIND_OP impl=fulldsp/maxdsp); figures rounded, not re-checked row by row",
  UG579: "AMD, UltraScale Architecture DSP Slice User Guide (UG579): DSP48E2 = 27x18 multiplier, pre-adder and 48-bit post-adder/accumulator; a product's add or subtract runs in the post-adder of the slice's cascade",
  UG574: "AMD, UltraScale Architecture CLB User Guide (UG574): a LUT6 is a 32-deep shift register (SRLC32E) or 64x1 RAM (RAM64M8: 64 x 7 per 8 LUTs), a carry chain adds one bit per LUT",
  UG573: "AMD, UltraScale Architecture Memory Resources (UG573): BRAM36 512x72 .. 32Kx1, UltraRAM 4Kx72",
  DESIGN_MD: "design.md section 6 (board table): U280 shell about 108K LUT, 136K FF, 196 BRAM36",
  ESTIMATE: "estimate: no published figure found; our own order-of-magnitude number, not fitted to any result",
} as const;
export type SourceKey = keyof typeof SOURCES;

/** Operator kinds the resource model prices. */
export type OpKind = "add" | "mul" | "fma" | "div" | "sqrt" | "exp" | "log" | "trig" | "pow" | "compare" | "select" | "minmax" | "round" | "abs" | "logic" | "shift";

/** Cost of one operator instance for one lane; `logic` in the family's unit (LUT or ALM). */
export interface OpCost { dsp: number; logic: number; ff: number; source: SourceKey }

export type CostFamily = "xilinx-ultrascale+" | "intel-stratix10";

export interface FamilyCosts {
  name: string;
  logicUnit: "LUT" | "ALM";
  /** Per type; `fma` present = the family runs a product and its add in one multiplier's DSPs. */
  ops: Record<DType, Partial<Record<OpKind, OpCost>>>;
  /** One memory reader or writer (AXI master with burst buffers / OpenCL burst-coalesced LSU). */
  memoryPort: { logic: number; ff: number; bram: number; source: SourceKey };
  /** Loop control, boundary checks and window shifting of one PE (independent of W). */
  peControl: { logic: number; ff: number; source: SourceKey };
  /** Control of one FIFO (pointers, full/empty); its storage is priced by storage kind. */
  fifoControl: { logic: number; source: SourceKey };
}

const c = (dsp: number, logic: number, ff: number, source: SourceKey): OpCost => ({ dsp, logic, ff, source });

const XILINX: FamilyCosts = {
  name: "AMD UltraScale+ (DSP48E2)",
  logicUnit: "LUT",
  ops: {
    // DSP48E2 has no floating point: fp32 add is 2 slices, multiply 3 (full DSP usage), and the
    // add of a product is a separate core (no fused multiply-add before Versal's DSP58).
    float32: { add: c(2, 220, 330, "PG060"), mul: c(3, 110, 150, "PG060"), div: c(0, 800, 1300, "PG060"), sqrt: c(0, 500, 800, "PG060"),
      exp: c(7, 900, 1200, "ESTIMATE"), log: c(4, 1000, 1300, "ESTIMATE"), trig: c(10, 2500, 3000, "ESTIMATE"), pow: c(14, 3000, 4000, "ESTIMATE"),
      compare: c(0, 70, 20, "PG060"), select: c(0, 35, 0, "UG574"), minmax: c(0, 100, 20, "ESTIMATE"), round: c(0, 150, 100, "ESTIMATE"), abs: c(0, 0, 0, "ESTIMATE") },
    float64: { add: c(3, 700, 900, "PG060"), mul: c(11, 250, 450, "PG060"), div: c(0, 3200, 6000, "PG060"), sqrt: c(0, 1700, 3200, "PG060"),
      exp: c(26, 2000, 2700, "ESTIMATE"), log: c(18, 2500, 3200, "ESTIMATE"), trig: c(30, 6000, 7000, "ESTIMATE"), pow: c(45, 7000, 9000, "ESTIMATE"),
      compare: c(0, 140, 40, "PG060"), select: c(0, 70, 0, "UG574"), minmax: c(0, 200, 40, "ESTIMATE"), round: c(0, 300, 200, "ESTIMATE"), abs: c(0, 0, 0, "ESTIMATE") },
    // Integers: adders on the carry chain (one LUT per bit), 32x32 products on 3 DSP48E2 (27x18
    // tiles), 64x64 on 10; the add of a product runs in the last slice's post-adder.
    int32: { add: c(0, 32, 32, "UG574"), mul: c(3, 40, 60, "UG579"), fma: c(3, 40, 60, "UG579"), div: c(0, 1100, 1400, "ESTIMATE"),
      compare: c(0, 16, 1, "UG574"), select: c(0, 32, 0, "UG574"), minmax: c(0, 48, 32, "UG574"), abs: c(0, 32, 32, "UG574"), logic: c(0, 32, 32, "UG574"), shift: c(0, 100, 32, "ESTIMATE") },
    int64: { add: c(0, 64, 64, "UG574"), mul: c(10, 120, 180, "UG579"), fma: c(10, 120, 180, "UG579"), div: c(0, 4300, 5000, "ESTIMATE"),
      compare: c(0, 32, 1, "UG574"), select: c(0, 64, 0, "UG574"), minmax: c(0, 96, 64, "UG574"), abs: c(0, 64, 64, "UG574"), logic: c(0, 64, 64, "UG574"), shift: c(0, 250, 64, "ESTIMATE") },
  },
  memoryPort: { logic: 1800, ff: 2600, bram: 2, source: "ESTIMATE" },
  peControl: { logic: 400, ff: 300, source: "ESTIMATE" },
  fifoControl: { logic: 20, source: "ESTIMATE" },
};

const INTEL: FamilyCosts = {
  // Arria 10 (platforms/a10gx.json) was the first family with these hard single-precision DSP
  // blocks (Intel, Arria 10 Native Floating Point DSP IP user guide): one table serves both.
  name: "Intel Stratix 10 / Arria 10 (variable-precision DSP, hard fp32)",
  logicUnit: "ALM",
  ops: {
    // Hard single precision: add, multiply and multiply-add each one DSP block; the ALMs and
    // registers are the pipeline-balancing logic around it (estimate). A product and its add
    // share a block because our Intel projects build with -ffp-contract=fast (AOC_FP_FLAGS in
    // intel_project.ts), which lets aoc contract them.
    float32: { add: c(1, 20, 60, "S10_DSP"), mul: c(1, 20, 60, "S10_DSP"), fma: c(1, 20, 60, "S10_DSP"),
      div: c(4, 500, 1000, "ESTIMATE"), sqrt: c(2, 300, 600, "ESTIMATE"), exp: c(2, 500, 900, "ESTIMATE"), log: c(3, 900, 1500, "ESTIMATE"),
      trig: c(8, 1500, 2500, "ESTIMATE"), pow: c(10, 2500, 4000, "ESTIMATE"),
      compare: c(0, 20, 10, "S10_ALM"), select: c(0, 16, 0, "S10_ALM"), minmax: c(0, 40, 10, "S10_ALM"), round: c(0, 80, 60, "ESTIMATE"), abs: c(0, 0, 0, "ESTIMATE") },
    // No hard double precision: soft cores, the mantissa products tiled over 27x27 multipliers.
    float64: { add: c(0, 700, 1400, "ESTIMATE"), mul: c(4, 300, 600, "ESTIMATE"), div: c(0, 3000, 6000, "ESTIMATE"), sqrt: c(0, 1600, 3200, "ESTIMATE"),
      exp: c(20, 2000, 3000, "ESTIMATE"), log: c(16, 2500, 3500, "ESTIMATE"), trig: c(28, 6000, 8000, "ESTIMATE"), pow: c(40, 7000, 10000, "ESTIMATE"),
      compare: c(0, 40, 20, "S10_ALM"), select: c(0, 32, 0, "S10_ALM"), minmax: c(0, 80, 20, "S10_ALM"), round: c(0, 160, 120, "ESTIMATE"), abs: c(0, 0, 0, "ESTIMATE") },
    // Integers: two adder bits per ALM; products in 27x27 DSP mode, their add in the block.
    int32: { add: c(0, 16, 32, "S10_ALM"), mul: c(2, 20, 60, "ESTIMATE"), fma: c(2, 20, 60, "S10_DSP"), div: c(0, 600, 1400, "ESTIMATE"),
      compare: c(0, 16, 1, "S10_ALM"), select: c(0, 16, 0, "S10_ALM"), minmax: c(0, 32, 32, "S10_ALM"), abs: c(0, 16, 32, "S10_ALM"), logic: c(0, 16, 32, "S10_ALM"), shift: c(0, 60, 32, "ESTIMATE") },
    int64: { add: c(0, 32, 64, "S10_ALM"), mul: c(6, 60, 180, "ESTIMATE"), fma: c(6, 60, 180, "S10_DSP"), div: c(0, 2200, 5000, "ESTIMATE"),
      compare: c(0, 32, 1, "S10_ALM"), select: c(0, 32, 0, "S10_ALM"), minmax: c(0, 64, 64, "S10_ALM"), abs: c(0, 32, 64, "S10_ALM"), logic: c(0, 32, 64, "S10_ALM"), shift: c(0, 150, 64, "ESTIMATE") },
  },
  memoryPort: { logic: 1500, ff: 3000, bram: 4, source: "ESTIMATE" },
  peControl: { logic: 200, ff: 300, source: "ESTIMATE" },
  fifoControl: { logic: 10, source: "ESTIMATE" },
};

export const FAMILY_COSTS: Record<CostFamily, FamilyCosts> = { "xilinx-ultrascale+": XILINX, "intel-stratix10": INTEL };

/**
 * DSPs of one multiply-add lane on a device family: one block where the family's DSP fuses the
 * product and its add (Stratix 10 / Arria 10 hard fp32: UG 683832), else a multiplier plus an
 * adder (UltraScale+ fp32: 3 + 2 slices, PG060) — the table above.
 */
export function multiplyAddDsps(dtype: DType, family: CostFamily): number {
  const ops = FAMILY_COSTS[family].ops[dtype];
  return ops.fma ? ops.fma.dsp : (ops.mul?.dsp ?? 0) + (ops.add?.dsp ?? 0);
}

/** The family of a board: its vendor picks the table (every board in platforms/ is UltraScale+ or Stratix 10). */
export function costFamily(vendor: "xilinx" | "intel"): CostFamily {
  return vendor === "intel" ? "intel-stratix10" : "xilinx-ultrascale+";
}

/** Math calls → the operator kind that prices them. */
export function callKind(fn: string): OpKind {
  if (fn === "sin" || fn === "cos" || fn === "tan" || fn === "atan2" || fn === "tanh") return "trig";
  if (fn === "min" || fn === "max") return "minmax";
  if (fn === "floor" || fn === "ceil") return "round";
  if (fn === "abs" || fn === "fabs") return "abs";
  return fn as OpKind;
}
