// Published FPGA designs that our programs express, and our models' predictions for the same
// configuration: `make bench` prints them side by side. Each row names the document, table or
// file its figures were read from; nothing else is recorded.
//
// What the published figures give, and what they do not:
//  * The DaCe keynote's Stratix 10 table (design.md section 7): GOp/s and W, one DSP count
//    (Diffusion 2D at W=8: 2,304), a clock only for horizontal diffusion (318 MHz).
//  * Zohouri et al. on Arria 10 (FPGA'18 abstract): GFLOP/s only.
//  * Intel AN 870: P (30 chained kernels), the domain and the run time; not W, not the clock.
//  * T2SP (IntelLabs/t2sp READMEs, Quartus figures): GFLOP/s, fmax, DSPs, ALMs and RAM blocks of
//    systolic gemm and convolutions on Arria 10 and Stratix 10. The gemm rows are our systolic
//    gemm (the streamed pipeline an SDFG matrix product lowers to) with as many multiply-add lanes;
//    the convolutions are not programs of ours: the inline 'multiply-add' program has their
//    operator count per lane (one multiply-add), and only their DSPs are compared (dspOnly).
//  * HPCC FPGA's GEMM results (pc2/HPCC_FPGA): the lane count (kernels x GEMM_SIZE^3), clock,
//    GFLOP/s and DSP/LUT/BRAM counts on the 520N and the U280, compared with our systolic gemm of
//    the published lane count; the U280 row checks the UltraScale+ cost of a multiply-add (PG060).
// Where P is not given:
//  * P is INFERRED from the published GOp/s at the clock used (P = GOp/s / (op/cell x W x clock),
//    rounded). The GOp/s ratio therefore checks only the cycle model (pipeline fill, passes,
//    memory bound), not the choice of P; the DSP ratio is the independent check of the resource
//    model (DSPs for op/cell x W x P lanes). Where a DSP count is published, the bench also goes
//    the other way: P from the published DSPs, and the GOp/s that P gives.
//  * The clock is the published one where the source has it, else the middle of the board's
//    achieved range (platforms/*.json).
//  * The domain is ours unless published: long enough along the outermost axis that the fill of
//    P stages is a few per cent of a pass, with planes small enough for P delay lines to fit in
//    M20K.
// Nothing in the cost tables was tuned to these rows (operator_costs.ts says where each number
// comes from).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseProgram } from "../frontend/load_program.js";
import { STENCILS_DIR } from "../package_root.js";
import { loadPlatform } from "../platform/platform.js";
import type { DataDesc, MatMulNode, SDFG } from "../ir/sdfg.js";
import { lowerToPipeline } from "../spatial/lower.js";
import { countOperations } from "./op_count.js";
import { modelClockMHz } from "./performance.js";
import { buildReport, type Report } from "./report.js";

export interface PublishedDesign {
  id: string;
  /** Who published it and where (the document, table or file it was read from). */
  source: string;
  /** Our program: a file in stencils/, the name of one of INLINE_PROGRAMS, or "systolic-gemm" (with `gemm`). */
  program: string;
  /** The matrix product C = A·B (A: n x k, B: k x m, fp32) that a "systolic-gemm" row streams through P PEs of W lanes. */
  gemm?: { n: number; m: number; k: number };
  platform: string;
  /** The stencil program's domain (not used by a "systolic-gemm" row). */
  dimensions?: number[];
  vectorWidth: number;
  /** Clock of the published design, when the source gives it. */
  clockMHz?: number;
  /** Time steps per pass (P) when the source gives it; else inferred from the published GOp/s. */
  replicas?: number;
  /** `logic` and `bram` in the board's units: ALMs and M20Ks on Intel, LUTs and BRAM36s on Xilinx. */
  published: { gops: number; dsp?: number; logic?: number; bram?: number };
  /** Why this row is not counted in the agreement (a different program, say). */
  notComparable?: string;
  /** What our program leaves out of the published design (printed under the row; the row still counts). */
  differs?: string;
  /** Why a counted row falls outside the tolerance, when it does (printed under the row). */
  outlier?: string;
  /** Why only the DSPs of this row are compared, not its GOp/s (a program of the same operator count, not the same dataflow). */
  dspOnly?: string;
}

/**
 * Programs the bench builds rather than reads: the operator count of a published design that is
 * not a stencil. 'multiply-add' is one single-precision multiply-add per cell (2 op), the work of
 * one lane of a systolic gemm or convolution (c += a * b): W x P of its lanes do what the
 * published array's lanes do, so its DSPs check what one multiply-add costs, nothing else.
 */
export const INLINE_PROGRAMS: Record<string, object> = {
  "multiply-add": {
    inputs: { a: { data: "constant:1", data_type: "float32" } },
    outputs: ["b"],
    dimensions: [1024, 1024],
    program: {
      b: {
        computation_string: "b = a[j,k-1] * a[j,k+1] + a[j,k]",
        boundary_conditions: { a: { type: "constant", value: 0.0 } },
        data_type: "float32",
      },
    },
  },
};

/** AN 870's run: 15,360 sweeps of a 32768 x 4096 float matrix in 42.455 s, 4 op per cell (3 adds, 1 multiply). */
const AN870_GOPS = (4 * 32768 * 4096 * 15360) / 42.455 / 1e9;

const T2SP = "IntelLabs/t2sp, t2s/tests/performance";
const T2SP_PROXY = "one fp32 multiply-add per lane (2 op, inline 'multiply-add'), W x P lanes = GFLOP/s / (2 x fmax): it checks the DSPs of a multiply-add and the lane count only; the array's operand buffers and drains (the published ALMs and RAM blocks) have no counterpart in it";
const HPCC = "pc2/HPCC_FPGA, docs/source/GEMM/results/gemm-1-0.csv (GEMM 1.0, fp32) with docs/source/GEMM/index.rst (a GEMM_SIZE x GEMM_SIZE block product, GEMM_SIZE^3 multiply-adds, starts every cycle)";
const HPCC_GEMM = "our systolic gemm C = A·B (fp32, 5120^3) on a chain of P PEs of W lanes, W x P = the published lane count; the published kernels are blocked (GEMM_SIZE^3 products fed from on-chip blocks, each block loaded before it is multiplied, index.rst), ours a 1-D systolic chain: the same multiply-add lanes, a different schedule; their block buffers and the alpha/beta update (the published LUTs/ALMs and BRAMs/M20Ks) are not modelled the same way";
const T2SP_GEMM = "our systolic gemm C = A·B (fp32) on a chain of P PEs of W lanes, W x P = GFLOP/s / (2 x fmax) (P inferred: the GOp/s ratio checks the cycle model only, the DSP ratio the cost of a lane); T2SP's array is 2-D with on-chip operand buffers and drains, ours a 1-D chain";
const T2SP_GOPS = "GOp/s not compared: the lanes come from the published GFLOP/s, and the proxy streams its array through memory once per P steps where the systolic array reuses each operand on chip, so its memory bound says nothing about the published design";

export const PUBLISHED: PublishedDesign[] = [
  { id: "jacobi3d-w1", source: "DaCe keynote, Stratix 10 table: Jacobi 3D, W=1, 265 GOp/s", program: "jacobi3d.json", platform: "520n", dimensions: [4096, 128, 128], vectorWidth: 1, published: { gops: 265 } },
  { id: "jacobi3d-w8", source: "DaCe keynote, Stratix 10 table: Jacobi 3D, W=8, 921 GOp/s", program: "jacobi3d.json", platform: "520n", dimensions: [4096, 128, 128], vectorWidth: 8, published: { gops: 921 } },
  { id: "diffusion2d-w8", source: "DaCe keynote, Stratix 10 table: Diffusion 2D, W=8, 1,313 GOp/s with 2,304 DSPs (StencilFlow's 1.31 TOp/s on one Stratix 10 is this figure)", program: "diffusion2d.json", platform: "520n", dimensions: [16384, 8192], vectorWidth: 8, published: { gops: 1313, dsp: 2304 } },
  { id: "diffusion3d-w8", source: "DaCe keynote, Stratix 10 table: Diffusion 3D, W=8, 1,152 GOp/s", program: "diffusion3d.json", platform: "520n", dimensions: [4096, 128, 128], vectorWidth: 8, published: { gops: 1152 } },
  { id: "zohouri-diffusion2d", source: "Zohouri et al. (FPGA'18) Diffusion 2D on Stratix 10, per the keynote's table: 913 GOp/s (W not given here: 8 assumed)", program: "diffusion2d.json", platform: "520n", dimensions: [16384, 8192], vectorWidth: 8, published: { gops: 913 } },
  { id: "zohouri-diffusion3d", source: "Zohouri et al. (FPGA'18) Diffusion 3D on Stratix 10, per the keynote's table: 934 GOp/s (W not given here: 8 assumed)", program: "diffusion3d.json", platform: "520n", dimensions: [4096, 128, 128], vectorWidth: 8, published: { gops: 934 } },
  { id: "hdiff", source: "DaCe keynote: weather horizontal diffusion on Stratix 10, 145 GOp/s at 318 MHz, memory-bound (52 % of a 77 GB/s roofline), 48 % DSP (W not given here: 16 chosen, memory-bound like the published design)", program: "hdiff.json", platform: "520n", dimensions: [64, 512, 512], vectorWidth: 16, clockMHz: 318, replicas: 1, published: { gops: 145 },
    notComparable: "a different program: the keynote's roofline (145 GOp/s = 52 % of 77 GB/s x intensity) implies 3.6 op/B; our hdiff.json (the COSMO form, 16 op and 12 B per cell) has 1.3 op/B, so its memory-bound GOp/s cannot match" },
  { id: "zohouri-a10-diffusion2d", source: "Zohouri, Podobas, Matsuoka, FPGA'18 (arXiv 1802.00438), abstract: Diffusion 2D 760 GFLOP/s on an Arria 10 GX 1150 (W, P and clock are in the paper's table, not read here: W 8 assumed)", program: "diffusion2d.json", platform: "a10gx", dimensions: [16384, 8192], vectorWidth: 8, published: { gops: 760 },
    notComparable: "no clock we have makes it fit: 760 GFLOP/s at this board's highest recorded clock (244 MHz) is 346 lanes of 9 op, at 5 DSPs a lane (4 multiply-adds + 1 multiply) 1,730 DSPs of the 1,518 there are; all 1,518 give 303 lanes, so the published design ran above 278 MHz, a clock outside the range recorded for the board" },
  { id: "zohouri-a10-diffusion3d", source: "Zohouri, Podobas, Matsuoka, FPGA'18 (arXiv 1802.00438), abstract: Diffusion 3D 375 GFLOP/s on an Arria 10 GX 1150 (W, P and clock not read here: W 8 assumed)", program: "diffusion3d.json", platform: "a10gx", dimensions: [4096, 128, 128], vectorWidth: 8, published: { gops: 375 } },
  { id: "an870-jacobi2d", source: "Intel AN 870 'Stencil Computation Reference Design' (683051, 1.2 'OpenCL Design', 1.3 'Performance', table 1): 4-point Jacobi 2D, 30 chained kernels (P = 30), 32768 x 4096 floats, 15,360 sweeps in 42.455 s on the Arria 10 GX development kit = 194 GOp/s at 4 op/cell; W and clock not given (W 8 chosen: memory moves blocks of 16 floats, but 16 lanes x 30 stages x 4 DSPs = 1,920 DSPs, more than the part's 1,518)", program: "jacobi2d.json", platform: "a10gx", dimensions: [32768, 4096], vectorWidth: 8, replicas: 30, published: { gops: AN870_GOPS } },
  { id: "t2sp-gemm-a10", source: `${T2SP}/gemm/README.md: sgemm on Arria 10 GX 1150 at 244 MHz, 620 GFLOP/s, 1,305 DSPs, 207,854 ALMs, 2,075 RAM blocks (aoc 19.4)`, program: "systolic-gemm", gemm: { n: 5056, m: 4096, k: 4096 }, platform: "a10gx", vectorWidth: 16, clockMHz: 244, published: { gops: 620, dsp: 1305, logic: 207854, bram: 2075 }, differs: T2SP_GEMM,
    outlier: "memory-bound on the dev kit's single DDR4 bank (21.3 GB/s): our 1-D chain streams B once per P = 79 rows of A (64 passes over B, 4.5 GB in all) where T2SP's 2-D array keeps blocks of A and B on chip; the chain's compute ceiling, 2 x 1,264 lanes x 244 MHz = 617 GOp/s, is the published figure (ratio 1.00). A different dataflow, not a mispriced lane: on the 520N's four banks the same chain is compute-bound (t2sp-gemm-s10)" },
  { id: "t2sp-gemm-s10", source: `${T2SP}/gemm/README.md: sgemm on Stratix 10 SX 2800 (the 520N's die size: 933,120 ALMs, 5,760 DSPs, 11,721 RAM blocks) at 251 MHz, 1,790 GFLOP/s, 3,605 DSPs, 446,671 ALMs, 4,054 RAM blocks (aoc 19.2)`, program: "systolic-gemm", gemm: { n: 5352, m: 4096, k: 4096 }, platform: "520n", vectorWidth: 16, clockMHz: 251, published: { gops: 1790, dsp: 3605, logic: 446671, bram: 4054 }, differs: T2SP_GEMM },
  { id: "t2sp-conv-a10", source: `${T2SP}/conv/README.md: fp32 convolution on Arria 10 GX 1150 at 237 MHz, 605 GFLOP/s, 1,285 DSPs, 205,346 ALMs, 1,366 RAM blocks (aoc 19.4)`, program: "multiply-add", platform: "a10gx", dimensions: [1024, 1024], vectorWidth: 16, clockMHz: 237, published: { gops: 605, dsp: 1285, logic: 205346, bram: 1366 }, differs: T2SP_PROXY, dspOnly: T2SP_GOPS },
  { id: "t2sp-conv-s10", source: `${T2SP}/conv/README.md: fp32 convolution on Stratix 10 SX 2800 at 211 MHz, 1,509 GFLOP/s, 3,584 DSPs, 490,817 ALMs, 3,447 RAM blocks (aoc 19.2)`, program: "multiply-add", platform: "520n", dimensions: [1024, 1024], vectorWidth: 16, clockMHz: 211, published: { gops: 1509, dsp: 3584, logic: 490817, bram: 3447 }, differs: T2SP_PROXY, dspOnly: T2SP_GOPS },
  { id: "t2sp-capsule-a10", source: `${T2SP}/capsule/README.md: fp32 capsule convolution on Arria 10 GX 1150 at 224 MHz, 568 GFLOP/s, 1,315 DSPs, 215,444 ALMs, 2,225 RAM blocks (aoc 19.4)`, program: "multiply-add", platform: "a10gx", dimensions: [1024, 1024], vectorWidth: 16, clockMHz: 224, published: { gops: 568, dsp: 1315, logic: 215444, bram: 2225 }, differs: T2SP_PROXY, dspOnly: T2SP_GOPS },
  { id: "t2sp-capsule-s10", source: `${T2SP}/capsule/README.md: fp32 capsule convolution on Stratix 10 SX 2800 at 219 MHz, 885 GFLOP/s, 3,584 DSPs, 627,618 ALMs, 4,672 RAM blocks, '56% DSP efficiency' (aoc 19.2)`, program: "multiply-add", platform: "520n", dimensions: [1024, 1024], vectorWidth: 16, clockMHz: 219, published: { gops: 885, dsp: 3584, logic: 627618, bram: 4672 }, differs: T2SP_PROXY, dspOnly: T2SP_GOPS,
    outlier: "the README gives this design 56 % DSP efficiency: 3,584 DSPs do the work of 2,020 multiply-add lanes at 219 MHz. Lanes inferred from the GFLOP/s count only the working DSPs, so the DSP ratio is that efficiency, not a cost the model misprices (its A10 twin, at 96 % efficiency, agrees)" },
  { id: "hpcc-gemm-u280", source: `${HPCC}: Alveo U280 (HBM2, Vitis 2019.2), 3 kernels of GEMM_SIZE 8 = 3 x 8^3 = 1,536 multiply-adds a cycle at 236 MHz, 603.86 GFLOP/s, 7,683 DSPs, 499,002 LUTs, 666 BRAMs`, program: "systolic-gemm", gemm: { n: 5184, m: 5120, k: 5120 }, platform: "u280", vectorWidth: 16, replicas: 96, clockMHz: 236, published: { gops: 603.86, dsp: 7683, logic: 499002, bram: 666 }, differs: HPCC_GEMM },
  { id: "hpcc-gemm-520n", source: `${HPCC}: Bittware 520N (SDK 21.2, BSP 20.4.0_hpc), 5 kernels of GEMM_SIZE 8 = 5 x 8^3 = 2,560 multiply-adds a cycle at 273.07 MHz, 1,232.50 GFLOP/s, 3,318 DSPs, 310,564 ALMs, 8,321 M20Ks`, program: "systolic-gemm", gemm: { n: 5120, m: 5120, k: 5120 }, platform: "520n", vectorWidth: 16, replicas: 160, clockMHz: 273.07, published: { gops: 1232.5, dsp: 3318, logic: 310564, bram: 8321 }, differs: HPCC_GEMM },
];

export interface PublishedComparison {
  design: PublishedDesign;
  replicas: number;
  clockMHz: number;
  report: Report;
  gopsRatio: number;
  dspRatio?: number;
  /**
   * Rows with a published DSP count, the other way round: P from the published DSPs (at our DSPs
   * per replica), and the GOp/s that P gives against the published GOp/s, an independent check
   * of the two models together.
   */
  fromDsp?: { replicas: number; gops: number; gopsRatio: number };
}

/**
 * The SDFG of a "systolic-gemm" row: one fp32 matrix product C = A·B, which the linear-algebra
 * lowering streams through a systolic chain of P PEs of W lanes (spatial/linalg/lower_linalg.ts),
 * the pipeline an NPBench gemm lowers to.
 */
function gemmSdfg(g: { n: number; m: number; k: number }): SDFG {
  const array = (shape: number[]): DataDesc => ({ kind: "array", dtype: "float32", shape, transient: false, storage: "global" });
  const product: MatMulNode = { kind: "matmul", id: 0, label: "C", dtype: "float32", a: "A", b: "B", output: "C", ni: g.n, nk: g.k, nj: g.m, alpha: { constant: 1 } };
  return {
    name: "systolic_gemm", symbols: {}, constants: {},
    arrays: { A: array([g.n, g.k]), B: array([g.k, g.m]), C: array([g.n, g.m]) },
    states: [{ name: "gemm", nodes: [product], edges: [] }], interstate: [], startState: "gemm",
  };
}

/** The program of a published row at its domain, with a time loop of P steps (one pass). */
function publishedProgram(d: PublishedDesign, steps: number) {
  const inline = INLINE_PROGRAMS[d.program];
  const text = inline ? JSON.stringify(inline) : readFileSync(join(STENCILS_DIR, d.program), "utf8");
  const prog = JSON.parse(text) as Record<string, unknown> & { inputs: Record<string, { data: unknown }>; outputs: string[] };
  prog.dimensions = d.dimensions!;
  delete prog.vectorization;
  for (const i of Object.values(prog.inputs)) i.data = "constant:1";
  if (steps > 1) prog.time_loop = { steps, feedback: { [prog.outputs[0]!]: Object.keys(prog.inputs)[0]! } };
  else delete prog.time_loop;
  return parseProgram(JSON.stringify(prog), inline ? `${d.program}.json` : `${d.id}.json`, STENCILS_DIR);
}

/** P that makes op/cell x W x P x clock the published GOp/s (at least 1). */
function inferredReplicas(d: PublishedDesign, opsPerCell: number, clockMHz: number): number {
  return Math.max(1, Math.round((d.published.gops * 1e9) / (opsPerCell * d.vectorWidth * clockMHz * 1e6)));
}

/** Our prediction for one published configuration. */
export function comparePublished(d: PublishedDesign): PublishedComparison {
  return d.gemm ? compareGemm(d, d.gemm) : compareStencil(d);
}

/** A stencil row: the program at the published W, P (given or inferred) and clock. */
function compareStencil(d: PublishedDesign): PublishedComparison {
  const platform = loadPlatform(d.platform);
  const clockMHz = modelClockMHz(platform, d.clockMHz);
  const once = publishedProgram(d, 1);
  const stencils = once.sdfg.states[0]!.nodes.flatMap((n) => (n.kind === "stencil" ? [n] : []));
  const opsPerCell = stencils.reduce((a, s) => a + countOperations(s.code).ops, 0);
  // P as published, else from the published GOp/s.
  const replicas = d.replicas ?? inferredReplicas(d, opsPerCell, clockMHz);
  const bundle = replicas > 1 ? publishedProgram(d, replicas) : once;
  const pipeline = lowerToPipeline(bundle.sdfg, { vectorWidth: d.vectorWidth, replicas, uram: platform.resources.uram > 0 });
  const report = buildReport(pipeline, platform, d.clockMHz);
  const c = comparison(d, replicas, clockMHz, report);
  if (d.published.dsp) {
    const p = Math.max(1, Math.round(d.published.dsp / (dspsOf(report) / replicas)));
    const other = buildReport(lowerToPipeline(publishedProgram(d, p).sdfg, { vectorWidth: d.vectorWidth, replicas: p, uram: platform.resources.uram > 0 }), platform, d.clockMHz);
    c.fromDsp = { replicas: p, gops: other.performance.gops, gopsRatio: other.performance.gops / d.published.gops };
  }
  return c;
}

/** A gemm row: our systolic chain with the published lane count (W x P; P given or inferred at 2 op per lane). */
function compareGemm(d: PublishedDesign, g: { n: number; m: number; k: number }): PublishedComparison {
  const platform = loadPlatform(d.platform);
  const clockMHz = modelClockMHz(platform, d.clockMHz);
  const replicas = d.replicas ?? inferredReplicas(d, 2, clockMHz);
  const pipeline = lowerToPipeline(gemmSdfg(g), { vectorWidth: d.vectorWidth, replicas, uram: platform.resources.uram > 0 });
  return comparison(d, replicas, clockMHz, buildReport(pipeline, platform, d.clockMHz));
}

const dspsOf = (report: Report): number => report.resources.find((r) => r.resource === "dsp")!.used;

/** A row's report against its published GOp/s and, when published, DSPs. */
function comparison(d: PublishedDesign, replicas: number, clockMHz: number, report: Report): PublishedComparison {
  return {
    design: d, replicas, clockMHz, report,
    gopsRatio: report.performance.gops / d.published.gops,
    ...(d.published.dsp ? { dspRatio: dspsOf(report) / d.published.dsp } : {}),
  };
}
