// The systolic gemm model against hand-worked numbers.
import { describe, expect, it } from "vitest";
import { gemmSystolicModel, largestSystolicFit } from "../../src/report/gemm_systolic_model.js";
import { loadPlatform } from "../../src/platform/platform.js";

describe("gemmSystolicModel", () => {
  it("NPBench's gemm (40 x 44 x 48) at P=4, W=4, 300 MHz: 10 tiles of 1 + 48·11 + 4·11 cycles, plus 4", () => {
    const f = gemmSystolicModel({ n: 40, m: 44, k: 48, P: 4, W: 4, clockMHz: 300, precision: "float64", family: "xilinx-ultrascale+" });
    expect(f.cycles).toBe(5734);
    expect(f.gops).toBeCloseTo((2 * 40 * 44 * 48) / (5734 / 300e6) / 1e9, 9);
    expect(f.boundBy).toBe("compute");
    expect(f.dsps).toBe(16 * 14);
  });

  it("gemm 1024³ in double on the U280: 515 lanes fit (9,024 DSPs · 0.8 / 14), P=64 x W=8; B's re-reads from one HBM channel bound it", () => {
    const u280 = loadPlatform("u280");
    expect(largestSystolicFit(u280, 1024, 1024, "float64")).toEqual({ P: 64, W: 8 });
    const f = gemmSystolicModel({ n: 1024, m: 1024, k: 1024, P: 64, W: 8, clockMHz: u280.clockMHz, precision: "float64", family: "xilinx-ultrascale+", portBytesPerSecond: 14.375e9 });
    expect(f.cycles).toBe(16 * (1 + 1024 * 128 + 64 * 128) + 64);
    expect(f.computeSeconds * 1e3).toBeCloseTo(7.42768, 5);
    expect(f.memorySeconds * 1e3).toBeCloseTo((16 * 1024 * 1024 * 8) / 14.375e9 * 1e3, 9);
    expect(f.boundBy).toBe("memory");
    expect(f.gops).toBeCloseTo(2 * 1024 ** 3 / f.memorySeconds / 1e9, 6);
    expect(f.gops).toBeGreaterThan(229);
    expect(f.gops).toBeLessThan(231);
  });

  it("refuses a chain the sizes do not allow", () => {
    expect(() => gemmSystolicModel({ n: 40, m: 44, k: 48, P: 3, W: 4, clockMHz: 300, precision: "float64", family: "xilinx-ultrascale+" })).toThrow("does not map to P=3, W=4");
  });
});

describe("the report of a streamed gemm pipeline (P=4, W=4) uses the linear-algebra figures", () => {
  it("cycles of the slowest process (the last PE: 10 tiles of 1 + 48·11 + 4·11) plus the fill, multiply-add DSPs, 2 ops per multiply-add", async () => {
    const { streamed } = await import("../linalg/helpers.js");
    const { lowerToPipeline } = await import("../../src/spatial/lower.js");
    const { estimatePerformance } = await import("../../src/report/performance.js");
    const { estimateResources } = await import("../../src/report/resources.js");
    const u280 = loadPlatform("u280");
    const p = lowerToPipeline(streamed("gemm").bundle.sdfg, { vectorWidth: 4, replicas: 4 });
    const fill = 6 + 3 * 8 + 3 + 4; // double multiply, adder tree of 2 levels and the accumulation, I/O; then P
    expect(estimatePerformance(p, u280).cyclesPerPass).toBe(5730 + fill);
    expect(estimatePerformance(p, u280).cells * estimatePerformance(p, u280).opsPerCell).toBe(2 * 40 * 44 * 48);
    // 4 PEs x 4 lanes x 14 DSPs, and the drain's scaling: 4 lanes x 2 x 14.
    expect(estimateResources(p, u280).dsp).toBe(224 + 112);
    // On a Stratix 10 the lanes are priced by its own table: no hard double precision, a soft
    // multiplier of 4 DSPs and an adder in logic (operator_costs.ts): 16 x 4 + 4 x 2 x 4.
    expect(estimateResources(p, loadPlatform("520n")).dsp).toBe(64 + 32);
  });
});
