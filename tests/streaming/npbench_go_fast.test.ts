// NPBench's go_fast streamed by the diagonal-reduce pattern pass (trace of tanh over the diagonal,
// then a + trace): reported streamed, emulated on xilinx (u280) and intel (520n) at W = 1 and
// W = 4 (N = 64), equal to the CPU reference exactly (the reference sums in the hardware's order)
// and to NumPy's __return.out.npy within the NPBench tolerance (src/emulate/sdfg_emulate.ts).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/data/npy.js";
import { emulate } from "../../src/emulate/emulate.js";
import { tolerance } from "../../src/emulate/sdfg_emulate.js";
import { loadSdfgFile } from "../../src/frontend/dace/load_sdfg.js";
import type { PDType } from "../../src/ir/program.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { SHARED, cli } from "../helpers.js";

const DIR = join(SHARED, "peers", "npbench", "go_fast");
const FILE = join(DIR, "go_fast.sdfg");
const input = () => ({ program: loadSdfgFile(FILE), symbols: { N: 64 }, inputsDir: DIR, name: "go_fast", file: FILE });

describe("NPBench go_fast, streamed", () => {
  it("report --json: every kernel streamed by the diagonal-reduce pattern", async () => {
    const r = await cli(["report", FILE, "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const kernels = (JSON.parse(r.stdout) as { kernels: { name: string; mapping: string }[] }).kernels;
    expect(kernels.map((k) => [k.name, k.mapping])).toEqual([["for_12", "streamed"], ["_Add__map", "streamed"]]);
  });

  const cases = (["xilinx", "intel"] as const).flatMap((target) => [1, 4].map((W) => [`${target} W=${W}`, target, W] as const));
  it.concurrent.for(cases)("%s emulates equal to the CPU reference and to NumPy's __return.out.npy", async ([, target, W], { expect: check }) => {
    const d = streamProgram(input());
    if (!d.streamed) throw new Error(d.kernels[0]!.reason);
    check(d.pattern).toBe("diagonal-reduce");
    const out = mkdtempSync(join(tmpdir(), "streamed-go_fast-"));
    try {
      const e = await emulate(d.bundle, { target, outputsDir: out, spatial: { vectorWidth: W, replicas: 1 } });
      check(e.deadlock).toBeUndefined();
      check(e.outputs.map((o) => [o.name, o.mismatches, o.maxAbsError])).toEqual([["v_return", 0, 0]]);
      const want = decodeNpy(readFileSync(join(DIR, "__return.out.npy")), "__return").values;
      const got = decodeNpy(readFileSync(join(out, "v_return.npy")), "v_return").values;
      const { rtol, atol } = tolerance("float64" as PDType);
      check(got.length).toBe(64 * 64);
      const bad = [...want.keys()].filter((n) => !(Math.abs(got[n]! - want[n]!) <= atol + rtol * Math.abs(want[n]!)));
      check(bad.length).toBe(0);
      // Not trivially equal: every element moved by the same trace, which is not 0.
      check(Math.abs(got[0]! - decodeNpy(readFileSync(join(DIR, "a.npy")), "a").values[0]!)).toBeGreaterThan(1);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
