// NPBench's gemm, 2mm, atax, mvt and gemver streamed (matrix-vector PEs, systolic chains) and emulated on
// --target xilinx (u280) and intel (520n) at W=1 and a W>1 that divides their sizes, gemm also
// with P = 2 and 4 PEs: the emulated kernel equals the CPU reference (which sums in the
// hardware's order) exactly, and NumPy's <arg>.out.npy within the NPBench tolerance; the FIFOs
// have the computed depths, and one vector less on atax's and gemver's lagging matrix FIFOs deadlocks.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/data/npy.js";
import { emulate } from "../../src/emulate/emulate.js";
import { tolerance } from "../../src/emulate/sdfg_emulate.js";
import { mvtWithSum, NPBENCH, streamed } from "./helpers.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";

const CASES = [
  { program: "gemm", W: 1, P: 2 }, { program: "gemm", W: 4, P: 4 },
  { program: "k2mm", W: 1, P: 1 }, { program: "k2mm", W: 2, P: 2 },
  { program: "atax", W: 1, P: 1 }, { program: "atax", W: 2, P: 1 },
  { program: "mvt", W: 1, P: 1 }, { program: "mvt", W: 4, P: 1 },
  { program: "gemver", W: 1, P: 1 }, { program: "gemver", W: 4, P: 1 },
].flatMap((c) => (["xilinx", "intel"] as const).map((target) => ({ ...c, target })));

const work = mkdtempSync(join(tmpdir(), "linalg-streamed-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.concurrent("streamed NPBench linear algebra emulates equal to NumPy", () => {
  it.for(CASES)("$program on $target at W=$W, P=$P", async ({ program, target, W, P }, { expect: check }) => {
    const { bundle } = streamed(program);
    const out = join(work, `${program}-${target}-${W}-${P}`);
    const r = await emulate(bundle, { target, spatial: { vectorWidth: W, replicas: P }, outputsDir: out });
    check(r.deadlock).toBeUndefined();
    check(r.outputs.map((o) => [o.name, o.mismatches])).toEqual(bundle.outputs.map((n) => [n, 0]));
    check(r.ok).toBe(true);
    const tol = tolerance("float64");
    for (const name of bundle.outputs) {
      const got = decodeNpy(readFileSync(join(out, `${name}.npy`)), name).values;
      const want = decodeNpy(readFileSync(join(NPBENCH, program, `${name}.out.npy`)), name).values;
      check(got.length).toBe(want.length);
      const bad = [...got].filter((g, n) => !(Math.abs(g - want[n]!) <= tol.atol + tol.rtol * Math.abs(want[n]!))).length;
      check({ name, mismatchesVsNumpy: bad }).toEqual({ name, mismatchesVsNumpy: 0 });
    }
  });

  it.for(["xilinx", "intel"] as const)("a sum of two products (mvt changed to x1 = y_2 @ A + A @ y_1) on %s at W=2 equals the CPU reference", async (target, { expect: check }) => {
    const d = streamProgram(mvtWithSum());
    if (!d.streamed) throw new Error("not streamed");
    const r = await emulate(d.bundle, { target, spatial: { vectorWidth: 2, replicas: 1 } });
    check(r.outputs.map((o) => [o.name, o.mismatches])).toEqual([["x1", 0], ["x2", 0]]);
    check(r.ok).toBe(true);
  });

  // The computed lag is all of A' (1024 vectors); since the rank-update PE hands each vector to the
  // A'ᵀ y PE before the A' x PE, 1023 would do, and below that the design deadlocks.
  it("gemver at W=4 deadlocks when the A' x PE's matrix FIFO holds fewer vectors than A' without its last", async ({ expect: check }) => {
    const { bundle } = streamed("gemver");
    const r = await emulate(bundle, { target: "xilinx", spatial: { vectorWidth: 4, replicas: 1 }, depthOverrides: { A_to_pe_w_: 1022 } });
    check(r.ok).toBe(false);
    check(r.deadlock).toMatch(/A_to_pe_w_: full \(1022\/1022\), writer blocked/);
  });

  it("atax at W=2 deadlocks with one vector less than the computed lag on the matrix FIFO", async ({ expect: check }) => {
    const { bundle } = streamed("atax");
    const r = await emulate(bundle, { target: "xilinx", spatial: { vectorWidth: 2, replicas: 1 }, depthOverrides: { A_to_pe___return_: 56 } });
    check(r.ok).toBe(false);
    check(r.deadlock).toMatch(/A_to_pe___return_: full \(56\/56\), writer blocked/);
  });
});
