// vadv at W > 1 (spatial/linalg/lower_vertical.ts): W neighbouring columns along j per cycle,
// each lane its own recurrence, the 3-D arrays plane-major on the device (the hosts reorder them).
// Emulated at W=2 on Xilinx and Intel it equals NumPy's utens_stage.out.npy and the CPU reference
// (two g++ builds; the reference is W=1's, shared with vadv_emulation.test.ts through the cache).
// The lowering (word-sized FIFO delays), the generated loops (dependence distance C / W), the
// cycle model and the refusals of a W that does not divide the columns are checked without g++.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import { emitLinalgVitisKernel } from "../../src/hls/vitis_linalg.js";
import { UserError } from "../../src/ir/diagnostics.js";
import { emitLinalgOpenclKernels } from "../../src/intel/linalg_kernel.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { linalgCycles, linalgPerformance, processCycles } from "../../src/report/linalg_figures.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { loadSdfgBundle } from "../../src/targets/sdfg_program.js";
import { functionText } from "../generated_text.js";
import { decide, VADV_OPS, vadvBundle } from "./vadv_data.js";
import { freshIdentifiers } from "../../src/spatial/streaming/safe_names.js";
import { cli } from "../helpers.js";

function streamed() {
  const b = vadvBundle();
  const d = decide(b);
  if (!d.streamed) throw new Error(d.kernels.map((k) => k.reason).join("; "));
  return { b, d };
}

function refusal(f: () => unknown): string {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as Error).message; }
  throw new Error("not refused");
}

/** vadv_ops.sdfg: the same program in DaCe's one-map-per-operation form (make_vadv.py says how). */
function streamedOps() {
  const b = vadvBundle(VADV_OPS);
  const d = decide(b);
  if (!d.streamed) throw new Error(d.kernels.map((k) => k.reason).join("; "));
  return { b, d };
}

describe.concurrent("vadv streamed at W=2 emulated equals NumPy", () => {
  // Xilinx takes DaCe's per-operation form (its temporaries' long names, datacol written through
  // its view of dcol), Intel the fused one: one g++ build each.
  it.for(["xilinx", "intel"] as const)("%s: equal to the CPU reference and to NumPy", async (target, { expect: check }) => {
    const { b, d } = target === "xilinx" ? streamedOps() : streamed();
    const r = await emulateStreamedSdfg(b, d.bundle, target, { vectorWidth: 2, replicas: 1 }, undefined, undefined, d.outputNames ?? {});
    check(r.failure).toBeUndefined();
    check(r.road).toBe("streamed");
    check(r.outputs.map((o) => [o.name, o.elements, o.mismatchesVsReference, o.mismatchesVsNumpy, o.numpyFile])).toEqual([["utens_stage_out", 800, 0, 0, "utens_stage.out.npy"]]);
    check(r.ok).toBe(true);
  });
});

describe("vadv lowered at W > 1", () => {
  it("W=2: wide FIFOs whose delays count words, plane-major readers and writer", () => {
    const p = lowerToPipeline(streamed().d.bundle.sdfg, { vectorWidth: 2, replicas: 1 });
    expect(p.vectorWidth).toBe(2);
    expect(p.linalg!.channels.every((c) => c.wide)).toBe(true);
    // In words of 2 elements: u_stage (10x10x8) k+1 leads by 50 words, k by 0, k-1 by -50; wcon
    // (11x10x8) (1,0,1) by (110 + 10) / 2 = 60, (0,0,1) by 55, (1,0,0) by 5, (0,0,0) by 0.
    const delays = (array: string) => {
      const r = p.linalg!.processes.find((x) => x.kind === "plane-reader" && x.array === array);
      if (r?.kind !== "plane-reader") throw new Error(array);
      return r.taps.map((t) => [t.offset.join(), p.linalg!.channels.find((c) => c.name === t.channel)!.delay]).sort();
    };
    expect(delays("u_stage")).toEqual([["0,0,-1", 100], ["0,0,0", 50], ["0,0,1", 0]]);
    expect(delays("wcon")).toEqual([["0,0,0", 60], ["0,0,1", 5], ["1,0,0", 55], ["1,0,1", 0]]);
    expect(p.readers.map((r) => [r.array, r.planeMajor, r.axes.includes(2)]).sort()).toEqual(["u_pos", "u_stage", "utens", "utens_stage", "wcon"].map((a) => [a, true, true]));
    expect(p.writers.map((w) => [w.array, w.planeMajor])).toEqual([["utens_stage_out", true]]);
    // W=1 keeps NumPy's layout.
    const one = lowerToPipeline(streamed().d.bundle.sdfg, { vectorWidth: 1, replicas: 1 });
    expect([...one.readers, ...one.writers].some((x) => x.planeMajor)).toBe(false);
  });

  it("cycle model: each process moves one word per cycle, so W=2 and W=5 divide every process's cycles", () => {
    const sdfg = streamed().d.bundle.sdfg;
    const at = (W: number) => lowerToPipeline(sdfg, { vectorWidth: W, replicas: 1 });
    const one = at(1);
    for (const W of [2, 5]) {
      const p = at(W);
      p.linalg!.processes.forEach((x, n) => expect(processCycles(x, W)).toBe(processCycles(one.linalg!.processes[n]!, 1) / W));
      // The plane reversals are the slowest: every plane stored, then sent (2 x 8 planes x 100 columns / W).
      const fill = linalgCycles(one) - 1600;
      expect(linalgCycles(p)).toBe(1600 / W + fill);
      const perf = linalgPerformance(p, loadPlatform("u280"));
      expect(perf.cyclesPerPass).toBe(1600 / W + fill);
      // The same operations and bytes in fewer cycles; W lanes of arithmetic.
      expect(perf.opsPerCell).toBe(22500 / 800);
      expect(perf.bytes).toBe(linalgPerformance(one, loadPlatform("u280")).bytes);
      expect(perf.computeCeiling).toBeCloseTo(W * linalgPerformance(one, loadPlatform("u280")).computeCeiling, 9);
    }
  });

  // At these sizes a plane has 50 words: the backward sweep's arithmetic (31 cycles) fits, the
  // forward sweep's (84 cycles) does not, and its loop says it expects II=2 (wider planes reach II=1).
  it("report --json -W 2 (DaCe's form): streamed by the vertical-solver pattern, 800 / 2 cycles of the reversals plus the fill", async () => {
    const r = await cli(["report", VADV_OPS, "--json", "-W", "2"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as { kind: string; pattern: string; vectorWidth: number; performance: { cyclesPerPass: number; fillCycles: number }; kernels: { mapping: string }[] };
    expect([j.kind, j.pattern, j.vectorWidth]).toEqual(["streamed", "vertical-solver", 2]);
    expect(j.kernels.map((k) => k.mapping)).toEqual(Array(5).fill("streamed"));
    expect(j.performance.cyclesPerPass - j.performance.fillCycles).toBe(800);
  });

  it.for(["xilinx", "intel"] as const)("%s at W=2: every loop pipelined, the previous planes a true dependence of C / W = 50 words", (target) => {
    const { d } = streamed();
    const p = lowerToPipeline(d.bundle.sdfg, { vectorWidth: 2, replicas: 1 });
    const info = { sources: d.bundle.sources, programFile: "vadv.sdfg" };
    const source = target === "xilinx" ? emitLinalgVitisKernel(p, info) : emitLinalgOpenclKernels(p, info);
    for (const x of p.linalg!.processes) {
      const text = functionText(source, x.name);
      const loops = text.split("\n").filter((l) => /^\s*for \(/.test(l)).length;
      expect(text.match(/\/\/ II=1( requested)?: /g)?.length).toBe(loops);
      if (target === "xilinx") expect(text.match(/#pragma HLS PIPELINE II=1/g)?.length).toBe(loops);
      if (x.kind === "plane-reader") expect(text).toMatch(new RegExp(`= ${x.array}\\[\\(k_ \\* ${x.shape[0]} \\+ i_\\) \\* ${x.shape[1] / 2} \\+ jv_\\];`));
      if (x.kind !== "column-sweep") continue;
      // Two lanes, each its own copy of the plane code.
      expect(text.match(/\/\* lane \d: column c_ \* 2 \+ \d \*\//g)).toEqual(["/* lane 0: column c_ * 2 + 0 */", "/* lane 1: column c_ * 2 + 1 */"]);
      for (const v of x.values.filter((y) => y.previous)) {
        const plane = `${v.previous}_plane_`;
        expect([...text.matchAll(new RegExp(`${plane}\\[([^\\]]+)\\]`, "g"))].map((m) => m[1]).filter((i) => i !== "c_" && i !== "50")).toEqual([]);
        if (target === "xilinx") expect(text).toContain(`#pragma HLS DEPENDENCE variable=${plane} type=inter direction=RAW dependent=true distance=50`);
      }
      expect([x.name, x.pipelineDepth]).toEqual(x.direction === "up" ? ["sweep0_", 84] : ["sweep1_", 31]);
      if (x.direction === "down") expect(text).toContain(`// II=1: one word of 2 columns of plane k_ per iteration, the lanes side by side. The previous planes are read and rewritten at word c_ only, which the next plane reaches 50 iterations later: consecutive iterations touch different words (true dependence distance 50, at least the arithmetic's estimated 31 cycles).`);
      else expect(text).toContain("// II=1 requested: one word of 2 columns of plane k_ per iteration, the lanes side by side. The previous planes are read and rewritten at word c_ only, which the next plane reaches 50 iterations later: consecutive iterations touch different words (true dependence distance 50), but the arithmetic is estimated 84 cycles deep, more than the 50 words of a plane: expect the tools to schedule II=2 unless the planes are wider.");
      if (target === "intel") expect(text).toContain("#pragma ivdep safelen(50)");
    }
  });
});

describe("vertical solvers: a W that does not divide the columns is refused, naming the size", () => {
  it("vadv: W=3 and W=4 do not divide J=10; P stays refused", () => {
    const sdfg = streamed().d.bundle.sdfg;
    expect(refusal(() => lowerToPipeline(sdfg, { vectorWidth: 3, replicas: 1 }))).toBe("--vector-width: W=3 does not divide J=10, the 10 columns along j a vertical solver streams W at a time");
    expect(refusal(() => lowerToPipeline(sdfg, { vectorWidth: 4, replicas: 1 }))).toBe("--vector-width: W=4 does not divide J=10, the 10 columns along j a vertical solver streams W at a time");
    expect(refusal(() => lowerToPipeline(sdfg, { vectorWidth: 2, replicas: 2 }))).toBe("--replicas: P=2: a vertical solver has no time loop or systolic chain to replicate (W > 1 runs its columns side by side)");
  });

  it("vrecur: its input c has J + 1 = 7 columns (read at j + 1), which W=2 does not divide", () => {
    const dir = join(process.cwd(), "tests", "data", "vrecur");
    const d = decide(loadSdfgBundle(join(dir, "vrecur.sdfg"), { symbols: { I: 4, J: 6, K: 8 }, inputsDir: dir }));
    if (!d.streamed) throw new Error("vrecur not streamed");
    expect(refusal(() => lowerToPipeline(d.bundle.sdfg, { vectorWidth: 2, replicas: 1 }))).toBe("--vector-width: W=2 does not divide the 7 columns along j of 'c' (a vertical solver reads W of them as one word)");
  });
});

describe("vadv in DaCe's per-operation form (vadv_ops.sdfg)", () => {
  it("raises the same two sweeps, the back substitution updating dcol through the view datacol", () => {
    const { d } = streamedOps();
    const n = d.bundle.sdfg.states[0]!.nodes[0];
    if (n?.kind !== "vertical-solver") throw new Error("no vertical solver");
    expect(n.sweeps.map((s) => [s.direction, s.phases.map((p) => [p.from, p.to])])).toEqual([["up", [[0, 0], [1, 6], [7, 7]]], ["down", [[7, 7], [6, 0]]]]);
    expect(n.sweeps.map((s) => s.values.filter((v) => v.previous).map((v) => v.data))).toEqual([["ccol", "dcol"], ["data_col"]]);
    // dcol's plane starts from the forward sweep's before datacol (its view) overwrites it.
    const dcol = n.sweeps[1]!.values.find((v) => v.data === "dcol");
    expect(n.sweeps[1]!.taps.find((t) => t.name === dcol?.initial)?.data).toBe("dcol");
    expect(n.outputs).toEqual([{ data: "utens_stage", array: "utens_stage_out" }]);
  });

  it("DaCe's long temporary names get fresh identifiers within 64 characters", () => {
    const fresh = freshIdentifiers(new Set<string>(), "x");
    const long = "dtr_stage_times_u_pos_slice_1_plus_utens_slice_plus_utens_stage_slice";
    const names = [fresh(long, "v_"), fresh(long, "v_"), fresh(`${long}_0`, "v_")];
    for (const x of names) expect(x.length).toBeLessThanOrEqual(64);
    expect(new Set(names).size).toBe(3);
    expect(names[0]).toBe(`v_${long}`.slice(0, 64));
    expect(names[1]).toBe(`v_${long}`.slice(0, 63) + "2");
  });
});
