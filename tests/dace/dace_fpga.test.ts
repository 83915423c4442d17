// DaCe's FPGA samples (../shared/peers/dace-fpga, already in FPGA form: FPGA storage, host-device
// copies, nested SDFGs, streams): kernels on both vendors equal NumPy's outputs (the systolic
// samples' streams as FIFOs between concurrent processes), or the sample is refused with one
// located line (streams on Intel: one kernel per process is not there yet).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/ir/diagnostics.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { sdfgIntelProject, sdfgVitisProject } from "../../src/targets/sdfg_program.js";
import { emulateSdfg } from "../../src/emulate/sdfg_emulate.js";
import { SHARED } from "../helpers.js";
import { bundleFor } from "./npbench.test.js";

const DIR = join(SHARED, "peers", "dace-fpga");
const samples = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const REFUSED: Record<string, { targets: string[]; message: RegExp }> = {
  jacobi_fpga_systolic: { targets: ["intel"], message: /jacobi_fpga_systolic\.sdfg: \$\.attributes\._arrays\.pipes: stream 'pipes': FPGA-form SDFGs with streams are not mapped to Intel OpenCL yet/ },
  matrix_multiplication_systolic: { targets: ["intel"], message: /matrix_multiplication_systolic\.sdfg: \$\.attributes\._arrays\.A_pipe: stream 'A_pipe': FPGA-form SDFGs with streams are not mapped to Intel OpenCL yet/ },
};

describe.concurrent("DaCe FPGA samples", () => {
  it("there are six", () => expect(samples).toHaveLength(6));

  it.for(samples.flatMap((s) => (["xilinx", "intel"] as const).map((t) => [`${s} on ${t}`, s, t] as const)))("%s", async ([, name, target], { expect: check }) => {
    const dir = join(DIR, name);
    const sdfgName = readdirSync(dir).find((f) => f.endsWith(".sdfg"))!.replace(/\.sdfg$/, "");
    const platform = loadPlatform(target === "intel" ? "520n" : "u280");
    if (REFUSED[name]?.targets.includes(target)) {
      let err: unknown;
      try { (target === "intel" ? sdfgIntelProject : sdfgVitisProject)(bundleFor(dir, sdfgName), platform); } catch (e) { err = e; }
      check(err).toBeInstanceOf(UserError);
      check((err as Error).message).toMatch(REFUSED[name]!.message);
      check((err as Error).message).not.toContain("\n");
      return;
    }
    const r = await emulateSdfg(bundleFor(dir, sdfgName), target, platform);
    check(r.outputs.length).toBeGreaterThan(0);
    for (const o of r.outputs) check({ name: o.name, ref: o.mismatchesVsReference, numpy: o.mismatchesVsNumpy, first: o.first }).toEqual({ name: o.name, ref: 0, numpy: 0, first: undefined });
    check(r.ok).toBe(true);
  });
});
