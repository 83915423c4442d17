// Reads Vitis HLS's C-synthesis report, `<solution>/syn/report/csynth.xml` (also
// `<top>_csynth.xml`), with xmlbuilder2. The elements read, as Vitis HLS (UG1399, "Synthesis
// Summary"; same layout 2020.2 … 2024.2) writes them under the `profile` root:
//   UserAssignments/TargetClockPeriod                           ns
//   PerformanceEstimates/SummaryOfTimingAnalysis/EstimatedClockPeriod   ns (required)
//   PerformanceEstimates/SummaryOfOverallLatency/Worst-caseLatency      cycles or "undef"
//   PerformanceEstimates/SummaryOfLoopLatency/<loop>/PipelineII        per loop, nested loops inside
//   AreaEstimates/Resources/{BRAM_18K, DSP (DSP48E before 2020), FF, LUT, URAM}  (required)
//   AreaEstimates/AvailableResources/{…}                        the part's totals
// Anything else in the file is ignored. A file without these is refused with one line.

import { readFileSync } from "node:fs";
import { create } from "xmlbuilder2";
import { UserError } from "../../ir/diagnostics.js";
import type { MeasuredLoop, MeasuredResource, VendorMeasurement } from "./measurement.js";

type XmlObject = { [k: string]: XmlValue };
type XmlValue = string | XmlObject | XmlValue[];

export function readCsynthXml(file: string): VendorMeasurement {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError(file, `cannot read the Vitis HLS report (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseCsynthXml(text, file);
}

export function parseCsynthXml(text: string, file: string): VendorMeasurement {
  // xmlbuilder2's create() would take text starting with `{` as JSON: only XML is read here.
  if (!text.trimStart().startsWith("<")) throw new UserError(file, "not XML (a Vitis HLS csynth.xml starts with `<?xml` or `<profile>`)");
  let doc: XmlObject;
  try {
    doc = create(text).end({ format: "object" }) as XmlObject;
  } catch (e) {
    throw new UserError(file, `not well-formed XML (${firstLine(e)})`);
  }
  const root = Object.keys(doc).filter((k) => !k.startsWith("?"));
  if (!root.includes("profile")) throw new UserError(file, `not a Vitis HLS csynth.xml: the root element is <${root[0] ?? "none"}>, expected <profile>`);
  const profile = object(doc["profile"], "profile", file);
  const perf = object(profile["PerformanceEstimates"], "profile/PerformanceEstimates", file);
  const timing = object(perf["SummaryOfTimingAnalysis"], "PerformanceEstimates/SummaryOfTimingAnalysis", file);
  const period = number(timing["EstimatedClockPeriod"], "SummaryOfTimingAnalysis/EstimatedClockPeriod", file);
  const user = optionalObject(profile["UserAssignments"]);
  const target = user?.["TargetClockPeriod"] !== undefined ? number(user["TargetClockPeriod"], "UserAssignments/TargetClockPeriod", file) : undefined;
  const latency = optionalObject(perf["SummaryOfOverallLatency"])?.["Worst-caseLatency"];

  const area = object(profile["AreaEstimates"], "profile/AreaEstimates", file);
  const used = object(firstOf(area["Resources"]), "AreaEstimates/Resources", file);
  const avail = optionalObject(firstOf(area["AvailableResources"]));
  const count = (o: XmlObject | undefined, names: string[], where: string, required: boolean): number | undefined => {
    const name = names.find((n) => o?.[n] !== undefined);
    if (name === undefined) {
      if (required) throw new UserError(file, `missing <${names[0]}> in <${where}>`);
      return undefined;
    }
    return number(o![name], `${where}/${name}`, file);
  };
  const resources: MeasuredResource[] = [];
  const add = (resource: MeasuredResource["resource"], names: string[], required: boolean, toOurs = (n: number) => n, shown?: (n: number) => string) => {
    const n = count(used, names, "AreaEstimates/Resources", required);
    if (n === undefined) return;
    const a = count(avail, names, "AreaEstimates/AvailableResources", false);
    resources.push({ resource, used: toOurs(n), ...(shown ? { asReported: shown(n) } : {}), ...(a !== undefined ? { available: toOurs(a) } : {}) });
  };
  add("lut", ["LUT"], true);
  add("ff", ["FF"], true);
  add("dsp", ["DSP", "DSP48E"], true);
  // Vitis counts 18 Kb halves; the estimate counts BRAM36 blocks (two halves each).
  add("bram", ["BRAM_18K"], true, (n) => n / 2, (n) => `BRAM_18K ${n}`);
  add("uram", ["URAM"], false);

  const loops: MeasuredLoop[] = [];
  const summary = optionalObject(perf["SummaryOfLoopLatency"]);
  if (summary) collectLoops(summary, "", loops, file);
  const worst = typeof latency === "string" && /^\d+$/.test(latency.trim()) ? Number(latency) : undefined;
  return {
    tool: "Vitis HLS", file, scope: "kernel", clockMHz: 1000 / period,
    ...(target !== undefined ? { targetClockMHz: 1000 / target } : {}),
    ...(worst !== undefined ? { latencyCycles: worst } : {}),
    resources, loops,
  };
}

/** Loops are the children of SummaryOfLoopLatency that carry a PipelineII; nested ones inside them. */
function collectLoops(o: XmlObject, prefix: string, out: MeasuredLoop[], file: string): void {
  for (const [name, v] of Object.entries(o)) {
    for (const loop of Array.isArray(v) ? v : [v]) {
      if (typeof loop !== "object" || Array.isArray(loop) || loop["PipelineII"] === undefined) continue;
      const ii = loop["PipelineII"];
      const full = prefix ? `${prefix}/${name}` : name;
      out.push({ name: full, ii: typeof ii === "string" && /^\d+$/.test(ii.trim()) ? Number(ii) : isNotPipelined(ii) ? null : number(ii, `SummaryOfLoopLatency/${full}/PipelineII`, file) });
      collectLoops(loop, full, out, file);
    }
  }
}

/** Vitis writes `-` (or `no`, `undef`) for a loop it did not pipeline. */
function isNotPipelined(v: XmlValue): boolean {
  return typeof v === "string" && ["-", "no", "undef", "NA", "N/A", ""].includes(v.trim());
}

function firstOf(v: XmlValue | undefined): XmlValue | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function optionalObject(v: XmlValue | undefined): XmlObject | undefined {
  const x = firstOf(v);
  return x !== undefined && typeof x === "object" && !Array.isArray(x) ? x : undefined;
}

function object(v: XmlValue | undefined, where: string, file: string): XmlObject {
  const o = optionalObject(v);
  if (!o) throw new UserError(file, `missing <${where.split("/").pop()}> (expected at ${where})`);
  return o;
}

function number(v: XmlValue | undefined, where: string, file: string): number {
  const s = typeof v === "string" ? v.trim() : undefined;
  const n = s !== undefined && /^[0-9]+(\.[0-9]+)?$/.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(n) || n < 0) throw new UserError(file, `<${where.split("/").pop()}> at ${where} is ${JSON.stringify(typeof v === "string" ? v : "an element")}, not a number`);
  if (where.endsWith("ClockPeriod") && n === 0) throw new UserError(file, `<${where.split("/").pop()}> at ${where} is 0 ns`);
  return n;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 200);
}
