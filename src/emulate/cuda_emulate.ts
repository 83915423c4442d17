// `emulate --target cuda`: the generated CUDA project checked two ways against the CPU reference.
//   1. Host simulation: kernels.cu and host.cu compiled by g++ with sim/include/cuda_host_sim.h
//      (every thread of every block runs on the CPU); always done, needs no GPU.
//   2. The GPU: nvcc builds the host (cached); `host --probe` says whether a CUDA device exists.
//      With one, the host runs (recompiled for the device's architecture when it is not the
//      default), its outputs are compared, and kernel time, GB/s and the copy bandwidth measured
//      in the same run are reported. Without one nothing runs on a GPU and the result says so:
//      `ran: false`, `ok: false`, the message "compiled, not run: no CUDA device", exit code 4.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { NO_DEVICE_EXIT_CODE, NO_DEVICE_MESSAGE } from "../cuda/cuda_host.js";
import type { ProgramBundle } from "../frontend/load_program.js";
import { UserError } from "../ir/diagnostics.js";
import { SIM_DIR } from "../package_root.js";
import { CUDA_SIM_FLAGS, CUDA_SOURCES, cudaSources, DEFAULT_CUDA_ARCH, NVCC_FLAGS, NVCC_WARNINGS } from "../targets/cuda_project.js";
import { compileCached, findNvcc, type CompileRequest } from "./build_cache.js";
import type { Comparison } from "./compare.js";
import { compareOutputs, copyOutputs, runReference } from "./emulate.js";

export { NO_DEVICE_EXIT_CODE, NO_DEVICE_MESSAGE };

export interface CudaEmulateOptions {
  inputsDir?: string;
  outputsDir?: string;
}

export interface CudaEmulateResult {
  target: "cuda";
  /** True only when the program ran on a GPU and every output equals the CPU reference. */
  ok: boolean;
  /** Whether anything ran on a GPU. */
  ran: boolean;
  /** `compiled, not run: no CUDA device (…)`, or which device ran it. */
  message: string;
  /** The GPU's outputs against the reference (empty when nothing ran). */
  outputs: Comparison[];
  /** The same kernels run on the CPU through cuda_host_sim.h, against the reference. */
  hostSimulation: { ok: boolean; outputs: Comparison[] };
  /** nvcc's -arch of the build that was (or would be) run. */
  arch: string;
  device?: string;
  kernelSeconds?: number;
  cellsPerSecond?: number;
  /** Compulsory traffic of the kernels over their time (see the project README). */
  gbs?: number;
  /** A copy kernel's bandwidth on the same device, in the same run. */
  copyGBs?: number;
  /** gbs / copyGBs. */
  fractionOfCopy?: number;
  cached: { nvcc: boolean; hostSimulation: boolean; reference: boolean };
}

function nvccBuild(bundle: ProgramBundle, arch: string): CompileRequest {
  return {
    files: cudaSources(bundle), compile: CUDA_SOURCES, includeDirs: [join(SIM_DIR, "include")], localIncludes: [],
    flags: [...NVCC_FLAGS, `-arch=${arch}`, ...NVCC_WARNINGS], output: "host", compiler: "nvcc",
  };
}

/** The g++ build of the CUDA sources that runs the kernels on the CPU. */
export function cudaHostSimulationBuild(bundle: ProgramBundle): CompileRequest {
  return { files: cudaSources(bundle), compile: CUDA_SOURCES, includeDirs: [join(SIM_DIR, "include")], localIncludes: [], flags: CUDA_SIM_FLAGS, output: "host_sim" };
}

/** nvcc compiles one source to an object file (what the tests check; no link, one architecture). */
export function nvccCompileOnly(bundle: ProgramBundle, source: string, arch = DEFAULT_CUDA_ARCH): CompileRequest {
  return { ...nvccBuild(bundle, arch), compile: [source], flags: ["-c", ...nvccBuild(bundle, arch).flags], output: source.replace(/\.cu$/, ".o") };
}

/**
 * Runs the g++ build of the CUDA sources on the inputs in `inDir` and compares its outputs with
 * the reference's in `refDir`.
 */
export async function runHostSimulation(bundle: ProgramBundle, work: string, inDir: string, refDir: string, names: string[]) {
  const sim = await compileCached(cudaHostSimulationBuild(bundle));
  const simDir = join(work, "host_sim");
  mkdirSync(simDir);
  const run = await execa(sim.binary, ["--inputs", inDir, "--outputs", simDir, "--repeat", "1"], { reject: false, all: true });
  if (run.exitCode !== 0) throw new Error(`the CUDA host simulation failed (exit ${run.exitCode}):\n${run.all}`);
  const outputs = compareOutputs(bundle, names, simDir, refDir);
  return { ok: outputs.every((c) => c.mismatches === 0), outputs, cached: sim.cached, dir: simDir };
}

export async function emulateCuda(bundle: ProgramBundle, options: CudaEmulateOptions = {}): Promise<CudaEmulateResult> {
  if (findNvcc() === null) throw new UserError("--target cuda", "nvcc was not found (set NVCC, put it on PATH or install the CUDA toolkit under /usr/local/cuda)");
  const work = mkdtempSync(join(tmpdir(), "sdfg-fpga-cuda-"));
  try {
    const { inDir, refDir, outputs, cached: referenceCached } = await runReference(bundle, work, options.inputsDir);
    const names = outputs.map((o) => o.name);

    const sim = await runHostSimulation(bundle, work, inDir, refDir, names);
    const hostSim = { ok: sim.ok, outputs: sim.outputs };

    let arch = DEFAULT_CUDA_ARCH;
    let build = await compileCached(nvccBuild(bundle, arch));
    const probe = await execa(build.binary, ["--probe"], { reject: false, all: true });
    const base = { target: "cuda" as const, hostSimulation: hostSim, cached: { nvcc: build.cached, hostSimulation: sim.cached, reference: referenceCached } };
    if (probe.exitCode === NO_DEVICE_EXIT_CODE) {
      const line = probe.stdout.split("\n").find((l) => l.startsWith(NO_DEVICE_MESSAGE)) ?? NO_DEVICE_MESSAGE;
      return { ...base, ok: false, ran: false, message: line, outputs: [], arch };
    }
    if (probe.exitCode !== 0) throw new Error(`the CUDA host's --probe failed (exit ${probe.exitCode}):\n${probe.all}`);
    const cc = /compute capability (\d+)\.(\d+)/.exec(probe.stdout);
    if (cc && `sm_${cc[1]}${cc[2]}` !== arch) {
      arch = `sm_${cc[1]}${cc[2]}`;
      build = await compileCached(nvccBuild(bundle, arch));
      base.cached.nvcc = build.cached;
    }
    const gpuDir = join(work, "gpu");
    mkdirSync(gpuDir);
    const run = await execa(build.binary, ["--inputs", inDir, "--outputs", gpuDir, "--bandwidth"], { reject: false, all: true });
    if (run.exitCode !== 0) throw new Error(`the CUDA host failed (exit ${run.exitCode}):\n${run.all}`);
    const comparisons = compareOutputs(bundle, names, gpuDir, refDir);
    copyOutputs(gpuDir, names, options.outputsDir);
    const device = /^device: (.*)$/m.exec(run.stdout)?.[1];
    const timing = /kernel: ([0-9.e+-]+) s, ([0-9.e+-]+) cells\/s, ([0-9.e+-]+) GB\/s/.exec(run.stdout);
    const copy = /copy bandwidth: ([0-9.e+-]+) GB\/s/.exec(run.stdout);
    const gbs = timing ? Number(timing[3]) : undefined;
    const copyGBs = copy ? Number(copy[1]) : undefined;
    return {
      ...base, ran: true, arch,
      ok: hostSim.ok && comparisons.every((c) => c.mismatches === 0),
      message: `ran on ${device ?? "a CUDA device"}`,
      outputs: comparisons,
      ...(device ? { device } : {}),
      ...(timing ? { kernelSeconds: Number(timing[1]), cellsPerSecond: Number(timing[2]), gbs } : {}),
      ...(copyGBs !== undefined ? { copyGBs } : {}),
      ...(gbs !== undefined && copyGBs ? { fractionOfCopy: gbs / copyGBs } : {}),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The result as lines for a terminal. */
export function formatCudaResult(program: string, r: CudaEmulateResult): string {
  const lines: string[] = [];
  const status = (o: Comparison) => (o.mismatches === 0 ? "matches the CPU reference" : `${o.mismatches} of ${o.elements} elements differ from the CPU reference (first at ${o.first?.index}: ${o.first?.got} vs ${o.first?.want})`);
  for (const o of r.hostSimulation.outputs) lines.push(`${program}: host simulation (g++): ${o.name} (${o.elements} elements) ${status(o)}, max abs error ${o.maxAbsError.toExponential(2)}`);
  for (const o of r.outputs) lines.push(`${program}: GPU: ${o.name} (${o.elements} elements) ${status(o)}, max abs error ${o.maxAbsError.toExponential(2)}`);
  if (r.kernelSeconds !== undefined) lines.push(`GPU kernels: ${r.kernelSeconds.toFixed(6)} s, ${r.cellsPerSecond!.toExponential(3)} cells/s, ${r.gbs!.toFixed(1)} GB/s`);
  if (r.copyGBs !== undefined) lines.push(`copy bandwidth: ${r.copyGBs.toFixed(1)} GB/s${r.fractionOfCopy !== undefined ? ` (kernels reach ${(100 * r.fractionOfCopy).toFixed(1)}%)` : ""}`);
  lines.push(`${program}: ${r.message} (nvcc -arch=${r.arch}${r.cached.nvcc ? ", cached build" : ""})`);
  return lines.join("\n") + "\n";
}
