// Reduce nodes beyond emulation: the resource estimate counts reduction PEs (a lane tree of W - 1
// operators, the accumulating one, a final tree of partials - 1, and the partial registers;
// hand-worked for the row max), the SDFG JSON round-trips them, validation names malformed ones.
import { describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/platform.js";
import { estimateResources } from "../../src/report/resources.js";
import { sdfgFromJSON, sdfgToJSON } from "../../src/ir/serialize.js";
import { validateSDFG } from "../../src/ir/validate.js";
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

describe("validation of reduce nodes", () => {
  it("names a reduction over more axes than the domain has, and an output of the wrong shape", () => {
    const { sdfg } = rowReductionBundle().bundle;
    const bad = structuredClone(sdfg);
    const red = bad.states[0]!.nodes.find((n) => n.kind === "reduce" && n.label === "rowmax")!;
    if (red.kind !== "reduce") throw new Error("no reduce");
    red.reducedAxes = 3;
    expect(validateSDFG(sdfg)).toEqual([]);
    expect(validateSDFG(bad).map((i) => i.message)).toEqual(["reduction 'rowmax' reduces 3 trailing axes of a 2-axis domain"]);
    const wrongShape = structuredClone(sdfg);
    wrongShape.arrays.m = { kind: "array", dtype: "float32", shape: [7], transient: false, storage: "default" };
    expect(validateSDFG(wrongShape).map((i) => i.message)).toEqual(["reduction 'rowmax' writes 'm', which is not an array of the reduced shape 6"]);
  });
});
