// Benchmarks (make bench): prints figures, asserts nothing. Uses the built dist/ tree.
//   1. generation time of the hdiff Vitis project (parse → SDFG → pipeline → files), in process;
//   2. generation time of synthetic programs of 100 and 1,000 stencils (should grow linearly);
//   3. emulation throughput (cells/s) of jacobi2d 512 x 512 and hdiff 64 x 256 x 256 (the
//      examples with bigger domains), W = 1 and W = 8, against the CPU reference, quiet and
//      with both cores busy.
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

// 2. Generation time against program size: a DAG where stencil n reads stencils n-1 and n-3.
{
  const synthetic = (n) => {
    const program = {};
    const name = (m) => (m < 0 ? "a" : `s${m}`);
    for (let m = 0; m < n; m++) {
      const x = name(m - 1), y = name(m - 3);
      program[`s${m}`] = {
        computation_string: `s${m} = 0.5 * (${x}[i, j-1, k] + ${x}[i, j, k+1]) - 0.25 * ${y}[i, j, k]`,
        boundary_conditions: { [x]: { type: "constant", value: 0 }, [y]: { type: "copy" } },
        data_type: "float32",
      };
    }
    return JSON.stringify({ inputs: { a: { data: "constant:1", data_type: "float32" } }, outputs: [`s${n - 1}`], dimensions: [4, 16, 16], program });
  };
  const platform = loadPlatform("u280");
  const times = {};
  for (const n of [100, 1000]) {
    const text = synthetic(n);
    const t0 = process.hrtime.bigint();
    const bundle = parseProgram(text, `synthetic_${n}.json`, ".");
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 1, replicas: 1 });
    vitisProject(bundle, p, platform);
    times[n] = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`generate synthetic ${n} stencils: ${fmt(times[n])} ms`);
  }
  console.log(`  1,000 / 100 stencils: ${fmt(times[1000] / times[100])}x the time for 10x the stencils`);
}

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

// 4. RTL (Verilator): simulated cycles against the ideal (cells / W × passes + fill) for every
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
