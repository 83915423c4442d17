// Measured cycles of RTL simulations, kept next to the build cache and keyed by the pipeline
// itself (everything that decides the cycle count: domain, W, P, windows, latencies, depths), so
// `report` can show what the cycle-accurate model measured for the same design.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDirectory } from "../emulate/build_cache.js";
import type { Pipeline } from "../spatial/pipeline.js";

export interface MeasuredCycles {
  /** Simulated cycles of all passes, in a perfect environment (no backpressure). */
  cycles: number;
  idealCycles: number;
  efficiency: number;
}

function runFile(p: Pipeline): string {
  // Where a delay line is stored (board-dependent: URAM or BRAM) does not change the cycles.
  const key = createHash("sha256").update(JSON.stringify(p, (k, v) => (k === "storage" ? undefined : v))).digest("hex").slice(0, 32);
  return join(cacheDirectory(), "rtl-runs", `${key}.json`);
}

export function recordRtlRun(p: Pipeline, m: MeasuredCycles): void {
  const file = runFile(p);
  mkdirSync(join(file, ".."), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(m));
  renameSync(tmp, file);
}

/** The recorded run of this exact pipeline, if `emulate --target rtl` has simulated it. */
export function measuredRtlRun(p: Pipeline): MeasuredCycles | undefined {
  const file = runFile(p);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as MeasuredCycles) : undefined;
}
