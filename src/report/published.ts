// Published FPGA stencil designs (design.md section 7) that our example programs express, and
// our models' predictions for the same configuration: `make bench` prints them side by side.
//
// What the published figures give here, and what they do not: GOp/s and W for the DaCe keynote's
// Stratix 10 table, one DSP count (Diffusion 2D at W=8: 2,304), a clock only for horizontal
// diffusion (318 MHz). The number of pipelined time steps P and the domain are not given, so:
//  * P is INFERRED from the published GOp/s at the clock used (P = GOp/s / (op/cell x W x clock),
//    rounded). The GOp/s ratio therefore checks only the cycle model (pipeline fill, passes,
//    memory bound), not the choice of P; the DSP ratio is the independent check of the resource
//    model (DSPs for op/cell x W x P lanes). Where a DSP count is published, the bench also goes
//    the other way: P from the published DSPs, and the GOp/s that P gives.
//  * The clock is the published one where design.md has it, else the middle of the 520N's
//    achieved range (platforms/520n.json).
//  * The domain is ours: long enough along the outermost axis that the fill of P stages is a
//    few per cent of a pass, with planes small enough for P delay lines to fit in M20K.
// Nothing in the cost tables was tuned to these rows (operator_costs.ts says where each number
// comes from).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseProgram } from "../frontend/load_program.js";
import { STENCILS_DIR } from "../package_root.js";
import { loadPlatform } from "../platform/platform.js";
import { lowerToPipeline } from "../spatial/lower.js";
import { countOperations } from "./op_count.js";
import { modelClockMHz } from "./performance.js";
import { buildReport, type Report } from "./report.js";

export interface PublishedDesign {
  id: string;
  /** Who published it and where (design.md section 7). */
  source: string;
  /** Our program in stencils/ that computes the same stencil. */
  program: string;
  platform: string;
  dimensions: number[];
  vectorWidth: number;
  /** Clock of the published design, when design.md gives it. */
  clockMHz?: number;
  published: { gops: number; dsp?: number; alm?: number; ff?: number; m20k?: number };
  /** Why this row is not counted in the agreement (a different program, say). */
  notComparable?: string;
}

export const PUBLISHED: PublishedDesign[] = [
  { id: "jacobi3d-w1", source: "DaCe keynote, Stratix 10 table: Jacobi 3D, W=1, 265 GOp/s", program: "jacobi3d.json", platform: "520n", dimensions: [4096, 128, 128], vectorWidth: 1, published: { gops: 265 } },
  { id: "jacobi3d-w8", source: "DaCe keynote, Stratix 10 table: Jacobi 3D, W=8, 921 GOp/s", program: "jacobi3d.json", platform: "520n", dimensions: [4096, 128, 128], vectorWidth: 8, published: { gops: 921 } },
  { id: "diffusion2d-w8", source: "DaCe keynote, Stratix 10 table: Diffusion 2D, W=8, 1,313 GOp/s with 2,304 DSPs (StencilFlow's 1.31 TOp/s on one Stratix 10 is this figure)", program: "diffusion2d.json", platform: "520n", dimensions: [16384, 8192], vectorWidth: 8, published: { gops: 1313, dsp: 2304 } },
  { id: "diffusion3d-w8", source: "DaCe keynote, Stratix 10 table: Diffusion 3D, W=8, 1,152 GOp/s", program: "diffusion3d.json", platform: "520n", dimensions: [4096, 128, 128], vectorWidth: 8, published: { gops: 1152 } },
  { id: "zohouri-diffusion2d", source: "Zohouri et al. (FPGA'18) Diffusion 2D on Stratix 10, per the keynote's table: 913 GOp/s (W not given here: 8 assumed)", program: "diffusion2d.json", platform: "520n", dimensions: [16384, 8192], vectorWidth: 8, published: { gops: 913 } },
  { id: "zohouri-diffusion3d", source: "Zohouri et al. (FPGA'18) Diffusion 3D on Stratix 10, per the keynote's table: 934 GOp/s (W not given here: 8 assumed)", program: "diffusion3d.json", platform: "520n", dimensions: [4096, 128, 128], vectorWidth: 8, published: { gops: 934 } },
  { id: "hdiff", source: "DaCe keynote: weather horizontal diffusion on Stratix 10, 145 GOp/s at 318 MHz, memory-bound (52 % of a 77 GB/s roofline), 48 % DSP (W not given here: 16 chosen, memory-bound like the published design)", program: "hdiff.json", platform: "520n", dimensions: [64, 512, 512], vectorWidth: 16, clockMHz: 318, published: { gops: 145 },
    notComparable: "a different program: the keynote's roofline (145 GOp/s = 52 % of 77 GB/s x intensity) implies 3.6 op/B; our hdiff.json (the COSMO form, 16 op and 12 B per cell) has 1.3 op/B, so its memory-bound GOp/s cannot match" },
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

/** The program of a published row at its domain, with a time loop of P steps (one pass). */
function publishedProgram(d: PublishedDesign, steps: number) {
  const file = join(STENCILS_DIR, d.program);
  const prog = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & { inputs: Record<string, { data: unknown }>; outputs: string[] };
  prog.dimensions = d.dimensions;
  delete prog.vectorization;
  for (const i of Object.values(prog.inputs)) i.data = "constant:1";
  if (steps > 1) prog.time_loop = { steps, feedback: { [prog.outputs[0]!]: Object.keys(prog.inputs)[0]! } };
  else delete prog.time_loop;
  return parseProgram(JSON.stringify(prog), `${d.id}.json`, STENCILS_DIR);
}

/** Our prediction for one published configuration. */
export function comparePublished(d: PublishedDesign): PublishedComparison {
  const platform = loadPlatform(d.platform);
  const clockMHz = modelClockMHz(platform, d.clockMHz);
  const once = publishedProgram(d, 1);
  const stencils = once.sdfg.states[0]!.nodes.flatMap((n) => (n.kind === "stencil" ? [n] : []));
  const opsPerCell = stencils.reduce((a, s) => a + countOperations(s.code).ops, 0);
  // Compute-bound rows: P from the published GOp/s. A memory-bound row (notComparable) runs P = 1.
  const replicas = d.notComparable ? 1 : Math.max(1, Math.round((d.published.gops * 1e9) / (opsPerCell * d.vectorWidth * clockMHz * 1e6)));
  const bundle = replicas > 1 ? publishedProgram(d, replicas) : once;
  const pipeline = lowerToPipeline(bundle.sdfg, { vectorWidth: d.vectorWidth, replicas, uram: platform.resources.uram > 0 });
  const report = buildReport(pipeline, platform, d.clockMHz);
  const dsp = report.resources.find((r) => r.resource === "dsp")!.used;
  let fromDsp: PublishedComparison["fromDsp"];
  if (d.published.dsp) {
    const p = Math.max(1, Math.round(d.published.dsp / (dsp / replicas)));
    const other = buildReport(lowerToPipeline(publishedProgram(d, p).sdfg, { vectorWidth: d.vectorWidth, replicas: p, uram: platform.resources.uram > 0 }), platform, d.clockMHz);
    fromDsp = { replicas: p, gops: other.performance.gops, gopsRatio: other.performance.gops / d.published.gops };
  }
  return {
    design: d, replicas, clockMHz, report,
    gopsRatio: report.performance.gops / d.published.gops,
    ...(d.published.dsp ? { dspRatio: dsp / d.published.dsp } : {}),
    ...(fromDsp ? { fromDsp } : {}),
  };
}
