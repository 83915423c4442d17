// The computed FIFO delays are tight: with every FIFO at its computed delay the emulation
// finishes and matches the reference, and shrinking one FIFO below it makes the emulation
// report a deadlock (naming the full FIFO) instead of hanging.
//
// With every FIFO at exactly its delay, a FIFO can still be short by up to two elements: the
// threads on the short path each hold one element in hand (read, not yet written on). Three
// below the delay leaves no such slack.
import { describe, expect, it } from "vitest";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";

process.env.SDFG_SIM_DEADLOCK_MS ??= "500";
const spatial = { vectorWidth: 1, replicas: 1 };

describe.each([
  ["stencils/hdiff.json", "u_to_out_"],
  ["../shared/peers/stencilflow/horidiff_min_ext.json", "k0_to_k3_"],
])("%s", (file, channel) => {
  const bundle = loadProgram(file);
  const pipeline = lowerToPipeline(bundle.sdfg, spatial);

  it(`${channel} has a reconvergent-path delay`, () => {
    const ch = pipeline.channels.find((c) => c.name === channel);
    expect(ch, pipeline.channels.map((c) => `${c.name}:${c.delay}`).join(" ")).toBeDefined();
    expect(ch!.delay).toBeGreaterThan(2);
  });

  const exact = Object.fromEntries(pipeline.channels.map((c) => [c.name, Math.max(1, c.delay)]));

  it("runs with every FIFO exactly at its computed delay", async () => {
    const r = await emulate(bundle, { target: "xilinx", spatial, depthOverrides: exact });
    expect(r.deadlock).toBeUndefined();
    expect(r.ok).toBe(true);
  });

  it(`deadlocks, and says so, when ${channel} is three below its delay`, async () => {
    const depth = pipeline.channels.find((c) => c.name === channel)!.delay - 3;
    const r = await emulate(bundle, { target: "xilinx", spatial, depthOverrides: { ...exact, [channel]: depth } });
    expect(r.ok).toBe(false);
    expect(r.deadlock).toMatch(/deadlock detected/);
    expect(r.deadlock).toMatch(new RegExp(`${channel}: full \\(${depth}/${depth}\\)`));
  });
});
