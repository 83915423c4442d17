// `make bench`, part 1: our resource and performance models against published FPGA stencil
// designs (design.md section 7; the rows and what is inferred are in src/report/published.ts).
// Prints predicted vs published GOp/s and DSPs and their ratios, and how many rows agree within
// +-25 % (GOp/s) and +-35 % (DSPs). Uses the built dist/ (make bench builds it first).

import { PUBLISHED, comparePublished } from "../dist/src/report/published.js";

const GOPS_TOLERANCE = 0.25;
const DSP_TOLERANCE = 0.35;
const within = (ratio, tol) => ratio >= 1 - tol && ratio <= 1 + tol;
const fmt = (x, d = 0) => (x === undefined ? "-" : x.toFixed(d));

console.log("published designs vs our models (Stratix 10 GX 2800 = platforms/520n.json)");
console.log("P is inferred from the published GOp/s (P = GOp/s / (op/cell x W x clock)): the GOp/s ratio checks the cycle model only; the DSP ratio checks the resource model.");
console.log(["design", "W", "P", "MHz", "op/cell", "GOp/s pub", "GOp/s ours", "ratio", "DSP pub", "DSP ours", "ratio", "ALM ours", "M20K ours", "bound"].join(" | "));
let gopsAgree = 0, gopsRows = 0, dspAgree = 0, dspRows = 0;
for (const d of PUBLISHED) {
  const c = comparePublished(d);
  const r = c.report;
  const used = (k) => r.resources.find((x) => x.resource === k).used;
  console.log([d.id, d.vectorWidth, c.replicas, fmt(c.clockMHz), r.performance.opsPerCell, fmt(d.published.gops), fmt(r.performance.gops, 1), fmt(c.gopsRatio, 2),
    fmt(d.published.dsp), used("dsp"), fmt(c.dspRatio, 2), used("lut"), used("bram"), r.performance.bound].join(" | "));
  console.log(`  source: ${d.source}`);
  if (c.fromDsp) console.log(`  the other way: P from the published ${d.published.dsp} DSPs = ${c.fromDsp.replicas}, giving ${c.fromDsp.gops.toFixed(1)} GOp/s against the published ${d.published.gops} (ratio ${c.fromDsp.gopsRatio.toFixed(2)})`);
  if (d.notComparable) { console.log(`  not counted: ${d.notComparable}`); continue; }
  gopsRows++;
  if (within(c.gopsRatio, GOPS_TOLERANCE)) gopsAgree++;
  if (c.dspRatio !== undefined) { dspRows++; if (within(c.dspRatio, DSP_TOLERANCE)) dspAgree++; }
  if (!r.fits) console.log(`  our model says this does NOT fit: ${r.resources.map((x) => `${x.unit} ${(x.fraction * 100).toFixed(0)} %`).join(", ")}`);
}
console.log(`GOp/s within +-25 %: ${gopsAgree} of ${gopsRows} rows (P inferred from GOp/s, see above); DSPs within +-35 %: ${dspAgree} of ${dspRows} rows with a published DSP count`);
console.log("not reproduced: Zohouri et al. on Arria 10 GX 1150 (760 / 375 GFLOP/s): no Arria 10 board in platforms/; ALM/FF/M20K of the keynote table: not in design.md");
