// Emulation without vendor tools: generate the kernel and host, compile them with g++ against
// sim/ (cached by content), run the dataflow processes as cooperative fibers in one thread with
// the real FIFO depths, run the CPU reference on the same inputs, and compare.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { emitCpuReference, referenceInterface } from "../cpu/cpu_reference.js";
import { decodeNpy } from "../data/npy.js";
import type { ProgramBundle } from "../frontend/load_program.js";
import { KERNEL_NAME } from "../hls/vitis_kernel.js";
import { stencilsInOrder } from "../ir/sdfg.js";
import { SIM_DIR } from "../package_root.js";
import { lowerToPipeline } from "../spatial/lower.js";
import type { Pipeline, SpatialOptions } from "../spatial/pipeline.js";
import { inputFiles } from "../targets/program_data.js";
import { EMULATION_FLAGS, vitisSources, type ConnectivityOverride } from "../targets/vitis_project.js";
import { DEFAULT_INTEL_PLATFORM, intelEmulationBuild } from "../targets/intel_project.js";
import { loadPlatform } from "../platform/platform.js";
import { compileCached } from "./build_cache.js";
import { compareArrays, type Comparison } from "./compare.js";

export type EmulationTarget = "xilinx" | "intel" | "cpu";

export interface EmulateOptions {
  target: EmulationTarget;
  spatial: SpatialOptions;
  /** DIR/<input>.npy overrides the program's data where present. */
  inputsDir?: string;
  /** Where DIR/<output>.npy are written. */
  outputsDir?: string;
  /** Replaces computed FIFO depths (channel name → depth); for experiments and tests. */
  depthOverrides?: Record<string, number>;
  /**
   * Latency stress: every PE holds back its last D outputs on each FIFO it writes (a
   * non-flushing pipeline D cycles deep: output n becomes visible once output n + D exists, or
   * when the PE's loop ends). A number is D for every PE; "2x" is twice each PE's estimated
   * arithmetic pipeline depth. Readers and writers are not PEs and hold nothing back.
   */
  stressLatency?: number | "2x";
  /** Xilinx board whose memory connectivity the emulated host models (default u280). */
  platform?: string;
  /** Test-only: replaces the banks of the named memory ports after placement (see vitisPlacement). */
  connectivityOverride?: ConnectivityOverride;
}

export interface EmulateResult {
  target: EmulationTarget;
  /** True when every output equals the CPU reference within tolerance. */
  ok: boolean;
  outputs: Comparison[];
  /** Set when the emulation stopped on a deadlock: the watchdog's report. */
  deadlock?: string;
  /** Set when the emulated host refused a buffer its kernel argument cannot reach (XRT connectivity). */
  connectivityError?: string;
  kernelSeconds?: number;
  /** Cells computed: the domain times the time steps. */
  cells?: number;
  /** Seconds spent compiling in this run (0 when the build came from the cache). */
  buildSeconds?: number;
  /** Seconds the emulated kernel ran (for --target cpu: the reference's computation). */
  runSeconds?: number;
  cellsPerSecond?: number;
  /** CPU seconds of that run (the reference: of all its threads), and cells per CPU second. */
  cpuSeconds?: number;
  cellsPerCpuSecond?: number;
  cached: { kernel: boolean; reference: boolean };
  pipeline?: Pipeline;
}

/** Exit code the sim/ watchdog uses for a detected deadlock. */
export const DEADLOCK_EXIT_CODE = 3;

/** The board the xilinx emulation models when no platform is given. */
export const DEFAULT_XILINX_PLATFORM = "u280";

const REFERENCE_FLAGS = ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror", "-fopenmp"];

export async function emulate(bundle: ProgramBundle, options: EmulateOptions): Promise<EmulateResult> {
  const work = mkdtempSync(join(tmpdir(), "sdfg-fpga-emu-"));
  try {
    const inDir = join(work, "in");
    mkdirSync(inDir);
    for (const [name, content] of inputFiles(bundle, options.inputsDir)) writeFileSync(join(inDir, name), content);

    const refDir = join(work, "reference");
    mkdirSync(refDir);
    const reference = await compileCached({
      files: new Map([["reference.cpp", emitCpuReference(bundle.sdfg, bundle.sources)]]),
      compile: ["reference.cpp"], includeDirs: [join(SIM_DIR, "include")], localIncludes: [], flags: REFERENCE_FLAGS, output: "reference",
    });
    const refRun = await execa(reference.binary, [inDir, refDir], { reject: false, all: true });
    if (refRun.exitCode !== 0) throw new Error(`the CPU reference failed:\n${refRun.all}`);
    const outputs = referenceInterface(bundle.sdfg).outputs;

    const cells = domainCells(bundle);
    if (options.target === "cpu") {
      copyOutputs(refDir, outputs.map((o) => o.name), options.outputsDir);
      const refSeconds = kernelSecondsOf(refRun.stdout);
      return {
        target: "cpu", ok: true, cached: { kernel: reference.cached, reference: reference.cached },
        ...timing(cells, reference.seconds, refSeconds, numberAfter(/^kernel: .* CPU ([0-9.e+-]+) s/m, refRun.stdout)),
        outputs: outputs.map((o) => ({ name: o.name, elements: o.shape.reduce((a, b) => a * b, 1), mismatches: 0, maxAbsError: 0 })),
      };
    }

    const pipeline = lowerToPipeline(bundle.sdfg, options.spatial);
    for (const [name, depth] of Object.entries(options.depthOverrides ?? {})) {
      const ch = pipeline.channels.find((c) => c.name === name);
      if (!ch) throw new Error(`no channel '${name}' (channels: ${pipeline.channels.map((c) => c.name).join(", ")})`);
      ch.depth = depth;
    }
    // Per target: the generated sources and how g++ compiles them (xilinx: HLS C++; intel: the
    // OpenCL kernels as C++ through sim/include/intel_channels.h).
    const build = options.target === "intel"
      ? intelEmulationBuild(bundle, pipeline, loadPlatform(DEFAULT_INTEL_PLATFORM))
      : { files: vitisSources(bundle, pipeline, loadPlatform(options.platform ?? DEFAULT_XILINX_PLATFORM), options.connectivityOverride), compile: [`kernel/${KERNEL_NAME}.cpp`, "host/host.cpp"], localIncludes: ["kernel"], flags: EMULATION_FLAGS };
    const kernel = await compileCached({ ...build, includeDirs: [join(SIM_DIR, "include")], output: "host_sim" });
    const emuDir = join(work, "emulated");
    mkdirSync(emuDir);
    const env: Record<string, string> = { SDFG_SIM_STATS: "1" };
    if (options.stressLatency !== undefined) env.SDFG_SIM_HOLD_BACK = holdBackSpec(pipeline, options.stressLatency);
    const run = await execa(kernel.binary, ["--inputs", inDir, "--outputs", emuDir], { reject: false, all: true, env });
    const cached = { kernel: kernel.cached, reference: reference.cached };
    if (run.exitCode === DEADLOCK_EXIT_CODE) {
      return { target: options.target, ok: false, outputs: [], deadlock: run.all ?? "", cached, pipeline };
    }
    const refused = /^error: (XRT memory connectivity: .*)$/m.exec(run.all ?? "");
    if (refused) return { target: options.target, ok: false, outputs: [], connectivityError: refused[1]!, cached, pipeline };
    if (run.exitCode !== 0) throw new Error(`the emulated kernel failed (exit ${run.exitCode}):\n${run.all}`);
    const runSeconds = kernelSecondsOf(run.stdout);

    const comparisons = outputs.map((o) => {
      const got = decodeNpy(readFileSync(join(emuDir, `${o.name}.npy`)), o.name);
      const want = decodeNpy(readFileSync(join(refDir, `${o.name}.npy`)), o.name);
      const dtype = bundle.sdfg.arrays[o.name]!.dtype;
      return compareArrays(o.name, dtype, got.values, want.values);
    });
    copyOutputs(emuDir, outputs.map((o) => o.name), options.outputsDir);
    return {
      target: options.target,
      ok: comparisons.every((c) => c.mismatches === 0),
      outputs: comparisons, cached, pipeline,
      ...timing(cells, kernel.seconds, runSeconds, numberAfter(/^sdfg_sim: kernel CPU ([0-9.e+-]+) s/m, run.stderr)),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Cells one run computes: the domain times the time steps. */
function domainCells(bundle: ProgramBundle): number {
  const domain = stencilsInOrder(bundle.sdfg.states[0]!)[0]?.domain ?? [0];
  return domain.reduce((a, b) => a * b, 1) * (bundle.sdfg.timeLoop?.steps ?? 1);
}

/** The "kernel: S s" line the generated hosts and the reference print. */
function kernelSecondsOf(stdout: string): number | undefined {
  const m = /^kernel: ([0-9.e+-]+) s/m.exec(stdout);
  return m ? Number(m[1]) : undefined;
}

function numberAfter(re: RegExp, text: string): number | undefined {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * The timing fields of a result. runSeconds is wall-clock time; cpuSeconds the CPU time the
 * kernel's processes used (all threads of the reference): on a shared machine the wall clock
 * mostly measures the other tenants.
 */
function timing(cells: number, buildSeconds: number, runSeconds: number | undefined, cpuSeconds?: number) {
  if (runSeconds === undefined) return { cells, buildSeconds };
  // A run below the clock's resolution still gets a finite rate.
  const cellsPerSecond = cells / Math.max(runSeconds, 1e-6);
  return {
    cells, buildSeconds, runSeconds, kernelSeconds: runSeconds, cellsPerSecond,
    ...(cpuSeconds !== undefined ? { cpuSeconds, cellsPerCpuSecond: cells / Math.max(cpuSeconds, 1e-6) } : {}),
  };
}

/** SDFG_SIM_HOLD_BACK for the latency stress: "pe=D,..." over every PE. */
export function holdBackSpec(pipeline: Pipeline, stress: number | "2x"): string {
  return pipeline.pes.map((p) => `${p.name}=${stress === "2x" ? 2 * p.pipelineDepth : stress}`).join(",");
}

/**
 * The CPU reference's outputs on the program's own data (`<output>.npy` → bytes): what
 * `generate --with-reference` ships so the project's `make run` verifies.
 */
export async function referenceOutputs(bundle: ProgramBundle): Promise<Map<string, Buffer>> {
  const work = mkdtempSync(join(tmpdir(), "sdfg-fpga-ref-"));
  try {
    const inDir = join(work, "in");
    const outDir = join(work, "out");
    mkdirSync(inDir);
    mkdirSync(outDir);
    for (const [name, content] of inputFiles(bundle)) writeFileSync(join(inDir, name), content);
    const reference = await compileCached({
      files: new Map([["reference.cpp", emitCpuReference(bundle.sdfg, bundle.sources)]]),
      compile: ["reference.cpp"], includeDirs: [join(SIM_DIR, "include")], localIncludes: [], flags: REFERENCE_FLAGS, output: "reference",
    });
    const run = await execa(reference.binary, [inDir, outDir], { reject: false, all: true });
    if (run.exitCode !== 0) throw new Error(`the CPU reference failed:\n${run.all}`);
    return new Map(referenceInterface(bundle.sdfg).outputs.map((o) => [`${o.name}.npy`, readFileSync(join(outDir, `${o.name}.npy`))]));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function copyOutputs(from: string, names: string[], to: string | undefined): void {
  if (!to) return;
  mkdirSync(to, { recursive: true });
  for (const n of names) copyFileSync(join(from, `${n}.npy`), join(to, `${n}.npy`));
}
