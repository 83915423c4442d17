// IR in, IR out: the diagonal-reduce pattern pass on NPBench's go_fast (`trace += tanh(a[i, i])`
// in a loop, then `a + trace`) and on edits of it (no compiler): what it builds (a tanh map PE,
// a reduction of the diagonal over the whole 64x64 domain, a map reading the sum broadcast),
// how lowering wires the two phases (a second pass over `a`, FIFOs of the fixed slack, not
// the domain), and what it refuses, with the reason.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSdfgFile } from "../../src/frontend/dace/load_sdfg.js";
import type { PEdge, PLoop, PState, PStmt, Program } from "../../src/ir/program.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { estimatePerformance } from "../../src/report/performance.js";
import { CHANNEL_SLACK, lowerToPipeline } from "../../src/spatial/lower.js";
import { raiseDiagonalReduce } from "../../src/spatial/streaming/diagonal_reduce.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { SHARED } from "../helpers.js";

const DIR = join(SHARED, "peers", "npbench", "go_fast");
const input = (program: Program, N = 64) => ({ program, symbols: { N }, inputsDir: "/data", name: "go_fast", file: "go_fast.sdfg" });
const goFast = () => loadSdfgFile(join(DIR, "go_fast.sdfg"));
const loopBody = (p: Program) => (p.root.blocks[1] as PLoop).body.blocks[0] as PState;

describe("diagonal-reduce pass (IR in, IR out)", () => {
  it("go_fast: a tanh map PE over a, a sum of its diagonal over the whole 64x64 domain, a + trace reading the sum broadcast", () => {
    const r = raiseDiagonalReduce(input(goFast()));
    if (!r.ok) throw new Error(r.reason);
    const sdfg = r.bundle.sdfg;
    const nodes = sdfg.states[0]!.nodes.filter((n) => n.kind === "reduce" || n.kind === "stencil");
    expect(nodes.map((n) => `${n.kind} ${n.label}`)).toEqual(["stencil numpy_tanh", "reduce augassign_13_8", "stencil Add"]);
    const [tanh, red, add] = nodes;
    if (tanh?.kind !== "stencil" || red?.kind !== "reduce" || add?.kind !== "stencil") throw new Error("unexpected node kinds");
    expect(tanh.domain).toEqual([64, 64]);
    expect(tanh.code.at(-1)!.value).toEqual({ kind: "call", fn: "tanh", args: [{ kind: "access", field: "a", offset: [0, 0] }] });
    expect(red).toMatchObject({ op: "sum", domain: [64, 64], reducedAxes: 2, diagonal: true, input: "trace_numpy_tanh_terms" });
    expect(sdfg.arrays.trace).toMatchObject({ kind: "array", shape: [1], transient: true });
    // a + trace: a at the map's own index, trace (one value) with no axes: broadcast.
    expect(Object.fromEntries(Object.entries(add.inputs).map(([k, v]) => [k, v.axes]))).toEqual({ a: [0, 1], trace: [] });
    expect(add.code.at(-1)!.value).toEqual({ kind: "binary", op: "+", left: { kind: "access", field: "a", offset: [0, 0] }, right: { kind: "access", field: "trace", offset: [0, 0] } });
    expect(r.bundle.inputs).toEqual([{ name: "a", dtype: "float64", axes: [0, 1], shape: [64, 64], source: { kind: "file", path: "/data/a.npy", format: "npy", npyShape: [64, 64] } }]);
    expect(r.bundle.outputs).toEqual(["v_return"]);
    expect(r.outputNames).toEqual({ v_return: "__return" });
    expect(r.kernels.map((k) => [k.name, k.mapping, k.pattern])).toEqual([["for_12", "streamed", "diagonal-reduce"], ["_Add__map", "streamed", "diagonal-reduce"]]);
    // The pattern list takes it (every earlier pattern refuses it).
    const d = streamProgram(input(goFast()));
    expect(d.streamed && d.pattern).toBe("diagonal-reduce");
  });

  it("lowering: a reads once for the diagonal and again (a second pass) for a + trace; no FIFO holds the domain", () => {
    const r = raiseDiagonalReduce(input(goFast()));
    if (!r.ok) throw new Error(r.reason);
    const W = 4;
    const p = lowerToPipeline(r.bundle.sdfg, { vectorWidth: W, replicas: 1 });
    expect(p.readers.map((x) => [x.array, x.outputs.length, x.secondPass?.length])).toEqual([["a", 1, 1]]);
    const reader = p.readers[0]!;
    const first = p.channels.find((c) => c.name === reader.outputs[0])!;
    const second = p.channels.find((c) => c.name === reader.secondPass![0])!;
    expect([first.to, second.to]).toEqual([p.pes[0]!.name, p.pes[1]!.name]);
    // The reduction: one row of 64*64/4 = 1024 vectors, 16 vectors per matrix row for the filter.
    expect(p.reductions!.map((x) => [x.rowVectors, x.diagonal])).toEqual([[1024, { lineVectors: 16, identity: 0 }]]);
    // Without the second pass the map's input a would wait for trace for rowVectors + drain vectors.
    for (const c of p.channels) expect(c.depth, c.name).toBeLessThan(64);
    expect(second.depth).toBe(CHANNEL_SLACK);
    // The report counts both passes: a's port moves 2 x 64 x 64 doubles; a run takes the first
    // pass, the reduction's drain and the second pass (more than 2 x 1024 vectors).
    const perf = estimatePerformance(p, loadPlatform("u280"));
    expect(perf.ports.find((x) => x.port === "a")!.bytesPerPass).toBe(2 * 64 * 64 * 8);
    expect(perf.cyclesPerPass).toBeGreaterThan(2 * 1024);
    expect(perf.cyclesPerPass).toBeLessThan(2 * 1024 + 200);
  });

  it("without f (trace += a[i, i]): the reduction reads a's first pass itself, a + trace its second", () => {
    const p = goFast();
    const body = loopBody(p);
    // Drop tanh: the update adds a_index (the copied element) directly.
    const tanh = body.nodes.find((n) => n.kind === "tasklet" && n.label === "_numpy_tanh_")!.id;
    const slice = body.nodes.find((n) => n.kind === "access" && n.data === "tanh_a_slice")!.id;
    const aIndex = body.nodes.find((n) => n.kind === "access" && n.data === "a_index")!.id;
    body.nodes = body.nodes.filter((n) => n.id !== tanh && n.id !== slice);
    body.edges = body.edges.filter((e) => e.src !== tanh && e.dst !== tanh);
    const toUpdate = body.edges.find((e) => e.src === slice)!;
    toUpdate.src = aIndex;
    toUpdate.memlet!.data = "a_index";
    const r = raiseDiagonalReduce(input(p));
    if (!r.ok) throw new Error(r.reason);
    const nodes = r.bundle.sdfg.states[0]!.nodes.filter((n) => n.kind === "reduce" || n.kind === "stencil");
    expect(nodes.map((n) => `${n.kind} ${n.label}`)).toEqual(["reduce augassign_13_8", "stencil Add"]);
    expect(nodes[0]).toMatchObject({ input: "a", diagonal: true, op: "sum" });
    const pl = lowerToPipeline(r.bundle.sdfg, { vectorWidth: 2, replicas: 1 });
    expect(pl.readers.map((x) => [x.array, x.outputs.map((c) => pl.channels.find((y) => y.name === c)!.to), x.secondPass?.map((c) => pl.channels.find((y) => y.name === c)!.to)]))
      .toEqual([["a", [pl.reductions![0]!.name], [pl.pes[0]!.name]]]);
  });

  it("refuses an accumulator that does not start at the sum's identity", () => {
    const p = goFast();
    const init = (p.root.blocks[0] as PState).nodes.find((n) => n.kind === "tasklet")!;
    if (init.kind !== "tasklet") throw new Error("no tasklet");
    (init.code[0] as Extract<PStmt, { kind: "assign" }>).value = { kind: "number", value: 1, integer: false };
    expect(raiseDiagonalReduce(input(p))).toEqual({ ok: false, reason: "the accumulator 'trace' starts at 1, not the sum's identity 0" });
  });

  it("refuses a loop that reads beside the diagonal (a[i, i + 1]), naming the loop and the data", () => {
    const p = goFast();
    const copy = loopBody(p).edges.find((e) => e.memlet?.data === "a") as PEdge;
    copy.memlet!.subset![1] = { ...copy.memlet!.subset![1]!, start: { kind: "binary", op: "+", left: { kind: "name", name: "i" }, right: { kind: "number", value: 1, integer: true } } };
    expect(raiseDiagonalReduce(input(p))).toEqual({ ok: false, reason: "loop 'for_12': 'a_index' is not an element of the diagonal of a matrix" });
  });

  it("refuses an update that is not acc + value (trace = trace - tanh)", () => {
    const p = goFast();
    const upd = loopBody(p).nodes.find((n) => n.kind === "tasklet" && n.label === "augassign_13_8")!;
    if (upd.kind !== "tasklet") throw new Error("no tasklet");
    const stmt = upd.code[0] as Extract<PStmt, { kind: "assign" }>;
    if (stmt.value.kind === "binary") stmt.value.op = "-";
    expect(raiseDiagonalReduce(input(p))).toEqual({ ok: false, reason: "loop 'for_12': tasklet 'augassign_13_8' is not trace = trace + value (or *)" });
  });

  it("refuses a loop that also writes an array the program keeps (a[i, i] copied into the output)", () => {
    const p = goFast();
    const body = loopBody(p);
    body.nodes.push({ kind: "access", id: 90, data: "__return", where: "n90" });
    const aIndex = body.nodes.find((n) => n.kind === "access" && n.data === "a_index")!.id;
    const i = { kind: "name" as const, name: "i" };
    body.edges.push({ src: aIndex, srcConn: null, dst: 90, dstConn: null, where: "e90",
      memlet: { data: "__return", subset: [{ start: i, end: i, step: { kind: "number", value: 1, integer: true } }, { start: i, end: i, step: { kind: "number", value: 1, integer: true } }], otherSubset: null, subsetIsSrc: false, volume: null, dynamic: false, wcr: null } });
    expect(raiseDiagonalReduce(input(p))).toEqual({ ok: false, reason: "loop 'for_12' writes '__return', not only internal scalars" });
  });

  it("refuses a loop bound other than the matrix's side (for i in range(N - 1))", () => {
    const p = goFast();
    const loop = p.root.blocks[1] as PLoop;
    if (loop.condition.kind === "binary") loop.condition.right = { kind: "binary", op: "-", left: loop.condition.right, right: { kind: "number", value: 1, integer: true } };
    expect(raiseDiagonalReduce(input(p))).toEqual({ ok: false, reason: "loop 'for_12' runs 63 times over the diagonal of the 64x64 'a'" });
  });
});
