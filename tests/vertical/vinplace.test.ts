// An in-place vertical solver (tests/data/vinplace, written by make_vinplace.py): both sweeps
// update d, each leaving one plane unwritten and reading d at k before writing it. Each plane of
// d starts from what memory (upwards) or the upward sweep (downwards) left there; the output is
// the downward sweep's. Emulated on Intel it equals NumPy and the CPU reference.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import type { VerticalSolverNode } from "../../src/ir/sdfg.js";
import { loadSdfgBundle } from "../../src/targets/sdfg_program.js";
import { decide } from "./vadv_data.js";

const DIR = join(process.cwd(), "tests", "data", "vinplace");
const bundle = () => loadSdfgBundle(join(DIR, "vinplace.sdfg"), { symbols: { I: 5, J: 4, K: 6 }, inputsDir: DIR });

describe.concurrent("vinplace: both sweeps update the input in place", () => {
  it("each plane of d starts from memory's (upwards) or the upward sweep's (downwards) value", () => {
    const d = decide(bundle());
    if (!d.streamed) throw new Error(d.kernels.map((k) => k.reason).join("; "));
    const n = d.bundle.sdfg.states[0]!.nodes[0] as VerticalSolverNode;
    expect(n.sweeps.map((s) => [s.direction, s.phases.map((p) => [p.from, p.to])])).toEqual([["up", [[1, 5]]], ["down", [[4, 0]]]]);
    const tapOf = (s: number, name: string | undefined) => n.sweeps[s]!.taps.find((t) => t.name === name);
    const dUp = n.sweeps[0]!.values.find((v) => v.data === "d")!;
    const dDown = n.sweeps[1]!.values.find((v) => v.data === "d")!;
    expect([tapOf(0, dUp.initial)?.data, tapOf(0, dUp.initial)?.offset, dUp.previous !== undefined]).toEqual(["d", [0, 0, 0], true]);
    expect([tapOf(1, dDown.initial)?.data, dDown.previous !== undefined]).toEqual(["d", true]);
    // The upward sweep's d (and a, passed on) stream to the downward sweep; the output is the downward sweep's d.
    expect(n.sweeps[0]!.results.map((r) => r.data).sort()).toEqual(["a", "d"]);
    expect(n.outputs).toEqual([{ data: "d", array: "d_out" }]);
    expect(d.outputNames).toEqual({ d_out: "d" });
  });

  it("emulated on intel equals the CPU reference and NumPy", async () => {
    const b = bundle();
    const d = decide(b);
    if (!d.streamed) throw new Error("not streamed");
    const r = await emulateStreamedSdfg(b, d.bundle, "intel", { vectorWidth: 1, replicas: 1 }, undefined, undefined, d.outputNames ?? {});
    expect(r.failure).toBeUndefined();
    expect(r.outputs.map((o) => [o.name, o.elements, o.mismatchesVsReference, o.mismatchesVsNumpy])).toEqual([["d_out", 120, 0, 0]]);
    expect(r.ok).toBe(true);
  });
});
