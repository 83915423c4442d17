// vadv (NPBench's vertical advection, tests/data/vadv) emulated: the memory-mapped kernel (which
// validates the hand-written SDFG) and the streamed vertical solver on Xilinx (u280) and Intel
// (520n) must equal NumPy's utens_stage.out.npy (fp64 rtol 1e-9), and the streamed kernels the CPU
// reference exactly (the cpu target runs that reference alone). One g++ build per configuration:
// three kernels and one reference, run concurrently.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulateSdfg, emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import { npyValues, readNpyHeader } from "../../src/data/npy_any.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { decide, VADV_DIR, vadvBundle } from "./vadv_data.js";

describe.concurrent("vadv emulated equals NumPy", () => {
  it("NumPy's result is not the input: the solve changed utens_stage", () => {
    const read = (f: string) => { const p = join(VADV_DIR, f); const b = readFileSync(p); return npyValues(readNpyHeader(b, p), p); };
    const before = read("utens_stage.npy");
    const after = read("utens_stage.out.npy");
    expect(Math.max(...Array.from(after, (x, i) => Math.abs(x - before[i]!)))).toBeGreaterThan(0.1);
  });

  it("memory-mapped on xilinx (the SDFG computes what vadv_numpy computes)", async () => {
    const r = await emulateSdfg(vadvBundle(), "xilinx", loadPlatform("u280"));
    expect(r.road).toBe("memory-mapped");
    expect(r.outputs.map((o) => [o.name, o.mismatchesVsNumpy])).toEqual([["utens_stage", 0]]);
    expect(r.ok).toBe(true);
  });

  it.for(["xilinx", "intel", "cpu"] as const)("streamed on %s, W=1: equal to the CPU reference (the cpu target is that reference) and to NumPy", async (target, { expect: check }) => {
    const b = vadvBundle();
    const d = decide(b);
    if (!d.streamed) throw new Error(d.kernels.map((k) => k.reason).join("; "));
    const r = await emulateStreamedSdfg(b, d.bundle, target, { vectorWidth: 1, replicas: 1 }, undefined, undefined, d.outputNames ?? {});
    check(r.failure).toBeUndefined();
    check(r.road).toBe("streamed");
    check(r.outputs.map((o) => [o.name, o.elements, o.mismatchesVsReference, o.mismatchesVsNumpy, o.numpyFile])).toEqual([["utens_stage_out", 800, target === "cpu" ? undefined : 0, 0, "utens_stage.out.npy"]]);
    check(r.ok).toBe(true);
  });
});
