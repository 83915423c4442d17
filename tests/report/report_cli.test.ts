// `report --json` and `--auto` through the built CLI: the JSON carries the version, every figure
// of the text and the ceilings in GOp/s; --auto's result has the agreed shape and is the design
// reported; `generate --auto` builds the design it says it chose; bad --max-util is refused.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers.js";
import { JACOBI5 } from "./programs.js";

const work = mkdtempSync(join(tmpdir(), "report-cli-"));
const program = join(work, "jacobi5.json");
writeFileSync(program, JACOBI5);
const version = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;

describe("report --json", () => {
  it("5-point Jacobi on the 520N at W = 1: version, 5 op/cell, 8 B/cell, ceilings in GOp/s, the text's figures, same bytes twice", async () => {
    const [a, b, text] = await Promise.all([
      cli(["report", program, "-p", "520n", "-W", "1", "--json"]),
      cli(["report", program, "-p", "520n", "-W", "1", "--json"]),
      cli(["report", program, "-p", "520n", "-W", "1"]),
    ]);
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const r = JSON.parse(a.stdout);
    expect(r.version).toBe(version);
    expect(r).toMatchObject({ program: "jacobi5", platform: "520n", vectorWidth: 1, replicas: 1, fits: true, maxUtil: 0.8 });
    const p = r.performance;
    expect(p).toMatchObject({ opsPerCell: 5, bytesPerCell: 8, clockMHz: 280, clockSource: "board", passes: 1, bound: "pipeline" });
    for (const k of ["gops", "intensity", "computeCeiling", "bandwidthCeilingGBs", "bandwidthCeilingGops", "rooflineGops", "fractionOfRoofline", "seconds", "gbs", "cyclesPerPass", "fillCycles"]) expect(typeof p[k]).toBe("number");
    expect(p.gops).toBeCloseTo((5 * 4096 / p.cyclesPerPass) * 0.28, 10);
    expect(p.gops).toBeLessThanOrEqual(p.rooflineGops);
    for (const u of r.resources) expect(u.used).toBeLessThanOrEqual(u.available);
    // 4 adds + 1 multiply, nothing to pair (the product is outside the sum): 5 hard-fp DSP blocks per lane.
    expect(r.lanes).toEqual([{ stencil: "b", dsp: 5, logic: 100, ff: 300 }]);
    expect(r.resources.find((u: { resource: string }) => u.resource === "dsp").used).toBe(5);
    expect(r.warnings).toContainEqual(expect.stringMatching(/board shell is NOT included/));
    // Every figure of the performance section is in the JSON.
    for (const figure of [`${p.gops.toFixed(1)} GOp/s`, `${p.computeCeiling.toFixed(1)} GOp/s (compute`, `${p.bandwidthCeilingGops.toFixed(1)} GOp/s (bandwidth ${p.bandwidthCeilingGBs.toFixed(1)} GB/s`,
      `${p.cyclesPerPass} cycles (${p.vectorsPerPass} vectors + ${p.fillCycles} fill)`, `intensity ${p.intensity.toFixed(2)} op/B`, `${p.opsPerCell} op/cell/step, ${p.bytesPerCell.toFixed(1)} B/cell`]) {
      expect(text.stdout).toContain(figure);
    }
    for (const u of r.resources) expect(text.stdout).toMatch(new RegExp(`${u.unit} +${u.used} / ${u.available}`));
  });

  it("--auto: the agreed shape, the chosen point is the one reported, the text says why", async () => {
    const [j, t] = await Promise.all([
      cli(["report", "stencils/diffusion2d_t4.json", "-p", "520n", "--auto", "--json"]),
      cli(["report", "stencils/diffusion2d_t4.json", "-p", "520n", "--auto", "--max-util", "80"]),
    ]);
    expect(j.exitCode).toBe(0);
    const r = JSON.parse(j.stdout);
    expect(r.auto.maxUtil).toBe(0.8);
    for (const c of r.auto.candidates) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(["vectorWidth", "replicas", "gops", "bound", "maxFraction", "fits"]));
    }
    expect(r.auto.candidates).toContainEqual(r.auto.best);
    expect([r.vectorWidth, r.replicas]).toEqual([r.auto.best.vectorWidth, r.auto.best.replicas]);
    expect(r.performance.gops).toBeCloseTo(r.auto.best.gops, 9);
    expect(t.stdout).toMatch(new RegExp(`chosen W=${r.auto.best.vectorWidth} +P=${r.auto.best.replicas} `));
    expect(t.stdout).toMatch(/why: most predicted GOp\/s of the \d+ of \d+ design points that fit under 80\.0 %/);
  });

  it("refuses a bad --max-util and -W with --auto in one line, exit 2", async () => {
    const [zero, both] = await Promise.all([
      cli(["report", program, "-p", "520n", "--auto", "--max-util", "0"]),
      cli(["report", program, "-p", "520n", "--auto", "-W", "4"]),
    ]);
    expect(zero.exitCode).toBe(2);
    expect(zero.stderr.trim().split("\n")).toHaveLength(1);
    expect(zero.stderr).toMatch(/--max-util must be a percentage above 0 and at most 100/);
    expect(both.exitCode).toBe(2);
    expect(both.stderr.trim()).toMatch(/--vector-width: --auto chooses W and P itself; leave out -W and -P$/);
  });
});

describe("generate --auto", () => {
  it("builds the W and P it chose and says which", async () => {
    const out = join(work, "auto_project");
    const g = await cli(["generate", "stencils/diffusion2d_t4.json", "--target", "xilinx", "-p", "u280", "--auto", "-o", out, "--json"]);
    expect(g.exitCode).toBe(0);
    const best = JSON.parse(g.stdout).auto.best;
    expect(g.stderr).toContain(`auto: chose W=${best.vectorWidth} P=${best.replicas}`);
    const readme = readFileSync(join(out, "README.md"), "utf8");
    expect(readme).toContain(`W = ${best.vectorWidth}, ${best.replicas} processing element(s)`);
  });
});

describe("the compute ceiling's text", () => {
  it("names the operations per cycle it is made of: op/cell x W x P for stencils, the processes' own for a systolic chain", async () => {
    const { SHARED } = await import("../helpers.js");
    const gemm = await cli(["report", join(SHARED, "peers", "npbench", "gemm", "gemm.sdfg"), "-P", "4"]);
    expect(gemm.exitCode, gemm.stderr).toBe(0);
    // 4 PEs x 1 lane x one multiply-add (2 op) per cycle at 280 MHz = 2.24 GOp/s.
    expect(gemm.stdout).toContain("ceilings 2.2 GOp/s (compute: 8 op per cycle of its processes x 280 MHz)");
    const jacobi = await cli(["report", "stencils/jacobi2d.json"]);
    expect(jacobi.stdout).toContain("(compute: 4 op x W 1 x P 1 x 280 MHz)");
  });
});
