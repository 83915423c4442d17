// A second vertical solver (tests/data/vrecur, written by make_vrecur.py): one upward sweep, a
// recurrence on a program output (out[k] from out[k - 1]), a tap on the neighbouring column along
// j (c has J + 1 columns). The pass raises it without a plane reversal, the reader's j + 1 tap
// leads by one read, and the emulated Xilinx kernel equals NumPy and the CPU reference.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import { emitLinalgVitisKernel } from "../../src/hls/vitis_linalg.js";
import type { VerticalSolverNode } from "../../src/ir/sdfg.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { loadSdfgBundle } from "../../src/targets/sdfg_program.js";
import { decide } from "./vadv_data.js";

const DIR = join(process.cwd(), "tests", "data", "vrecur");
const bundle = () => loadSdfgBundle(join(DIR, "vrecur.sdfg"), { symbols: { I: 4, J: 6, K: 8 }, inputsDir: DIR });

describe.concurrent("vrecur: a one-sweep vertical solver", () => {
  it("raises one upward sweep whose recurrence is the output itself; lowers without a reversal", () => {
    const d = decide(bundle());
    if (!d.streamed) throw new Error(d.kernels.map((k) => k.reason).join("; "));
    const n = d.bundle.sdfg.states[0]!.nodes[0] as VerticalSolverNode;
    expect(n.sweeps.map((s) => [s.direction, s.phases.map((p) => [p.from, p.to])])).toEqual([["up", [[0, 0], [1, 7]]]]);
    expect(n.sweeps[0]!.values.map((v) => [v.data, v.previous !== undefined])).toEqual([["out", true]]);
    expect(n.outputs).toEqual([{ data: "out", array: "out" }]);
    const p = lowerToPipeline(d.bundle.sdfg, { vectorWidth: 1, replicas: 1 });
    expect(p.linalg!.processes.map((x) => x.kind).sort()).toEqual(["column-sweep", "plane-reader", "plane-reader", "plane-reader", "plane-writer"]);
    // c (4 x 7 x 8): the tap at j + 1 leads the one at j by one read.
    const c = p.linalg!.processes.find((x) => x.kind === "plane-reader" && x.array === "c");
    if (c?.kind !== "plane-reader") throw new Error("no reader of c");
    expect(c.taps.map((t) => [t.offset.join(), p.linalg!.channels.find((ch) => ch.name === t.channel)!.delay]).sort()).toEqual([["0,0,0", 1], ["0,1,0", 0]]);
    // 4 x 6 = 24 columns per plane are fewer than the recurrence's estimated 25 cycles of
    // arithmetic: the generated loop says it requests II=1 and expects II=2, not that it reaches II=1.
    const sweep = p.linalg!.processes.find((x) => x.kind === "column-sweep")!;
    expect(sweep.kind === "column-sweep" && sweep.pipelineDepth).toBe(25);
    const text = emitLinalgVitisKernel(p, { sources: d.bundle.sources, programFile: "vrecur.sdfg" });
    expect(text).toContain("// II=1 requested: one column of plane k_ per iteration.");
    expect(text).toContain("the arithmetic is estimated 25 cycles deep, more than the 24 columns of a plane: expect the tools to schedule II=2 unless the planes are wider.");
  });

  // One vendor here (vadv covers both): its kernels and the reference are two g++ builds.
  it.for(["xilinx"] as const)("emulated on %s equals the CPU reference and NumPy", async (target, { expect: check }) => {
    const b = bundle();
    const d = decide(b);
    if (!d.streamed) throw new Error("not streamed");
    const r = await emulateStreamedSdfg(b, d.bundle, target, { vectorWidth: 1, replicas: 1 }, undefined, undefined, d.outputNames ?? {});
    check(r.failure).toBeUndefined();
    check(r.outputs.map((o) => [o.name, o.elements, o.mismatchesVsReference, o.mismatchesVsNumpy])).toEqual([["out", 192, 0, 0]]);
    check(r.ok).toBe(true);
  });
});
