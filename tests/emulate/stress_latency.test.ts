// FIFO depths that survive real pipeline latency (issue 7, item 2). `stressLatency` makes every
// PE hold back its last D outputs (a stall-style pipeline D cycles deep that does not flush:
// output n becomes visible once output n + D exists, or when the PE's loop ends); "2x" is twice
// each PE's estimated arithmetic depth. The generated depths (delay + 2 x the estimated depths
// along the path + slack) must survive that on every example, on both vendors' emulations; the
// old formula (delay + 1 x the estimates + 2) does not.
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { emulate, type EmulationTarget } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { jsonFiles, PEERS } from "../helpers.js";

const programs = [...jsonFiles("stencils"), ...jsonFiles(PEERS)];

async function expectSurvives(target: EmulationTarget, path: string, replicas = 1, check = expect) {
  const bundle = loadProgram(path);
  const r = await emulate(bundle, { target, spatial: { vectorWidth: bundle.vectorization ?? 1, replicas }, stressLatency: "2x" });
  check(r.deadlock).toBeUndefined();
  check(r.outputs.length).toBeGreaterThan(0);
  for (const o of r.outputs) check({ name: o.name, mismatches: o.mismatches }).toEqual({ name: o.name, mismatches: 0 });
  check(r.ok).toBe(true);
}

// Builds are the ones the plain emulation tests make (the stress is set at run time), so this
// mostly costs run time.
describe.concurrent.each(["xilinx", "intel"] as const)("%s: generated depths survive 2x the estimated pipeline depths", (target) => {
  it.for(programs.map((p) => [basename(p), p] as const))("%s", async ([, path], { expect: check }) => {
    await expectSurvives(target, path, 1, check);
  });

  it("hdiff_t7 with P = 3 (an Intel autorun PE drains at the end of every pass)", async ({ expect: check }) => {
    await expectSurvives(target, "stencils/hdiff_t7.json", 3, check);
  });
});

describe("the old depth formula under the same stress", () => {
  // hdiff's depths with 1 x the estimated arithmetic depths (lap 23, flx 15, fly 15, out 27) and
  // a slack of 2, worked out by hand: lap leaves at 64 + 23 = 87; flx starts at 87 + 64 = 151,
  // leaves at 166; fly starts at 88, leaves at 103; out starts at 166. u→flx 151-64 = 87,
  // u→fly 88-1 = 87, u→out 166, coeff→out 166, fly→out 166-103 = 63, the others 0; each + 2.
  const old = {
    u_to_lap_: 2, lap_to_flx_: 2, u_to_flx_: 89, lap_to_fly_: 2, u_to_fly_: 89,
    u_to_out_: 168, coeff_to_out_: 168, flx_to_out_: 2, fly_to_out_: 65, out_to_memory_: 2,
  };
  const bundle = loadProgram("stencils/hdiff.json");
  const spatial = { vectorWidth: 1, replicas: 1 };

  it("names the same channels as the generated pipeline", () => {
    expect(lowerToPipeline(bundle.sdfg, spatial).channels.map((c) => c.name).sort()).toEqual(Object.keys(old).sort());
  });

  it("runs without stress", async () => {
    const r = await emulate(bundle, { target: "xilinx", spatial, depthOverrides: old });
    expect(r.deadlock).toBeUndefined();
    expect(r.ok).toBe(true);
  });

  it("deadlocks under 2x stress, and the report names a full FIFO", async () => {
    const r = await emulate(bundle, { target: "xilinx", spatial, depthOverrides: old, stressLatency: "2x" });
    expect(r.ok).toBe(false);
    expect(r.deadlock).toMatch(/deadlock detected/);
    expect(r.deadlock).toMatch(/u_to_flx_: full \(89\/89\), writer blocked/);
  });
});

describe("emulate --stress-latency", () => {
  it("refuses a value that is neither a cycle count nor 2x: one line, exit 2", async () => {
    const r = await execa("node", ["dist/src/cli/main.js", "emulate", "stencils/jacobi2d.json", "--stress-latency", "3y"], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--stress-latency");
  });

  it("takes a cycle count: 0 holds nothing back, a huge count deadlocks hdiff", async () => {
    const bundle = loadProgram("stencils/hdiff.json");
    const spatial = { vectorWidth: 1, replicas: 1 };
    const none = await emulate(bundle, { target: "xilinx", spatial, stressLatency: 0 });
    expect(none.ok).toBe(true);
    const huge = await emulate(bundle, { target: "xilinx", spatial, stressLatency: 1000 });
    expect(huge.deadlock).toMatch(/deadlock detected/);
  });
});
