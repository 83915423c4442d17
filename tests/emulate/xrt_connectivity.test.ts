// Item 1 of issue 7: a time loop swaps the buffers of two kernel ports between passes. On the
// board that works only when both ports reach both buffers' banks; the emulated host models
// XRT's connectivity, so the old link.cfg (u on HBM[0], out on HBM[2]) fails the run.
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/frontend/load_program.js";
import { emulate } from "../../src/emulate/emulate.js";

const t7 = loadProgram("stencils/hdiff_t7.json");
const spatial = { vectorWidth: 8, replicas: 2 };

describe("XRT bank connectivity in the emulation of a time loop", () => {
  it("fails the run when the ping-pong ports sit on unconnected banks (the old link.cfg)", async () => {
    const r = await emulate(t7, { target: "xilinx", spatial, connectivityOverride: { u: ["HBM[0]"], out: ["HBM[2]"] } });
    expect(r.ok).toBe(false);
    expect(r.connectivityError).toMatch(/buffer 'out' lives in HBM\[2\] but is passed to argument 0 'u' of top, which link\.cfg connects to HBM\[0\] only/);
  }, 240_000);

  it("passes with the generated connectivity: u and out share a bank range", async () => {
    const r = await emulate(t7, { target: "xilinx", spatial });
    expect(r.connectivityError).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.outputs.map((o) => [o.name, o.mismatches])).toEqual([["out", 0]]);
  }, 240_000);
});
