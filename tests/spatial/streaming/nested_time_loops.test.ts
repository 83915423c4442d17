// IR in, IR out: the stencil-maps pass on time loops shaped like NPBench's cavity_flow (small
// hand-built 1-D programs): a counted inner loop unrolled into the step's pipeline, a boundary
// copy between boxes (`A[N - 1] = A[N - 2]`), a scalar computed outside the maps, a transient
// written on a sub-box, states before the loop; and the refusals, each with its reason.
import { describe, expect, it } from "vitest";
import { parsePyExpression } from "../../../src/frontend/dace/python_code.js";
import type { StencilNode } from "../../../src/ir/sdfg.js";
import type { PBlock, PDataDesc, PLoop, PRegion, PState, Program } from "../../../src/ir/program.js";
import { raiseStencilMaps } from "../../../src/spatial/streaming/stencil_maps.js";
import { array, inputOf, programOf, scalar, stateOf, type BoxCopySpec, type MapSpec, type ScalarSpec } from "./small_programs.js";

const N = 8;
const py = parsePyExpression;

function region(label: string, blocks: PBlock[]): PRegion {
  const edges = blocks.slice(1).map((_, k) => ({ src: k, dst: k + 1, condition: null, assignments: [] as [string, ReturnType<typeof py>][], where: `${label} edge ${k}` }));
  return { kind: "region", label, blocks, edges, start: 0, where: label };
}
function loop(label: string, variable: string, bound: string, blocks: PBlock[]): PLoop {
  return { kind: "loop", label, variable, init: [[variable, py("0")]], condition: py(`${variable} < ${bound}`), update: [[variable, py(`${variable} + 1`)]], inverted: false, body: region(`${label}_body`, blocks), where: `loop ${label}` };
}
function state(label: string, maps: Parameters<typeof stateOf>[0]): PState {
  return { ...stateOf(maps), label };
}
/** The program `programOf` makes for the arrays, with the given top-level blocks. */
function programWith(arrays: Record<string, PDataDesc>, blocks: PBlock[]): Program {
  return { ...programOf(arrays, []), root: region("root", blocks) };
}

/** `T[1:-1] = A[2:] * h` (T's border is never written in the step). */
const halfStep: MapSpec[] = [
  { params: ["i"], ranges: [["0", "N - 3"]], reads: { a: { data: "A", index: ["i + 2"] }, x: { data: "h", index: ["0"] } }, write: { data: "T", index: ["i + 1"] }, code: "__out = a * x" },
];
/** One Poisson-like iteration: `A[1:-1] = 0.5 * (A[:-2] + A[2:]) + T[1:-1]`, then `A[-1] = A[-2]`. */
const iteration: (MapSpec | BoxCopySpec)[] = [
  { params: ["i"], ranges: [["0", "N - 3"]], reads: { l: { data: "A", index: ["i"] }, r: { data: "A", index: ["i + 2"] }, t: { data: "T", index: ["i + 1"] } }, write: { data: "A", index: ["i + 1"] }, code: "__out = 0.5 * (l + r) + t" },
  { boxCopy: { from: "A", to: "A", src: [["N - 2", "N - 2"]], dst: [["N - 1", "N - 1"]] } },
];
const arrays = { A: array(["N"]), c: scalar(), T: array(["N"], true), h: scalar(true) };
/**
 * `h = 2 * c` (a tasklet outside any map) and `T = zeros` before `for n in range(3)`, whose body
 * holds `for q in range(iterations)`.
 */
const prologue: (ScalarSpec | MapSpec)[] = [
  { scalar: { reads: { __in1: "c" }, write: "h", code: "__out = 2 * __in1" } },
  { params: ["i"], ranges: [["0", "N - 1"]], reads: {}, write: { data: "T", index: ["i"] }, code: "__out = 0" },
];
const nested = (iterations: string, body = iteration, before = prologue) =>
  programWith(arrays, [state("init", before), loop("for_n", "n", "3", [state("b", halfStep), loop("for_q", "q", iterations, [state("p", body)])])]);

const stencils = (r: ReturnType<typeof raiseStencilMaps>) => {
  if (!r.ok) throw new Error(r.reason);
  return r.bundle.sdfg.states[0]!.nodes.filter((n): n is StencilNode => n.kind === "stencil");
};

describe("stencil-maps: a time loop holding an inner loop, boundary copies and scalars", () => {
  it("unrolls the inner loop into the step's pipeline: every iteration's stencils, in order, each boundary copy a stencil on its box", () => {
    const r = raiseStencilMaps(inputOf(nested("2"), N));
    const ss = stencils(r);
    expect(ss.map((s) => s.label)).toEqual(["T", "A_v1", "A_v2", "A_v3", "A"]);
    // T: the scalar h = 2 c is put into the map that reads it.
    expect(ss[0]!.code.at(-1)!.value).toEqual({ kind: "binary", op: "*", left: { kind: "access", field: "A_in", offset: [1] }, right: { kind: "binary", op: "*", left: { kind: "number", value: 2 }, right: { kind: "name", name: "c" } } });
    // T is written on 1..N-2 only and read only there: no region, its border never read.
    expect(ss[0]!.region).toBeUndefined();
    // Iteration q = 0 reads the step's input, q = 1 what q = 0 left.
    expect(ss[1]!.region).toEqual({ lo: [1], hi: [N - 2], keep: "A_in" });
    expect(ss[3]!.region).toEqual({ lo: [1], hi: [N - 2], keep: "A_v2" });
    // A[N-1] = A[N-2]: the last element reads its left neighbour, the others keep their values.
    expect(ss[2]!.code.at(-1)!.value).toEqual({ kind: "access", field: "A_v1", offset: [-1] });
    expect(ss[2]!.region).toEqual({ lo: [N - 1], hi: [N - 1], keep: "A_v1" });
    expect(ss[4]!.region).toEqual({ lo: [N - 1], hi: [N - 1], keep: "A_v3" });
    if (!r.ok) return;
    expect(r.bundle.timeLoop).toEqual({ steps: 3, feedback: { A: "A_in" } });
    expect(r.bundle.inputs.map((i) => i.name).sort()).toEqual(["A_in", "c"]);
    // Every iteration's maps are kernels of their own, named by the iteration.
    expect(r.kernels.map((k) => k.name).filter((k) => k.startsWith("p["))).toEqual([expect.stringMatching(/^p\[q=0\]\/map0#/), expect.stringMatching(/^p\[q=0\]\/copy A -> A#/), expect.stringMatching(/^p\[q=1\]\/map0#/), expect.stringMatching(/^p\[q=1\]\/copy A -> A#/)]);
    expect(r.kernels.at(-1)).toMatchObject({ name: "for_q", mapping: "streamed", reason: expect.stringMatching(/inner loop unrolled: its 2 iterations of 1 state\(s\) are 2 successive stages/) });
  });

  it("a transient written on a sub-box after a whole write keeps the earlier version's other elements", () => {
    const maps: MapSpec[] = [
      { params: ["i"], ranges: [["0", "N - 1"]], reads: { a: { data: "A", index: ["i"] } }, write: { data: "T", index: ["i"] }, code: "__out = a + 1" },
      { params: ["i"], ranges: [["0", "0"]], reads: {}, write: { data: "T", index: ["i"] }, code: "__out = 5" },
      { params: ["i"], ranges: [["0", "N - 1"]], reads: { t: { data: "T", index: ["i"] } }, write: { data: "B", index: ["i"] }, code: "__out = t * t" },
    ];
    const ss = stencils(raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]), T: array(["N"], true) }, maps), N)));
    expect(ss.map((s) => [s.label, s.region])).toEqual([["T", undefined], ["T_2", { lo: [0], hi: [0], keep: "T" }], ["B", undefined]]);
  });

  it("refuses what it cannot prove: a long or varying inner loop, a transient read where nothing wrote it, a state before the loop writing an argument", () => {
    const reason = (p: Program) => {
      const r = raiseStencilMaps(inputOf(p, N));
      return r.ok ? "streamed" : r.reason;
    };
    expect(reason(nested("17"))).toBe("loop 'for_q' inside loop 'for_n' runs 17 times; an inner loop is unrolled into the time step's pipeline up to 16 iterations");
    const varying: MapSpec[] = [{ ...(iteration[0] as MapSpec), code: "__out = 0.5 * (l + r) + t * q" }];
    expect(reason(nested("2", varying))).toBe("loop 'for_q' inside loop 'for_n': its body reads 'q' (an unrolled inner loop's iterations must be alike)");
    // T[0] is never written in the step (only before the loop): reading it is refused.
    const border: MapSpec[] = [{ ...(iteration[0] as MapSpec), reads: { ...(iteration[0] as MapSpec).reads, t: { data: "T", index: ["i"] } } }];
    expect(reason(nested("2", border))).toBe("map 0: map 'map0' writes only part of transient 'T' and map 'map0' of state 'p[q=0]' reads it outside that part");
    // A second write of a sub-box of T in the step would keep T[0], which nothing wrote.
    const again: MapSpec[] = [{ params: ["i"], ranges: [["0", "N - 3"]], reads: {}, write: { data: "T", index: ["i + 1"] }, code: "__out = 1" }, ...(iteration as MapSpec[]).slice(0, 1)];
    expect(reason(nested("2", again))).toBe("map 0: map 'map0' writes only part of transient 'T' and map 'map0' of state 'p[q=0]' writes it again, keeping the elements nothing wrote");
    expect(reason(nested("2", iteration, [{ params: ["i"], ranges: [["0", "N - 1"]], reads: {}, write: { data: "A", index: ["i"] }, code: "__out = 0" }]))).toBe("map 0: map 'map0' before the time loop writes 'A' (only transients nothing reads may be set before the loop)");
  });
});
