// Emulation without vendor tools: generate the kernel and host, compile them with g++ against
// sim/ (cached by content), run the dataflow processes as cooperative fibers in one thread with
// the real FIFO depths, run the CPU reference on the same inputs, and compare.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
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
import { readGivenInput, sameTypeNpy } from "../targets/program_data.js";
import { encodeNpy } from "../data/npy.js";
import { jsonPathLocation, UserError } from "../ir/diagnostics.js";
import { readInputValues } from "../frontend/load_program.js";
import { EMULATION_FLAGS, vitisSources, vitisSplits, type ConnectivityOverride } from "../targets/vitis_project.js";
import { DEFAULT_INTEL_PLATFORM, intelEmulationBuild } from "../targets/intel_project.js";
import { loadPlatform } from "../platform/platform.js";
import { compileCached, sweepStaleBuilds } from "./build_cache.js";
import { removeTracked, sweepStale, track } from "./temp_files.js";
import { compareArrays, type Comparison } from "./compare.js";
import { runRtl, type RtlRunFigures, type RtlRunOptions } from "../rtl/rtl_simulation.js";

export type EmulationTarget = "xilinx" | "intel" | "cpu" | "rtl";

export interface EmulateOptions {
  target: EmulationTarget;
  spatial: SpatialOptions;
  /** Every input is read from DIR/<input>.npy instead of the program's data; each must be there. */
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
  /** Where each input comes from, what the run is doing, and how far the kernel is. */
  onEvent?: (e: EmulateEvent) => void;
  /** RTL target: random bubbles and stalls (seed), FST trace, cycle budget per pass, kernel wrapper. */
  rtl?: RtlRunOptions;
  /** Xilinx board whose memory connectivity the emulated host models (default u280). */
  platform?: string;
  /** Test-only: replaces the banks of the named memory ports after placement (see vitisPlacement). */
  connectivityOverride?: ConnectivityOverride;
  /** `--hbm-parts K`: every streamed array in K lane groups on K HBM ports (else only where one channel is too slow). */
  hbmParts?: number;
}

/** Reported while emulating: an input's source, a stage starting, the writers' progress. */
export type EmulateEvent =
  | { kind: "input"; name: string; from: string }
  | { kind: "stage"; stage: "generating" | "compiling" | "running" | "comparing"; text: string }
  | { kind: "progress"; percent: number };

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
  /** RTL target: simulated cycles, ideal cycles, efficiency, per-FIFO stall figures. */
  rtl?: RtlRunFigures;
}

/** Exit code the sim/ watchdog uses for a detected deadlock. */
export const DEADLOCK_EXIT_CODE = 3;

/** The board the xilinx emulation models when no platform is given. */
export const DEFAULT_XILINX_PLATFORM = "u280";

// -fwrapv: signed integer overflow wraps (two's complement), as on the FPGA and in NumPy.
const REFERENCE_FLAGS = ["-std=c++17", "-O2", "-fwrapv", "-Wall", "-Wextra", "-Werror", "-fopenmp"];

/** Work folders are named after the process, so that a later run can sweep those of killed runs. */
const WORK_PREFIX = "sdfg-fpga-emu-";
const STALE_WORK = /^sdfg-fpga-emu-(\d+)-/;

export async function emulate(bundle: ProgramBundle, options: EmulateOptions): Promise<EmulateResult> {
  const note = options.onEvent ?? (() => {});
  const stage = (s: Extract<EmulateEvent, { kind: "stage" }>["stage"], text: string) => note({ kind: "stage", stage: s, text });
  sweepStale(tmpdir(), STALE_WORK);
  sweepStaleBuilds();
  // Read (and check) every input before anything is compiled.
  const inputs = emulationInputs(bundle, options.inputsDir);
  // The kernel is generated before anything is compiled or run: a bad W or P fails at once.
  stage("generating", `generating the ${options.target === "cpu" ? "CPU reference" : `${options.target} kernel and host`}`);
  const kernelSources = options.target === "cpu" ? undefined : emulationSources(bundle, options);
  for (const input of bundle.inputs) note({ kind: "input", name: input.name, from: inputs.sources.get(input.name)! });
  const work = mkdtempSync(join(tmpdir(), `${WORK_PREFIX}${process.pid}-`));
  track(work);
  try {
    const inDir = join(work, "in");
    mkdirSync(inDir);
    for (const [name, content] of inputs.files) writeFileSync(join(inDir, name), content);

    const refDir = join(work, "reference");
    mkdirSync(refDir);
    // Reductions and linear-algebra products are computed in the kernel's order (W, operator
    // latency): equal bit for bit.
    const referenceSource = emitCpuReference(bundle.sdfg, bundle.sources, { vectorWidth: options.spatial.vectorWidth, reductionLatency: options.spatial.reductionLatency });
    const reference = await compileCached({
      files: new Map([["reference.cpp", referenceSource]]),
      compile: ["reference.cpp"], includeDirs: [join(SIM_DIR, "include")], localIncludes: [], flags: REFERENCE_FLAGS, output: "reference",
    }, (cached) => stage("compiling", cached ? "compiling the CPU reference: cached" : "compiling the CPU reference with g++"));
    stage("running", "running the CPU reference");
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

    const { pipeline, build } = kernelSources!;
    const emuDir = join(work, "emulated");
    mkdirSync(emuDir);
    let cached: EmulateResult["cached"];
    let times: ReturnType<typeof timing>;
    let rtl: RtlRunFigures | undefined;
    if (options.target === "rtl") {
      // Cycle-accurate: the SystemVerilog pipeline under Verilator (src/rtl).
      stage("running", "building and simulating the RTL with Verilator");
      const r = await runRtl(bundle, pipeline, inDir, emuDir, options.rtl);
      if (!r.ok) return { target: "rtl", ok: false, outputs: [], deadlock: r.deadlock, cached: { kernel: true, reference: reference.cached }, pipeline };
      rtl = r.figures;
      cached = { kernel: r.figures.cached_build, reference: reference.cached };
      times = timing(cells, r.figures.build_seconds, r.figures.cycles_per_second > 0 ? r.figures.cycles / r.figures.cycles_per_second : undefined);
    } else {
      const kernel = await compileCached({ ...build(), includeDirs: [join(SIM_DIR, "include")], output: "host_sim" },
        (cached) => stage("compiling", cached ? "compiling the emulation: cached" : "compiling the emulation with g++"));
      const env: Record<string, string> = { SDFG_SIM_STATS: "1" };
      if (options.stressLatency !== undefined) env.SDFG_SIM_HOLD_BACK = holdBackSpec(pipeline, options.stressLatency);
      stage("running", "running the emulation");
      const run = await runWithProgress(kernel.binary, ["--inputs", inDir, "--outputs", emuDir], expectedWrites(bundle, pipeline), note, env);
      cached = { kernel: kernel.cached, reference: reference.cached };
      if (run.exitCode === DEADLOCK_EXIT_CODE) {
        return { target: options.target, ok: false, outputs: [], deadlock: run.all ?? "", cached, pipeline };
      }
      // The emulated XRT refused a buffer its port cannot reach (sim/include/sdfg_xrt_memory.h).
      const refused = /^error: (XRT memory connectivity: .*)$/m.exec(run.all ?? "");
      if (refused) return { target: options.target, ok: false, outputs: [], connectivityError: refused[1]!, cached, pipeline };
      if (run.exitCode !== 0) throw new Error(`the emulated kernel failed (exit ${run.exitCode}):\n${run.all}`);
      times = timing(cells, kernel.seconds, kernelSecondsOf(run.stdout), numberAfter(/^sdfg_sim: kernel CPU ([0-9.e+-]+) s/m, run.stderr));
    }

    stage("comparing", "comparing with the CPU reference");
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
      outputs: comparisons, cached, pipeline, ...(rtl ? { rtl } : {}),
      ...times,
    };
  } finally {
    removeTracked(work);
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

/** The pipeline and the generated sources of the emulation, and how g++ compiles them. */
function emulationSources(bundle: ProgramBundle, options: EmulateOptions) {
  const pipeline = lowerToPipeline(bundle.sdfg, options.spatial);
  for (const [name, depth] of Object.entries(options.depthOverrides ?? {})) {
    const ch = pipeline.channels.find((c) => c.name === name) ?? pipeline.linalg?.channels.find((c) => c.name === name);
    if (!ch) throw new Error(`no channel '${name}' (channels: ${[...pipeline.channels, ...pipeline.linalg?.channels ?? []].map((c) => c.name).join(", ")})`);
    ch.depth = depth;
  }
  // Per target: the generated sources and how g++ compiles them (xilinx: HLS C++; intel: the
  // OpenCL kernels as C++ through sim/include/intel_channels.h).
  // (Not for rtl, which builds its own sources: hence a function.)
  const build = () => options.target === "intel"
    ? intelEmulationBuild(bundle, pipeline, loadPlatform(DEFAULT_INTEL_PLATFORM))
    : { files: xilinxSources(bundle, pipeline, options), compile: [`kernel/${KERNEL_NAME}.cpp`, "host/host.cpp"], localIncludes: ["kernel"], flags: EMULATION_FLAGS };
  return { pipeline, build };
}

/** The Vitis kernel and XRT host the emulation compiles: arrays split over HBM ports as the project splits them. */
function xilinxSources(bundle: ProgramBundle, pipeline: Pipeline, options: EmulateOptions) {
  const platform = loadPlatform(options.platform ?? DEFAULT_XILINX_PLATFORM);
  return vitisSources(bundle, pipeline, platform, options.connectivityOverride, vitisSplits(pipeline, platform, undefined, options.hbmParts));
}

/**
 * The .npy file of every input and where its values came from. With `inputsDir` every input must
 * be there: a missing folder or file is an error, never a silent fallback to the program's data.
 */
function emulationInputs(bundle: ProgramBundle, inputsDir: string | undefined): { files: Map<string, Buffer>; sources: Map<string, string> } {
  const files = new Map<string, Buffer>();
  const sources = new Map<string, string>();
  if (inputsDir !== undefined && !(existsSync(inputsDir) && statSync(inputsDir).isDirectory())) {
    throw new UserError(`--inputs ${inputsDir}`, existsSync(inputsDir) ? "is not a folder" : "folder does not exist");
  }
  for (const input of bundle.inputs) {
    let values: Float64Array;
    if (inputsDir !== undefined) {
      const path = join(inputsDir, `${input.name}.npy`);
      if (!existsSync(path)) throw new UserError(path, `input '${input.name}' is missing: --inputs needs <input>.npy for every input (${bundle.inputs.map((i) => `${i.name}.npy`).join(", ")})`);
      sources.set(input.name, path);
      // Already of the input's type: byte for byte (int64 beyond 2^53 survives).
      const exact = sameTypeNpy(path, input);
      if (exact) { files.set(`${input.name}.npy`, exact); continue; }
      values = readGivenInput(path, input);
    } else {
      values = readInputValues(input, jsonPathLocation(bundle.file, ["inputs", input.name, "data"]));
      const src = input.source;
      sources.set(input.name, src.kind === "file" ? `${src.path} (the program's data)` : src.kind === "constant" ? `constant ${src.value} (the program's data)` : "inline values (the program's data)");
    }
    files.set(`${input.name}.npy`, encodeNpy(input.dtype, input.shape, values));
  }
  return { files, sources };
}

/** Vectors the writers store in a whole run: every pass writes every output once. */
function expectedWrites(bundle: ProgramBundle, p: Pipeline): number {
  const vectors = p.domain.reduce((a, b) => a * b, 1) / p.vectorWidth;
  const steps = bundle.timeLoop?.steps ?? 1;
  return p.writers.length * vectors * Math.ceil(steps / Math.max(1, p.replicas));
}

/**
 * Runs the emulation binary with SDFG_SIM_PROGRESS_FD=3: sim/include/sdfg_sim/progress.h writes
 * `progress <vectors written>` lines there, turned into percentages of `total`.
 */
async function runWithProgress(binary: string, args: string[], total: number, note: (e: EmulateEvent) => void, env: Record<string, string>) {
  const child = execa(binary, args, {
    reject: false, all: true, stdio: ["ignore", "pipe", "pipe", "pipe"], env: { ...env, SDFG_SIM_PROGRESS_FD: "3" },
  });
  const channel = child.stdio[3];
  let buffered = "";
  channel?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("latin1");
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      const m = /^progress (\d+)$/.exec(line);
      if (m && total > 0) note({ kind: "progress", percent: Math.min(100, (100 * Number(m[1])) / total) });
    }
  });
  const result = await child;
  if (result.exitCode === 0) note({ kind: "progress", percent: 100 });
  return result;
}

/**
 * Writes the inputs to `work/in` (from `inputsDir`, where every input must be, else the program's
 * data), builds the CPU reference (cached) and runs it into `work/reference`. (The CUDA target's
 * emulation.)
 */
export async function runReference(bundle: ProgramBundle, work: string, inputsDir: string | undefined) {
  const inDir = join(work, "in");
  mkdirSync(inDir);
  for (const [name, content] of emulationInputs(bundle, inputsDir).files) writeFileSync(join(inDir, name), content);
  const refDir = join(work, "reference");
  mkdirSync(refDir);
  const reference = await compileCached({
    files: new Map([["reference.cpp", emitCpuReference(bundle.sdfg, bundle.sources)]]),
    compile: ["reference.cpp"], includeDirs: [join(SIM_DIR, "include")], localIncludes: [], flags: REFERENCE_FLAGS, output: "reference",
  });
  const refRun = await execa(reference.binary, [inDir, refDir], { reject: false, all: true });
  if (refRun.exitCode !== 0) throw new Error(`the CPU reference failed:\n${refRun.all}`);
  return { inDir, refDir, outputs: referenceInterface(bundle.sdfg).outputs, cached: reference.cached };
}

/** Compares `gotDir/<name>.npy` with `refDir/<name>.npy` for every output. */
export function compareOutputs(bundle: ProgramBundle, names: string[], gotDir: string, refDir: string): Comparison[] {
  return names.map((name) => {
    const got = decodeNpy(readFileSync(join(gotDir, `${name}.npy`)), name);
    const want = decodeNpy(readFileSync(join(refDir, `${name}.npy`)), name);
    return compareArrays(name, bundle.sdfg.arrays[name]!.dtype, got.values, want.values);
  });
}

/** The CPU reference's outputs on the program's own data (`generate --with-reference`). */
export async function referenceOutputs(bundle: ProgramBundle): Promise<Map<string, Buffer>> {
  const work = mkdtempSync(join(tmpdir(), `${WORK_PREFIX}${process.pid}-`));
  track(work);
  try {
    const { refDir, outputs } = await runReference(bundle, work, undefined);
    return new Map(outputs.map((o) => [`${o.name}.npy`, readFileSync(join(refDir, `${o.name}.npy`))]));
  } finally {
    removeTracked(work);
  }
}

export function copyOutputs(from: string, names: string[], to: string | undefined): void {
  if (!to) return;
  mkdirSync(to, { recursive: true });
  for (const n of names) copyFileSync(join(from, `${n}.npy`), join(to, `${n}.npy`));
}
