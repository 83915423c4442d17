// GPU boards as data (platforms/gpu/, zod-validated, sources cited) and the roofline of the CUDA
// version that `report --platform h100|h200|a100` prints beside the FPGA estimate.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram, parseProgram } from "../../src/frontend/load_program.js";
import { UserError } from "../../src/ir/diagnostics.js";
import { findGpuPlatform, GPU_PLATFORMS_DIR, listGpuPlatforms, loadGpuPlatformFile } from "../../src/platform/gpu_platform.js";
import { gpuRoofline } from "../../src/report/gpu_roofline.js";
import { cli } from "../helpers.js";

const h200 = findGpuPlatform("h200")!;

function brokenCopy(file: string, edit: (j: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "gpu-platforms-"));
  for (const f of readdirSync(GPU_PLATFORMS_DIR)) copyFileSync(join(GPU_PLATFORMS_DIR, f), join(dir, f));
  const j = JSON.parse(readFileSync(join(dir, file), "utf8"));
  edit(j);
  writeFileSync(join(dir, file), JSON.stringify(j));
  return join(dir, file);
}

function errorOf(f: () => unknown): UserError {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return e as UserError; }
  throw new Error("expected a UserError");
}

describe("GPU boards", () => {
  it("a100, h100 and h200 validate, each with its sources and architecture", () => {
    expect(listGpuPlatforms().map((g) => [g.shortName, g.arch, g.sms])).toEqual([["a100", "sm_80", 108], ["h100", "sm_90", 132], ["h200", "sm_90", 132]]);
    for (const g of listGpuPlatforms()) {
      expect(g.source.length).toBeGreaterThan(0);
      expect(g.source.some((s) => /datasheet/i.test(s))).toBe(true);
    }
    expect(h200.memory.bandwidthGBs).toBe(4800);
    expect(findGpuPlatform("NVIDIA H100 SXM5 80GB")!.shortName).toBe("h100");
    expect(findGpuPlatform("u280")).toBeNull();
  });

  it("a malformed board file is refused with its file and JSON path", () => {
    const neg = brokenCopy("h200.json", (j) => { j.sms = -1; });
    expect(errorOf(() => loadGpuPlatformFile(neg)).where).toBe(`${neg}: $.sms`);
    const extra = brokenCopy("h100.json", (j) => { j.lut = 5; });
    expect(errorOf(() => loadGpuPlatformFile(extra)).message).toMatch(/lut/);
    const noSource = brokenCopy("a100.json", (j) => { j.source = []; });
    expect(errorOf(() => loadGpuPlatformFile(noSource)).where).toBe(`${noSource}: $.source`);
    const renamed = brokenCopy("a100.json", (j) => { j.shortName = "a800"; });
    expect(errorOf(() => loadGpuPlatformFile(renamed)).where).toBe(`${renamed}: $.shortName`);
  });
});

describe("GPU roofline", () => {
  it("jacobi3d: 8 bytes and 7 operations per cell, memory-bound at the board's bandwidth", () => {
    const r = gpuRoofline(loadProgram("stencils/jacobi3d.json").sdfg, h200);
    expect(r.bytesPerCell).toBe(8);
    expect(r.opsPerCell).toBe(7);
    expect(r.bound).toBe("memory");
    expect(r.seconds).toBeCloseTo((32 * 32 * 32 * 8) / 4.8e12, 15);
    expect(r.gbs).toBeCloseTo(4800, 6);
  });

  it("hdiff: each kernel reads its arrays once and writes its output (8 + 12 + 12 + 20 bytes per cell)", () => {
    const r = gpuRoofline(loadProgram("stencils/hdiff.json").sdfg, h200);
    expect(r.kernels.map((k) => [k.stencil, k.bytesPerCell])).toEqual([["lap", 8], ["flx", 12], ["fly", 12], ["out", 20]]);
    expect(r.bytesPerCell).toBe(52);
  });

  it("a float64 stencil of 15 op/B is compute-bound on the fp64 peak, though fp32 would not be", () => {
    const terms = Array.from({ length: 120 }, () => "a[j,k]").join(" * ");
    const bundle = parseProgram(JSON.stringify({
      inputs: { a: { data: "constant:1", data_type: "float64" } }, outputs: ["b"], dimensions: [64, 64],
      program: { b: { computation_string: `b = ${terms} + 1.0`, data_type: "float64" } },
    }), "heavy.json", ".");
    const r = gpuRoofline(bundle.sdfg, h200);
    expect(r.opsPerCell).toBe(120);
    expect(r.intensity).toBe(120 / 16);
    expect(r.kernels[0]!.attainableGflops).toBe(h200.peakGflops.float64);
    expect(r.bound).toBe("compute");
  });

  it("report --platform h200 prints the GPU roofline next to the U280 estimate; --json carries both", async () => {
    const t = await cli(["report", "stencils/hdiff.json", "--platform", "h200"]);
    expect(t.exitCode, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^hdiff on NVIDIA H200 SXM 141GB \(CUDA, -arch=sm_90\)/);
    expect(t.stdout).toMatch(/all kernels: 52\.0 B\/cell/);
    expect(t.stdout).toMatch(/FPGA beside it: Alveo U280, W = 1, P = 1/);
    const j = await cli(["report", "stencils/hdiff_t7.json", "--platform", "a100", "--json"]);
    expect(j.exitCode, j.stderr).toBe(0);
    const parsed = JSON.parse(j.stdout);
    expect(parsed.gpu.platform).toBe("a100");
    expect(parsed.gpu.timeSteps).toBe(7);
    expect(parsed.fpga.platform).toBe("u280");
  });
});
