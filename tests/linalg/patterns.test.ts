// IR in, IR out: the matrix-vector and systolic-matmul pattern passes on NPBench's gemm, 2mm,
// atax and mvt (library MatMul nodes and elementwise maps) give exactly these linear-algebra
// nodes, and refuse what they cannot raise with the reason.
import { describe, expect, it } from "vitest";
import { raiseMatrixVector } from "../../src/spatial/streaming/matrix_vector.js";
import { raiseSystolicMatMul } from "../../src/spatial/streaming/systolic_matmul.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import type { PState } from "../../src/ir/program.js";
import { mvtWithSum, NPBENCH, streamingInput } from "./helpers.js";

const nodesOf = (r: ReturnType<typeof raiseSystolicMatMul>) => {
  if (!r.ok) throw new Error(r.reason);
  return r.bundle.sdfg.states[0]!.nodes;
};

describe("systolic-matmul pass", () => {
  it("raises gemm to C = alpha · A · B + beta · C, the input C read as C_in from C.npy", () => {
    const r = raiseSystolicMatMul(streamingInput("gemm"));
    expect(nodesOf(r)).toEqual([{
      kind: "matmul", id: 0, label: "C", dtype: "float64", a: "A", b: "B", output: "C", ni: 40, nk: 48, nj: 44,
      alpha: { scalar: "alpha" }, addend: { data: "C_in", beta: { scalar: "beta" } },
    }]);
    if (!r.ok) return;
    expect(r.bundle.inputs.map((i) => [i.name, i.shape, i.source.kind === "file" ? i.source.path.replace(NPBENCH, "") : ""])).toEqual([
      ["A", [40, 48], "/gemm/A.npy"], ["B", [48, 44], "/gemm/B.npy"], ["C_in", [40, 44], "/gemm/C.npy"],
      ["alpha", [], "/gemm/alpha.npy"], ["beta", [], "/gemm/beta.npy"],
    ]);
    expect(r.bundle.outputs).toEqual(["C"]);
    expect(r.kernels).toEqual([expect.objectContaining({ name: "C", mapping: "streamed", pattern: "systolic-matmul" })]);
  });

  it("raises 2mm to a chain: the first product (alpha · A · B) feeds the second as its A operand", () => {
    const r = raiseSystolicMatMul(streamingInput("k2mm"));
    expect(nodesOf(r).map((n) => n.kind === "matmul" && [n.a, n.b, n.output, n.ni, n.nk, n.nj, n.alpha, n.addend])).toEqual([
      ["A", "B", "alpha_A_matmul_B", 32, 36, 34, { scalar: "alpha" }, undefined],
      ["alpha_A_matmul_B", "C", "D", 32, 34, 38, { constant: 1 }, { data: "D_in", beta: { scalar: "beta" } }],
    ]);
    if (r.ok) expect(r.bundle.sdfg.arrays.alpha_A_matmul_B).toMatchObject({ transient: true });
  });

  it("refuses a product whose B operand is an earlier product (the chain re-reads B per tile)", () => {
    // 2mm with its second product's operands swapped: C @ (alpha · A @ B), all sizes 8.
    const input = { ...streamingInput("k2mm"), symbols: { NI: 8, NJ: 8, NK: 8, NL: 8 } };
    const state = input.program.root.blocks[0] as PState;
    const second = state.nodes.find((n) => n.kind === "library" && state.edges.some((e) => e.dst === n.id && e.memlet?.data === "C"))!;
    for (const e of state.edges.filter((x) => x.dst === second.id)) e.dstConn = e.dstConn === "_a" ? "_b" : "_a";
    expect(raiseSystolicMatMul(input)).toEqual({ ok: false, reason: "C @ ((alpha * A) @ B): its B operand is a product, which a systolic chain would have to re-read once per tile (not streamed yet)" });
  });

  it("leaves matrix-vector programs to the matrix-vector pass, saying so", () => {
    expect(raiseSystolicMatMul(streamingInput("atax"))).toEqual({ ok: false, reason: "'A_matmul_x' is a matrix-vector product (the matrix-vector pass's)" });
  });
});

describe("matrix-vector pass", () => {
  it("raises atax to y = A x followed by Aᵀ y, the intermediate a transient", () => {
    const r = raiseMatrixVector(streamingInput("atax"));
    expect(nodesOf(r).map((n) => n.kind === "matvec" && [n.matrix, n.rows, n.cols, n.transposed, n.vector, n.output, n.alpha, n.addend])).toEqual([
      ["A", 40, 50, false, "x", "A_matmul_x", { constant: 1 }, undefined],
      ["A", 40, 50, true, "A_matmul_x", "__return", { constant: 1 }, undefined],
    ]);
  });

  it("raises mvt's in-place updates: x1 = x1 + A y_1 and x2 = x2 + Aᵀ y_2, the old values read as x1_in and x2_in", () => {
    const r = raiseMatrixVector(streamingInput("mvt"));
    expect(nodesOf(r).map((n) => n.kind === "matvec" && [n.transposed, n.vector, n.output, n.addend])).toEqual([
      [false, "y_1", "x1", { data: "x1_in", beta: { constant: 1 } }],
      [true, "y_2", "x2", { data: "x2_in", beta: { constant: 1 } }],
    ]);
    if (r.ok) expect(r.bundle.inputs.find((i) => i.name === "x1_in")?.source).toMatchObject({ kind: "file", path: `${NPBENCH}/mvt/x1.npy` });
  });

  it("raises a sum of two products (x1 = y_2 @ A + A @ y_1): the second is a node of its own, added to the first", () => {
    const r = raiseMatrixVector(mvtWithSum());
    expect(nodesOf(r).map((n) => n.kind === "matvec" && [n.transposed, n.vector, n.output, n.addend])).toEqual([
      [false, "y_1", "x1_term", undefined],
      [true, "y_2", "x1", { data: "x1_term", beta: { constant: 1 } }],
      [true, "y_2", "x2", { data: "x2_in", beta: { constant: 1 } }],
    ]);
    if (r.ok) expect(r.bundle.sdfg.arrays.x1_term).toMatchObject({ transient: true, shape: [64] });
  });

  it("raises gemver (N=8): A += u1 v1ᵀ + u2 v2ᵀ as a rank-update node, x = beta · A'ᵀ y + (x + z), w = alpha · A' x + w", () => {
    const r = raiseMatrixVector({ ...streamingInput("gemver"), symbols: { N: 8 } });
    expect(nodesOf(r)).toEqual([
      { kind: "rank-update", id: 0, label: "A", dtype: "float64", matrix: "A_in", rows: 8, cols: 8, terms: [{ u: "u1", v: "v1" }, { u: "u2", v: "v2" }], output: "A" },
      { kind: "vector-sum", id: 1, label: "x_addend", dtype: "float64", left: "x_in", right: "z", length: 8, alpha: { constant: 1 }, beta: { constant: 1 }, output: "x_addend" },
      { kind: "matvec", id: 2, label: "x", dtype: "float64", matrix: "A", rows: 8, cols: 8, transposed: true, vector: "y", output: "x", alpha: { scalar: "beta" }, addend: { data: "x_addend", beta: { constant: 1 } } },
      { kind: "matvec", id: 3, label: "w", dtype: "float64", matrix: "A", rows: 8, cols: 8, transposed: false, vector: "x", output: "w", alpha: { scalar: "alpha" }, addend: { data: "w_in", beta: { constant: 1 } } },
    ]);
    if (!r.ok) return;
    // The in-place outputs' old values come from their own files; the sum is a transient.
    expect(r.bundle.inputs.filter((i) => i.name.endsWith("_in")).map((i) => [i.name, i.source.kind === "file" ? i.source.path.replace(NPBENCH, "") : ""]))
      .toEqual([["A_in", "/gemver/A.npy"], ["x_in", "/gemver/x.npy"], ["w_in", "/gemver/w.npy"]]);
    expect(r.bundle.outputs).toEqual(["A", "w", "x"]);
    expect(r.bundle.sdfg.arrays.x_addend).toMatchObject({ transient: true, shape: [8] });
    expect(r.kernels.map((k) => [k.name, k.mapping, k.pattern])).toEqual([["A", "streamed", "matrix-vector"], ["x_addend", "streamed", "matrix-vector"], ["x", "streamed", "matrix-vector"], ["w", "streamed", "matrix-vector"]]);
  });

  it("leaves gemm to the systolic pass", () => {
    expect(raiseMatrixVector(streamingInput("gemm"))).toEqual({ ok: false, reason: "'C' is a matrix-matrix product (the systolic pass's)" });
  });
});

describe("what no linear-algebra pass takes stays memory-mapped, with each pass's reason", () => {
  it("a map over [i, j] of u[j] * v[j] (not an outer product) is named; v[j] * u[i] is one", () => {
    const input = streamingInput("gemver");
    const state = input.program.root.blocks[0] as PState;
    const outer = state.nodes.find((n) => n.kind === "tasklet" && state.edges.some((e) => e.dst === n.id && e.memlet?.data === "u1"))!;
    const swapped = streamingInput("gemver");
    const sstate = swapped.program.root.blocks[0] as PState;
    for (const e of sstate.edges.filter((x) => x.dst === outer.id)) e.dstConn = e.dstConn === "__in1" ? "__in2" : "__in1";
    const r = raiseMatrixVector(swapped);
    expect(nodesOf(r)[0]).toMatchObject({ kind: "rank-update", terms: [{ u: "u1", v: "v1" }, { u: "u2", v: "v2" }] });
    const u1 = state.edges.find((e) => e.dst === outer.id && e.memlet?.data === "u1")!.memlet!;
    const v1 = state.edges.find((e) => e.dst === outer.id && e.memlet?.data === "v1")!.memlet!;
    u1.subset = v1.subset;
    const d = streamProgram(input);
    expect(d.streamed).toBe(false);
    expect(d.kernels[0]!.reason).toContain("matrix-vector: map '_numpy_multiply__map' reads a vector along one axis of a matrix other than as u[i] * v[j] (an outer product)");
  });

  it("a map that subtracts is not a linear combination these passes read", () => {
    const input = streamingInput("gemm");
    const state = input.program.root.blocks[0] as PState;
    const add = state.nodes.find((n) => n.kind === "tasklet" && n.label === "_Add_");
    if (add?.kind !== "tasklet" || add.code[0]!.kind !== "assign" || add.code[0]!.value.kind !== "binary") throw new Error("gemm changed");
    add.code[0]!.value.op = "-";
    expect(raiseSystolicMatMul(input)).toEqual({ ok: false, reason: "tasklet '_Add_' is not a sum or a product of two operands" });
  });
});
