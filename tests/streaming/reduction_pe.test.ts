// A hand-built reduction (SDFGBuilder) streamed as a reduction PE: y = x - rowmax(x),
// z = x / rowsum(x), on xilinx and intel at W ∈ {1, 4} and with operator latencies deeper and
// shallower than a row, emulated equal to the CPU reference exactly (the reference reduces in
// the hardware's order), within float32 tolerance of a hand computation in NumPy's order, and
// with no deadlock at the computed FIFO depths.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/data/npy.js";
import { emulate } from "../../src/emulate/emulate.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { COLS, ROWS, rowReductionBundle } from "./row_reduction.js";

describe("reduction PE (hand-built)", () => {
  it("lowers to two reduction PEs whose consumers wait a row plus the operator latency in their FIFOs", () => {
    const p = lowerToPipeline(rowReductionBundle().bundle.sdfg, { vectorWidth: 4, replicas: 1 });
    expect(p.reductions!.map((r) => [r.op, r.rowVectors, r.partials, r.drain, r.lead])).toEqual([["max", 4, 2, 2, 6], ["sum", 4, 4, 5, 9]]);
    // x reaches 'sub' through a FIFO at least as deep as the max PE's lead (else deadlock).
    const toSub = p.channels.find((c) => c.from === "read_x_" && c.to.startsWith("pe_sub"))!;
    expect(toSub.delay).toBe(6);
  });

  it.for([
    ["xilinx", 1, undefined], ["xilinx", 4, 7], ["intel", 4, undefined], ["intel", 1, 3],
  ] as const)("%s W=%i latency %s: equal to the CPU reference, and to the hand computation within float32 tolerance", async ([target, W, latency]) => {
    const { bundle, values } = rowReductionBundle();
    const out = mkdtempSync(join(tmpdir(), "rowred-"));
    try {
      const r = await emulate(bundle, { target, outputsDir: out, spatial: { vectorWidth: W, replicas: 1, ...(latency ? { reductionLatency: latency } : {}) } });
      expect(r.deadlock).toBeUndefined();
      expect(r.outputs.map((o) => [o.name, o.mismatches, o.maxAbsError])).toEqual([["y", 0, 0], ["z", 0, 0]]);
      expect(r.ok).toBe(true);
      // Independent of the order: row max and row sum in float64, within float32 rounding.
      const x = values.map((v) => Math.fround(v));
      const row = (n: number) => x.slice(Math.floor(n / COLS) * COLS, (Math.floor(n / COLS) + 1) * COLS);
      const y = decodeNpy(readFileSync(join(out, "y.npy")), "y").values;
      const z = decodeNpy(readFileSync(join(out, "z.npy")), "z").values;
      x.forEach((v, n) => {
        expect(y[n]).toBeCloseTo(v - Math.max(...row(n)), 3);
        expect(Math.abs(z[n]! - v / row(n).reduce((a, b) => a + b, 0))).toBeLessThan(1e-5 * Math.abs(z[n]!) + 1e-7);
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
