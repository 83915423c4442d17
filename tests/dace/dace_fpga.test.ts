// DaCe's FPGA samples (../shared/peers/dace-fpga, already in FPGA form: FPGA storage, host-device
// copies, nested SDFGs, streams): kernels on both vendors equal NumPy's outputs, the systolic
// samples' streams as FIFOs between concurrent processes (a DATAFLOW region on Vitis, one kernel
// per process on Intel), run by the sim's fiber scheduler.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/platform.js";
import { emulateSdfg } from "../../src/emulate/sdfg_emulate.js";
import { SHARED } from "../helpers.js";
import { bundleFor } from "./sdfg_bundles.js";

const DIR = join(SHARED, "peers", "dace-fpga");
const samples = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe.concurrent("DaCe FPGA samples", () => {
  it("there are six", () => expect(samples).toHaveLength(6));

  it.for(samples.flatMap((s) => (["xilinx", "intel"] as const).map((t) => [`${s} on ${t}`, s, t] as const)))("%s", async ([, name, target], { expect: check }) => {
    const dir = join(DIR, name);
    const sdfgName = readdirSync(dir).find((f) => f.endsWith(".sdfg"))!.replace(/\.sdfg$/, "");
    const platform = loadPlatform(target === "intel" ? "520n" : "u280");
    const r = await emulateSdfg(bundleFor(dir, sdfgName), target, platform);
    check(r.failure).toBeUndefined();
    check(r.outputs.length).toBeGreaterThan(0);
    for (const o of r.outputs) check({ name: o.name, ref: o.mismatchesVsReference, numpy: o.mismatchesVsNumpy, first: o.first }).toEqual({ name: o.name, ref: 0, numpy: 0, first: undefined });
    check(r.ok).toBe(true);
  });
});
