// The report a performance engineer reads before synthesis: will the pipeline fit on the board,
// how fast will it run, and what bounds it. `--json` prints the Report object: every figure of
// the text, the ceilings in GOp/s, and `version` (the sdfg-fpga version that wrote it).

import { CodeWriter } from "../codegen/code_writer.js";
import type { Platform } from "../platform/platform.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { clockWarning, estimatePerformance, type Performance } from "./performance.js";
import { formatMemory, memoryPlacement, type ReportMemory } from "./memory.js";
import { estimateResources, laneCosts, utilisation, type LaneCost, type Utilisation } from "./resources.js";
import type { MeasuredCycles } from "../rtl/rtl_runs.js";
import { VERSION } from "../package_root.js";
import { describeCounts } from "./op_count.js";
import { costFamily, FAMILY_COSTS } from "./operator_costs.js";
import { formatAuto, type AutoResult } from "./auto_format.js";

export interface Report {
  /** sdfg-fpga version that wrote the report. */
  version: string;
  program: string;
  platform: string;
  vectorWidth: number;
  replicas: number;
  timeSteps: number;
  /** Device family whose operator costs priced the design (operator_costs.ts). */
  costModel: string;
  resources: Utilisation[];
  /** Arithmetic of one lane and time step of each stencil; the PEs hold W x P of them. */
  lanes: LaneCost[];
  /** Largest fraction any resource may take (default ROUTABLE_FRACTION, `--max-util`). */
  maxUtil: number;
  fits: boolean;
  /** Caveats the numbers carry (a clock outside the board's range, no shell figure…). */
  warnings: string[];
  performance: Performance;
  delayBuffers: { pe: string; field: string; vectors: number; storage: string[] }[];
  /** Cycles the RTL simulation measured for this pipeline (`emulate --target rtl`), when one ran. */
  measured?: MeasuredCycles;
  /** Where every array goes in the board's memory (`splits`: arrays on several ports for bandwidth); `problem` when they do not fit. */
  memory: ReportMemory;
  /** `--auto`: the design points explored and the one chosen. */
  auto?: AutoResult;
}

/** Designs that use more than this fraction of any resource rarely route at a good clock. */
export const ROUTABLE_FRACTION = 0.8;

/** `hbmParts`: `--hbm-parts K`, every streamed array in K lane groups (else only where one HBM channel is too slow). */
export function buildReport(p: Pipeline, platform: Platform, clockMHz?: number, measured?: MeasuredCycles, maxUtil = ROUTABLE_FRACTION, hbmParts?: number): Report {
  const memory = memoryPlacement(p, platform, clockMHz, hbmParts);
  // A split array has one AXI master per lane group.
  const used = estimateResources(p, platform, memory.splits.reduce((a, s) => a + s.parts - 1, 0));
  // Intel boards have M20K block RAM and no UltraRAM: no URAM row.
  const resources = utilisation(used, platform).filter((u) => !(u.resource === "uram" && platform.resources.uram === 0 && used.uram === 0));
  const warnings: string[] = [];
  const clock = clockWarning(platform, clockMHz);
  if (clock) warnings.push(clock);
  if (!platform.shellOverhead) warnings.push(`the board shell is NOT included: platforms/${platform.shortName}.json records no shellOverhead`);
  return {
    version: VERSION,
    program: p.name, platform: platform.shortName, vectorWidth: p.vectorWidth, replicas: p.replicas, timeSteps: p.timeSteps,
    costModel: FAMILY_COSTS[costFamily(platform.vendor)].name,
    resources, lanes: laneCosts(p, platform), maxUtil, fits: resources.every((r) => r.fraction <= maxUtil) && memory.problem === undefined, warnings, memory,
    performance: estimatePerformance(p, platform, clockMHz, hbmParts),
    delayBuffers: p.pes.flatMap((pe) => pe.inputs.map((i) => ({
      pe: pe.name, field: i.field, vectors: i.vectors,
      storage: i.parts.map((x) => (x.kind === "registers" ? `${x.count} reg` : `${x.count} ${x.storage}`)),
    }))),
    ...(measured ? { measured } : {}),
  };
}

export function formatReport(r: Report, platform: Platform): string {
  const w = new CodeWriter();
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const perf = r.performance;
  w.line(`${r.program} on ${platform.name}: W = ${r.vectorWidth}, P = ${r.replicas}, ${r.timeSteps} time step(s)`);
  for (const x of r.warnings) w.line(`warning: ${x}`);
  w.line();
  w.line(`resources (estimate, ${r.costModel} operator costs; ${platform.shellOverhead ? "board shell included" : "board shell not included, see the warning"})`);
  const unit = (k: string) => (k === "lut" ? platform.resources.lutUnit : k === "bram" ? platform.resources.bramKind : k.toUpperCase());
  for (const u of r.resources) w.line(`  ${unit(u.resource).padEnd(7)} ${String(u.used).padStart(10)} / ${String(u.available).padEnd(10)} ${pct(u.fraction).padStart(7)}`);
  const laneDsp = r.lanes.reduce((a, l) => a + l.dsp, 0);
  w.line(`  arithmetic per lane and time step: ${r.lanes.map((l) => `${l.stencil} ${l.dsp} DSP ${l.logic} ${platform.resources.lutUnit}`).join(", ")}; ${laneDsp} DSP x W ${r.vectorWidth} x P ${r.replicas} = ${laneDsp * r.vectorWidth * r.replicas} DSP`);
  const worst = [...r.resources].sort((a, b) => b.fraction - a.fraction)[0]!;
  const logicFits = r.resources.every((x) => x.fraction <= r.maxUtil);
  w.line(logicFits ? `  fits (most used: ${unit(worst.resource)} at ${pct(worst.fraction)}; limit ${pct(r.maxUtil)})` : `  does NOT fit: ${unit(worst.resource)} at ${pct(worst.fraction)} (over ${pct(r.maxUtil)} does not route)`);
  w.line();
  formatMemory(w, r.memory);
  w.line();
  w.line(`performance at ${perf.clockMHz.toFixed(0)} MHz (${perf.clockSource === "override" ? "--clock" : `middle of the ${platform.name}'s achieved range ${platform.achievedClockMHz.join("-")} MHz`})`);
  w.line("  operations per cell (comparisons and selects are not counted as operations)");
  for (const s of perf.opsByStencil) w.line(`    ${s.stencil.padEnd(12)} ${describeCounts(s.counts, s.dtype)}`);
  w.line(`  ${perf.opsPerCell} op/cell/step, ${perf.bytesPerCell.toFixed(1)} B/cell/pass off-chip`);
  w.line(`  ${perf.passes} pass(es) of ${perf.cyclesPerPass} cycles (${perf.vectorsPerPass} vectors + ${perf.fillCycles} fill): ${(perf.seconds * 1e3).toFixed(3)} ms`);
  if (r.measured) {
    const m = r.measured;
    w.line(`  RTL simulation measured ${m.cycles} cycles (ideal ${m.idealCycles}, efficiency ${pct(m.efficiency)}): ${(m.cycles / perf.clockMHz / 1e3).toFixed(3)} ms`);
  }
  w.line(`  ${perf.gops.toFixed(1)} GOp/s, ${perf.gbs.toFixed(1)} GB/s off-chip`);
  // A stencil pipeline's ceiling is op/cell x W x P per cycle; other pipelines (linear algebra,
  // vertical solvers, binning) count their processes' operations per cycle instead.
  const opsPerCycle = (perf.computeCeiling * 1e3) / perf.clockMHz;
  const perCellForm = Math.abs(opsPerCycle - perf.opsPerCell * r.vectorWidth * r.replicas) <= 1e-9 * Math.max(1, opsPerCycle);
  const computeText = perCellForm ? `${perf.opsPerCell} op x W ${r.vectorWidth} x P ${r.replicas}` : `${Number(opsPerCycle.toPrecision(6))} op per cycle of its processes`;
  w.line(`  roofline: intensity ${perf.intensity.toFixed(2)} op/B; ceilings ${perf.computeCeiling.toFixed(1)} GOp/s (compute: ${computeText} x ${perf.clockMHz.toFixed(0)} MHz), ${perf.bandwidthCeilingGops.toFixed(1)} GOp/s (bandwidth ${perf.bandwidthCeilingGBs.toFixed(1)} GB/s of the banks used); ${pct(perf.fractionOfRoofline)} of ${perf.rooflineGops.toFixed(1)} GOp/s`);
  w.line(`  bound by: ${perf.bound === "memory" ? "memory bandwidth (a port needs more than its bank gives)" : "the pipeline (one vector per cycle); raise W or P"}`);
  for (const x of perf.ports) w.line(`  port ${x.port.padEnd(12)} ${x.bank.padEnd(8)} ${x.demandGBs.toFixed(2)} of ${x.bankGBs.toFixed(2)} GB/s`);
  w.line();
  w.line("delay buffers (vectors: registers and delay lines, oldest first)");
  for (const d of r.delayBuffers) w.line(`  ${d.pe} ${d.field}: ${d.vectors} = ${d.storage.join(" + ")}`);
  if (r.auto) formatAuto(w, r.auto, pct);
  return w.toString();
}
