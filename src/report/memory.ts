// Where a pipeline's arrays go in a board's memory, for the report: the placement link.cfg uses on
// Xilinx boards (time-loop ports sharing a bank range); on Intel boards every kernel reaches every
// bank, so no port pairs are needed. Says when the arrays do not fit.

import type { Platform } from "../platform/platform.js";
import { bankSpan, formatBytes, placeMemory, type MemoryPlacement } from "../platform/placement.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { vitisMemoryPorts } from "../targets/vitis_project.js";
import type { CodeWriter } from "../codegen/code_writer.js";

export function memoryPlacement(p: Pipeline, platform: Platform): MemoryPlacement {
  const { ports, pairs } = vitisMemoryPorts(p);
  return placeMemory(ports, platform.vendor === "xilinx" ? pairs : [], platform);
}

/** The report's memory section: every array, its size and banks, and why it has several. */
export function formatMemory(w: CodeWriter, placement: MemoryPlacement): void {
  w.line(`memory (${formatBytes(placement.bankBytes)} per bank)`);
  for (const x of placement.ports) {
    w.line(`  ${x.name.padEnd(12)} ${formatBytes(x.bytes).padStart(10)}  ${x.sp.padEnd(10)} buffer in ${bankSpan(x.bufferBanks)}${x.why ? ` (${x.why})` : ""}`);
    if (x.bufferBanks.length > 1) w.line(`  ${"".padEnd(12)} ${"".padStart(10)}  spread over ${x.bufferBanks.length} banks for capacity; streamed in order, it still gets one bank's bandwidth at a time`);
  }
  if (placement.problem) w.line(`  does NOT fit: ${placement.problem}`);
}
