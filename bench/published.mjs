// `make bench`, part 1: our resource and performance models against published FPGA designs
// (design.md section 7 and the sources each row names; the rows and what is inferred are in
// src/report/published.ts). Prints predicted vs published GOp/s, DSPs, logic (ALMs/LUTs) and block RAMs with their
// ratios, and how many rows agree within +-25 % (GOp/s) and +-35 % (DSPs). Every figure of ours
// comes from buildReport, the code `sdfg-fpga report` prints. Uses the built dist/ (make bench
// builds it first).

import { PUBLISHED, comparePublished } from "../dist/src/report/published.js";

const GOPS_TOLERANCE = 0.25;
const DSP_TOLERANCE = 0.35;
const within = (ratio, tol) => ratio >= 1 - tol && ratio <= 1 + tol;
const fmt = (x, d = 0) => (x === undefined ? "-" : x.toFixed(d));
const ratio = (ours, published) => (published === undefined ? "-" : (ours / published).toFixed(2));

console.log("published designs vs our models (boards in platforms/: 520n = Stratix 10 GX 2800, a10gx = Arria 10 GX 1150, u280 = Alveo U280)");
console.log("P is the published one where the source gives it, else inferred from the published GOp/s (P = GOp/s / (op/cell x W x clock)): then the GOp/s ratio checks the cycle model only, and the DSP ratio is the independent check of the resource model.");
console.log(["design", "board", "W", "P", "MHz", "op/cell", "GOp/s pub", "GOp/s ours", "ratio", "DSP pub", "DSP ours", "ratio", "ALM/LUT pub", "ours", "M20K/BRAM pub", "ours", "bound"].join(" | "));
let gopsAgree = 0, gopsRows = 0, dspAgree = 0, dspRows = 0;
const bothAgree = [];
for (const d of PUBLISHED) {
  const c = comparePublished(d);
  const r = c.report;
  const used = (k) => r.resources.find((x) => x.resource === k).used;
  const gopsRatio = d.dspOnly ? "(not compared)" : fmt(c.gopsRatio, 2);
  console.log([d.id, d.platform, d.vectorWidth, c.replicas, fmt(c.clockMHz), r.performance.opsPerCell, fmt(d.published.gops), fmt(r.performance.gops, 1), gopsRatio,
    fmt(d.published.dsp), used("dsp"), fmt(c.dspRatio, 2), fmt(d.published.logic), used("lut"), fmt(d.published.bram), used("bram"), r.performance.bound].join(" | "));
  console.log(`  source: ${d.source}`);
  if (d.differs) console.log(`  our program: ${d.differs}${d.published.logic ? ` (logic ratio ${ratio(used("lut"), d.published.logic)}, block RAM ratio ${ratio(used("bram"), d.published.bram)}: not counted)` : ""}`);
  if (d.dspOnly) console.log(`  ${d.dspOnly}`);
  else if (c.fromDsp) console.log(`  the other way: P from the published ${d.published.dsp} DSPs = ${c.fromDsp.replicas}, giving ${c.fromDsp.gops.toFixed(1)} GOp/s against the published ${d.published.gops} (ratio ${c.fromDsp.gopsRatio.toFixed(2)})`);
  if (!r.fits) console.log(`  our model says this does NOT fit (limit ${(r.maxUtil * 100).toFixed(0)} % of each resource): ${r.resources.map((x) => `${x.unit} ${(x.fraction * 100).toFixed(0)} %`).join(", ")}${d.published.dsp ? `; the published design uses ${d.published.dsp} DSPs` : ""}`);
  if (d.notComparable) { console.log(`  not counted: ${d.notComparable}`); continue; }
  if (!d.dspOnly) { gopsRows++; if (within(c.gopsRatio, GOPS_TOLERANCE)) gopsAgree++; }
  if (c.dspRatio !== undefined) { dspRows++; if (within(c.dspRatio, DSP_TOLERANCE)) dspAgree++; }
  if (!d.dspOnly && c.dspRatio !== undefined && within(c.gopsRatio, GOPS_TOLERANCE) && within(c.dspRatio, DSP_TOLERANCE)) bothAgree.push(d.id);
  if (d.outlier) console.log(`  outside the tolerance, counted: ${d.outlier}`);
}
console.log(`GOp/s within +-25 %: ${gopsAgree} of ${gopsRows} counted rows (P inferred from GOp/s except ${PUBLISHED.filter((d) => d.replicas).map((d) => d.id).join(", ")}, where it is published); DSPs within +-35 %: ${dspAgree} of ${dspRows} counted rows with a published DSP count`);
console.log(`within both (+-25 % GOp/s and +-35 % DSPs): ${bothAgree.length} configurations (${bothAgree.join(", ")})`);
console.log("not reproduced: the DaCe keynote's ALM/FF/M20K table (not in design.md); Zohouri et al.'s per-design tables (W, P, fmax, DSP %) in FPGA'18 and arXiv 2002.05983 (not read: only their abstracts were reachable); the FPGA'20 gemm's resources (spcl/gemm_hls gives GFLOP/s only; the line in bench/run.mjs compares those)");
