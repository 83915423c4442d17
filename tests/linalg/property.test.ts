// Property: random compositions of matrix products (gemm-like with or without alpha and beta·C,
// chained products as in 2mm, A·x, Aᵀ·x, a matrix shared by two PEs as in mvt, a product feeding
// a transposed product of the same matrix as in atax), at random sizes, vector widths W ∈ {1,2,4}
// and chain lengths P ∈ {1,2,3}, emulate equal to the CPU reference with the computed FIFO depths
// and no deadlock. Each run emulates a batch of independent compositions as one program (one g++
// build of the kernel and one of the reference per run), every output compared on its own.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emulate } from "../../src/emulate/emulate.js";
import type { ProgramBundle } from "../../src/frontend/load_program.js";
import type { ProgramInput } from "../../src/frontend/input_data.js";
import type { DataDesc, LinalgNode, LinalgScale } from "../../src/ir/sdfg.js";

type Kind = "matmul" | "chain" | "matvec" | "atax" | "mvt";
interface Composition { kind: Kind; a: number; b: number; c: number; scaled: boolean; added: boolean }
interface Run { W: number; P: number; parts: Composition[] }

const RUNS = 3;
const runArb: fc.Arbitrary<Run> = fc.record({
  W: fc.constantFrom(1, 2, 4),
  P: fc.constantFrom(1, 2, 3),
  parts: fc.array(fc.record({
    kind: fc.constantFrom<Kind>("matmul", "chain", "matvec", "atax", "mvt"),
    a: fc.integer({ min: 1, max: 3 }), b: fc.integer({ min: 0, max: 3 }), c: fc.integer({ min: 1, max: 9 }),
    scaled: fc.boolean(), added: fc.boolean(),
  }), { minLength: 3, maxLength: 4 }),
});

/** The composition's nodes, arrays and inputs (random values), its data names prefixed `g<n>_`. */
function build(run: Run): ProgramBundle {
  const { W, P } = run;
  const arrays: Record<string, DataDesc> = {};
  const inputs: ProgramInput[] = [];
  const nodes: LinalgNode[] = [];
  const outputs: string[] = [];
  let seed = 12345 + W * 31 + P;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1;
  const input = (name: string, shape: number[]) => {
    arrays[name] = shape.length ? { kind: "array", dtype: "float64", shape, transient: false, storage: "global" } : { kind: "scalar", dtype: "float64", transient: false };
    const n = shape.reduce((x, y) => x * y, 1);
    inputs.push({ name, dtype: "float64", axes: shape.map((_, k) => k), shape, source: { kind: "values", values: Array.from({ length: n }, random) } });
    return name;
  };
  const result = (name: string, shape: number[], transient = false) => {
    arrays[name] = { kind: "array", dtype: "float64", shape, transient, storage: "global" };
    if (!transient) outputs.push(name);
    return name;
  };
  run.parts.forEach((c, g) => {
    const n = (s: string) => `g${g}_${s}`;
    const alpha: LinalgScale = c.scaled ? { scalar: input(n("alpha"), []) } : { constant: 1 };
    const addend = (shape: number[]) => (c.added ? { addend: { data: input(n("z"), shape), beta: c.scaled ? { scalar: input(n("beta"), []) } : { constant: 1 } } } : {});
    const base = { id: nodes.length, dtype: "float64" as const };
    // Sizes the schedule allows: P divides a product's rows, a row of B has at least P vectors, W divides every row.
    const ni = P * c.a, nk = c.c, nj = W * (P + c.b), rows = W * c.a, cols = W * (1 + c.b + c.c);
    if (c.kind === "matmul") {
      nodes.push({ ...base, kind: "matmul", label: n("C"), a: input(n("A"), [ni, nk]), b: input(n("B"), [nk, nj]), output: result(n("C"), [ni, nj]), ni, nk, nj, alpha, ...addend([ni, nj]) });
    } else if (c.kind === "chain") {
      const nl = W * (P + c.c % 3);
      const t = result(n("T"), [ni, nj], true);
      nodes.push({ ...base, kind: "matmul", label: n("T"), a: input(n("A"), [ni, nk]), b: input(n("B"), [nk, nj]), output: t, ni, nk, nj, alpha });
      nodes.push({ ...base, id: base.id + 1, kind: "matmul", label: n("D"), a: t, b: input(n("C"), [nj, nl]), output: result(n("D"), [ni, nl]), ni, nk: nj, nj: nl, alpha: { constant: 1 }, ...addend([ni, nl]) });
    } else if (c.kind === "matvec") {
      nodes.push({ ...base, kind: "matvec", label: n("y"), matrix: input(n("A"), [rows, cols]), rows, cols, transposed: false, vector: input(n("x"), [cols]), output: result(n("y"), [rows]), alpha, ...addend([rows]) });
    } else if (c.kind === "atax") {
      const A = input(n("A"), [rows, cols]);
      const t = result(n("t"), [rows], true);
      nodes.push({ ...base, kind: "matvec", label: n("t"), matrix: A, rows, cols, transposed: false, vector: input(n("x"), [cols]), output: t, alpha: { constant: 1 } });
      nodes.push({ ...base, id: base.id + 1, kind: "matvec", label: n("y"), matrix: A, rows, cols, transposed: true, vector: t, output: result(n("y"), [cols]), alpha, ...addend([cols]) });
    } else {
      const A = input(n("A"), [rows, cols]);
      nodes.push({ ...base, kind: "matvec", label: n("y1"), matrix: A, rows, cols, transposed: false, vector: input(n("v1"), [cols]), output: result(n("y1"), [rows]), alpha, ...addend([rows]) });
      nodes.push({ ...base, id: base.id + 1, kind: "matvec", label: n("y2"), matrix: A, rows, cols, transposed: true, vector: input(n("v2"), [rows]), output: result(n("y2"), [cols]), alpha: { constant: 1 } });
    }
  });
  if (P > 1 && !nodes.some((x) => x.kind === "matmul")) {
    // P only applies to matrix products: give the run one.
    return build({ ...run, parts: [...run.parts, { kind: "matmul", a: 1, b: 0, c: 2, scaled: false, added: false }] });
  }
  return {
    file: "property.sdfg", name: "property", domain: [1], iterators: ["k"], inputs, outputs: outputs.sort(), stencils: [], sources: {},
    sdfg: { name: "property", symbols: {}, constants: {}, arrays, states: [{ name: "linalg", nodes, edges: [] }], interstate: [], startState: "linalg" },
  };
}

describe("random compositions of matrix products emulate equal to the CPU reference", () => {
  it("with the computed FIFO depths and no deadlock", { timeout: 600_000 }, async () => {
    const drawn: Run[] = [];
    await fc.assert(
      fc.asyncProperty(runArb, async (run) => {
        drawn.push(run);
        const bundle = build(run);
        const r = await emulate(bundle, { target: "xilinx", spatial: { vectorWidth: run.W, replicas: run.P } });
        expect(r.deadlock).toBeUndefined();
        expect(r.outputs.map((o) => [o.name, o.mismatches])).toEqual(bundle.outputs.map((o) => [o, 0]));
        expect(r.ok).toBe(true);
      }),
      { numRuns: RUNS, seed: 20261236, endOnFailure: true },
    );
    // The fixed seed draws every W, P = 2 and 3, and every kind of composition.
    expect(new Set(drawn.map((r) => r.W))).toEqual(new Set([1, 2, 4]));
    expect(new Set(drawn.map((r) => r.P))).toEqual(new Set([2, 3]));
    expect(new Set(drawn.flatMap((r) => r.parts.map((c) => c.kind)))).toEqual(new Set(["matmul", "chain", "matvec", "atax", "mvt"]));
  });
});
