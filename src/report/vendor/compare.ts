// Measured (a vendor tool's report) beside estimated (our model): resources in the same units,
// the clock, and the initiation intervals the tool achieved against the one vector per cycle the
// performance model assumes. A kernel-only measurement is compared with the estimate without
// the board's shell; a whole-system one with the estimate that includes it.

import type { CodeWriter } from "../../codegen/code_writer.js";
import { escapeUnsafe } from "../../codegen/user_text.js";
import type { Platform } from "../../platform/platform.js";
import type { Pipeline } from "../../spatial/pipeline.js";
import { buildReport, type Report } from "../report.js";
import type { Utilisation } from "../resources.js";
import type { MeasuredLoop, VendorMeasurement } from "./measurement.js";

export interface ResourceComparison {
  resource: string;
  unit: string;
  estimated: number;
  measured: number;
  asReported?: string;
  available: number;
}

export interface VendorComparison {
  tool: VendorMeasurement["tool"];
  file: string;
  scope: VendorMeasurement["scope"];
  resources: ResourceComparison[];
  clock: { estimatedMHz: number; measuredMHz?: number; targetMHz?: number };
  /** The model assumes every loop runs at II 1 (one vector per cycle). */
  loops: MeasuredLoop[];
  worstII: number | null;
  /** Cycles of one pass: the model's, and the tool's worst-case latency when it gives one. */
  cycles: { estimated: number; measured?: number };
  notes: string[];
}

/** The estimate of the kernel alone: the same model on the board with no shell. */
export function kernelOnlyEstimate(p: Pipeline, platform: Platform, clockMHz?: number): Utilisation[] {
  const { shellOverhead: _shell, ...bare } = platform;
  return buildReport(p, bare, clockMHz).resources;
}

export function compareWithEstimate(m: VendorMeasurement, report: Report, kernelOnly: Utilisation[]): VendorComparison {
  const estimate = m.scope === "kernel" ? kernelOnly : report.resources;
  const resources: ResourceComparison[] = [];
  for (const x of m.resources) {
    const e = estimate.find((u) => u.resource === x.resource);
    if (!e) continue; // e.g. URAM on a board the estimate counts none of
    resources.push({ resource: x.resource, unit: e.unit, estimated: e.used, measured: x.used, ...(x.asReported ? { asReported: x.asReported } : {}), available: e.available });
  }
  const iis = m.loops.map((l) => l.ii).filter((x): x is number => x !== null);
  return {
    tool: m.tool, file: m.file, scope: m.scope, resources,
    clock: { estimatedMHz: report.performance.clockMHz, ...(m.clockMHz !== undefined ? { measuredMHz: m.clockMHz } : {}), ...(m.targetClockMHz !== undefined ? { targetMHz: m.targetClockMHz } : {}) },
    loops: m.loops, worstII: iis.length ? Math.max(...iis) : null,
    cycles: { estimated: report.performance.cyclesPerPass, ...(m.latencyCycles !== undefined ? { measured: m.latencyCycles } : {}) },
    notes: m.notes ?? [],
  };
}

/** Text: one table of estimate against measurement. */
export function formatVendorComparison(w: CodeWriter, c: VendorComparison): void {
  w.line(`measured by ${c.tool} (${escapeUnsafe(c.file)}; ${c.scope === "kernel" ? "kernel only, estimate without the shell" : "whole system, shell included"})`);
  w.line(`  ${"".padEnd(8)} ${"estimate".padStart(10)} ${"measured".padStart(10)}`);
  for (const r of c.resources) w.line(`  ${r.unit.padEnd(8)} ${fmt(r.estimated).padStart(10)} ${fmt(r.measured).padStart(10)}${r.asReported ? `  (${r.asReported})` : ""}`);
  const mhz = (x: number | undefined) => (x === undefined ? "-" : x.toFixed(1));
  w.line(`  ${"MHz".padEnd(8)} ${mhz(c.clock.estimatedMHz).padStart(10)} ${mhz(c.clock.measuredMHz).padStart(10)}${c.clock.targetMHz !== undefined ? `  (target ${c.clock.targetMHz.toFixed(1)})` : ""}`);
  if (c.cycles.measured !== undefined) w.line(`  ${"cycles".padEnd(8)} ${String(c.cycles.estimated).padStart(10)} ${String(c.cycles.measured).padStart(10)}  (one pass; measured: worst-case latency)`);
  w.line(`  ${"II".padEnd(8)} ${"1".padStart(10)} ${(c.worstII === null ? "-" : String(c.worstII)).padStart(10)}  (worst over ${c.loops.length} loop(s)${c.loops.some((l) => l.ii === null) ? `, ${c.loops.filter((l) => l.ii === null).length} not pipelined` : ""})`);
  for (const l of c.loops.filter((x) => x.ii === null || x.ii > 1)) w.line(`    loop ${escapeUnsafe(l.name)}: ${l.ii === null ? "not pipelined" : `II ${l.ii}`}`);
  for (const n of c.notes) w.line(`  note: ${n}`);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
