// Where a pipeline's arrays go in a board's memory, for the report: the placement link.cfg uses on
// Xilinx boards (time-loop ports sharing a bank range; arrays too fast for one HBM pseudo-channel
// split into lane groups, one port and channel each, as the project splits them); on Intel boards
// every kernel reaches every bank, so no port pairs are needed. Says when the arrays do not fit.

import type { Platform } from "../platform/platform.js";
import { bankSpan, formatBytes, placeMemory, type MemoryPlacement } from "../platform/placement.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { vitisMemoryPorts, vitisSplits } from "../targets/vitis_project.js";
import type { PortSplit } from "../hls/port_parts.js";
import type { CodeWriter } from "../codegen/code_writer.js";

export interface ReportMemory extends MemoryPlacement {
  /** Arrays split over several ports for bandwidth (empty when none). */
  splits: PortSplit[];
  /** The kernel clock target the splits were decided at, MHz. */
  clockMHz: number;
}

/** The placement at kernel clock target `clockMHz` (the board's by default), with `--hbm-parts`. */
export function memoryPlacement(p: Pipeline, platform: Platform, clockMHz?: number, hbmParts?: number): ReportMemory {
  const target = clockMHz ?? platform.clockMHz;
  const splits = platform.vendor === "xilinx" ? vitisSplits(p, platform, target, hbmParts) : new Map<string, PortSplit>();
  const { ports, pairs } = vitisMemoryPorts(p, splits);
  return { ...placeMemory(ports, platform.vendor === "xilinx" ? pairs : [], platform), splits: [...splits.values()], clockMHz: target };
}

/** The report's memory section: every port, its size and banks, why it has several, what shares a bank, and the split arrays. */
export function formatMemory(w: CodeWriter, placement: ReportMemory): void {
  w.line(`memory (${formatBytes(placement.bankBytes)} per bank)`);
  for (const x of placement.ports) {
    w.line(`  ${x.name.padEnd(12)} ${formatBytes(x.bytes).padStart(10)}  ${x.sp.padEnd(10)} buffer in ${bankSpan(x.bufferBanks)}${x.why ? ` (${x.why})` : ""}`);
    if (x.bufferBanks.length > 1) w.line(`  ${"".padEnd(12)} ${"".padStart(10)}  spread over ${x.bufferBanks.length} banks for capacity; streamed in order, it still gets one bank's bandwidth at a time`);
  }
  for (const s of placement.splits) {
    const banks = placement.ports.filter((x) => x.part?.array === s.array).map((x) => x.bufferBanks[0]!);
    const why = s.forced ? "--hbm-parts" : `it moves ${s.demandGBs.toFixed(1)} GB/s at W = ${s.lanes * s.parts} and ${placement.clockMHz} MHz, one pseudo-channel gives ${s.channelGBs.toFixed(1)}`;
    w.line(`  '${s.array}' split into ${s.parts} lane groups of ${s.lanes} on ${s.parts} ports (${why}): buffers in ${banks.join(", ")}, ${(new Set(banks).size * s.channelGBs).toFixed(1)} GB/s together`);
  }
  const sharing = new Map<string, string[]>();
  for (const x of placement.ports) sharing.set(x.bufferBanks[0]!, [...sharing.get(x.bufferBanks[0]!) ?? [], x.name]);
  for (const [bank, names] of sharing) if (names.length > 1) w.line(`  ${bank} holds the buffers of ${names.join(", ")}: they share its bandwidth`);
  if (placement.problem) w.line(`  does NOT fit: ${placement.problem}`);
}
