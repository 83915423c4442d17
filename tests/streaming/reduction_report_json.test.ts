// The resource estimate counts reduction PEs, and the SDFG JSON round-trips reduce nodes.
// The resource estimate counts reduction PEs: a lane tree of W - 1 operators, the accumulating
// one, a final tree of partials - 1, and the partial registers (hand-worked for the row max).
import { describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/platform.js";
import { estimateResources } from "../../src/report/resources.js";
import { sdfgFromJSON, sdfgToJSON } from "../../src/ir/serialize.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { rowReductionBundle } from "./row_reduction.js";

describe("report: reduction PEs in the resource estimate", () => {
  it("the float32 row max at W=4 (2 partials, 2 banks) adds 5 comparators: 900 LUT, 528 FF, no DSP", () => {
    const platform = loadPlatform("u280");
    const p = lowerToPipeline(rowReductionBundle().bundle.sdfg, { vectorWidth: 4, replicas: 1 });
    const withMax = estimateResources(p, platform);
    const without = estimateResources({ ...p, reductions: p.reductions!.filter((r) => r.node !== "rowmax") }, platform);
    // minmax float32: 0 DSP, 100 LUT, 20 FF per operator; 3 (lanes) + 1 + 1 (final) = 5 operators;
    // 400 LUT / 300 FF of control; 2 banks × 2 partials × 32 bits of registers.
    expect({ lut: withMax.lut - without.lut, ff: withMax.ff - without.ff, dsp: withMax.dsp - without.dsp }).toEqual({ lut: 5 * 100 + 400, ff: 5 * 20 + 300 + 2 * 2 * 32, dsp: 0 });
  });
});

describe("serialization: the SDFG JSON every project carries round-trips reduce nodes", () => {
  it("rowred", () => {
    const { sdfg } = rowReductionBundle().bundle;
    expect(sdfgFromJSON(sdfgToJSON(sdfg))).toEqual(sdfg);
    expect(sdfg.states[0]!.nodes.filter((n) => n.kind === "reduce")).toHaveLength(3);
  });
});
