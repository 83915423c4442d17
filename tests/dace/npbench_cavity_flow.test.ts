// NPBench's cavity_flow streamed: a time loop (nt = 3 steps) whose body builds b, runs nit = 2
// Poisson iterations on p (an inner loop, unrolled into the step's pipeline) each followed by
// four boundary assignments, then updates u and v and sets their borders. Emulated (g++ against
// sim/) it must equal the CPU reference and NumPy's u/v/p.out.npy (fp64 rtol 1e-9): on Xilinx
// at W = 1, on Intel at W = 4 (dividing nx = 16) with P = 2 time steps per pass.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { bundleFor, NPBENCH } from "./sdfg_bundles.js";

const DIR = join(NPBENCH, "cavity_flow");

describe.concurrent("NPBench cavity_flow streamed: emulation equals the CPU reference and NumPy", () => {
  it.for([["xilinx", 1, 1], ["intel", 4, 2]] as const)("on %s, W=%i, P=%i", async ([target, W, P], { expect }) => {
    const b = bundleFor(DIR, "cavity_flow");
    const d = streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
    if (!d.streamed) throw new Error(`not streamed: ${d.kernels.map((k) => k.reason).join("; ")}`);
    expect(d.kernels.filter((k) => k.mapping !== "streamed")).toEqual([]);
    expect(d.bundle.timeLoop?.steps).toBe(3);
    // Both Poisson iterations are in the pipeline, each with its four boundary stencils.
    expect(d.kernels.filter((k) => /\[q=1\]\/copy p -> p#/.test(k.name)).length).toBe(3);
    const r = await emulateStreamedSdfg(b, d.bundle, target, { vectorWidth: W, replicas: P });
    expect(r.failure).toBeUndefined();
    const expected = readdirSync(DIR).filter((f) => f.endsWith(".out.npy")).map((f) => f.replace(/\.out\.npy$/, "")).sort();
    expect(r.outputs.map((o) => o.name).sort()).toEqual(expected);
    for (const o of r.outputs) {
      expect({ name: o.name, vsReference: o.mismatchesVsReference, vsNumpy: o.mismatchesVsNumpy }).toEqual({ name: o.name, vsReference: 0, vsNumpy: 0 });
    }
    expect(r.ok).toBe(true);
  });
});
