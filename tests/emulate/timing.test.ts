// emulate reports how many cells it computed and how long the kernel (for --target cpu: the
// reference's computation) ran, for every target; the CLI's --json carries the same fields.
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";

const spatial = { vectorWidth: 1, replicas: 1 };

describe("emulation timing fields", () => {
  it.each(["cpu", "xilinx", "intel"] as const)("%s: cells, build and run seconds, cells per second", async (target) => {
    const r = await emulate(loadProgram("stencils/jacobi2d.json"), { target, spatial });
    expect(r.ok).toBe(true);
    expect(r.cells).toBe(128 * 128);
    expect(r.buildSeconds).toBeGreaterThanOrEqual(0);
    expect(r.runSeconds).toBeGreaterThan(0);
    expect(r.cellsPerSecond).toBeCloseTo(r.cells! / r.runSeconds!, 0);
    expect(r.cpuSeconds).toBeGreaterThan(0);
  });

  it("counts every time step of a time loop", async () => {
    // diffusion2d_t4: 4 steps over 128 x 128.
    const r = await emulate(loadProgram("stencils/diffusion2d_t4.json"), { target: "cpu", spatial });
    expect(r.cells).toBe(4 * 128 * 128);
  });

  it("emulate --json --target cpu prints the fields", async () => {
    const r = await execa("node", ["dist/src/cli/main.js", "emulate", "stencils/jacobi2d.json", "--target", "cpu", "--json"], { reject: false });
    expect(r.exitCode).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(json.cells).toBe(16384);
    for (const k of ["buildSeconds", "runSeconds", "cellsPerSecond"]) expect(typeof json[k], k).toBe("number");
  });
});
