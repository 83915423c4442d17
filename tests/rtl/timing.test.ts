// What only a cycle-accurate model shows: the pipeline moves W elements per cycle (5-point Jacobi
// at 512 x 512 within 10 % of cells / W cycles), and a FIFO shallower than its reconvergent-path
// delay deadlocks — reported with the FIFO named, not a hang.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";

describe("5-point Jacobi at 512 x 512", () => {
  const dir = mkdtempSync(join(tmpdir(), "rtl-jacobi-"));
  const file = join(dir, "jacobi5_512.json");
  writeFileSync(file, JSON.stringify({
    inputs: { a: { data: "constant:1.5", data_type: "float32" } },
    outputs: ["b"],
    dimensions: [512, 512],
    program: {
      b: {
        computation_string: "b = 0.2 * (a[j,k] + a[j-1,k] + a[j+1,k] + a[j,k-1] + a[j,k+1])",
        boundary_conditions: { a: { type: "constant", value: 0.0 } },
        data_type: "float32",
      },
    },
  }));

  it.each([[1, 262_144], [4, 65_536]])("W = %i: cycles within 10 percent of %i", async (W, expected) => {
    const r = await emulate(loadProgram(file), { target: "rtl", spatial: { vectorWidth: W, replicas: 1 } });
    expect(r.ok).toBe(true);
    const cycles = r.rtl!.cycles;
    expect(Math.abs(cycles - expected) / expected).toBeLessThan(0.1);
    // The fill is the window lead (one row) plus the arithmetic: well under a row of extra cycles per W.
    expect(r.rtl!.ideal_cycles).toBeGreaterThan(expected);
    expect(r.rtl!.efficiency).toBeGreaterThan(0.99);
  });
});

describe("a too-shallow FIFO", () => {
  it("deadlocks hdiff when u_to_out_ is three vectors below its reconvergent-path delay, and names it as full", async () => {
    const bundle = loadProgram("stencils/hdiff.json");
    const spatial = { vectorWidth: 1, replicas: 1 };
    const channel = lowerToPipeline(bundle.sdfg, spatial).channels.find((c) => c.name === "u_to_out_")!;
    expect(channel.delay).toBeGreaterThan(3);
    const depth = channel.delay - 3;
    const r = await emulate(bundle, { target: "rtl", spatial, depthOverrides: { u_to_out_: depth }, rtl: { budget: 50_000 } });
    expect(r.ok).toBe(false);
    expect(r.deadlock).toMatch(/deadlock detected: pass 1 did not finish within 50000 cycles/);
    expect(r.deadlock).toContain(`u_to_out_: full (${depth}/${depth})`);
  });
});
