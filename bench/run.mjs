// Benchmarks (make bench): prints figures, asserts nothing. Uses the built dist/ tree.
//   1. generation time of the hdiff Vitis project (parse → SDFG → pipeline → files), in process;
//   2. generation time against program size: DAGs up to 5,000 stencils, a 2,000-stencil chain,
//      10,000 inputs (should grow linearly);
//   3. emulation throughput (cells/s) of jacobi2d 512 x 512 and hdiff 64 x 256 x 256 (the
//      examples with bigger domains), W = 1 and W = 8, against the CPU reference, quiet and
//      with both cores busy;
//   4. CUDA: jacobi3d 512^3 and hdiff 128 x 256 x 256, the H200 roofline and, on a GPU, the run;
//   5. DaCe SDFG import time; 6. RTL simulated / ideal cycles; 7. systolic gemm 1024^3 model;
//   8. streamed NPBench programs: modeled cycles / ideal cycles on the U280.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadProgram, parseProgram } from "../dist/src/frontend/load_program.js";
import { lowerToPipeline } from "../dist/src/spatial/lower.js";
import { vitisProject } from "../dist/src/targets/vitis_project.js";
import { loadPlatform } from "../dist/src/platform/platform.js";
import { emulate } from "../dist/src/emulate/emulate.js";
import { encodeNpy } from "../dist/src/data/npy.js";

const fmt = (x) => x.toPrecision(4);

// 1. Generation time.
{
  const platform = loadPlatform("u280");
  const runs = 20;
  const t0 = process.hrtime.bigint();
  for (let n = 0; n < runs; n++) {
    const bundle = loadProgram("stencils/hdiff.json");
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 1, replicas: 1 });
    vitisProject(bundle, p, platform);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  console.log(`generate hdiff (xilinx, u280): ${fmt(ms)} ms per project (mean of ${runs})`);
}

// 2. Generation time against program size (parse → SDFG → pipeline → Vitis project, in
//    process): a DAG where stencil n reads stencils n-1 and n-3, up to 5,000 stencils; a deep
//    chain where stencil n reads only stencil n-1 (2,000 stencils); a program of 10,000 inputs.
//    Linear generation keeps the time per stencil flat.
function generationScaling() {
  const platform = loadPlatform("u280");
  const bc = (x, y) => ({ [x]: { type: "constant", value: 0 }, [y]: { type: "copy" } });
  const dag = (n) => {
    const program = {};
    const name = (m) => (m < 0 ? "a" : `s${m}`);
    for (let m = 0; m < n; m++) {
      const x = name(m - 1), y = name(m - 3);
      program[`s${m}`] = {
        computation_string: `s${m} = 0.5 * (${x}[i, j-1, k] + ${x}[i, j, k+1]) - 0.25 * ${y}[i, j, k]`,
        boundary_conditions: x === y ? { [x]: { type: "constant", value: 0 } } : bc(x, y), data_type: "float32",
      };
    }
    return { inputs: { a: { data: "constant:1", data_type: "float32" } }, outputs: [`s${n - 1}`], dimensions: [4, 16, 16], program };
  };
  const chain = (n) => {
    const program = {};
    for (let m = 0; m < n; m++) {
      const x = m === 0 ? "a" : `s${m - 1}`;
      program[`s${m}`] = { computation_string: `s${m} = 0.5 * (${x}[i, j, k-1] + ${x}[i, j, k+1])`, boundary_conditions: { [x]: { type: "copy" } }, data_type: "float32" };
    }
    return { inputs: { a: { data: "constant:1", data_type: "float32" } }, outputs: [`s${n - 1}`], dimensions: [4, 16, 16], program };
  };
  const manyInputs = (n) => {
    const inputs = {}, program = {};
    for (let m = 0; m < n; m++) inputs[`a${m}`] = { data: "constant:1", data_type: "float32" };
    const groups = Math.ceil(n / 100);
    for (let q = 0; q < groups; q++) {
      const names = Object.keys(inputs).slice(q * 100, q * 100 + 100);
      program[`s${q}`] = { computation_string: `s${q} = ${names.map((x) => `${x}[i, j, k]`).join(" + ")}`, boundary_conditions: {}, data_type: "float32" };
    }
    return { inputs, outputs: Object.keys(program), dimensions: [2, 4, 8], program };
  };
  const time = (label, prog, units, unit = "stencil") => {
    const text = JSON.stringify(prog);
    const t0 = process.hrtime.bigint();
    const bundle = parseProgram(text, `${label}.json`, ".");
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 1, replicas: 1 });
    vitisProject(bundle, p, platform);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`generate ${label}: ${fmt(ms)} ms, ${fmt((ms * 1000) / units)} us per ${unit}`);
    return ms / units;
  };
  const perStencil = {};
  for (const n of [100, 1000, 2000, 5000]) perStencil[n] = time(`DAG of ${n} stencils`, dag(n), n);
  console.log(`  time per stencil at 5,000 / at 1,000 stencils: ${fmt(perStencil[5000] / perStencil[1000])}x (1 = linear)`);
  const c500 = time("chain of 500 stencils", chain(500), 500);
  const c2000 = time("chain of 2,000 stencils", chain(2000), 2000);
  console.log(`  time per stencil, chain of 2,000 / of 500: ${fmt(c2000 / c500)}x (1 = linear)`);
  time("10,000 inputs in 100 stencils", manyInputs(10000), 10000, "input");
}
generationScaling();

// 3. Emulation throughput: cells/s of the emulated kernel (one thread, cooperative processes,
//    the real FIFO depths) against the CPU reference backend on the same program and inputs, on
//    a quiet machine and while two busy-looping processes keep both cores busy. Medians of
//    RUNS runs (each a fresh process; builds come from the cache after the first).
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function benchProgram(example, dims, label) {
  const work = mkdtempSync(join(tmpdir(), "bench-"));
  const prog = JSON.parse(readFileSync(example, "utf8"));
  prog.dimensions = dims;
  for (const inp of Object.values(prog.inputs)) inp.data = "constant:0";
  delete prog.vectorization;
  const file = join(work, `${label}.json`);
  writeFileSync(file, JSON.stringify(prog));
  const inputs = join(work, "in");
  mkdirSync(inputs);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const cells = dims.reduce((a, b) => a * b, 1);
  for (const name of Object.keys(prog.inputs)) {
    writeFileSync(join(inputs, `${name}.npy`), encodeNpy("float32", dims, Float64Array.from({ length: cells }, rnd)));
  }
  return { bundle: parseProgram(readFileSync(file, "utf8"), file, work), inputs, cells };
}

async function measure(bundle, inputs, target, W) {
  const wall = [], cpu = [];
  for (let n = 0; n < RUNS; n++) {
    const r = await emulate(bundle, { target, spatial: { vectorWidth: W, replicas: 1 }, inputsDir: inputs });
    if (!r.ok) throw new Error(`${bundle.name} W=${W} ${target}: ${r.deadlock ?? "differs from the CPU reference"}`);
    wall.push(r.cellsPerSecond);
    cpu.push(r.cellsPerCpuSecond);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function busyLoad() {
  // Two processes that spin for ever: both cores busy, as when a build runs beside emulate.
  return [0, 1].map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
}

const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`emulation throughput, cells/s by the wall clock and per CPU second (median of ${RUNS}; load average before: ${loadavg()}):`);
for (const [example, dims, label] of [["stencils/jacobi2d.json", [512, 512], "jacobi2d 512x512"], ["stencils/hdiff.json", [64, 256, 256], "hdiff 64x256x256"]]) {
  const { bundle, inputs, cells } = benchProgram(example, dims, label.replace(/ /g, "_"));
  await emulate(bundle, { target: "cpu", spatial: { vectorWidth: 1, replicas: 1 }, inputsDir: inputs }); // compile
  const cpu = await measure(bundle, inputs, "cpu", 1);
  console.log(`  ${label}: CPU reference (OpenMP) ${fmt(cpu.wall)} cells/s (${fmt(cells / cpu.wall)} s), ${fmt(cpu.cpu)} per CPU second`);
  for (const W of [1, 8]) {
    await emulate(bundle, { target: "xilinx", spatial: { vectorWidth: W, replicas: 1 }, inputsDir: inputs }); // compile
    const quiet = await measure(bundle, inputs, "xilinx", W);
    const load = busyLoad();
    let loaded;
    try {
      loaded = await measure(bundle, inputs, "xilinx", W);
    } finally {
      for (const p of load) p.kill();
    }
    console.log(`  ${label} W=${W}: emulated ${fmt(quiet.wall)} cells/s (${fmt(cells / quiet.wall)} s run; ${fmt(cpu.wall / quiet.wall)}x the reference's time), ` +
      `${fmt(quiet.cpu)} per CPU second (${fmt(cpu.cpu / quiet.cpu)}x the reference's CPU time)`);
    console.log(`  ${label} W=${W} with two more processes keeping both cores busy: ${fmt(loaded.wall)} cells/s (${fmt(quiet.wall / loaded.wall)}x slower), ${fmt(loaded.cpu)} per CPU second`);
  }
}

// 4. CUDA at the sizes the GPU check uses: jacobi3d 512^3 and hdiff 128 x 256 x 256, random
//    inputs. The roofline estimate for the H200 always; with a GPU (/dev/nvidia0) also the run:
//    kernel time, GB/s and the copy bandwidth measured in the same run (target: >= 70 %).
async function benchCuda() {
  const { existsSync } = await import("node:fs");
  const { emulateCuda } = await import("../dist/src/emulate/cuda_emulate.js");
  const { findGpuPlatform } = await import("../dist/src/platform/gpu_platform.js");
  const { gpuRoofline } = await import("../dist/src/report/gpu_roofline.js");
  const gpu = existsSync("/dev/nvidia0");
  const h200 = findGpuPlatform("h200");
  for (const [file, dims] of [["stencils/jacobi3d.json", [512, 512, 512]], ["stencils/hdiff.json", [128, 256, 256]]]) {
    const work = mkdtempSync(join(tmpdir(), "bench-cuda-"));
    const prog = JSON.parse(readFileSync(file, "utf8"));
    prog.dimensions = dims;
    for (const inp of Object.values(prog.inputs)) inp.data = "constant:0";
    const name = `${prog.name ?? file.replace(/^.*\//, "").replace(/\.json$/, "")}_${dims.join("x")}`;
    const path = join(work, `${name}.json`);
    writeFileSync(path, JSON.stringify(prog));
    const bundle = parseProgram(readFileSync(path, "utf8"), path, work);
    const r = gpuRoofline(bundle.sdfg, h200);
    console.log(`cuda ${name}: H200 roofline ${(r.seconds * 1e3).toPrecision(4)} ms at ${r.bandwidthGBs} GB/s (${r.bytesPerCell} B/cell)`);
    if (!gpu) {
      console.log(`cuda ${name}: no GPU here (/dev/nvidia0 absent), not run`);
      continue;
    }
    const inputs = join(work, "in");
    mkdirSync(inputs);
    let seed = 4321;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const cells = dims.reduce((a, b) => a * b, 1);
    for (const input of Object.keys(prog.inputs)) writeFileSync(join(inputs, `${input}.npy`), encodeNpy("float32", dims, Float64Array.from({ length: cells }, rnd)));
    const c = await emulateCuda(bundle, { inputsDir: inputs });
    console.log(`cuda ${name}: ${c.message}; ${c.ok ? "matches" : "DIFFERS FROM"} the CPU reference; ${c.kernelSeconds?.toPrecision(4)} s, ${c.gbs?.toFixed(1)} GB/s of ${c.copyGBs?.toFixed(1)} GB/s copy = ${((c.fractionOfCopy ?? 0) * 100).toFixed(1)} %`);
  }
}
await benchCuda();

// 5. DaCe SDFG import: generation time (load .sdfg → IR → Vitis and Intel memory-mapped projects)
//    for the largest NPBench SDFG and for NPBench hdiff. DaCe's own FPGA backend needs 5-90 s per
//    NPBench program to transform and generate code.
await benchSdfgGeneration();

async function benchSdfgGeneration() {
  const { readdirSync, statSync } = await import("node:fs");
  const { loadSdfgBundle, sdfgVitisProject, sdfgIntelProject } = await import("../dist/src/targets/sdfg_program.js");
  const npb = join("..", "shared", "peers", "npbench");
  const files = readdirSync(npb).map((d) => join(npb, d, `${d}.sdfg`)).filter((f) => { try { return statSync(f).isFile(); } catch { return false; } });
  const largest = files.reduce((a, b) => (statSync(a).size >= statSync(b).size ? a : b));
  const u280 = loadPlatform("u280");
  const s520n = loadPlatform("520n");
  for (const f of [largest, join(npb, "hdiff", "hdiff.sdfg")]) {
    const dir = join(f, "..");
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    const symbols = Object.fromEntries(Object.entries(m.symbols ?? {}).map(([k, v]) => [k, v.value]));
    const runs = 10;
    const t0 = process.hrtime.bigint();
    for (let n = 0; n < runs; n++) {
      const b = loadSdfgBundle(f, { symbols });
      sdfgVitisProject(b, u280);
      sdfgIntelProject(b, s520n);
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
    console.log(`generate ${f.split("/").pop()} (${(statSync(f).size / 1024).toFixed(0)} KiB .sdfg; xilinx + intel projects): ${fmt(ms)} ms (mean of ${runs})`);
  }
}
// 6. RTL (Verilator): simulated cycles against the ideal (cells / W × passes + fill) for every
//    example program, and Verilator's simulated cycles per second.
async function benchRtl() {
  const { readdirSync } = await import("node:fs");
  for (const name of readdirSync("stencils").filter((f) => f.endsWith(".json")).sort()) {
    const bundle = loadProgram(join("stencils", name));
    const spatial = { vectorWidth: bundle.vectorization ?? 1, replicas: 1 };
    const r = await emulate(bundle, { target: "rtl", spatial });
    const f = r.rtl;
    if (!f) { console.log(`rtl ${name}: ${r.deadlock ? "deadlock" : "no figures"}`); continue; }
    console.log(`rtl ${name} (W=${spatial.vectorWidth}): ${f.cycles} simulated / ${f.ideal_cycles} ideal cycles (efficiency ${(f.efficiency * 100).toFixed(1)} %), ${fmt(f.cycles_per_second)} simulated cycles/s, ${r.ok ? "matches" : "DIFFERS FROM"} the CPU reference`);
  }
}
await benchRtl();
// 7. Systolic gemm 1024³ on the U280 (model of the streamed design, src/report/gemm_systolic_model.ts):
//    cycles and GOp/s at the board clock at the largest P x W its DSPs hold, B re-read through one
//    HBM pseudo-channel, next to the published figure of the design it follows.
{
  const { gemmSystolicModel, largestSystolicFit, PUBLISHED_GEMM } = await import("../dist/src/report/gemm_systolic_model.js");
  const u280 = loadPlatform("u280");
  const hbm = u280.memory.find((m) => m.kind === "HBM");
  for (const precision of ["float64", "float32"]) {
    const { P, W } = largestSystolicFit(u280, 1024, 1024, precision);
    const f = gemmSystolicModel({ n: 1024, m: 1024, k: 1024, P, W, clockMHz: u280.clockMHz, precision, family: "xilinx-ultrascale+", portBytesPerSecond: hbm.bandwidthGBsPerBank * 1e9 });
    const compute = (2 * 1024 ** 3) / f.computeSeconds / 1e9;
    console.log(`gemm 1024^3 ${precision} systolic on ${u280.shortName} at ${u280.clockMHz} MHz, P=${P} x W=${W} (${f.dsps} DSPs): ${f.cycles} cycles, ${fmt(compute)} GOp/s compute-bound, ${fmt(f.gops)} GOp/s with B from one HBM channel (${f.boundBy}-bound); published: ${PUBLISHED_GEMM.gflops[precision]} GFLOP/s (${PUBLISHED_GEMM.source})`);
  }
}
// 8. Streamed NPBench programs (../shared/peers/npbench, when present): the report's modeled
//    cycles (run time x clock: fill, memory stalls and drains included) against the ideal — the
//    program's operations at the design's full compute rate (its compute ceiling), i.e.
//    elements / (W x P) for a stencil pipeline. W = 1, P = 1, the U280, the shipped inputs.
async function benchStreamed() {
  const { existsSync, readdirSync, readFileSync } = await import("node:fs");
  const dir = join("..", "shared", "peers", "npbench");
  if (!existsSync(dir)) { console.log(`streamed NPBench programs: ${dir} not present, skipped`); return; }
  const cli = join("dist", "src", "cli", "main.js");
  // The NPBench programs, the vertical solver written for the tests (tests/data/vadv) and the
  // held-out programs' fixtures (tests/data/npbench_heldout).
  const heldOut = join("tests", "data", "npbench_heldout");
  const programs = [
    ...readdirSync(dir).sort().map((name) => [name, join(dir, name)]), ["vadv", join("tests", "data", "vadv")],
    ...readdirSync(heldOut, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => [e.name, join(heldOut, e.name)]).sort(),
  ];
  for (const [name, folder] of programs) {
    const file = join(folder, `${name}.sdfg`);
    if (!existsSync(file)) continue;
    // The symbol values the inputs were made with (azimint_naive's npt is not an array's size).
    const manifest = join(folder, "manifest.json");
    const symbols = existsSync(manifest) ? Object.entries(JSON.parse(readFileSync(manifest, "utf8")).symbols ?? {}) : [];
    const symbolArgs = symbols.flatMap(([k, v]) => ["--symbol", `${k}=${typeof v === "object" ? v.value : v}`]);
    const out = await new Promise((resolve) => {
      const child = spawn("node", [cli, "report", file, ...symbolArgs, "--platform", "u280", "--json"], { stdio: ["ignore", "pipe", "ignore"] });
      let text = "";
      child.stdout.on("data", (d) => { text += d; });
      child.on("close", (code) => resolve(code === 0 ? text : null));
    });
    if (out === null) continue;
    const r = JSON.parse(out);
    if (r.kind !== "streamed") continue;
    const p = r.performance;
    const clock = p.clockMHz * 1e6;
    const modeled = p.seconds * clock;
    const ideal = (p.gops * 1e9 * p.seconds) / (p.computeCeiling * 1e9 / clock);
    if (!(ideal > 0)) { console.log(`streamed ${name} (${r.pattern}): ${Math.round(modeled)} modeled cycles; no ideal: the model counts no operations for its processes`); continue; }
    console.log(`streamed ${name} (${r.pattern}): ${Math.round(modeled)} modeled / ${Math.round(ideal)} ideal cycles = ${(modeled / ideal).toFixed(3)}, ${fmt(p.gops)} GOp/s, bound by ${p.bound}`);
  }
}
await benchStreamed();
