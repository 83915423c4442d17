// Emulation of a DaCe program's memory-mapped kernel: the CPU reference, the Vitis or Intel
// kernel compiled with g++ against sim/, both run on the same inputs and compared with each other
// and with NumPy's <arg>.out.npy where it sits next to the inputs.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { npyValues, readNpyHeader } from "../data/npy_any.js";
import { encodeNpy } from "../data/npy.js";
import { cutBox, type NpyBox } from "../frontend/input_data.js";
import type { DType } from "../ir/dtype.js";
import { isComplex, isFloat, type PDType } from "../ir/program.js";
import { SIM_DIR } from "../package_root.js";
import type { Platform } from "../platform/platform.js";
import { compileCached } from "./build_cache.js";
import { ProgramCodeGen } from "../codegen/program_code.js";
import type { ProjectFiles } from "../targets/project_files.js";
import type { ProgramBundle } from "../frontend/load_program.js";
import type { SpatialOptions } from "../spatial/pipeline.js";
import { emulate } from "./emulate.js";
import { EMULATION_OPTIMIZATION } from "../targets/vitis_project.js";
import { ONCHIP_LIMIT_BYTES, sdfgCpuProject, sdfgIntelProject, sdfgVitisProject, type SdfgBundle } from "../targets/sdfg_program.js";


export type SdfgTarget = "xilinx" | "intel" | "cpu";

export interface ArgComparison {
  name: string;
  elements: number;
  /** Against the CPU reference (absent for --target cpu). */
  mismatchesVsReference?: number;
  /** Against <name>.out.npy next to the inputs, when it exists. */
  mismatchesVsNumpy?: number;
  /** The NumPy file compared with, when it is not <name>.out.npy (an output a pass renamed: `x_out` for `x`). */
  numpyFile?: string;
  maxRelErrorVsNumpy?: number;
  maxAbsErrorVsNumpy?: number;
  first?: string;
}

export interface SdfgEmulation {
  target: SdfgTarget;
  ok: boolean;
  outputs: ArgComparison[];
  cached: boolean;
  /** Which road the program took: the stencil road's streamed pipeline or the memory-mapped kernel. */
  road?: "streamed" | "memory-mapped" | "fpga-form";
  /** Why the emulation stopped short (a deadlock, a refused buffer), when it did. */
  failure?: string;
}

const FLAGS = ["-std=c++17", EMULATION_OPTIMIZATION, "-Wno-unknown-pragmas", "-Wno-unused-variable", "-Wno-unused-but-set-variable", "-pthread", "-DSDFG_FPGA_SIM"];

/** NumPy comparison tolerance by element type (the fp32 1e-4, fp64 1e-9; others exact). */
export function tolerance(t: PDType): { rtol: number; atol: number } {
  if (t === "float32" || t === "complex64") return { rtol: 1e-4, atol: 1e-6 };
  if (isFloat(t) || isComplex(t)) return { rtol: 1e-9, atol: 1e-12 };
  return { rtol: 0, atol: 0 };
}

function compare(got: Float64Array, want: Float64Array, tol: { rtol: number; atol: number }): { mismatches: number; maxRel: number; maxAbs: number; first?: string } {
  if (got.length !== want.length) return { mismatches: Math.max(got.length, want.length), maxRel: Infinity, maxAbs: Infinity, first: `element counts differ (${got.length} vs ${want.length})` };
  let mismatches = 0;
  let maxRel = 0;
  let maxAbs = 0;
  let first: string | undefined;
  for (let i = 0; i < got.length; i++) {
    const a = got[i]!;
    const b = want[i]!;
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    const err = Math.abs(a - b);
    if (err > 0) maxRel = Math.max(maxRel, err / Math.max(Math.abs(b), 1e-300));
    if (!(err <= maxAbs)) maxAbs = Number.isNaN(err) ? Infinity : err;
    if (!(err <= tol.atol + tol.rtol * Math.abs(b))) { mismatches++; first ??= `at ${i}: ${a} vs ${b}`; }
  }
  return first === undefined ? { mismatches, maxRel, maxAbs } : { mismatches, maxRel, maxAbs, first };
}

/** Exit code of the sim's deadlock detection (sim/include/sdfg_sim/fifo.h). */
const DEADLOCK_EXIT_CODE = 3;

/** Thrown when the processes of a dataflow state block on each other for ever. */
class Deadlock extends Error {}

async function runBuild(files: ProjectFiles, compile: string[], output: string, args: string[]): Promise<boolean> {
  const r = await compileCached({ files, compile, includeDirs: [join(SIM_DIR, "include")], localIncludes: [], flags: FLAGS, output });
  const run = await execa(r.binary, args, { reject: false, all: true });
  if (run.exitCode === DEADLOCK_EXIT_CODE && /deadlock detected/.test(run.all ?? "")) {
    // "deadlock detected:" then one line per blocked process and FIFO.
    const lines = (run.all ?? "").split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
    const from = lines.findIndex((l) => l.startsWith("deadlock detected"));
    throw new Deadlock(lines.slice(from + 1).join("; "));
  }
  if (run.exitCode !== 0) throw new Error(`the generated program failed (exit ${run.exitCode}):\n${run.all}`);
  return r.cached;
}

/** Writes the box of the domain-shaped output in `path` next to it (`<name>.box.npy`); its path. */
function writeBox(path: string, box: NpyBox, dtype: DType): string {
  const h = readNpyHeader(readFileSync(path), path);
  const boxPath = path.replace(/\.npy$/, ".box.npy");
  writeFileSync(boxPath, encodeNpy(dtype, box.shape, cutBox(Float64Array.from(npyValues(h, path)), box, h.shape)));
  return boxPath;
}

/** Emulates the program on a target and compares with the CPU reference and NumPy's outputs. */
export async function emulateSdfg(b: SdfgBundle, target: SdfgTarget, platform: Platform, outputsDir?: string): Promise<SdfgEmulation> {
  // Generate every target's code first: a refusal must come before any work.
  const cpuFiles = sdfgCpuProject(b);
  const fpgaFiles = target === "xilinx" ? sdfgVitisProject(b, platform) : target === "intel" ? sdfgIntelProject(b, platform) : null;
  const g = new ProgramCodeGen(b.program, { dialect: "cpp", symbols: b.symbols, onchipLimitBytes: ONCHIP_LIMIT_BYTES });
  g.body();
  // An FPGA-form program (streams) runs as it is written: its processes and FIFOs.
  const road = g.usesStreams ? "fpga-form" : "memory-mapped";
  const work = mkdtempSync(join(tmpdir(), "sdfg-fpga-dace-"));
  try {
    const refDir = join(work, "reference");
    mkdirSync(refDir);
    const emuDir = join(work, "emulated");
    let cached: boolean;
    // The processes of an FPGA-form program that block on each other for ever (a stream nobody
    // writes, a FIFO too shallow for what a process holds back) end the run with the blocked
    // processes named, in the CPU reference or the kernel, whichever runs them first.
    let stage = "CPU reference";
    try {
      cached = await runBuild(new Map([["reference.cpp", cpuFiles.get("reference.cpp")!]]), ["reference.cpp"], "reference", ["--inputs", b.inputsDir, "--outputs", refDir]);
      if (fpgaFiles) {
        stage = `${target} kernel`;
        mkdirSync(emuDir);
        const sources = new Map([...fpgaFiles].filter(([p]) => p.startsWith("kernel/") || p.startsWith("host/")));
        cached = (await runBuild(sources, ["host/host.cpp"], "host_sim", ["--inputs", b.inputsDir, "--outputs", emuDir])) && cached;
      }
    } catch (e) {
      if (e instanceof Deadlock) return { target, ok: false, outputs: [], cached: false, road, failure: `deadlock in the ${stage}: ${e.message}` };
      throw e;
    }
    const outputs: ArgComparison[] = [];
    let ok = true;
    for (const a of g.args.filter((x) => x.written && !x.deviceTransient)) {
      const refPath = join(refDir, `${a.name}.npy`);
      const ref = npyValues(readNpyHeader(readFileSync(refPath), refPath), refPath);
      const c: ArgComparison = { name: a.name, elements: a.elements };
      const tol = tolerance(a.desc.dtype);
      const result = fpgaFiles ? join(emuDir, `${a.name}.npy`) : refPath;
      const got = npyValues(readNpyHeader(readFileSync(result), result), result);
      if (fpgaFiles) {
        // Exact, except complex numbers on Intel: OpenCL C has no complex type and its double2
        // helpers round differently from std::complex, so they get NumPy's tolerance.
        const r = compare(got, ref, target === "intel" && isComplex(a.desc.dtype) ? tol : { rtol: 0, atol: 0 });
        c.mismatchesVsReference = r.mismatches;
        if (r.first) c.first = `vs CPU reference ${r.first}`;
        ok &&= r.mismatches === 0;
      }
      const outNpy = join(b.inputsDir, `${a.name}.out.npy`);
      if (existsSync(outNpy)) {
        const want = npyValues(readNpyHeader(readFileSync(outNpy), outNpy), outNpy);
        const r = compare(got, want, tol);
        c.mismatchesVsNumpy = r.mismatches;
        c.maxRelErrorVsNumpy = r.maxRel;
        c.maxAbsErrorVsNumpy = r.maxAbs;
        if (r.first && !c.first) c.first = `vs ${a.name}.out.npy ${r.first}`;
        ok &&= r.mismatches === 0;
      }
      outputs.push(c);
      if (outputsDir) { mkdirSync(outputsDir, { recursive: true }); copyFileSync(result, join(outputsDir, `${a.name}.npy`)); }
    }
    return { target, ok, outputs, cached, road };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Emulates a streamed program (the stencil-road bundle a pattern pass raised from the .sdfg): the
 * stencil road's emulation compares the kernel with its CPU reference, and every output is then
 * compared with NumPy's <output>.out.npy next to the .sdfg's inputs.
 */
export async function emulateStreamedSdfg(b: SdfgBundle, streamed: ProgramBundle, target: SdfgTarget, spatial: SpatialOptions, outputsDir?: string, stressLatency?: number | "2x", outputNames: Record<string, string> = {}, outputBoxes: Record<string, NpyBox> = {}): Promise<SdfgEmulation> {
  const work = mkdtempSync(join(tmpdir(), "sdfg-fpga-stream-"));
  try {
    const out = join(work, "out");
    const r = await emulate(streamed, { target, spatial, outputsDir: out, ...(stressLatency !== undefined ? { stressLatency } : {}) });
    const failure = r.deadlock !== undefined ? `deadlock: ${r.deadlock.split("\n")[0]}` : r.connectivityError;
    if (failure !== undefined) return { target, ok: false, outputs: [], cached: r.cached.kernel && r.cached.reference, road: "streamed", failure };
    let ok = r.ok;
    const outputs: ArgComparison[] = [];
    for (const o of r.outputs) {
      const c: ArgComparison = { name: o.name, elements: o.elements };
      if (target !== "cpu") {
        c.mismatchesVsReference = o.mismatches;
        if (o.first) c.first = `vs CPU reference at ${o.first.index}: ${o.first.got} vs ${o.first.want}`;
      }
      let got = join(out, `${o.name}.npy`);
      // An output smaller than the streamed domain is its box of the domain-shaped output.
      const box = outputBoxes[o.name];
      if (box) {
        got = writeBox(got, box, streamed.sdfg.arrays[o.name]!.dtype);
        c.elements = box.shape.reduce((x, y) => x * y, 1);
      }
      // A pass may rename an output (an in-place `x` streams out as `x_out`): compare it with the
      // program's own <arg>.out.npy.
      const arg = outputNames[o.name] ?? o.name;
      const outNpy = join(b.inputsDir, `${arg}.out.npy`);
      const desc = b.program.arrays[arg];
      if (desc && existsSync(outNpy)) {
        const want = npyValues(readNpyHeader(readFileSync(outNpy), outNpy), outNpy);
        const values = npyValues(readNpyHeader(readFileSync(got), got), got);
        const cmp = compare(values, want, tolerance(desc.dtype));
        c.mismatchesVsNumpy = cmp.mismatches;
        if (arg !== o.name) c.numpyFile = `${arg}.out.npy`;
        c.maxRelErrorVsNumpy = cmp.maxRel;
        c.maxAbsErrorVsNumpy = cmp.maxAbs;
        if (cmp.first && !c.first) c.first = `vs ${arg}.out.npy ${cmp.first}`;
        ok &&= cmp.mismatches === 0;
      }
      outputs.push(c);
      // Only the program's own data goes to the user's folder: an array the pipeline adds (the
      // step table of a time loop that reads its step) is checked against the reference, not saved.
      if (outputsDir && desc) { mkdirSync(outputsDir, { recursive: true }); copyFileSync(got, join(outputsDir, `${arg}.npy`)); }
    }
    return { target, ok, outputs, cached: r.cached.kernel && r.cached.reference, road: "streamed" };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
