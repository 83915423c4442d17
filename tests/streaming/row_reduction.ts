// The hand-built reductions the reduction PE tests share: m = rowmax(x) and total = sum(x)
// written to memory, y = x - rowmax(x), z = x / rowsum(x), over a 6 x 16 float32 array whose
// sums depend on the order of the additions.
import { SDFGBuilder } from "../../src/ir/builder.js";
import type { Expr } from "../../src/ir/expr.js";
import { streamBundle } from "../../src/spatial/streaming/stream_bundle.js";

export const ROWS = 6;
export const COLS = 16;
const at = (field: string): Expr => ({ kind: "access", field, offset: [0, 0] });

export function rowReductionBundle() {
  const sdfg = new SDFGBuilder("rowred")
    .addArray("x", "float32", [ROWS, COLS])
    .addArray("m", "float32", [ROWS])
    .addArray("total", "float32", [1])
    .addArray("s", "float32", [ROWS], { transient: true })
    .addArray("y", "float32", [ROWS, COLS])
    .addArray("z", "float32", [ROWS, COLS])
    .addReduce({ label: "rowmax", dtype: "float32", domain: [ROWS, COLS], op: "max", reducedAxes: 1, input: "x", output: "m" })
    .addReduce({ label: "allsum", dtype: "float32", domain: [ROWS, COLS], op: "sum", reducedAxes: 2, input: "x", output: "total" })
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
      file: "rowred.test", name: "rowred", sdfg, outputs: ["m", "total", "y", "z"], sources: {},
      inputs: [{ name: "x", dtype: "float32" as const, axes: [0, 1], shape: [ROWS, COLS], source: { kind: "values" as const, values } }],
    }),
    values,
  };
}

