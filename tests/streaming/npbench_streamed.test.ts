// NPBench elementwise chains and reductions (and the DaCe FPGA samples vadd, axpy) streamed by the elementwise-reduce pattern pass:
// report the streamed mapping, emulate on xilinx (u280) and intel (520n) at W = 1 and at a W > 1
// dividing the innermost extent, and equal NumPy's <arg>.out.npy within the NPBench tolerance
// (src/emulate/sdfg_emulate.ts `tolerance`: reductions sum in the hardware's order, not NumPy's)
// and the CPU reference exactly.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/data/npy.js";
import { emulate } from "../../src/emulate/emulate.js";
import { tolerance } from "../../src/emulate/sdfg_emulate.js";
import { loadSdfgFile } from "../../src/frontend/dace/load_sdfg.js";
import type { PDType } from "../../src/ir/program.js";
import { raiseElementwiseReduce } from "../../src/spatial/streaming/elementwise_reduce.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { SHARED } from "../helpers.js";

/** Where each program is: NPBench, or the DaCe FPGA samples (fpga_transform_sdfg's copy states). */
const SUITE: Record<string, string> = { arc_distance: "npbench", softmax: "npbench", vadd: "dace-fpga", axpy: "dace-fpga" };

function streamingInput(name: string) {
  const dir = join(SHARED, "peers", SUITE[name]!, name);
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { symbols?: Record<string, { value: number }> };
  const symbols = Object.fromEntries(Object.entries(m.symbols ?? {}).map(([k, v]) => [k, v.value]));
  const file = join(dir, `${name}.sdfg`);
  return { program: loadSdfgFile(file), symbols, inputsDir: dir, name, file };
}

/** Program → the W > 1 used (it divides the innermost extent of the streamed domain). */
const PROGRAMS: Record<string, number> = { arc_distance: 4, softmax: 4, vadd: 4, axpy: 4 };

describe("NPBench (and DaCe FPGA sample) elementwise chains and reductions, streamed", () => {
  it.for(Object.keys(PROGRAMS))("%s: every kernel is reported streamed by the elementwise-reduce pattern", (name) => {
    const d = streamProgram(streamingInput(name));
    expect(d.streamed).toBe(true);
    expect(d.kernels.length).toBeGreaterThan(0);
    expect(d.kernels.every((k) => k.mapping === "streamed" && k.pattern === "elementwise-reduce")).toBe(true);
    // Every output maps back to a program argument with an <arg>.out.npy.
    if (!d.streamed) return;
    for (const o of d.bundle.outputs) expect(existsSync(join(SHARED, "peers", SUITE[name]!, name, `${d.outputNames?.[o] ?? o}.out.npy`))).toBe(true);
  });

  // The NPBench targets on both vendors at both widths; the DaCe FPGA samples (extra programs the
  // pass takes) once per vendor, one width each, to keep the builds few.
  const cases = Object.entries(PROGRAMS).flatMap(([name, wide]) => (["xilinx", "intel"] as const).flatMap((target) =>
    (SUITE[name] === "npbench" ? [1, wide] : [target === "xilinx" ? 1 : wide]).map((W) => [`${name} ${target} W=${W}`, name, target, W] as const)));
  it.concurrent.for(cases)("%s emulates equal to the CPU reference and to NumPy's .out.npy", async ([, name, target, W], { expect: check }) => {
    const input = streamingInput(name);
    const r = raiseElementwiseReduce(input);
    if (!r.ok) throw new Error(r.reason);
    const out = mkdtempSync(join(tmpdir(), `streamed-${name}-`));
    try {
      const e = await emulate(r.bundle, { target, outputsDir: out, spatial: { vectorWidth: W, replicas: 1 } });
      check(e.deadlock).toBeUndefined();
      check(e.outputs.map((o) => [o.name, o.mismatches, o.maxAbsError])).toEqual(e.outputs.map((o) => [o.name, 0, 0]));
      let compared = 0;
      for (const safe of r.bundle.outputs) {
        const arg = r.outputNames?.[safe] ?? safe;
        const want = decodeNpy(readFileSync(join(input.inputsDir, `${arg}.out.npy`)), arg).values;
        const got = decodeNpy(readFileSync(join(out, `${safe}.npy`)), safe).values;
        const { rtol, atol } = tolerance(input.program.arrays[arg]!.dtype as PDType);
        check(got.length).toBe(want.length);
        const bad = [...want.keys()].filter((n) => !(Math.abs(got[n]! - want[n]!) <= atol + rtol * Math.abs(want[n]!)));
        check({ arg, bad: bad.length, first: bad[0] === undefined ? undefined : [got[bad[0]], want[bad[0]]] }).toEqual({ arg, bad: 0, first: undefined });
        compared++;
      }
      check(compared).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
