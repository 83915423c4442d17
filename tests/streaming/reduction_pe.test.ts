// Hand-built reductions (SDFGBuilder) streamed as reduction PEs: m = rowmax(x) and total = sum(x)
// written to memory, y = x - rowmax(x), z = x / rowsum(x); on xilinx and intel at W ∈ {1, 4} and
// with operator latencies shorter and longer than a row, emulated equal to the CPU reference
// exactly (the reference reduces in the hardware's order), within float32 tolerance of a
// computation in float64, and with no deadlock at the computed FIFO depths.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/data/npy.js";
import { emulate } from "../../src/emulate/emulate.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { COLS, ROWS, rowReductionBundle } from "./row_reduction.js";

describe("reduction PE (hand-built)", () => {
  it("lowers to reduction PEs whose consumers wait a row plus the operator latency in their FIFOs, and writers of one element per row", () => {
    const p = lowerToPipeline(rowReductionBundle().bundle.sdfg, { vectorWidth: 4, replicas: 1 });
    // float32 latencies (op_latency.ts): max 2 cycles, add 5; rows of 16 / 4 = 4 vectors, all of 96 / 4 = 24.
    expect(p.reductions!.map((r) => [r.node, r.rowVectors, r.partials, r.drain, r.banks, r.lead])).toEqual([
      ["rowmax", 4, 2, 2, 2, 6], ["allsum", 24, 5, 5, 2, 29], ["rowsum", 4, 4, 5, 3, 9],
    ]);
    expect(p.writers.map((w) => [w.array, w.rowVectors])).toEqual([["m", 4], ["total", 24], ["y", undefined], ["z", undefined]]);
    // x reaches 'sub' through a FIFO at least as deep as the max PE's lead (else deadlock).
    const toSub = p.channels.find((c) => c.from === "read_x_" && c.to.startsWith("pe_sub"))!;
    expect(toSub.delay).toBe(6);
  });

  it.for([
    // W=1: rows of 16 vectors, float32 latencies (add 5, max 2); W=4 with a 7-cycle operator:
    // rows of 4 vectors, shorter than the latency (3 banks); the property test draws more.
    ["xilinx", 1, undefined], ["intel", 4, 7],
  ] as const)("%s W=%i latency %s: equal to the CPU reference, and to the hand computation within float32 tolerance", async ([target, W, latency]) => {
    const { bundle, values } = rowReductionBundle();
    const out = mkdtempSync(join(tmpdir(), "rowred-"));
    try {
      const r = await emulate(bundle, { target, outputsDir: out, spatial: { vectorWidth: W, replicas: 1, ...(latency ? { reductionLatency: latency } : {}) } });
      expect(r.deadlock).toBeUndefined();
      expect(r.outputs.map((o) => [o.name, o.elements, o.mismatches, o.maxAbsError])).toEqual([["m", ROWS, 0, 0], ["total", 1, 0, 0], ["y", ROWS * COLS, 0, 0], ["z", ROWS * COLS, 0, 0]]);
      expect(r.ok).toBe(true);
      // Independent of the order: row max and row sum in float64, within float32 rounding.
      const x = values.map((v) => Math.fround(v));
      const row = (n: number) => x.slice(Math.floor(n / COLS) * COLS, (Math.floor(n / COLS) + 1) * COLS);
      const y = decodeNpy(readFileSync(join(out, "y.npy")), "y").values;
      const z = decodeNpy(readFileSync(join(out, "z.npy")), "z").values;
      const m = decodeNpy(readFileSync(join(out, "m.npy")), "m").values;
      const total = decodeNpy(readFileSync(join(out, "total.npy")), "total").values;
      expect([...m]).toEqual(Array.from({ length: ROWS }, (_, i) => Math.max(...row(i * COLS))));
      const sum = x.reduce((a, b) => a + b, 0);
      expect(Math.abs(total[0]! - sum)).toBeLessThan(1e-5 * Math.abs(sum));
      x.forEach((v, n) => {
        expect(y[n]).toBeCloseTo(v - Math.max(...row(n)), 3);
        expect(Math.abs(z[n]! - v / row(n).reduce((a, b) => a + b, 0))).toBeLessThan(1e-5 * Math.abs(z[n]!) + 1e-7);
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
