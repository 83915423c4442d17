// The generated kernels.cu and host.cu, compiled by g++ with sim/include/cuda_host_sim.h (every
// thread of every block run on the CPU, the host's ping-pong time loop included), give exactly
// the CPU reference's outputs for every example and StencilFlow program: the cell functions
// print the same expressions, so not even the rounding differs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/data/npy.js";
import { runHostSimulation } from "../../src/emulate/cuda_emulate.js";
import { runReference } from "../../src/emulate/emulate.js";
import { loadProgram, parseProgram, type ProgramBundle } from "../../src/frontend/load_program.js";
import { cudaStencils } from "../../src/cuda/cuda_kernels.js";
import { jsonFiles, PEERS } from "../helpers.js";

// Plus every math function a program may call (no example uses one), in float32 and float64.
const programs = [...jsonFiles("stencils"), ...jsonFiles(PEERS), ...jsonFiles("tests/cuda/programs")];

async function simulate(bundle: ProgramBundle, inputsDir?: string) {
  const work = mkdtempSync(join(tmpdir(), "cuda-sim-test-"));
  try {
    const { inDir, refDir, outputs } = await runReference(bundle, work, inputsDir);
    return await runHostSimulation(bundle, work, inDir, refDir, outputs.map((o) => o.name));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe.concurrent("CUDA host simulation equals the CPU reference exactly", () => {
  it.for(programs.map((p) => [basename(p), p] as const))("%s", async ([, path], { expect: check }) => {
    const r = await simulate(loadProgram(path));
    check(r.outputs.length).toBeGreaterThan(0);
    for (const o of r.outputs) check({ name: o.name, mismatches: o.mismatches, maxAbsError: o.maxAbsError }).toEqual({ name: o.name, mismatches: 0, maxAbsError: 0 });
    check(r.ok).toBe(true);
  });

  it("a domain taller than the grid limit (65535 blocks along y) is covered by the grid-stride loops", async ({ expect: check }) => {
    // j extent 524,296 > 65,535 blocks x 8 threads: the grid is clamped, every thread does two rows at most.
    const dims = [524296, 8];
    const program = {
      inputs: { a: { data: "constant:0", data_type: "float32" } },
      outputs: ["b"], dimensions: dims,
      program: { b: { computation_string: "b = a[j,k] + 0.5 * a[j-1,k] - a[j,k+1]", boundary_conditions: { a: { type: "constant", value: 1.0 } }, data_type: "float32" } },
    };
    const work = mkdtempSync(join(tmpdir(), "cuda-tall-"));
    try {
      const bundle = parseProgram(JSON.stringify(program), join(work, "tall.json"), work);
      const k = cudaStencils(bundle.sdfg)[0]!;
      check(k.grid[1]).toBe(65535);
      check(k.grid[1] * k.block[1]).toBeLessThan(dims[0]!);
      const inputs = join(work, "in");
      mkdirSync(inputs);
      // Distinct values everywhere, so a skipped or repeated cell shows.
      writeFileSync(join(inputs, "a.npy"), encodeNpy("float32", dims, Float64Array.from({ length: dims[0]! * dims[1]! }, (_, n) => (n % 9973) * 0.25)));
      const r = await simulate(bundle, inputs);
      check(r.outputs.map((o) => [o.name, o.mismatches])).toEqual([["b", 0]]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
