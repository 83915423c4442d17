// The diagonal reduction PE and the second pass over memory on a hand-built 4 x 4 float64
// program: p = product of the diagonal of x (1·2·3·4 = 24; every other element is 100, so one
// that slipped through the filter would show), written to memory, and y = x + p, which reads x
// in a second pass. Emulated on xilinx at W = 2 against hand-worked values; and what lowering
// refuses around a reduction over the whole domain, with the reason.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/data/npy.js";
import { emulate } from "../../src/emulate/emulate.js";
import { SDFGBuilder } from "../../src/ir/builder.js";
import type { Expr } from "../../src/ir/expr.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { streamBundle } from "../../src/spatial/streaming/stream_bundle.js";

const N = 4;
const at = (field: string): Expr => ({ kind: "access", field, offset: [0, 0] });
const full = (data: string) => ({ data, axes: [0, 1], boundary: { type: "constant" as const, value: 0 } });

function program(consumer: "x" | "twice" = "x") {
  const b = new SDFGBuilder("diag")
    .addArray("x", "float64", [N, N])
    .addArray("p", "float64", [1])
    .addArray("y", "float64", [N, N]);
  // With "twice": y reads t = 2x, computed in the first pass, beside p: it would wait for p on chip.
  if (consumer === "twice") {
    b.addArray("t", "float64", [N, N], { transient: true })
      .addStencil({ label: "twice", dtype: "float64", iterators: ["j", "k"], domain: [N, N], inputs: { x: full("x") }, output: "t", code: [{ target: "t", value: { kind: "binary", op: "*", left: { kind: "number", value: 2 }, right: at("x") } }] });
  }
  b.addReduce({ label: "trace", dtype: "float64", domain: [N, N], op: "product", reducedAxes: 2, input: "x", output: "p", diagonal: true })
    .addStencil({
      label: "shift", dtype: "float64", iterators: ["j", "k"], domain: [N, N], output: "y",
      inputs: { [consumer === "x" ? "x" : "t"]: full(consumer === "x" ? "x" : "t"), p: { data: "p", axes: [], boundary: { type: "constant", value: 0 } } },
      code: [{ target: "y", value: { kind: "binary", op: "+", left: at(consumer === "x" ? "x" : "t"), right: at("p") } }],
    });
  return b.build();
}

const values = Array.from({ length: N * N }, (_, n) => (Math.floor(n / N) === n % N ? 1 + (n % N) : 100));

describe("diagonal reduction PE and the second pass over memory", () => {
  it("xilinx W=2: p = 1·2·3·4 = 24 (the off-diagonal 100s filtered out), y = x + 24", async () => {
    const bundle = streamBundle({
      file: "diag.test", name: "diag", sdfg: program(), outputs: ["p", "y"], sources: {},
      inputs: [{ name: "x", dtype: "float64", axes: [0, 1], shape: [N, N], source: { kind: "values", values } }],
    });
    const out = mkdtempSync(join(tmpdir(), "diag-pe-"));
    try {
      const e = await emulate(bundle, { target: "xilinx", outputsDir: out, spatial: { vectorWidth: 2, replicas: 1 } });
      expect(e.deadlock).toBeUndefined();
      expect(e.outputs.map((o) => [o.name, o.mismatches])).toEqual([["p", 0], ["y", 0]]);
      expect([...decodeNpy(readFileSync(join(out, "p.npy")), "p").values]).toEqual([24]);
      expect([...decodeNpy(readFileSync(join(out, "y.npy")), "y").values]).toEqual(values.map((v) => v + 24));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("refuses a consumer of the whole-domain reduction that also reads a first-pass result (it would hold the domain on chip)", () => {
    expect(() => lowerToPipeline(program("twice"), { vectorWidth: 1, replicas: 1 })).toThrow(
      "stencil 'shift' reads 't' from the first pass with a reduction over the whole domain: it would wait for it on chip (the whole array); not supported");
  });

  it("validation refuses a diagonal reduction over a non-square domain or with max", () => {
    const bad = (domain: number[], op: "sum" | "max") => () => new SDFGBuilder("bad").addArray("x", "float64", domain).addArray("p", "float64", [1])
      .addReduce({ label: "r", dtype: "float64", domain, op, reducedAxes: 2, input: "x", output: "p", diagonal: true }).build();
    expect(bad([4, 8], "sum")).toThrow(/reduction 'r' of the diagonal needs a square 2-axis domain reduced over both axes with sum or product \(it has 4x8, 2 axes, sum\)/);
    expect(bad([4, 4], "max")).toThrow(/\(it has 4x4, 2 axes, max\)/);
  });
});
