// vadv streamed: the generated loops (Vitis HLS and Intel OpenCL) are written for II=1 — every
// loop of every process pipelined and saying why, the sweep PEs' only read-modify-write being the
// previous-plane arrays at the iteration's own column, declared as a true dependence of distance
// C = I*J = 100, more than the sweep's estimated arithmetic depth (Vitis DEPENDENCE, Intel ivdep safelen) — and `report --json` says every kernel is
// streamed by the vertical-solver pattern.
import { describe, expect, it } from "vitest";
import { emitLinalgVitisKernel } from "../../src/hls/vitis_linalg.js";
import { emitLinalgOpenclKernels } from "../../src/intel/linalg_kernel.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { linalgPerformance, linalgResources } from "../../src/report/linalg_figures.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { cli } from "../helpers.js";
import { decide, VADV, vadvBundle } from "./vadv_data.js";
import { functionText } from "../generated_text.js";

describe("vadv streamed: generated loops reach II=1", () => {
  const d = decide(vadvBundle());
  if (!d.streamed) throw new Error("vadv not streamed");
  const p = lowerToPipeline(d.bundle.sdfg, { vectorWidth: 1, replicas: 1 });
  const sources = {
    xilinx: emitLinalgVitisKernel(p, { sources: d.bundle.sources, programFile: "vadv.sdfg" }),
    intel: emitLinalgOpenclKernels(p, { sources: d.bundle.sources, programFile: "vadv.sdfg" }),
  };
  it.for(["xilinx", "intel"] as const)("%s", (target) => {
    for (const x of p.linalg!.processes) {
      const text = functionText(sources[target], x.name);
      const loops = text.split("\n").filter((l) => /^\s*for \(/.test(l)).length;
      expect(loops).toBeGreaterThan(0);
      // Every loop is announced with why it reaches II=1 and (Vitis) pipelined at II=1.
      expect(text.match(/\/\/ II=1: /g)?.length).toBe(loops);
      if (target === "xilinx") expect(text.match(/#pragma HLS PIPELINE II=1/g)?.length).toBe(loops);
      if (x.kind !== "column-sweep") continue;
      const carried = x.values.filter((v) => v.previous);
      expect(carried.length).toBeGreaterThan(0);
      for (const v of carried) {
        const plane = `${v.previous}_plane_`;
        // Read and written only at the iteration's column c_.
        expect([...text.matchAll(new RegExp(`${plane}\\[([^\\]]+)\\]`, "g"))].map((m) => m[1]).filter((i) => i !== "c_" && i !== "100")).toEqual([]);
        if (target === "xilinx") expect(text).toContain(`#pragma HLS DEPENDENCE variable=${plane} type=inter direction=RAW dependent=true distance=100`);
      }
      expect(x.pipelineDepth).toBeLessThanOrEqual(100);
      expect(text).toContain(`consecutive iterations touch different columns (true dependence distance 100, at least the arithmetic's estimated ${x.pipelineDepth} cycles)`);
      if (target === "intel") expect(text).toContain("#pragma ivdep safelen(100)");
    }
  });
});

describe("report: the sweeps' arithmetic", () => {
  it("counts each plane's phase over its 100 columns: 22500 operations for 800 cells", () => {
    const d = decide(vadvBundle());
    if (!d.streamed) throw new Error("vadv not streamed");
    const p = lowerToPipeline(d.bundle.sdfg, { vectorWidth: 1, replicas: 1 });
    // Operations per column by phase (tasklets as written; -0.25 is one literal): forward k=0: 15,
    // k=1..6: 27, k=7: 18; backward k=7: 2, k=6..0: 4 (the copy and the view cost nothing).
    // (15 + 6 * 27 + 18 + 2 + 7 * 4) * 100 columns = 22500.
    expect(p.linalg!.operations).toBe(22500);
    const perf = linalgPerformance(p, loadPlatform("u280"));
    expect(perf.opsPerCell).toBe(22500 / 800);
    // The widest phases (27 and 4 operations) every cycle at the clock.
    expect(perf.computeCeiling).toBeCloseTo((31 * perf.clockMHz * 1e6) / 1e9, 9);
    expect(linalgResources(p, loadPlatform("u280")).dsp).toBeGreaterThan(0);
  });
});

describe("report --json: vadv is streamed", () => {
  it("every kernel streamed by the vertical-solver pattern", async () => {
    const r = await cli(["report", VADV, "--json"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as { kind: string; kernels: { name: string; mapping: string; reason: string }[] };
    expect(j.kernels.map((k) => [k.name, k.mapping])).toEqual(["for_18", "for_33", "for_56", "for_72", "for_77"].map((n) => [n, "streamed"]));
    expect(j.kernels[1]!.reason).toContain("the previous plane of 'ccol', 'dcol' kept on chip");
  });
});
