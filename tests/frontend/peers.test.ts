import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadProgram, readInputValues } from "../../src/frontend/load_program.js";
import { stencilsInOrder, type StencilNode } from "../../src/ir/sdfg.js";
import { accessesOf } from "../../src/ir/expr.js";

const DIR = "/work/shared/peers/stencilflow";
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

function stencil(file: string, label: string): StencilNode {
  const b = loadProgram(join(DIR, file));
  const n = b.sdfg.states[0]!.nodes.find((x): x is StencilNode => x.kind === "stencil" && x.label === label);
  if (!n) throw new Error(`no stencil ${label}`);
  return n;
}

describe("every StencilFlow test program loads", () => {
  test("there are peer programs", () => expect(FILES.length).toBeGreaterThanOrEqual(20));
  test.each(FILES)("%s", (f) => {
    const b = loadProgram(join(DIR, f));
    const json = JSON.parse(readFileSync(join(DIR, f), "utf8"));
    expect(b.file).toBe(join(DIR, f));
    expect(b.name).toBe(f.replace(/\.json$/, ""));
    expect(b.domain).toEqual(json.dimensions);
    expect(b.iterators).toEqual(["i", "j", "k"].slice(3 - json.dimensions.length));
    expect(b.outputs).toEqual(json.outputs);
    expect(new Set(b.stencils)).toEqual(new Set(Object.keys(json.program)));
    expect(b.vectorization).toBe(json.vectorization);
    // The stencil order agrees with the SDFG's own dependency order.
    expect(stencilsInOrder(b.sdfg.states[0]!).map((n) => n.label)).toEqual(b.stencils);
    for (const out of json.outputs) expect(b.sdfg.arrays[out]).toMatchObject({ transient: false });
    for (const s of b.stencils) {
      if (!json.outputs.includes(s)) expect(b.sdfg.arrays[s]).toMatchObject({ kind: "array", transient: true, shape: b.domain });
    }
    expect(b.inputs.map((i) => i.name)).toEqual(Object.keys(json.inputs));
    for (const inp of b.inputs) {
      const values = readInputValues(inp, f);
      expect(values.length).toBe(inp.shape.reduce((a, c) => a * c, 1));
      expect(values.every((v) => Number.isFinite(v))).toBe(true);
    }
  });
});

test("varying_dimensionality: axes, shapes, scalar, broadcast offsets", () => {
  const b = loadProgram(join(DIR, "varying_dimensionality.json"));
  expect(b.inputs.map((i) => [i.name, i.axes, i.shape])).toEqual([
    ["in0d", [], []], ["in1d", [2], [32]], ["in2d", [0, 2], [8, 32]], ["in3d", [0, 1, 2], [8, 16, 32]],
  ]);
  expect(b.sdfg.arrays.in0d).toEqual({ kind: "scalar", dtype: "float64", transient: false });
  expect(b.inputs[0]!.source).toEqual({ kind: "constant", value: 0.1 });
  expect(b.inputs[1]!.source).toEqual({ kind: "constant", value: 0.2 });
  expect(readInputValues(b.inputs[1]!, "t")[0]).toBe(Math.fround(0.2));
  expect(readInputValues(b.inputs[0]!, "t")).toEqual(Float64Array.of(0.1));
  const n = stencil("varying_dimensionality.json", "out");
  expect(n.inputs.in2d).toEqual({ data: "in2d", axes: [0, 2], boundary: { type: "constant", value: 1 } });
  expect(accessesOf(n.code).map((a) => [a.field, a.offset])).toEqual([
    ["in1d", [0, 0, 0]], ["in1d", [0, 0, 42]], ["in2d", [0, 0, 0]], ["in2d", [1, 0, 0]], ["in3d", [0, 0, 0]], ["in3d", [1, 1, 1]],
  ]);
  expect(n.code[0]!.value).toMatchObject({ kind: "binary", op: "+" });
});

test("horidiff_min: a 1-D input along i in a 3-D program", () => {
  const b = loadProgram(join(DIR, "horidiff_min.json"));
  expect(b.inputs[0]).toMatchObject({ name: "inA", axes: [0], shape: [10] });
  expect(accessesOf(stencil("horidiff_min.json", "k0").code)[0]!.offset).toEqual([0, 0, 0]);
  expect(b.stencils.indexOf("k4")).toBe(-1);
  const ext = loadProgram(join(DIR, "horidiff_min_ext.json"));
  expect(ext.stencils.indexOf("k4")).toBeLessThan(ext.stencils.indexOf("k3"));
});

test("simulator11: offset k-100 is kept", () => {
  const offsets = accessesOf(stencil("simulator11.json", "kB").code).map((a) => a.offset);
  expect(offsets).toEqual([[0, -100], [0, 2]]);
});

test("simple_input_delay_buf: the last assignment is the result, temporaries stay names", () => {
  const b = loadProgram(join(DIR, "simple_input_delay_buf.json"));
  expect(b.stencils.indexOf("vout")).toBeLessThan(b.stencils.indexOf("vdc"));
  const div = stencil("simple_input_delay_buf.json", "div");
  expect(div.code.map((a) => a.target)).toEqual(["OUT", "res"]);
  expect(div.code[1]!.value).toMatchObject({ kind: "ternary", then: { kind: "name", name: "OUT" } });
  expect(Object.keys(div.inputs)).toEqual(["vdc", "vout", "ppgk", "wtgfac"]);
  expect(b.inputs[0]!.source).toEqual({ kind: "values", values: Array(9).fill(1) });
});

test("jacobi3d: .dat input resolved next to the program and read", () => {
  const b = loadProgram(join(DIR, "jacobi3d_32x32x32.json"));
  expect(b.inputs[0]!.source).toEqual({ kind: "file", path: join(DIR, "data/zeros_32x32x32_fp32.dat"), format: "dat" });
  const v = readInputValues(b.inputs[0]!, "t");
  expect(v.length).toBe(32 * 32 * 32);
  expect(v.every((x) => x === 0)).toBe(true);
  expect(stencil("jacobi3d_32x32x32.json", "b").inputs.a!.boundary).toEqual({ type: "constant", value: 1 });
});

test("IR positions point into the JSON file", () => {
  const file = join(DIR, "simulator.json");
  const lines = readFileSync(file, "utf8").split("\n");
  const n = stencil("simulator.json", "res");
  const access = accessesOf(n.code)[1]!; // arrA[j,k+2]
  expect(lines[access.pos!.line - 1]!.slice(access.pos!.column - 1).startsWith("arrA[j,k+2]")).toBe(true);
  const target = n.code[0]!.pos!;
  expect(lines[target.line - 1]!.slice(target.column - 1).startsWith("res = (arrA")).toBe(true);
});
