// IR in, IR out: the elementwise-reduce pattern pass on small hand-made DaCe programs (no files,
// no compiler). What it builds (map PEs with taps at offset 0, reduction nodes over flattened
// rows, inputs read from <arg>.npy in their own shape) and what it refuses, with the reason.
import { describe, expect, it } from "vitest";
import type { PDataDesc, PEdge, PExpr, PNode, PRange, PState, PStmt, Program } from "../../src/ir/program.js";
import { raiseElementwiseReduce } from "../../src/spatial/streaming/elementwise_reduce.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";

const num = (value: number): PExpr => ({ kind: "number", value, integer: true });
const name = (n: string): PExpr => ({ kind: "name", name: n });
const sym = (s: string): PExpr => ({ kind: "binary", op: "-", left: name(s), right: num(1) });
const full = (ends: PExpr[]): PRange[] => ends.map((end) => ({ start: num(0), end, step: num(1) }));
const point = (e: PExpr): PRange => ({ start: e, end: e, step: num(1) });
const arr = (dtype: "float32" | "float64", shape: PExpr[], transient = false, kind: PDataDesc["kind"] = "array"): PDataDesc => ({ kind, dtype, shape, strides: [], transient, storage: "Default" });
const memlet = (data: string, subset: PRange[]) => ({ data, subset, otherSubset: null, subsetIsSrc: null, volume: null, dynamic: false, wcr: null });

/**
 * A DaCe-like state: x[B, R, C] (float32) → Reduce(max, axes [2]) → mx[B, R]; a map y = exp(x - mx)
 * read at [i, j, 0:0]… as DaCe writes keepdims reads; with `shift`, the map reads x[i, j, k+1].
 */
function program(opts: { shift?: boolean; lambda?: boolean } = {}): Program {
  const nodes: PNode[] = [];
  const edges: PEdge[] = [];
  const scope = new Map<number, number | null>();
  const add = (n: PNode, sc: number | null = null) => { nodes.push(n); scope.set(n.id, sc); };
  const edge = (src: number, srcConn: string | null, dst: number, dstConn: string | null, m: PEdge["memlet"]) => edges.push({ src, srcConn, dst, dstConn, memlet: m, where: `edge ${edges.length}` });
  const params = ["i0", "i1", "i2"];
  const dims = [sym("B"), sym("R"), sym("C")];
  add({ kind: "access", id: 0, data: "x", where: "n0" });
  add({ kind: "library", id: 1, label: "Reduce (Max)", classpath: "dace.libraries.standard.nodes.reduce.Reduce", attributes: { axes: [2], wcr: opts.lambda ? { op: "lambda", a: "a", b: "b", body: name("a") } : { op: "max" }, identity: null }, where: "n1" });
  add({ kind: "access", id: 2, data: "mx", where: "n2" });
  edge(0, null, 1, null, memlet("x", full(dims)));
  edge(1, null, 2, null, memlet("mx", full(dims.slice(0, 2))));
  add({ kind: "map_entry", id: 3, label: "sub_exp_map", params, ranges: full(dims), exit: 5, where: "n3", schedule: "Default", unroll: false });
  const code: PStmt[] = [
    { kind: "assign", target: "d", value: { kind: "binary", op: "-", left: name("__in1"), right: name("__in2") } },
    { kind: "assign", target: "__out", value: { kind: "call", fn: "exp", args: [name("d")] } },
  ];
  add({ kind: "tasklet", id: 4, label: "sub_exp", inputs: ["__in1", "__in2"], outputs: ["__out"], code, where: "n4" }, 3);
  add({ kind: "map_exit", id: 5, entry: 3, where: "n5" });
  add({ kind: "access", id: 6, data: "__return", where: "n6" });
  edge(0, null, 3, "IN_x", memlet("x", full(dims)));
  edge(2, null, 3, "IN_mx", memlet("mx", full(dims.slice(0, 2))));
  const xAt = opts.shift ? [point(name("i0")), point(name("i1")), point({ kind: "binary", op: "+", left: name("i2"), right: num(1) })] : params.map((p) => point(name(p)));
  edge(3, "OUT_x", 4, "__in1", memlet("x", xAt));
  edge(3, "OUT_mx", 4, "__in2", memlet("mx", [point(name("i0")), point(name("i1"))]));
  edge(4, "__out", 5, "IN_r", memlet("__return", params.map((p) => point(name(p)))));
  edge(5, "OUT_r", 6, null, memlet("__return", full(dims)));
  const state: PState = { kind: "state", label: "s", nodes, edges, scope, where: "state" };
  return {
    name: "small", argNames: ["x"], symbols: { B: "int64", R: "int64", C: "int64" }, file: "small.sdfg", constants: {},
    arrays: { x: arr("float32", [name("B"), name("R"), name("C")]), mx: arr("float32", [name("B"), name("R")], true), __return: arr("float32", [name("B"), name("R"), name("C")]) },
    root: { kind: "region", label: "root", blocks: [state], edges: [], start: 0, where: "root" },
  };
}

const input = (p: Program) => ({ program: p, symbols: { B: 2, R: 3, C: 8 }, inputsDir: "/data", name: "small", file: "small.sdfg" });

describe("elementwise-reduce pass (IR in, IR out)", () => {
  it("flattens [2,3,8] into rows [6,8]: a reduce node over the rows, a map PE with taps at offset 0 reading the reduction broadcast", () => {
    const r = raiseElementwiseReduce(input(program()));
    if (!r.ok) throw new Error(r.reason);
    const nodes = r.bundle.sdfg.states[0]!.nodes.filter((n) => n.kind === "reduce" || n.kind === "stencil");
    expect(nodes.map((n) => n.kind)).toEqual(["reduce", "stencil"]);
    const red = nodes[0]!;
    if (red.kind !== "reduce") throw new Error("not a reduce");
    expect({ op: red.op, domain: red.domain, reducedAxes: red.reducedAxes, input: red.input }).toEqual({ op: "max", domain: [6, 8], reducedAxes: 1, input: "x" });
    const st = nodes[1]!;
    if (st.kind !== "stencil") throw new Error("not a stencil");
    expect(st.domain).toEqual([6, 8]);
    expect(Object.fromEntries(Object.entries(st.inputs).map(([k, v]) => [k, v.axes]))).toEqual({ x: [0, 1], mx: [0] });
    // d = x - mx; result = exp(d): the tasklet's local becomes a temporary, connectors become reads at offset 0.
    expect(st.code.map((a) => a.target)).toEqual(["t0", "v_return"]);
    expect(st.code[0]!.value).toEqual({ kind: "binary", op: "-", left: { kind: "access", field: "x", offset: [0, 0] }, right: { kind: "access", field: "mx", offset: [0, 0] } });
    expect(st.code[1]!.value).toEqual({ kind: "call", fn: "exp", args: [{ kind: "name", name: "t0" }] });
    // x.npy is read in its own shape (2,3,8) as the flattened (6,8); __return is renamed for C++.
    expect(r.bundle.inputs).toEqual([{ name: "x", dtype: "float32", axes: [0, 1], shape: [6, 8], source: { kind: "file", path: "/data/x.npy", format: "npy", npyShape: [2, 3, 8] } }]);
    expect(r.bundle.outputs).toEqual(["v_return"]);
    expect(r.outputNames).toEqual({ v_return: "__return" });
    expect(r.kernels.map((k) => [k.name, k.mapping])).toEqual([["Reduce (Max)", "streamed"], ["sub_exp_map", "streamed"]]);
  });

  it("an array updated in place (read, then written) is read from x.npy and written as x_out, mapped back to x", () => {
    const p = program();
    const st = p.root.blocks[0] as PState;
    for (const e of st.edges) if (e.memlet?.data === "__return") e.memlet.data = "x";
    st.nodes[st.nodes.findIndex((n) => n.id === 6)] = { kind: "access", id: 6, data: "x", where: "n6" };
    const r = raiseElementwiseReduce(input(p));
    if (!r.ok) throw new Error(r.reason);
    expect(r.bundle.inputs.map((i) => i.name)).toEqual(["x"]);
    expect(r.bundle.outputs).toEqual(["x_out"]);
    expect(r.outputNames).toEqual({ x_out: "x" });
    const st2 = r.bundle.sdfg.states[0]!.nodes.find((n) => n.kind === "stencil");
    expect(st2 && st2.kind === "stencil" ? Object.keys(st2.inputs).sort() : []).toEqual(["mx", "x"]);
  });

  it("refuses a map that reads at an offset, naming the map and the data (the program stays memory-mapped)", () => {
    const r = raiseElementwiseReduce(input(program({ shift: true })));
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^map 'sub_exp_map' reads 'x' at \[i0, i1, i2 \+ 1\] \(edge \d+\): not elementwise$/) });
    const d = streamProgram(input(program({ shift: true })));
    expect(d.streamed).toBe(false);
    expect(d.kernels[0]!.reason).toMatch(/elementwise-reduce: map 'sub_exp_map' reads 'x'/);
  });

  it("streams a reduction over the trailing two axes written to memory: rows of 3x8 = 24, one value per row", () => {
    const p = program();
    const st = p.root.blocks[0] as PState;
    // Only the Reduce, over axes 1 and 2, into the program's output.
    st.nodes = st.nodes.filter((n) => n.id <= 2);
    st.edges = st.edges.filter((e) => e.src <= 2 && e.dst <= 2);
    (st.nodes[1] as Extract<PNode, { kind: "library" }>).attributes = { axes: [1, 2], wcr: { op: "+" }, identity: 0 };
    st.nodes[2] = { kind: "access", id: 2, data: "__return", where: "n2" };
    st.edges[1]!.memlet = memlet("__return", full([sym("B")]));
    p.arrays.__return = arr("float32", [name("B")]);
    const r = raiseElementwiseReduce(input(p));
    if (!r.ok) throw new Error(r.reason);
    const red = r.bundle.sdfg.states[0]!.nodes.find((n) => n.kind === "reduce");
    expect(red).toMatchObject({ op: "sum", domain: [2, 24], reducedAxes: 1, input: "x" });
    expect(r.bundle.sdfg.arrays.v_return).toMatchObject({ kind: "array", shape: [2], transient: false });
    expect(r.bundle.outputs).toEqual(["v_return"]);
  });

  it("refuses a map reading a reduction over every axis (it would need the whole array on chip)", () => {
    const p = program();
    (((p.root.blocks[0] as PState).nodes[1]) as Extract<PNode, { kind: "library" }>).attributes = { axes: [0, 1, 2], wcr: { op: "max" }, identity: null };
    p.arrays.mx = arr("float32", [num(1)], true);
    expect(raiseElementwiseReduce(input(p))).toEqual({ ok: false, reason: expect.stringMatching(/^map 'sub_exp_map' reads 'mx', a reduction over every axis/) });
  });

  it("refuses a reduction with a lambda, and control flow", () => {
    expect(raiseElementwiseReduce(input(program({ lambda: true })))).toEqual({ ok: false, reason: "reduction 'Reduce (Max)' combines with a lambda" });
    const p = program();
    p.root.blocks.push({ ...(p.root.blocks[0] as PState), label: "again" });
    expect(raiseElementwiseReduce(input(p))).toEqual({ ok: false, reason: expect.stringMatching(/^the program has control flow \(2 top-level blocks\)/) });
  });
});
