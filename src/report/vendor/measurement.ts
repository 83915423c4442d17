// What a vendor tool measured for a built kernel (Vitis HLS's csynth.xml, aoc's reports/ JSON),
// in the units our estimate uses, so the report can put the two side by side.

import type { Resources } from "../resources.js";

export interface MeasuredResource {
  resource: keyof Resources;
  /** The figure in our unit (BRAM36 from Vitis's BRAM_18K count, ALMs, M20Ks, …). */
  used: number;
  /** What the tool printed, when it counts in another unit (e.g. `BRAM_18K 10`). */
  asReported?: string;
  /** The device's total as the tool saw it, when it says. */
  available?: number;
}

export interface MeasuredLoop {
  name: string;
  /** Achieved initiation interval; null when the loop is not pipelined. */
  ii: number | null;
}

export interface VendorMeasurement {
  tool: "Vitis HLS" | "aoc";
  file: string;
  /** `kernel`: the kernel alone (compare with the estimate without the shell); `system`: with the board's shell. */
  scope: "kernel" | "system";
  /** Clock the tool achieved or estimated, in MHz. */
  clockMHz?: number;
  /** Clock it was asked for, in MHz. */
  targetClockMHz?: number;
  /** Worst-case latency of the top function in cycles, when the tool gives one. */
  latencyCycles?: number;
  resources: MeasuredResource[];
  loops: MeasuredLoop[];
  /** What the files did not say (shown with the comparison). */
  notes?: string[];
}
