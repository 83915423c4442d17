// Performance model of the streamed systolic gemm (spatial/linalg_pipeline.ts, the loops of
// hls/linalg_code.ts): cycles of C = alpha·A·B + beta·C on a chain of P PEs of W lanes, the
// GOp/s at a board clock, whether B's re-reads from one memory port bound it, and the largest
// P x W a board's DSPs hold. Self-contained: `make bench` prints it for gemm 1024³ on the U280
// next to the published figure of the design it follows (PUBLISHED_GEMM).

import type { Platform } from "../platform/platform.js";
import { costFamily, multiplyAddDsps, type CostFamily } from "./operator_costs.js";

/** Share of a board's DSPs a design can use before routing fails (the FPGA'20 design stopped short of all). */
export const USABLE_DSP_FRACTION = 0.8;
/** Widest memory word a port moves per cycle (a 512-bit AXI port). */
export const PORT_BYTES = 64;

export type GemmPrecision = "float32" | "float64";

/**
 * The published figure: de Fine Licht, Kwasniewski, Hoefler, "Flexible Communication Avoiding
 * Matrix Multiplication on FPGA with High-Level Synthesis", FPGA'20; its open-source design
 * (github.com/spcl/gemm_hls, README) reports on a VCU1525: 462 GFLOP/s half, 301 GFLOP/s
 * single and 132 GFLOP/s double precision.
 */
export const PUBLISHED_GEMM = {
  source: "de Fine Licht et al., FPGA'20 (spcl/gemm_hls on a VCU1525)",
  gflops: { float32: 301, float64: 132 } as Record<GemmPrecision, number>,
};

export interface GemmSystolicInput {
  /** C is n x m, A n x k, B k x m. */
  n: number;
  m: number;
  k: number;
  P: number;
  W: number;
  clockMHz: number;
  precision: GemmPrecision;
  /** Device family whose operator table prices a multiply-add lane (operator_costs.ts). */
  family: CostFamily;
  /** Bytes per second the port that re-reads B sustains; unbounded when absent. */
  portBytesPerSecond?: number;
}

export interface GemmSystolicFigures {
  cycles: number;
  computeSeconds: number;
  /** Time to stream B once per tile of P rows through one port. */
  memorySeconds: number;
  seconds: number;
  boundBy: "compute" | "memory";
  /** 2·n·m·k operations (a multiply and an add each) per second, in 10^9. */
  gops: number;
  dsps: number;
}

/**
 * Per tile of P rows the last PE of the chain takes the most cycles: one A element before the
 * first column, k·m/W multiply-adds (one W-wide vector of B per cycle) and P·m/W cycles draining
 * the tile's rows; the tiles follow each other, plus the P cycles for A to reach the chain's end.
 */
export function gemmSystolicModel(x: GemmSystolicInput): GemmSystolicFigures {
  const { n, m, k, P, W } = x;
  if (n % P !== 0 || m % W !== 0 || m / W < P) throw new Error(`gemm ${n}x${m}x${k} does not map to P=${P}, W=${W}`);
  const tiles = n / P;
  const cycles = tiles * (1 + (k * m) / W + (P * m) / W) + P;
  const computeSeconds = cycles / (x.clockMHz * 1e6);
  const bytes = x.precision === "float64" ? 8 : 4;
  const memorySeconds = x.portBytesPerSecond ? (tiles * k * m * bytes) / x.portBytesPerSecond : 0;
  const seconds = Math.max(computeSeconds, memorySeconds);
  return {
    cycles, computeSeconds, memorySeconds, seconds, boundBy: memorySeconds > computeSeconds ? "memory" : "compute",
    gops: (2 * n * m * k) / seconds / 1e9, dsps: P * W * multiplyAddDsps(x.precision, x.family),
  };
}

/** The largest P x W (then the widest W) whose lanes fit the board's usable DSPs and the sizes. */
export function largestSystolicFit(platform: Platform, n: number, m: number, precision: GemmPrecision): { P: number; W: number } {
  const lanes = Math.floor((platform.resources.dsp * USABLE_DSP_FRACTION) / multiplyAddDsps(precision, costFamily(platform.vendor)));
  const bytes = precision === "float64" ? 8 : 4;
  let best = { P: 1, W: 1 };
  for (const W of [1, 2, 4, 8, 16]) {
    if (W * bytes > PORT_BYTES || m % W !== 0) continue;
    for (let P = 1; P * W <= lanes && P <= m / W; P++) {
      if (n % P !== 0) continue;
      if (P * W > best.P * best.W || (P * W === best.P * best.W && W > best.W)) best = { P, W };
    }
  }
  return best;
}
