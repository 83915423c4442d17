// Every example program simulated cycle-accurately as SystemVerilog under Verilator equals the
// CPU reference bit for bit, with and without random backpressure; plus a W = 8 and a P = 3 run.
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, jsonFiles } from "../helpers.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { DTYPE_INFO } from "../../src/ir/dtype.js";
import { simulateBothWays } from "./simulate.js";

describe("RTL simulation of stencils/ equals the CPU reference", () => {
  const integer = (path: string) => loadProgram(path).inputs.some((i) => DTYPE_INFO[i.dtype].integer);
  it.each(jsonFiles("stencils").filter((p) => !integer(p)).map((p) => [basename(p), p]))("%s", async (_name, path) => {
    await simulateBothWays(path);
  });

  // The RTL operators are floating point only: integer programs are refused by name, not computed.
  it.each(jsonFiles("stencils").filter(integer).map((p) => [basename(p), p]))("%s (integer) is refused in one line, exit 2", async (_name, path) => {
    for (const args of [["emulate", path, "-t", "rtl", "--quiet"], ["generate", path, "-t", "rtl", "-o", "/tmp/never-written-rtl-int"]]) {
      const r = await cli(args);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr.trim()).toMatch(/^--target rtl: has no integer operators yet: stencil '\w+' is int(32|64)/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("hdiff_t7.json at P = 3 (passes of 3, 3 and 1 steps: copies past the pass forward their input)", async () => {
    await simulateBothWays("stencils/hdiff_t7.json", { vectorWidth: 1, replicas: 3 });
  });

  it("diffusion3d.json at W = 8", async () => {
    await simulateBothWays("stencils/diffusion3d.json", { vectorWidth: 8, replicas: 1 });
  });
});
