// Property: random compositions of elementwise maps and row reductions (sum, max, min, product),
// at random sizes and vector widths W, stream with the computed FIFO depths without deadlock and
// emulate equal to the CPU reference exactly (the reference reduces in the hardware's order).
//
// Each run draws one domain and W and a batch of independent compositions emulated as one program
// (each its own connected component, compared output by output): one g++ build per run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emulate } from "../../src/emulate/emulate.js";
import { SDFGBuilder } from "../../src/ir/builder.js";
import type { Expr } from "../../src/ir/expr.js";
import type { ReduceOp } from "../../src/ir/sdfg.js";
import { streamBundle } from "../../src/spatial/streaming/stream_bundle.js";

/** One step: a map of two earlier full fields (or a full field and a row reduction), or a reduction. */
type Step = { kind: "map"; a: number; b: number; op: "+" | "-" | "*" | "max"; broadcast: boolean } | { kind: "reduce"; of: number; op: ReduceOp };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("map" as const), a: fc.nat(), b: fc.nat(), op: fc.constantFrom("+" as const, "-" as const, "*" as const, "max" as const), broadcast: fc.boolean() }),
  fc.record({ kind: fc.constant("reduce" as const), of: fc.nat(), op: fc.constantFrom<ReduceOp>("sum", "max", "min", "product") }),
);
const composition = fc.array(step, { minLength: 1, maxLength: 5 });
const run = fc.record({
  rows: fc.integer({ min: 1, max: 4 }),
  vectorsPerRow: fc.integer({ min: 1, max: 7 }),
  W: fc.constantFrom(1, 2, 4),
  latency: fc.constantFrom(undefined, 1, 3, 9),
  target: fc.constantFrom("xilinx" as const, "intel" as const),
  comps: fc.array(composition, { minLength: 2, maxLength: 4 }),
});

const at = (field: string): Expr => ({ kind: "access", field, offset: [0, 0] });

function bundleOf(r: fc.infer<typeof run>) {
  const cols = r.vectorsPerRow * r.W;
  const domain = [r.rows, cols];
  const b = new SDFGBuilder("mapreduce");
  const inputs: { name: string; values: number[] }[] = [];
  const outputs: string[] = [];
  r.comps.forEach((steps, g) => {
    const full: string[] = [`g${g}in`];
    const reduced: string[] = [];
    b.addArray(`g${g}in`, "float32", domain);
    inputs.push({ name: `g${g}in`, values: Array.from({ length: r.rows * cols }, (_, n) => Math.sin(n * 12.9898 + g * 78.233) * (1 + (n % 7))) });
    let pending: string | null = null; // a reduction not read by a map yet
    steps.forEach((s, n) => {
      const name = `g${g}s${n}`;
      if (s.kind === "reduce") {
        b.addArray(name, "float32", [r.rows], { transient: true });
        b.addReduce({ label: `red${g}x${n}`, dtype: "float32", domain, op: s.op, reducedAxes: 1, input: full[s.of % full.length]!, output: name });
        reduced.push(name);
        pending = name;
        return;
      }
      const a = full[s.a % full.length]!;
      const other = s.broadcast && reduced.length > 0 ? reduced[s.b % reduced.length]! : full[s.b % full.length]!;
      const fields = [...new Set([a, other])];
      // A reduction nobody reads would not be hardware: the map reads the newest one.
      const extra = pending && !fields.includes(pending) ? [pending] : [];
      const value: Expr = s.op === "max" ? { kind: "call", fn: "max", args: [at(a), at(other)] } : { kind: "binary", op: s.op, left: at(a), right: at(other) };
      const withExtra = extra.reduce<Expr>((v, f) => ({ kind: "binary", op: "+", left: v, right: { kind: "binary", op: "*", left: { kind: "number", value: 0.5 }, right: at(f) } }), value);
      b.addArray(name, "float32", domain, { transient: true });
      b.addStencil({
        label: `map${g}x${n}`, dtype: "float32", iterators: ["j", "k"], domain, output: name,
        inputs: Object.fromEntries([...fields, ...extra].map((f) => [f, { data: f, axes: reduced.includes(f) ? [0] : [0, 1], boundary: { type: "constant" as const, value: 0 } }])),
        code: [{ target: name, value: withExtra }],
      });
      full.push(name);
      pending = null;
    });
    // The output: the last full field plus the pending reduction, if any (every reduction is read).
    const out = `g${g}out`;
    const last = full[full.length - 1]!;
    const reads = [last, ...(pending ? [pending] : [])];
    b.addArray(out, "float32", domain);
    b.addStencil({
      label: `out${g}`, dtype: "float32", iterators: ["j", "k"], domain, output: out,
      inputs: Object.fromEntries(reads.map((f) => [f, { data: f, axes: reduced.includes(f) ? [0] : [0, 1], boundary: { type: "constant" as const, value: 0 } }])),
      code: [{ target: out, value: reads.length === 1 ? at(last) : { kind: "binary", op: "-", left: at(last), right: at(pending!) } }],
    });
    outputs.push(out);
  });
  return streamBundle({
    file: "mapreduce.property", name: "mapreduce", sdfg: b.build(), outputs, sources: {},
    inputs: inputs.map((x) => ({ name: x.name, dtype: "float32" as const, axes: [0, 1], shape: domain, source: { kind: "values" as const, values: x.values } })),
  });
}

describe("property: random map/reduce compositions stream equal to the CPU reference", () => {
  it("3 runs of 2-4 compositions (one g++ build each)", { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(run, async (r) => {
        const e = await emulate(bundleOf(r), { target: r.target, spatial: { vectorWidth: r.W, replicas: 1, ...(r.latency ? { reductionLatency: r.latency } : {}) } });
        expect(e.deadlock).toBeUndefined();
        expect(e.outputs.map((o) => [o.name, o.mismatches, o.maxAbsError])).toEqual(e.outputs.map((o) => [o.name, 0, 0]));
        expect(e.outputs).toHaveLength(r.comps.length);
      }),
      { numRuns: 3, seed: 1009, endOnFailure: true },
    );
  });
});
