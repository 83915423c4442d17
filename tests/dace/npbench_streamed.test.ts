// NPBench's stencil programs streamed: the stencil-maps pattern raises them onto the stencil road
// and the emulated kernel (g++ against sim/) must equal the CPU reference and NumPy's
// <arg>.out.npy (fp64 rtol 1e-9) on Xilinx (u280) and Intel (520n), at W = 1, at a W > 1 that
// divides the innermost extent, and with P = 2 and P = 3 time steps per pass. Manifest sizes:
// jacobi_1d N=64 (TSTEPS=16: 15 steps), jacobi_2d N=30 (TSTEPS=10: 9 steps), heat_3d N=10
// (TSTEPS=10: 9 steps), fdtd_2d NX=40 NY=44 (TMAX=4 steps, `ey[0, :] = _fict_[t]` from a step
// table, W=4). heat_3d's NPBench data is degenerate (its output equals its input), so
// it is also checked on random data against NumPy running NPBench's kernel.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { loadSdfgBundle, type SdfgBundle } from "../../src/targets/sdfg_program.js";
import { SHARED } from "../helpers.js";

const NPBENCH = join(SHARED, "peers", "npbench");
/** The program with the manifest's symbol values (the sizes its data was made with). */
function bundleFor(dir: string, name: string): SdfgBundle {
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { symbols?: Record<string, { value: number }> };
  return loadSdfgBundle(join(dir, `${name}.sdfg`), { symbols: Object.fromEntries(Object.entries(m.symbols ?? {}).map(([k, v]) => [k, v.value])) });
}

type Target = "xilinx" | "intel";
/**
 * [program, target, W, P]: every program at W=1 and at W>1 on both vendors (Xilinx's W>1 run is
 * also its P=2 run), and P=3 on Intel: five g++ builds per program.
 */
const CASES: [string, Target, number, number][] = [];
for (const [name, W] of [["jacobi_1d", 4], ["jacobi_2d", 2], ["heat_3d", 2], ["fdtd_2d", 4]] as const) {
  CASES.push([name, "xilinx", 1, 1], [name, "intel", 1, 1], [name, "intel", W, 1], [name, "xilinx", W, 2], [name, "intel", 1, 3]);
}

async function emulateStreamed(b: SdfgBundle, target: Target, W: number, P: number) {
  const d = streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
  if (!d.streamed) throw new Error(`not streamed: ${d.kernels.map((k) => k.reason).join("; ")}`);
  return { d, r: await emulateStreamedSdfg(b, d.bundle, target, { vectorWidth: W, replicas: P }) };
}

describe.concurrent("NPBench stencils streamed: emulation equals the CPU reference and NumPy", () => {
  it.for(CASES)("%s on %s, W=%i, P=%i", async ([name, target, W, P], { expect: check }) => {
    const dir = join(NPBENCH, name);
    const b = bundleFor(dir, name);
    const { d, r } = await emulateStreamed(b, target, W, P);
    check(d.kernels.every((k) => k.mapping === "streamed")).toBe(true);
    check(r.failure).toBeUndefined();
    // Every array NumPy wrote is an output and is compared.
    const expected = readdirSync(dir).filter((f) => f.endsWith(".out.npy")).map((f) => f.replace(/\.out\.npy$/, "")).sort();
    // fdtd_2d also streams out its step table (`_fict_` by time step), compared with the CPU
    // reference only: NumPy has no such array.
    const args = r.outputs.filter((o) => b.program.argNames.includes(o.name));
    check(args.map((o) => o.name).sort()).toEqual(expected);
    check(r.outputs.filter((o) => !args.includes(o)).map((o) => o.name)).toEqual(name === "fdtd_2d" ? ["fict_steps"] : []);
    for (const o of r.outputs) {
      const numpy = args.includes(o) ? 0 : undefined;
      check({ name: o.name, vsReference: o.mismatchesVsReference, vsNumpy: o.mismatchesVsNumpy, first: o.first }).toEqual({ name: o.name, vsReference: 0, vsNumpy: numpy, first: undefined });
    }
    check(r.ok).toBe(true);
  });
});

// After the runs above, so that the heat_3d kernel at W=2, P=2 comes from the build cache.
describe("heat_3d streamed on data that is not degenerate", () => {
  it("heat_3d on random data equals NumPy running NPBench's heat_3d kernel (xilinx, W=2, P=2)", async () => {
    const data = mkdtempSync(join(tmpdir(), "heat3d-random-"));
    // NPBench's NumPy heat_3d (polybench/heat_3d/heat_3d_numpy.py) on seeded random data.
    const script = `
import numpy as np, sys
d = sys.argv[1]
rng = np.random.default_rng(0)
N, TSTEPS = 10, 10
A = rng.random((N, N, N)); B = rng.random((N, N, N))
np.save(d + "/A.npy", A); np.save(d + "/B.npy", B); np.save(d + "/TSTEPS.npy", np.int64(TSTEPS))
A0 = A.copy()
for t in range(1, TSTEPS):
    B[1:-1, 1:-1, 1:-1] = (0.125 * (A[2:, 1:-1, 1:-1] - 2.0 * A[1:-1, 1:-1, 1:-1] + A[:-2, 1:-1, 1:-1]) +
                           0.125 * (A[1:-1, 2:, 1:-1] - 2.0 * A[1:-1, 1:-1, 1:-1] + A[1:-1, :-2, 1:-1]) +
                           0.125 * (A[1:-1, 1:-1, 2:] - 2.0 * A[1:-1, 1:-1, 1:-1] + A[1:-1, 1:-1, 0:-2]) + A[1:-1, 1:-1, 1:-1])
    A[1:-1, 1:-1, 1:-1] = (0.125 * (B[2:, 1:-1, 1:-1] - 2.0 * B[1:-1, 1:-1, 1:-1] + B[:-2, 1:-1, 1:-1]) +
                           0.125 * (B[1:-1, 2:, 1:-1] - 2.0 * B[1:-1, 1:-1, 1:-1] + B[1:-1, :-2, 1:-1]) +
                           0.125 * (B[1:-1, 1:-1, 2:] - 2.0 * B[1:-1, 1:-1, 1:-1] + B[1:-1, 1:-1, 0:-2]) + B[1:-1, 1:-1, 1:-1])
np.save(d + "/A.out.npy", A); np.save(d + "/B.out.npy", B)
print(float(np.abs(A - A0).max()))
`;
    writeFileSync(join(data, "make.py"), script);
    const made = await execa("python3", [join(data, "make.py"), data]);
    // Not the degenerate case: the kernel changed the values.
    expect(Number(made.stdout.trim())).toBeGreaterThan(1e-3);
    const b = loadSdfgBundle(join(NPBENCH, "heat_3d", "heat_3d.sdfg"), { inputsDir: data, symbols: { N: 10 } });
    const { r } = await emulateStreamed(b, "xilinx", 2, 2);
    expect(r.outputs.map((o) => [o.name, o.mismatchesVsReference, o.mismatchesVsNumpy])).toEqual([["A", 0, 0], ["B", 0, 0]]);
    expect(r.ok).toBe(true);
  });
});
