// The Intel OpenCL backend emulated with g++ (the .cl compiled as C++ through
// sim/include/intel_channels.h, every kernel a fiber, channels bounded FIFOs of the generated
// depths): every example and StencilFlow program equals the CPU reference, other vector widths
// and temporal replication too, and a too-small channel depth is a reported deadlock.
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { jsonFiles, PEERS } from "../helpers.js";

const programs = [...jsonFiles("stencils"), ...jsonFiles(PEERS)];

async function expectMatch(path: string, spatial: { vectorWidth?: number; replicas?: number } = {}, check = expect) {
  const bundle = loadProgram(path);
  const result = await emulate(bundle, {
    target: "intel",
    spatial: { vectorWidth: spatial.vectorWidth ?? bundle.vectorization ?? 1, replicas: spatial.replicas ?? 1 },
  });
  check(result.deadlock).toBeUndefined();
  check(result.outputs.length).toBeGreaterThan(0);
  for (const o of result.outputs) check({ name: o.name, mismatches: o.mismatches, first: o.first }).toEqual({ name: o.name, mismatches: 0, first: undefined });
  check(result.ok).toBe(true);
}

// Concurrent: most of the time goes into g++ (cached by content under SDFG_FPGA_CACHE), and two
// compilations at a time keep both cores busy.
describe.concurrent("intel emulation equals the CPU reference", () => {
  it.for(programs.map((p) => [basename(p), p] as const))("%s", async ([, path], { expect: check }) => {
    await expectMatch(path, {}, check);
  });

  it.for([2, 4, 16])("hdiff with W = %i", async (W, { expect: check }) => {
    await expectMatch("stencils/hdiff.json", { vectorWidth: W }, check);
  });

  it("hdiff_t7 with P = 3 (three passes, the last one doing a single step)", async ({ expect: check }) => {
    await expectMatch("stencils/hdiff_t7.json", { replicas: 3 }, check);
  });

  it("diffusion2d_t4 with W = 4 and P = 3", async ({ expect: check }) => {
    await expectMatch("stencils/diffusion2d_t4.json", { vectorWidth: 4, replicas: 3 }, check);
  });
});

describe("intel emulation finds deadlocks", () => {
  it("a channel shallower than its path's delay deadlocks, and the watchdog names it", async () => {
    const bundle = loadProgram("stencils/hdiff.json");
    const result = await emulate(bundle, { target: "intel", spatial: { vectorWidth: 1, replicas: 1 }, depthOverrides: { u_to_out_: 1 } });
    const channel = result.pipeline!.channels.find((c) => c.name === "u_to_out_")!;
    expect(channel.delay).toBeGreaterThan(1);
    expect(result.ok).toBe(false);
    expect(result.deadlock).toMatch(/deadlock detected/);
    expect(result.deadlock).toMatch(/u_to_out_: full \(1\/1\), writer blocked/);
  });
});
