// Reads the JSON that the Intel FPGA SDK for OpenCL's `aoc -report` (and a full hardware compile)
// writes into `<kernel>/reports/lib/json/` (older releases: `reports/` itself), as the
// "Reviewing Your Kernel's report.html File" chapter of the Intel FPGA SDK for OpenCL Pro
// Edition Best Practices Guide describes its panes:
//   quartus.json  {"quartusFitClockSummary": {"nodes": [{"name": …, "kernel clock": "MHz", …}]},
//                  "quartusFitResourceUsageSummary": {"nodes": [{"name": "Quartus Fitter: Kernel
//                  System" | "Quartus Fitter: Total Used (Entire System)", "alm", "reg", "dsp",
//                  "ram", "mlab"}]}}            after a hardware compile (values "TBD" before)
//   area.json     {"total": [ALUTs, FFs, RAMs, DSPs, MLABs], "max_resources": [...], …}
//                 the compiler's own estimate (`aoc -report`), used when no fit ran
//   loops.json    {"columns": ["", "Pipelined", "II", …], "children": [{"name": "Kernel: k",
//                 "data": ["Yes", "1", …], "children": [{"name": "k.B2", "data": […]}]}]}
//                 one row per loop or kernel; `data` is the row without the name column
//                 (releases whose loops.json is only the navigation tree, without an "II"
//                 column, keep the figures in loops_attr.json: {"nodes": [{"name": kernel,
//                 "children": [{"name": loop, "ii": …, "children": […]}]}]}; "Accessing HLD FPGA
//                 Reports in JSON Format" lists the files and warns their structure may change)
// The measured clock is the fit's kernel clock; loops give the II they achieved.

import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../ir/diagnostics.js";
import type { MeasuredLoop, MeasuredResource, VendorMeasurement } from "./measurement.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export function readAocReports(dir: string): VendorMeasurement {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(dir, "--aoc-report takes aoc's reports/ folder (or its lib/json/), which is not a folder here");
  const folder = [join(dir, "lib", "json"), dir].find((d) => existsSync(join(d, "quartus.json")) || existsSync(join(d, "area.json")) || existsSync(join(d, "loops.json")));
  if (!folder) throw new UserError(dir, "holds no quartus.json, area.json or loops.json (neither directly nor in lib/json/): not an aoc reports folder");
  const quartus = readJson(join(folder, "quartus.json"));
  const area = readJson(join(folder, "area.json"));
  const loopsJson = readJson(join(folder, "loops.json"));
  const loopsAttr = readJson(join(folder, "loops_attr.json"));
  const fitted = quartus ? fitResources(quartus.value, quartus.file) : undefined;
  const estimated = !fitted && area ? areaResources(area.value, area.file) : undefined;
  if (!fitted && !estimated) {
    throw new UserError(quartus?.file ?? area?.file ?? join(folder, "quartus.json"), "no resource figures: quartus.json has no fitted \"Kernel System\" or \"Total Used\" row and there is no area.json with \"total\"");
  }
  const clockMHz = quartus ? kernelClock(quartus.value, quartus.file) : undefined;
  const loops = (loopsJson ? loopIIs(loopsJson.value, loopsJson.file) : undefined) ?? (loopsAttr ? loopAttrIIs(loopsAttr.value, loopsAttr.file) : undefined);
  const notes = [
    ...(clockMHz === undefined ? ["no fitted kernel clock (quartus.json missing or TBD: no hardware compile yet)"] : []),
    ...(loops === undefined ? ["no initiation intervals (neither loops.json with an II column nor loops_attr.json)"] : []),
  ];
  return {
    tool: "aoc", file: fitted ? quartus!.file : area!.file,
    scope: fitted?.scope ?? "kernel",
    ...(clockMHz !== undefined ? { clockMHz } : {}),
    resources: (fitted ?? estimated)!.resources,
    loops: loops ?? [],
    ...(notes.length ? { notes } : {}),
  };
}

function readJson(file: string): { file: string; value: JsonObject } | undefined {
  if (!existsSync(file)) return undefined;
  let value: Json;
  try {
    value = JSON.parse(readFileSync(file, "utf8")) as Json;
  } catch (e) {
    throw new UserError(file, `not valid JSON (${(e instanceof Error ? e.message : String(e)).split("\n")[0]})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new UserError(file, "expected a JSON object at the top");
  return { file, value };
}

/** A figure aoc writes as a number or a string ("12,345", "TBD"); undefined for "TBD"/"n/a". */
function figure(v: Json | undefined, where: string, file: string): number | undefined {
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === "string") {
    const s = v.replace(/,/g, "").trim();
    if (/^[0-9]+(\.[0-9]+)?$/.test(s)) return Number(s);
    if (["TBD", "n/a", "N/A", "-", ""].includes(s)) return undefined;
  }
  throw new UserError(file, `${where} is ${JSON.stringify(v ?? null)}, not a number`);
}

function nodes(o: JsonObject, key: string, file: string): JsonObject[] {
  const section = o[key];
  if (section === undefined) return [];
  const list = typeof section === "object" && section !== null && !Array.isArray(section) ? section["nodes"] : undefined;
  if (!Array.isArray(list)) throw new UserError(file, `$.${key}.nodes is missing or not a list`);
  return list.filter((n): n is JsonObject => typeof n === "object" && n !== null && !Array.isArray(n));
}

function fitResources(q: JsonObject, file: string): { scope: "kernel" | "system"; resources: MeasuredResource[] } | undefined {
  const rows = nodes(q, "quartusFitResourceUsageSummary", file);
  const named = (part: string) => rows.findIndex((r) => typeof r["name"] === "string" && r["name"].includes(part));
  const kernel = named("Kernel System");
  const index = kernel >= 0 ? kernel : named("Total Used");
  if (index < 0) return undefined;
  const row = rows[index]!;
  const at = (k: string) => `$.quartusFitResourceUsageSummary.nodes[${index}].${k}`;
  const alm = figure(row["alm"], at("alm"), file);
  if (alm === undefined) return undefined; // "TBD": aoc -report without a fit
  const resources: MeasuredResource[] = [{ resource: "lut", used: alm }];
  // A column the row does not have is not reported (older releases have no "mlab", say).
  for (const [key, resource] of [["reg", "ff"], ["dsp", "dsp"], ["ram", "bram"]] as const) {
    const n = row[key] === undefined ? undefined : figure(row[key], at(key), file);
    if (n !== undefined) resources.push({ resource, used: n });
  }
  return { scope: kernel >= 0 ? "kernel" : "system", resources };
}

function areaResources(a: JsonObject, file: string): { resources: MeasuredResource[] } {
  const total = a["total"];
  if (!Array.isArray(total) || total.length < 4) throw new UserError(file, "$.total must be [ALUTs, FFs, RAMs, DSPs, MLABs]");
  const n = (i: number, what: string) => figure(total[i], `$.total[${i}] (${what})`, file) ?? 0;
  const aluts = n(0, "ALUTs");
  // An ALM holds two ALUTs: the estimate's unit for Intel boards.
  return { resources: [
    { resource: "lut", used: Math.ceil(aluts / 2), asReported: `ALUT ${aluts}` },
    { resource: "ff", used: n(1, "FFs") }, { resource: "bram", used: n(2, "RAMs") }, { resource: "dsp", used: n(3, "DSPs") },
  ] };
}

function kernelClock(q: JsonObject, file: string): number | undefined {
  const rows = nodes(q, "quartusFitClockSummary", file);
  for (const [i, r] of rows.entries()) {
    const key = ["kernel clock", "kernel clock fmax", "clock"].find((k) => r[k] !== undefined);
    if (key === undefined) continue;
    const mhz = figure(r[key], `$.quartusFitClockSummary.nodes[${i}]["${key}"]`, file);
    if (mhz !== undefined) return mhz;
  }
  return undefined;
}

/** Rows of loops.json's Loop Analysis table; undefined when it has no II column (the navigation tree only). */
function loopIIs(l: JsonObject, file: string): MeasuredLoop[] | undefined {
  const columns = l["columns"];
  if (columns === undefined) return undefined;
  if (!Array.isArray(columns)) throw new UserError(file, "$.columns is not a list");
  const col = columns.indexOf("II");
  if (col < 0) return undefined;
  // `data` leaves out the first (name) column when that column's title is empty.
  const index = columns[0] === "" ? col - 1 : col;
  const out: MeasuredLoop[] = [];
  const walk = (list: Json | undefined, where: string) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) throw new UserError(file, `${where} is not a list`);
    list.forEach((row, i) => {
      if (typeof row !== "object" || row === null || Array.isArray(row)) throw new UserError(file, `${where}[${i}] is not an object`);
      const data = row["data"];
      if (typeof row["name"] === "string" && Array.isArray(data)) out.push({ name: row["name"], ii: initiationInterval(data[index]) });
      walk(row["children"], `${where}[${i}].children`);
    });
  };
  walk(l["children"] ?? l["functions"], "$.children");
  return out;
}

/** loops_attr.json: kernels, then loops nested in `children`, each with an `ii`. */
function loopAttrIIs(l: JsonObject, file: string): MeasuredLoop[] | undefined {
  const nodes = l["nodes"];
  if (!Array.isArray(nodes)) throw new UserError(file, "$.nodes is missing or not a list");
  const out: MeasuredLoop[] = [];
  const walk = (list: Json | undefined, where: string) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) throw new UserError(file, `${where} is not a list`);
    list.forEach((n, i) => {
      if (typeof n !== "object" || n === null || Array.isArray(n)) throw new UserError(file, `${where}[${i}] is not an object`);
      if (typeof n["name"] === "string" && n["ii"] !== undefined) out.push({ name: n["name"], ii: initiationInterval(n["ii"]) });
      walk(n["children"], `${where}[${i}].children`);
    });
  };
  walk(nodes, "$.nodes");
  return out.length ? out : undefined;
}

/** An II as aoc writes it: a number or a numeric string; "n/a" (not pipelined) is null. */
function initiationInterval(v: Json | undefined): number | null {
  return typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : null;
}
