// NPBench's cavity_flow streamed: a time loop (nt steps) whose body builds b, runs nit Poisson
// iterations on p (an inner loop, unrolled into the step's pipeline) each followed by four
// boundary assignments, then updates u and v and sets their borders. Emulated (g++ against sim/)
// it must equal the CPU reference and NumPy (fp64 rtol 1e-9): on Xilinx at W = 1 with NPBench's
// data (16x16, nt = 3, nit = 2; its u, v and p start at zero), on Intel at W = 4 with P = 2 time
// steps per pass on random data of another shape (12x16, nt = 3, nit = 3) against NumPy running
// the same statements.
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, it } from "vitest";
import { emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { loadSdfgBundle, type SdfgBundle } from "../../src/targets/sdfg_program.js";
import { bundleFor, NPBENCH } from "./sdfg_bundles.js";

const DIR = join(NPBENCH, "cavity_flow");

/** cavity_flow in NumPy, statement by statement, on seeded random u, v, p (ny=12, nx=16). */
const RANDOM_DATA = `
import numpy as np, sys
d = sys.argv[1]
rng = np.random.default_rng(1)
ny, nx, nt, nit = 12, 16, 3, 3
rho, nu, dx, dy, dt = 1.0, 0.1, 2.0 / (nx - 1), 2.0 / (ny - 1), 0.1 / ((nx - 1) * (ny - 1))
u, v, p = rng.random((ny, nx)), rng.random((ny, nx)), rng.random((ny, nx))
for name, x in [("u", u), ("v", v), ("p", p)]: np.save(f"{d}/{name}.npy", x)
for name, x in [("dt", dt), ("dx", dx), ("dy", dy), ("rho", rho), ("nu", nu)]: np.save(f"{d}/{name}.npy", np.float64(x))
np.save(f"{d}/nt.npy", np.int64(nt)); np.save(f"{d}/nit.npy", np.int64(nit))
I, L, R, U, D = np.s_[1:-1, 1:-1], np.s_[1:-1, :-2], np.s_[1:-1, 2:], np.s_[:-2, 1:-1], np.s_[2:, 1:-1]
b = np.zeros((ny, nx))
for _ in range(nt):
    un, vn = u.copy(), v.copy()
    ddx = (u[R] - u[L]) / (2 * dx); ddy = (v[D] - v[U]) / (2 * dy)
    b[I] = rho * (1 / dt * (ddx + ddy) - ddx ** 2 - 2 * ((u[D] - u[U]) / (2 * dy) * (v[R] - v[L]) / (2 * dx)) - ddy ** 2)
    for _ in range(nit):
        pn = p.copy()
        p[I] = ((pn[R] + pn[L]) * dy ** 2 + (pn[D] + pn[U]) * dx ** 2) / (2 * (dx ** 2 + dy ** 2)) - dx ** 2 * dy ** 2 / (2 * (dx ** 2 + dy ** 2)) * b[I]
        p[:, -1] = p[:, -2]; p[0, :] = p[1, :]; p[:, 0] = p[:, 1]; p[-1, :] = 0
    u[I] = (un[I] - un[I] * dt / dx * (un[I] - un[L]) - vn[I] * dt / dy * (un[I] - un[U]) - dt / (2 * rho * dx) * (p[R] - p[L])
            + nu * (dt / dx ** 2 * (un[R] - 2 * un[I] + un[L]) + dt / dy ** 2 * (un[D] - 2 * un[I] + un[U])))
    v[I] = (vn[I] - un[I] * dt / dx * (vn[I] - vn[L]) - vn[I] * dt / dy * (vn[I] - vn[U]) - dt / (2 * rho * dy) * (p[D] - p[U])
            + nu * (dt / dx ** 2 * (vn[R] - 2 * vn[I] + vn[L]) + dt / dy ** 2 * (vn[D] - 2 * vn[I] + vn[U])))
    u[0, :] = 0; u[:, 0] = 0; u[:, -1] = 0; u[-1, :] = 1
    v[0, :] = 0; v[-1, :] = 0; v[:, 0] = 0; v[:, -1] = 0
for name, x in [("u", u), ("v", v), ("p", p)]: np.save(f"{d}/{name}.out.npy", x)
`;

async function randomData(): Promise<SdfgBundle> {
  const data = mkdtempSync(join(tmpdir(), "cavity-random-"));
  writeFileSync(join(data, "make.py"), RANDOM_DATA);
  await execa("python3", [join(data, "make.py"), data]);
  return loadSdfgBundle(join(DIR, "cavity_flow.sdfg"), { inputsDir: data, symbols: { ny: 12, nx: 16 } });
}

describe.concurrent("NPBench cavity_flow streamed: emulation equals the CPU reference and NumPy", () => {
  it.for([["xilinx", 1, 1, "NPBench's data", 3, 2], ["intel", 4, 2, "random data", 3, 3]] as const)("on %s, W=%i, P=%i, %s", async ([target, W, P, data, nt, nit], { expect }) => {
    const b = data === "random data" ? await randomData() : bundleFor(DIR, "cavity_flow");
    const d = streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
    if (!d.streamed) throw new Error(`not streamed: ${d.kernels.map((k) => k.reason).join("; ")}`);
    expect(d.kernels.filter((k) => k.mapping !== "streamed")).toEqual([]);
    expect(d.bundle.timeLoop?.steps).toBe(nt);
    // Every Poisson iteration is in the pipeline, the last with its three boundary copies.
    expect(d.kernels.filter((k) => k.name.includes(`[q=${nit - 1}]/copy p -> p#`)).length).toBe(3);
    expect(d.kernels.some((k) => k.name.includes(`[q=${nit}]`))).toBe(false);
    const r = await emulateStreamedSdfg(b, d.bundle, target, { vectorWidth: W, replicas: P });
    expect(r.failure).toBeUndefined();
    const expected = readdirSync(b.inputsDir).filter((f) => f.endsWith(".out.npy")).map((f) => f.replace(/\.out\.npy$/, "")).sort();
    expect(expected).toEqual(["p", "u", "v"]);
    expect(r.outputs.map((o) => o.name).sort()).toEqual(expected);
    for (const o of r.outputs) {
      expect({ name: o.name, vsReference: o.mismatchesVsReference, vsNumpy: o.mismatchesVsNumpy }).toEqual({ name: o.name, vsReference: 0, vsNumpy: 0 });
    }
    expect(r.ok).toBe(true);
  });
});
