// Runs an RTL design under Verilator: builds it (cached by content), runs the testbench on a
// directory of .npy inputs and reads its figures. Comparison with the CPU reference is the
// caller's (src/emulate/emulate.ts), as for the other targets.

import { execa } from "execa";
import { join } from "node:path";
import type { ProgramBundle } from "../frontend/load_program.js";
import { SIM_DIR } from "../package_root.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { rtlDesign } from "./rtl_design.js";
import { fillCycles, passesOf, RTL_DEADLOCK_EXIT_CODE, STATS_MARKER } from "./testbench.js";
import { verilateCached } from "./verilator_build.js";
import { emitKernelTestbench } from "./kernel_testbench.js";
import { recordRtlRun } from "./rtl_runs.js";
import { kernelTopSource, RTL_KERNEL_NAME } from "./vitis_rtl_kernel.js";

export interface RtlFifoFigures { name: string; depth: number; full_stall_cycles: number; empty_cycles: number }

export interface RtlRunFigures {
  cycles: number;
  /** cells / W × passes + fill × passes: one vector per cycle after the pipeline has filled. */
  ideal_cycles: number;
  efficiency: number;
  passes: number;
  /** Simulated cycles per second of wall time (Verilator's speed). */
  cycles_per_second: number;
  fifos: RtlFifoFigures[];
  backpressure: boolean;
  build_seconds: number;
  cached_build: boolean;
}

export interface RtlRunOptions {
  /** Seed of the random input bubbles and output stalls; none: a perfect environment. */
  backpressure?: number;
  /** Write an FST waveform here (builds the model with tracing). */
  trace?: string;
  /** Cycle budget per pass before a deadlock is declared (default: 8× the ideal + 10,000). */
  budget?: number;
  /**
   * Simulate the Vitis RTL kernel (AXI4 masters on a simulated memory, ap_start/ap_done over
   * AXI4-Lite) instead of the bare pipeline; the figures then have no per-FIFO part.
   */
  kernel?: boolean;
}

export type RtlRunResult = { ok: true; figures: RtlRunFigures } | { ok: false; deadlock: string };

export function idealCycles(p: Pipeline): number {
  return (p.vectors + fillCycles(p)) * passesOf(p);
}

export async function runRtl(bundle: ProgramBundle, p: Pipeline, inDir: string, outDir: string, options: RtlRunOptions = {}): Promise<RtlRunResult> {
  const design = rtlDesign(bundle, p);
  const files = new Map(design.files);
  let sv = design.sv;
  let top = design.topModule;
  if (options.kernel) {
    files.set(`kernel/${RTL_KERNEL_NAME}.sv`, kernelTopSource(p));
    files.set("sim/tb.cpp", emitKernelTestbench(p));
    sv = [...sv, `kernel/${RTL_KERNEL_NAME}.sv`];
    top = RTL_KERNEL_NAME;
  }
  const build = await verilateCached({
    files, sv, cpp: design.cpp, topModule: top, prefix: design.prefix,
    includeDirs: [join(SIM_DIR, "include")], trace: options.trace !== undefined,
  });
  const args = ["--inputs", inDir, "--outputs", outDir];
  if (options.backpressure !== undefined) args.push("--backpressure", String(options.backpressure));
  if (options.trace !== undefined) args.push("--trace", options.trace);
  if (options.budget !== undefined) args.push("--budget", String(options.budget));
  const run = await execa(build.binary, args, { reject: false, all: true });
  if (run.exitCode === RTL_DEADLOCK_EXIT_CODE) return { ok: false, deadlock: run.stdout };
  if (run.exitCode !== 0) throw new Error(`the RTL simulation failed (exit ${run.exitCode}):\n${run.all}`);
  const line = run.stdout.split("\n").find((l) => l.startsWith(STATS_MARKER));
  if (!line) throw new Error(`the RTL testbench printed no figures:\n${run.all}`);
  const stats = JSON.parse(line.slice(STATS_MARKER.length)) as { cycles: number; passes: number; sim_seconds: number; fifos: RtlFifoFigures[] };
  const ideal = idealCycles(p);
  // A run in a perfect environment is what `report` shows as the measured cycle count.
  if (options.backpressure === undefined && !options.kernel) recordRtlRun(p, { cycles: stats.cycles, idealCycles: ideal, efficiency: ideal / stats.cycles });
  return {
    ok: true,
    figures: {
      cycles: stats.cycles, ideal_cycles: ideal, efficiency: ideal / stats.cycles, passes: stats.passes,
      cycles_per_second: stats.sim_seconds > 0 ? stats.cycles / stats.sim_seconds : 0,
      fifos: stats.fifos, backpressure: options.backpressure !== undefined,
      build_seconds: build.seconds, cached_build: build.cached,
    },
  };
}
