// Benchmarks (make bench): prints figures, asserts nothing. Uses the built dist/ tree.
//   1. generation time of the hdiff Vitis project (parse → SDFG → pipeline → files), in process;
//   2. generation time of synthetic programs of 100 and 1,000 stencils (should grow linearly);
//   3. emulation throughput (cells/s) of hdiff at 128 x 128 x 64, W = 1 and W = 8, threads and
//      real FIFO depths.
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

// 3. Emulation throughput at 128 x 128 x 64.
{
  const dims = [128, 128, 64];
  const work = mkdtempSync(join(tmpdir(), "bench-"));
  const prog = JSON.parse(readFileSync("stencils/hdiff.json", "utf8"));
  prog.dimensions = dims;
  for (const inp of Object.values(prog.inputs)) inp.data = "constant:0";
  const file = join(work, "hdiff_128x128x64.json");
  writeFileSync(file, JSON.stringify(prog));
  const inputs = join(work, "in");
  mkdirSync(inputs);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const cells = dims.reduce((a, b) => a * b, 1);
  for (const name of Object.keys(prog.inputs)) {
    const values = Float64Array.from({ length: cells }, rnd);
    writeFileSync(join(inputs, `${name}.npy`), encodeNpy("float32", dims, values));
  }
  const bundle = parseProgram(readFileSync(file, "utf8"), file, work);
  for (const W of [1, 8]) {
    // First run may compile; the second is measured on the cached build.
    await emulate(bundle, { target: "xilinx", spatial: { vectorWidth: W, replicas: 1 }, inputsDir: inputs });
    const r = await emulate(bundle, { target: "xilinx", spatial: { vectorWidth: W, replicas: 1 }, inputsDir: inputs });
    console.log(`emulate hdiff 128x128x64 W=${W}: ${fmt(r.cellsPerSecond)} cells/s (${fmt(r.kernelSeconds)} s kernel), ${r.ok ? "matches" : "DIFFERS FROM"} the CPU reference`);
  }
}

// 4. DaCe SDFG import: generation time (load .sdfg → IR → Vitis and Intel memory-mapped projects)
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
