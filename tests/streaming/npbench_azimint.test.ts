// NPBench's azimint_naive streamed by the radial-binning pattern pass (rmax = max(radius), then
// the mean of data per bin [rmax*i/npt, rmax*(i+1)/npt) of radius): reported streamed, emulated on
// xilinx (u280) and intel (520n) at W = 1 and W = 4 (N = 64, npt = 8), equal to the CPU reference
// exactly (it adds in the binning PE's order) and to NumPy's __return.out.npy within the NPBench
// tolerance.
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

const DIR = join(SHARED, "peers", "npbench", "azimint_naive");
const FILE = join(DIR, "azimint_naive.sdfg");
const input = () => ({ program: loadSdfgFile(FILE), symbols: { N: 64, npt: 8 }, inputsDir: DIR, name: "azimint_naive", file: FILE });

describe("NPBench azimint_naive, streamed", () => {
  it("report --json: the loop over bins streamed by the radial-binning pattern", async () => {
    const r = await cli(["report", FILE, "--json", "--symbol", "npt=8"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { kind: string; kernels: { name: string; mapping: string; pattern: string }[] };
    expect(j.kernels.map((k) => [k.name, k.mapping, k.pattern])).toEqual([["for_22", "streamed", "radial-binning"]]);
  });

  const cases = (["xilinx", "intel"] as const).flatMap((target) => [1, 4].map((W) => [`${target} W=${W}`, target, W] as const));
  it.concurrent.for(cases)("%s emulates equal to the CPU reference and to NumPy's __return.out.npy", async ([, target, W], { expect: check }) => {
    const d = streamProgram(input());
    if (!d.streamed) throw new Error(d.kernels[0]!.reason);
    check(d.pattern).toBe("radial-binning");
    const out = mkdtempSync(join(tmpdir(), "streamed-azimint-"));
    try {
      const e = await emulate(d.bundle, { target, outputsDir: out, spatial: { vectorWidth: W, replicas: 1 } });
      check(e.deadlock).toBeUndefined();
      check(e.outputs.map((o) => [o.name, o.mismatches, o.maxAbsError])).toEqual([["v_return", 0, 0]]);
      const want = decodeNpy(readFileSync(join(DIR, "__return.out.npy")), "__return").values;
      const got = decodeNpy(readFileSync(join(out, "v_return.npy")), "v_return").values;
      const { rtol, atol } = tolerance("float64" as PDType);
      check(got.length).toBe(8);
      const bad = [...want.keys()].filter((n) => !(Math.abs(got[n]! - want[n]!) <= atol + rtol * Math.abs(want[n]!)));
      check(bad).toEqual([]);
      // Not trivially equal: eight different means.
      check(new Set(got).size).toBe(8);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
