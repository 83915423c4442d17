// Every example program simulated cycle-accurately as SystemVerilog under Verilator equals the
// CPU reference bit for bit, with and without random backpressure; plus a W = 8 and a P = 3 run.
import { basename } from "node:path";
import { describe, it } from "vitest";
import { jsonFiles } from "../helpers.js";
import { simulateBothWays } from "./simulate.js";

describe("RTL simulation of stencils/ equals the CPU reference", () => {
  // Integer programs (image_int.json) included: native integer operators, bit-equal as well.
  it.each(jsonFiles("stencils").map((p) => [basename(p), p]))("%s", async (_name, path) => {
    await simulateBothWays(path);
  });

  it("hdiff_t7.json at P = 3 (passes of 3, 3 and 1 steps: copies past the pass forward their input)", async () => {
    await simulateBothWays("stencils/hdiff_t7.json", { vectorWidth: 1, replicas: 3 });
  });

  it("diffusion3d.json at W = 8", async () => {
    await simulateBothWays("stencils/diffusion3d.json", { vectorWidth: 8, replicas: 1 });
  });
});
