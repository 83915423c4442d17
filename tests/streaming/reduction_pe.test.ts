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
import { SDFGBuilder } from "../../src/ir/builder.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { streamBundle } from "../../src/spatial/streaming/stream_bundle.js";
import type { Expr } from "../../src/ir/expr.js";

const ROWS = 6;
const COLS = 16;
const at = (field: string): Expr => ({ kind: "access", field, offset: [0, 0] });

export function rowReductionBundle() {
  const sdfg = new SDFGBuilder("rowred")
    .addArray("x", "float32", [ROWS, COLS])
    .addArray("m", "float32", [ROWS], { transient: true })
    .addArray("s", "float32", [ROWS], { transient: true })
    .addArray("y", "float32", [ROWS, COLS])
    .addArray("z", "float32", [ROWS, COLS])
    .addReduce({ label: "rowmax", dtype: "float32", domain: [ROWS, COLS], op: "max", reducedAxes: 1, input: "x", output: "m" })
    .addReduce({ label: "rowsum", dtype: "float32", domain: [ROWS, COLS], op: "sum", reducedAxes: 1, input: "x", output: "s" })
    .addStencil({
      label: "sub", dtype: "float32", iterators: ["j", "k"], domain: [ROWS, COLS], output: "y",
      inputs: { x: { data: "x", axes: [0, 1], boundary: { type: "constant", value: 0 } }, m: { data: "m", axes: [0], boundary: { type: "constant", value: 0 } } },
      code: [{ target: "y", value: { kind: "binary", op: "-", left: at("x"), right: at("m") } }],
    })
    .addStencil({
      label: "div", dtype: "float32", iterators: ["j", "k"], domain: [ROWS, COLS], output: "z",
      inputs: { x: { data: "x", axes: [0, 1], boundary: { type: "constant", value: 0 } }, s: { data: "s", axes: [0], boundary: { type: "constant", value: 0 } } },
      code: [{ target: "z", value: { kind: "binary", op: "/", left: at("x"), right: at("s") } }],
    })
    .build();
  // Values whose float32 sums depend on the order: 1 + n/7 with a few large ones.
  const values = Array.from({ length: ROWS * COLS }, (_, n) => (n % 5 === 0 ? 1000.5 : 1 + n / 7) * (n % 3 === 0 ? -1 : 1));
  return {
    bundle: streamBundle({
      file: "rowred.test", name: "rowred", sdfg, outputs: ["y", "z"], sources: {},
      inputs: [{ name: "x", dtype: "float32" as const, axes: [0, 1], shape: [ROWS, COLS], source: { kind: "values" as const, values } }],
    }),
    values,
  };
}

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
