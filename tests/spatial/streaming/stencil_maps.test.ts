// IR in, IR out: the stencil-maps pattern pass on small hand-built programs (what stencil, which
// offsets, which write region, which time loop), and its refusals, each with the reason.
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StencilNode } from "../../../src/ir/sdfg.js";
import { raiseStencilMaps } from "../../../src/spatial/streaming/stencil_maps.js";
import { streamProgram } from "../../../src/spatial/streaming/patterns.js";
import { affineForm, pointOffsets } from "../../../src/spatial/streaming/affine_index.js";
import { parsePyExpression } from "../../../src/frontend/dace/python_code.js";
import { loadSdfgBundle } from "../../../src/targets/sdfg_program.js";
import { SHARED } from "../../helpers.js";
import type { PDataDesc, PLoop, PState } from "../../../src/ir/program.js";
import { array, inputOf, programOf, scalar, type CopySpec, type MapSpec } from "./small_programs.js";

const N = 8;
/** `B[1:-1] = A[:-2] + 2.0 * A[2:]` as DaCe writes it: one map over the interior. */
const interior: MapSpec = {
  params: ["i"], ranges: [["0", "N - 3"]],
  reads: { __in1: { data: "A", index: ["i"] }, __in2: { data: "A", index: ["i + 2"] } },
  write: { data: "B", index: ["i + 1"] },
  code: "__out = __in1 + 2.0 * __in2",
};

const stencils = (r: ReturnType<typeof raiseStencilMaps>) => {
  if (!r.ok) throw new Error(r.reason);
  return r.bundle.sdfg.states[0]!.nodes.filter((n): n is StencilNode => n.kind === "stencil");
};

describe("stencil-maps: programs in, stencil programs out", () => {
  it("a map over a sub-range becomes a stencil with offsets relative to the written element and a write region keeping the old values", () => {
    const r = raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]) }, [interior]), N));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [s] = stencils(r);
    expect(s!.label).toBe("B");
    expect(s!.domain).toEqual([N]);
    // B[i+1] = A[i] + 2 A[i+2]: at the written element k = i+1 the reads are A[k-1] and A[k+1].
    expect(s!.code).toEqual([{ target: "t0", value: {
      kind: "binary", op: "+", left: { kind: "access", field: "A", offset: [-1] },
      right: { kind: "binary", op: "*", left: { kind: "number", value: 2 }, right: { kind: "access", field: "A", offset: [1] } },
    } }]);
    expect(s!.region).toEqual({ lo: [1], hi: [N - 2], keep: "B_in" });
    expect(r.bundle.inputs.map((i) => i.name).sort()).toEqual(["A", "B_in"]);
    expect(r.bundle.inputs.find((i) => i.name === "B_in")!.source).toMatchObject({ kind: "file", format: "npy" });
    expect(r.bundle.outputs).toEqual(["B"]);
    expect(r.bundle.timeLoop).toBeUndefined();
    expect(r.kernels).toHaveLength(1);
    expect(r.kernels[0]).toMatchObject({ mapping: "streamed", pattern: "stencil-maps" });
  });

  it("an intermediate transient read once is fused into its reader, its accesses shifted by the read offset", () => {
    const maps: MapSpec[] = [
      { params: ["i"], ranges: [["0", "N - 3"]], reads: { a: { data: "A", index: ["i"] }, b: { data: "A", index: ["i + 2"] } }, write: { data: "T", index: ["i"] }, code: "__out = a + b" },
      { params: ["i"], ranges: [["0", "N - 3"]], reads: { t: { data: "T", index: ["i"] } }, write: { data: "B", index: ["i + 1"] }, code: "__out = 0.5 * t" },
    ];
    const r = raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]), T: array(["N - 2"], true) }, maps), N));
    const ss = stencils(r);
    expect(ss.map((s) => s.label)).toEqual(["B"]);
    expect(ss[0]!.code[0]!.value).toEqual({
      kind: "binary", op: "*", left: { kind: "number", value: 0.5 },
      right: { kind: "binary", op: "+", left: { kind: "access", field: "A", offset: [-1] }, right: { kind: "access", field: "A", offset: [1] } },
    });
    if (r.ok) expect(r.kernels.map((k) => k.reason)).toEqual([expect.stringMatching(/fused into stencil 'B'/), expect.stringMatching(/stencil 'B' on a sub-box/)]);
  });

  it("two writes of one array are two versions; a loop around them is the time loop, each array fed back into its input", () => {
    const maps: MapSpec[] = [
      { ...interior },
      { params: ["i"], ranges: [["0", "N - 3"]], reads: { x: { data: "B", index: ["i + 1"] } }, write: { data: "A", index: ["i + 1"] }, code: "__out = x * x" },
      { params: ["i"], ranges: [["0", "N - 1"]], reads: { x: { data: "B", index: ["i"] } }, write: { data: "B", index: ["i"] }, code: "__out = x + 1" },
    ];
    const r = raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]) }, maps, { start: "1", bound: "N" }), N));
    const ss = stencils(r);
    expect(ss.map((s) => s.label)).toEqual(["B_v1", "A", "B"]);
    expect(ss[0]!.region).toEqual({ lo: [1], hi: [N - 2], keep: "B_in" });
    expect(ss[1]!.region).toEqual({ lo: [1], hi: [N - 2], keep: "A_in" });
    expect(ss[1]!.code[0]!.value).toMatchObject({ left: { kind: "access", field: "B_v1", offset: [0] } });
    // The last write covers the whole array: no region.
    expect(ss[2]!.region).toBeUndefined();
    if (!r.ok) return;
    expect(r.bundle.timeLoop).toEqual({ steps: N - 1, feedback: { A: "A_in", B: "B_in" } });
    expect(r.bundle.sdfg.timeLoop).toEqual({ steps: N - 1, feedback: { A: "A_in", B: "B_in" } });
    expect(r.bundle.outputs).toEqual(["A", "B"]);
  });

  it("whole-array copies to and from device buffers are the identity, fused away", () => {
    const maps = [
      { copy: { from: "A", to: "A_dev", shape: ["N"] } },
      { ...interior, reads: { __in1: { data: "A_dev", index: ["i"] }, __in2: { data: "A_dev", index: ["i + 2"] } }, write: { data: "B_dev", index: ["i + 1"] } },
      { copy: { from: "B_dev", to: "B", shape: ["N"] } },
    ];
    const arrays = { A: array(["N"]), B: array(["N"]), A_dev: array(["N"], true), B_dev: array(["N"], true) };
    const r = raiseStencilMaps(inputOf(programOf(arrays, maps), N));
    // B_dev is written on the interior only, and its other elements are never written: refused
    // unless the map covers B_dev (a transient's unwritten elements have no value).
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/writes only part of transient 'B_dev'/);
    const full = raiseStencilMaps(inputOf(programOf(arrays, [maps[0]!, { ...maps[1]!, ranges: [["0", "N - 1"]], reads: { __in1: { data: "A_dev", index: ["i"] }, __in2: { data: "A_dev", index: ["i"] } }, write: { data: "B_dev", index: ["i"] } } as MapSpec, maps[2]!]), N));
    const [b] = stencils(full);
    expect(b!.label).toBe("B");
    expect(b!.region).toBeUndefined();
    expect(b!.code[0]!.value).toMatchObject({ kind: "binary", op: "+", left: { kind: "access", field: "A", offset: [0] } });
  });

  it("a scalar argument the tasklet reads is a scalar input of the stencil; symbols in code are their values", () => {
    const map: MapSpec = { params: ["i"], ranges: [["0", "N - 1"]], reads: { a: { data: "alpha", index: [] }, x: { data: "A", index: ["i"] } }, write: { data: "B", index: ["i"] }, code: "__out = a * x + N" };
    const r = raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]), alpha: scalar() }, [map]), N));
    const [s] = stencils(r);
    expect(s!.inputs).toEqual({
      alpha: { data: "alpha", axes: [], boundary: { type: "constant", value: 0 } },
      A: { data: "A", axes: [0], boundary: { type: "constant", value: 0 } },
    });
    expect(s!.code[0]!.value).toEqual({ kind: "binary", op: "+", left: { kind: "binary", op: "*", left: { kind: "name", name: "alpha" }, right: { kind: "access", field: "A", offset: [0] } }, right: { kind: "number", value: N } });
    if (r.ok) expect(r.bundle.inputs.map((i) => [i.name, i.shape])).toEqual([["A", [N]], ["alpha", []]]);
  });

  it("arrays of two shapes: the domain is the largest, a smaller array the box it fills (a written one centred, a read one where its reader reads it)", () => {
    // T[i] = A[i+1] - A[i] over N+1 points; B[i] = C[i] * (T[i+1] - T[i]) + A[i+1] over N (hdiff's form).
    const maps: MapSpec[] = [
      { params: ["i"], ranges: [["0", "N"]], reads: { a1: { data: "A", index: ["i + 1"] }, a0: { data: "A", index: ["i"] } }, write: { data: "T", index: ["i"] }, code: "__out = a1 - a0" },
      { params: ["i"], ranges: [["0", "N - 1"]], reads: { c: { data: "C", index: ["i"] }, t1: { data: "T", index: ["i + 1"] }, t0: { data: "T", index: ["i"] }, a: { data: "A", index: ["i + 1"] } }, write: { data: "B", index: ["i"] }, code: "__out = c * (t1 - t0) + a" },
    ];
    const r = raiseStencilMaps(inputOf(programOf({ A: array(["N + 2"]), B: array(["N"]), C: array(["N"]), T: array(["N + 1"], true) }, maps), N));
    const ss = stencils(r);
    if (!r.ok) return;
    expect(r.bundle.domain).toEqual([N + 2]);
    // B (and so C, read at B's element) sits at 1 of the N+2 domain, T (read at i+1 first) at 0.
    expect(r.outputBoxes).toEqual({ B: { origin: [1], shape: [N] } });
    expect(r.bundle.inputs.map((i) => [i.name, i.shape, i.source.kind === "file" ? i.source.npyBox : "?"])).toEqual([["A", [N + 2], undefined], ["C", [N + 2], { origin: [1], shape: [N] }]]);
    expect(ss.map((s) => [s.label, s.domain, s.region])).toEqual([["T", [N + 2], undefined], ["B", [N + 2], undefined]]);
    const acc = (field: string, d: number) => ({ kind: "access", field, offset: [d] });
    expect(ss[0]!.code[0]!.value).toEqual({ kind: "binary", op: "-", left: acc("A", 1), right: acc("A", 0) });
    // At B's element q = i+1: C[i] is C at q, T[i+1] is T at q, T[i] at q-1, A[i+1] at q.
    expect(ss[1]!.code[0]!.value).toEqual({ kind: "binary", op: "+", left: { kind: "binary", op: "*", left: acc("C", 0), right: { kind: "binary", op: "-", left: acc("T", 0), right: acc("T", -1) } }, right: acc("A", 0) });
    expect(r.kernels[1]!.reason).toMatch(/its 8 array is the box at \(1\) of the 10 domain; only the box is stored/);
  });

  // `for t in range(0, 3): B[0] = F[t]; B[1:] = A[:-1]; A[:] = B` (fdtd_2d's `ey[0, :] = _fict_[t]`):
  // DaCe copies F[t] into a scalar transient x that a map on one element reads.
  const perStep = (index: string, ranges: [string, string][] = [["0", "0"]], bound = "3") => {
    const maps: (MapSpec | CopySpec)[] = [
      { copy: { from: "F", to: "x", shape: ["N"] } },
      { params: ["i"], ranges, reads: { v: { data: "x", index: [] } }, write: { data: "B", index: ["i"] }, code: "__out = v" },
      { params: ["i"], ranges: [["1", "N - 1"]], reads: { a: { data: "A", index: ["i - 1"] } }, write: { data: "B", index: ["i"] }, code: "__out = a" },
      { params: ["i"], ranges: [["0", "N - 1"]], reads: { b: { data: "B", index: ["i"] } }, write: { data: "A", index: ["i"] }, code: "__out = b" },
    ];
    const x: PDataDesc = { ...scalar(), transient: true };
    const program = programOf({ A: array(["N"]), B: array(["N"]), F: array(["N"]), x }, maps, { start: "0", bound });
    const state = (program.root.blocks[0] as PLoop).body.blocks[0] as PState;
    const copy = state.edges.find((e) => e.memlet?.data === "F")!;
    copy.memlet = { ...copy.memlet!, subset: [{ start: parsePyExpression(index), end: parsePyExpression(index), step: parsePyExpression("1") }] };
    return raiseStencilMaps(inputOf(program, N));
  };

  it("a per-step value F[t] is row 0 of a step table that moves up a row after every step, fed back like the arrays", () => {
    const r = perStep("t");
    const ss = stencils(r);
    if (!r.ok) return;
    expect(ss.map((s) => [s.label, s.code[0]!.value, s.region])).toEqual([
      ["B_v1", { kind: "access", field: "F_steps_in", offset: [0] }, { lo: [0], hi: [0], keep: "B_in" }],
      ["B", { kind: "access", field: "A_in", offset: [-1] }, { lo: [1], hi: [N - 1], keep: "B_v1" }],
      ["A", { kind: "access", field: "B", offset: [0] }, undefined],
      ["F_steps", { kind: "access", field: "F_steps_in", offset: [1] }, undefined],
    ]);
    expect(r.bundle.timeLoop).toEqual({ steps: 3, feedback: { A: "A_in", B: "B_in", F_steps: "F_steps_in" } });
    const table = r.bundle.inputs.find((i) => i.name === "F_steps_in")!;
    expect([table.shape, table.source]).toEqual([[N], { kind: "file", path: join(dirname(r.bundle.file), "F.npy"), format: "npy", npyRows: { first: 0 } }]);
    expect(r.kernels.at(-1)!.reason).toMatch(/step table: stencil 'F_steps' moves the table of 'F\[t\]' up a row after each step/);
  });

  it("refuses per-step values it cannot place: a map over several rows, more steps than rows, an index other than t", () => {
    expect(perStep("t", [["0", "1"]])).toMatchObject({ ok: false, reason: expect.stringMatching(/reads the per-step value 'x' over 2 rows/) });
    expect(perStep("t", undefined, "N + 1")).toMatchObject({ ok: false, reason: expect.stringMatching(/9 steps need 9 rows of the step table of 'F', the domain has 8/) });
    expect(perStep("t + 1")).toMatchObject({ ok: false, reason: expect.stringMatching(/reads the loop variable 't' other than as 'T\[t\]'/) });
  });

  const refusals: [string, () => ReturnType<typeof raiseStencilMaps>, RegExp][] = [
    ["arrays of which none holds the others", () => raiseStencilMaps(inputOf(programOf({ A: array(["N", "N + 1"]), B: array(["N + 1", "N"]) }, [{ params: ["i", "j"], ranges: [["0", "N - 1"], ["0", "N - 1"]], reads: { a: { data: "A", index: ["i", "j"] } }, write: { data: "B", index: ["i", "j"] }, code: "__out = a" }]), N)),
      /no array holds all the others \('A' \(8, 9\), 'B' \(9, 8\)\)/],
    ["arrays of two shapes in a time loop", () => raiseStencilMaps(inputOf(programOf({ A: array(["N + 2"]), B: array(["N"]) }, [{ ...interior, write: { data: "B", index: ["i"] } }], { start: "0", bound: "3" }), N)),
      /arrays of different shapes \('B' is smaller than the 10 domain\) inside a time loop are not streamed yet/],
    ["a strided index", () => raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]) }, [{ ...interior, reads: { __in1: { data: "A", index: ["2 * i"] }, __in2: { data: "A", index: ["i"] } } }]), N)),
      /the read of 'A' index 0 is not 'i' plus a constant/],
    ["a data-dependent index", () => raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]) }, [{ ...interior, reads: { __in1: { data: "A", index: ["idx"] }, __in2: { data: "A", index: ["i"] } } }]), N)),
      /index 0 is not an affine function of the map parameters/],
    ["a reduction (write-conflict resolution)", () => raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]) }, [{ ...interior, write: { data: "B", index: ["i + 1"], wcr: true } }]), N)),
      /write-conflict resolution \(a reduction, not a stencil\)/],
    ["a loop whose count is unknown", () => raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]) }, [interior], { start: "0", bound: "M" }), N)),
      /loop 'for_t': its bound is not known before the run/],
    ["a loop body reading the loop variable", () => raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]) }, [{ ...interior, write: { data: "B", index: ["i + t"] } }], { start: "0", bound: "3" }), N)),
      /reads the loop variable 't'/],
    ["tasklet code indexing data", () => raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]) }, [{ ...interior, code: "__out = __in1[0]" }]), N)),
      /the tasklet indexes '__in1'/],
    ["a write outside the common domain", () => raiseStencilMaps(inputOf(programOf({ A: array(["N"]), B: array(["N"]) }, [{ ...interior, ranges: [["0", "N - 1"]] }]), N)),
      /writes outside the common domain \(8\)/],
  ];
  it.for(refusals)("refuses %s, saying why", ([, run, reason]) => {
    const r = run();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  const npbench = (name: string) => {
    const b = loadSdfgBundle(join(SHARED, "peers", "npbench", name, `${name}.sdfg`));
    return streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
  };
  it("keeps NPBench programs it cannot prove memory-mapped, with the reason per kernel", () => {
    // gemm is the systolic pattern's (since stream-linalg); stencil-maps itself refuses it.
    const gemm = npbench("gemm");
    expect(gemm.streamed && gemm.pattern).toBe("systolic-matmul");
    const b = loadSdfgBundle(join(SHARED, "peers", "npbench", "gemm", "gemm.sdfg"));
    const own = raiseStencilMaps({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
    expect(own).toMatchObject({ ok: false, reason: expect.stringMatching(/library node '_MatMult_'/) });
  });

  it("streams NPBench's fdtd_2d, its `ey[0, :] = _fict_[t]` read from a step table", () => {
    const fdtd = npbench("fdtd_2d");
    expect(fdtd.streamed && fdtd.pattern).toBe("stencil-maps");
    if (fdtd.streamed) expect([fdtd.bundle.timeLoop, fdtd.bundle.outputs]).toEqual([{ steps: 4, feedback: { ex: "ex_in", ey: "ey_in", hz: "hz_in", fict_steps: "fict_steps_in" } }, ["ex", "ey", "fict_steps", "hz"]]);
  });

  it("streams NPBench's hdiff, whose arrays differ in shape, over in_field's 20x20x15 domain", () => {
    const hdiff = npbench("hdiff");
    expect(hdiff.streamed && hdiff.pattern).toBe("stencil-maps");
    if (hdiff.streamed) expect([hdiff.bundle.domain, hdiff.outputBoxes]).toEqual([[20, 20, 15], { out_field: { origin: [2, 2, 0], shape: [16, 16, 15] } }]);
  });
});

describe("affine indices", () => {
  const values = { N: 10 };
  it("reads param + constant, with symbols replaced by their values", () => {
    const f = affineForm(parsePyExpression("(N - 2) + i - 1"), ["i"], values)!;
    expect(f.constant).toBe(7);
    expect([...f.coefficients]).toEqual([["i", 1]]);
    expect(affineForm(parsePyExpression("i * j"), ["i", "j"], values)).toBeNull();
    const r = (s: string) => ({ start: parsePyExpression(s), end: parsePyExpression(s), step: parsePyExpression("1") });
    expect(pointOffsets([r("i + 1"), r("j - N + 8")], ["i", "j"], values)).toEqual([1, -2]);
    expect(pointOffsets([r("j"), r("i")], ["i", "j"], values)).toMatch(/index 0 is not 'i' plus a constant/);
    expect(pointOffsets([{ start: parsePyExpression("i"), end: parsePyExpression("i + 1"), step: parsePyExpression("1") }], ["i"], values)).toMatch(/is a range/);
  });
});
