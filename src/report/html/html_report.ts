// The report as one self-contained HTML file: no script, no network (a Content-Security-Policy
// forbids both), inline SVG pictures of the roofline, the resources against the board and the
// spatial pipeline, and the tables behind them; measured figures from vendor reports beside the
// estimates when given. Same input, same bytes: no dates, no random ids.

import { CodeWriter } from "../../codegen/code_writer.js";
import type { Platform } from "../../platform/platform.js";
import type { Pipeline } from "../../spatial/pipeline.js";
import type { KernelMapping } from "../../spatial/streaming/patterns.js";
import { ROUTABLE_FRACTION, type Report } from "../report.js";
import type { VendorComparison } from "../vendor/compare.js";
import { escapeHtml } from "./escape.js";
import { closePage, openPage } from "./page.js";
import { processSummary, processTables } from "./process_tables.js";
import { pipelineSvg } from "./pipeline_svg.js";
import { barsFromUtilisation, resourceBarsSvg } from "./resource_bars_svg.js";
import { rooflineSvg, type RooflinePoint } from "./roofline_svg.js";

/** What `report --auto` chose (the report model's type; only what the picture needs). */
export interface AutoChoice {
  maxUtil: number;
  candidates: AutoCandidate[];
  best?: AutoCandidate;
}
export interface AutoCandidate {
  vectorWidth: number;
  replicas: number;
  storage?: string;
  gops: number;
  bound: string;
  maxFraction: number;
  fits: boolean;
  why?: string;
  /** Operational intensity, when the model gives it. */
  intensity?: number;
}

export interface HtmlReportInput {
  /** `auto` and `warnings` as the report model (report-model branch) adds them to Report. */
  report: Report & { auto?: AutoChoice; warnings?: string[] };
  pipeline: Pipeline;
  platform: Platform;
  vendor?: VendorComparison[];
  /** Each stencil's computation as the program wrote it (ProgramBundle.sources). */
  sources?: Record<string, string>;
  /** A DaCe program's road: the streaming pattern that raised it and each kernel's mapping and reason. */
  mapping?: { pattern: string; kernels: KernelMapping[] };
}

export { HTML_GENERATOR } from "./page.js";

export function htmlReport(input: HtmlReportInput): string {
  const { report: r, pipeline: p, platform } = input;
  const perf = r.performance;
  const w = new CodeWriter();
  const t = escapeHtml;
  openPage(w, `${r.program} on ${platform.name}`);
  w.line(`<p>W = ${r.vectorWidth}, P = ${r.replicas}, ${r.timeSteps} time step(s); ${processSummary(p)}. ${r.fits ? "Fits the board." : "<strong>Does not fit the board.</strong>"}</p>`);
  if (input.mapping) mappingTable(w, input.mapping);

  for (const warning of r.warnings ?? []) w.line(`<p class="note">warning: ${t(warning)}</p>`);
  if (r.memory.problem) w.line(`<p><strong>Memory:</strong> ${t(r.memory.problem)}</p>`);

  w.line("<h2>Roofline</h2>");
  const best = r.auto?.best;
  // With --auto the design is the point it chose: one point, labelled so.
  const chosen = best !== undefined && best.vectorWidth === r.vectorWidth && best.replicas === r.replicas;
  const design: RooflinePoint = { label: `${chosen ? "--auto chose" : "design"} W=${r.vectorWidth} P=${r.replicas}: ${perf.gops.toFixed(1)} GOp/s`, intensity: perf.intensity, gops: perf.gops };
  // The intensity of another P: the same operations over ceil(T/P) passes instead of ceil(T/P0).
  const autoPoint: RooflinePoint | undefined = best && !chosen ? {
    label: `auto W=${best.vectorWidth} P=${best.replicas}: ${best.gops.toFixed(1)} GOp/s`,
    intensity: best.intensity ?? perf.intensity * (Math.ceil(r.timeSteps / r.replicas) / Math.ceil(r.timeSteps / best.replicas)),
    gops: best.gops,
  } : undefined;
  const roof = rooflineSvg(perf, design, autoPoint);
  if (Array.isArray(roof)) w.many(roof);
  else w.line(`<p class="note">${t(roof.refused)}</p>`);
  w.line("<table>");
  w.line("<tr><th>figure</th><th>value</th></tr>");
  const row = (k: string, v: string) => w.line(`<tr><td>${t(k)}</td><td>${t(v)}</td></tr>`);
  row("clock", `${perf.clockMHz.toFixed(0)} MHz`);
  row("run time", `${(perf.seconds * 1e3).toFixed(3)} ms (${perf.passes} pass(es) of ${perf.cyclesPerPass} cycles)`);
  if (r.measured) row("RTL simulation measured", `${r.measured.cycles} cycles (ideal ${r.measured.idealCycles}, efficiency ${(r.measured.efficiency * 100).toFixed(1)}%): ${(r.measured.cycles / perf.clockMHz / 1e3).toFixed(3)} ms`);
  row("throughput", `${perf.gops.toFixed(1)} GOp/s, ${perf.gbs.toFixed(1)} GB/s off chip`);
  row("operational intensity", `${perf.intensity.toFixed(2)} op/B`);
  row("pipeline ceiling", `${perf.computeCeiling.toFixed(1)} GOp/s`);
  row("bandwidth ceiling", `${perf.bandwidthCeilingGBs.toFixed(1)} GB/s`);
  for (const x of r.memory.splits) row(`'${x.array}' on ${x.parts} HBM ports`, `${x.parts} lane groups of ${x.lanes}: ${x.demandGBs.toFixed(1)} GB/s needed, ${x.channelGBs.toFixed(1)} GB/s per pseudo-channel`);
  row("bound by", perf.bound === "memory" ? "memory bandwidth" : "the pipeline (one vector per cycle)");
  if (best) row("--auto chose", `W=${best.vectorWidth} P=${best.replicas}${best.storage ? ` ${best.storage}` : ""}: ${best.gops.toFixed(1)} GOp/s, ${best.bound}-bound`);
  w.line("</table>");

  w.line("<h2>Resources</h2>");
  const firstVendor = input.vendor?.[0];
  w.line(`<p class="note">${t(platform.shellOverhead ? "Estimate, board shell included." : "Estimate; the board shell is not included (the platform file records none).")} Over ${(ROUTABLE_FRACTION * 100).toFixed(0)}% of any resource rarely routes.${firstVendor ? ` Green: measured by ${t(firstVendor.tool)}${firstVendor.scope === "kernel" ? " for the kernel alone (the shell not included)" : ""}, see below.` : ""}</p>`);
  const measured = firstVendor ? new Map(firstVendor.resources.map((x) => [x.resource, x.measured])) : undefined;
  w.many(resourceBarsSvg(barsFromUtilisation(r.resources, measured), firstVendor?.scope === "kernel" ? "measured, kernel only" : "measured"));

  for (const v of input.vendor ?? []) vendorTable(w, v);

  w.line("<h2>Spatial pipeline</h2>");
  if (p.linalg) w.line('<p class="note">Matrix readers (blue) stream arrays from memory in the order their consumer takes them; each process (yellow) shows its loop\'s cycles and what it keeps on chip; FIFOs (grey) show their depth in vectors (W wide) or single elements; writers (green) stream results back.</p>');
  else w.line('<p class="note">Readers (blue) stream arrays from memory; each PE (yellow) lists its windows as vectors = registers + delay lines with their storage; FIFOs (grey) show their depth in vectors; writers (green) stream results back.</p>');
  if (p.reductions?.length) w.line('<p class="note">Reduction PEs (purple) reduce each row of their input with interleaved partial accumulators and stream the result back, broadcast over the row.</p>');
  const picture = pipelineSvg(p, input.sources, platform.resources.uram > 0);
  if ("refused" in picture) {
    w.line(`<p class="note">${t(picture.refused)}</p>`);
  } else {
    w.line('<div class="scroll">');
    w.many(picture.svg);
    w.line("</div>");
  }

  processTables(w, r, p, platform.resources.uram > 0);

  if (input.sources) {
    w.line(`<h2>${p.reductions?.length || p.linalg ? "Program text" : "Stencils"}</h2>`);
    w.line("<table>");
    w.line(`<tr><th>${p.reductions?.length || p.linalg ? "node" : "stencil"}</th><th class="code">computation (from the program)</th></tr>`);
    for (const [name, code] of Object.entries(input.sources)) w.line(`<tr><td>${t(name)}</td><td class="code">${t(code)}</td></tr>`);
    w.line("</table>");
  }

  // Linear-algebra pipelines have no stencil windows, so no delay buffers.
  if (r.delayBuffers.length > 0 || !p.linalg) {
    w.line("<h2>Delay buffers</h2>");
    w.line("<table>");
    w.line("<tr><th>PE</th><th>field</th><th>vectors</th><th>storage (oldest first)</th></tr>");
    for (const d of r.delayBuffers) w.line(`<tr><td>${t(d.pe)}</td><td>${t(d.field)}</td><td>${d.vectors}</td><td>${t(d.storage.join(" + "))}</td></tr>`);
    w.line("</table>");
  }
  closePage(w);
  return w.toString();
}

/** How a DaCe program was mapped: the pattern, and every kernel with its reason. */
function mappingTable(w: CodeWriter, m: NonNullable<HtmlReportInput["mapping"]>): void {
  const t = escapeHtml;
  w.line(`<p>Streamed by the pattern ${t(m.pattern)}.</p>`);
  w.line("<table>");
  w.line('<tr><th>kernel</th><th>mapping</th><th class="code">why</th></tr>');
  for (const k of m.kernels) w.line(`<tr><td>${t(k.name)}</td><td>${t(k.mapping)}</td><td class="code">${t(k.reason)}</td></tr>`);
  w.line("</table>");
}

function vendorTable(w: CodeWriter, v: VendorComparison): void {
  const t = escapeHtml;
  w.line(`<h2>Measured by ${t(v.tool)}</h2>`);
  w.line(`<p class="note">${t(v.file)}: ${v.scope === "kernel" ? "the kernel alone, against the estimate without the board shell" : "the whole system, against the estimate with the shell"}.</p>`);
  w.line("<table>");
  w.line("<tr><th></th><th>estimate</th><th>measured</th><th>measured / estimate</th></tr>");
  const ratio = (e: number, m: number) => (e > 0 ? `${(m / e).toFixed(2)}x` : "-");
  for (const r of v.resources) w.line(`<tr><td>${t(r.unit)}</td><td>${fmt(r.estimated)}</td><td>${fmt(r.measured)}${r.asReported ? ` (${t(r.asReported)})` : ""}</td><td>${ratio(r.estimated, r.measured)}</td></tr>`);
  const mhz = (x?: number) => (x === undefined ? "-" : x.toFixed(1));
  w.line(`<tr><td>clock (MHz)</td><td>${mhz(v.clock.estimatedMHz)}</td><td>${mhz(v.clock.measuredMHz)}${v.clock.targetMHz !== undefined ? ` (target ${mhz(v.clock.targetMHz)})` : ""}</td><td>${v.clock.measuredMHz !== undefined ? ratio(v.clock.estimatedMHz, v.clock.measuredMHz) : "-"}</td></tr>`);
  if (v.cycles.measured !== undefined) w.line(`<tr><td>cycles (one pass)</td><td>${v.cycles.estimated}</td><td>${v.cycles.measured}</td><td>${ratio(v.cycles.estimated, v.cycles.measured)}</td></tr>`);
  w.line(`<tr><td>worst II</td><td>1</td><td>${v.worstII === null ? "-" : v.worstII}</td><td>${v.worstII === null ? "-" : ratio(1, v.worstII)}</td></tr>`);
  w.line("</table>");
  for (const n of v.notes) w.line(`<p class="note">${t(n)}</p>`);
  if (v.loops.length) {
    w.line("<table>");
    w.line("<tr><th>loop</th><th>II</th></tr>");
    for (const l of v.loops) w.line(`<tr><td>${t(l.name)}</td><td>${l.ii === null ? "not pipelined" : l.ii}</td></tr>`);
    w.line("</table>");
  }
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
