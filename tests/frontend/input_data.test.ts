import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readInputValues, type ProgramInput } from "../../src/frontend/load_program.js";
import { cutBox, placeBox, resolveDataSource } from "../../src/frontend/input_data.js";
import { UserError } from "../../src/ir/diagnostics.js";

const PEERS = "/work/shared/peers/stencilflow";
const tmp = mkdtempSync(join(tmpdir(), "sdfg-fpga-data-"));

function npy(descr: string, shape: number[], values: number[], opts: { fortran?: boolean; version?: 1 | 2 } = {}): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? "True" : "False"}, 'shape': ${shapeText}, }`;
  const version = opts.version ?? 1;
  const pre = version === 1 ? 10 : 12;
  header = header.padEnd(Math.ceil((pre + header.length + 1) / 64) * 64 - pre - 1, " ") + "\n";
  const head = Buffer.alloc(pre);
  Buffer.from("\x93NUMPY", "latin1").copy(head);
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(header.length, 8); else head.writeUInt32LE(header.length, 8);
  const bytes = descr.endsWith("4") ? 4 : 8;
  const data = Buffer.alloc(values.length * bytes);
  values.forEach((v, i) => (bytes === 4 ? data.writeFloatLE(v, i * 4) : data.writeDoubleLE(v, i * 8)));
  return Buffer.concat([head, Buffer.from(header, "latin1"), data]);
}

function input(shape: number[], source: ProgramInput["source"], dtype: ProgramInput["dtype"] = "float64"): ProgramInput {
  return { name: "a", dtype, axes: shape.map((_, i) => i), shape, source };
}

function file(name: string, content: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("no UserError");
}

describe("reading values", () => {
  test("StencilFlow's helper_test.csv and helper_test.dat", () => {
    const csv = readInputValues(input([2], { kind: "file", path: join(PEERS, "helper_test.csv"), format: "csv" }), "t");
    const dat = readInputValues(input([2], { kind: "file", path: join(PEERS, "helper_test.dat"), format: "dat" }), "t");
    expect([...csv]).toEqual([7, 7]);
    expect([...dat]).toEqual([7, 7]);
  });

  test("csv: commas, newlines, a trailing comma, nan/inf", () => {
    const p = file("m.csv", "1, 2.5,\n-3e1,4\r\n\nnan,inf\n");
    const v = readInputValues(input([2, 3], { kind: "file", path: p, format: "csv" }), "t");
    expect([...v]).toEqual([1, 2.5, -30, 4, NaN, Infinity]);
  });

  test("csv errors name the file, line and column", () => {
    const p = file("bad.csv", "1,2\n3,x\n");
    const e = userError(() => readInputValues(input([4], { kind: "file", path: p, format: "csv" }), "t"));
    expect(e.message).toBe(`${p}:2:3: 'x' is not a number (input 'a')`);
    const short = file("short.csv", "1,2,3");
    expect(userError(() => readInputValues(input([4], { kind: "file", path: short, format: "csv" }), "t")).message)
      .toBe(`${short}: input 'a': 3 values, shape 4 needs 4`);
  });

  test("npy: <f4 and <f8, versions 1 and 2, scalars", () => {
    const p4 = file("a4.npy", npy("<f4", [2, 2], [1, 2, 3, 0.1]));
    expect([...readInputValues(input([2, 2], { kind: "file", path: p4, format: "npy" }), "t")]).toEqual([1, 2, 3, Math.fround(0.1)]);
    const p8 = file("a8.npy", npy("<f8", [3], [0.1, 0.2, 0.3], { version: 2 }));
    expect([...readInputValues(input([3], { kind: "file", path: p8, format: "npy" }), "t")]).toEqual([0.1, 0.2, 0.3]);
    // float64 data for a float32 input is rounded to float32.
    expect(readInputValues(input([3], { kind: "file", path: p8, format: "npy" }, "float32"), "t")[0]).toBe(Math.fround(0.1));
    const s0 = file("s0.npy", npy("<f8", [], [4.5]));
    const s1 = file("s1.npy", npy("<f8", [1], [5.5]));
    expect([...readInputValues(input([], { kind: "file", path: s0, format: "npy" }), "t")]).toEqual([4.5]);
    expect([...readInputValues(input([], { kind: "file", path: s1, format: "npy" }), "t")]).toEqual([5.5]);
  });

  test("npy holding a sub-box of the input: placed at its origin, zeros elsewhere; cut out again", () => {
    const p = file("box.npy", npy("<f8", [2, 2], [1, 2, 3, 4]));
    const box = { origin: [1, 0], shape: [2, 2] };
    // A 3x4 input whose rows 1-2, columns 0-1 are the file's.
    const placed = readInputValues(input([3, 4], { kind: "file", path: p, format: "npy", npyBox: box }), "t");
    expect([...placed]).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
    expect([...cutBox(placed, box, [3, 4])]).toEqual([1, 2, 3, 4]);
    expect([...placeBox(Float64Array.from([7]), { origin: [2, 3], shape: [1, 1] }, [3, 4])].indexOf(7)).toBe(11);
    // The file must have the box's shape.
    expect(userError(() => readInputValues(input([3, 4], { kind: "file", path: p, format: "npy", npyBox: { origin: [0, 0], shape: [3, 4] } }), "t")).message)
      .toBe(`${p}: .npy shape (2, 2) does not match the input's shape 3x4`);
  });

  test("npy rows: element first + i of a 1-D file fills row i of the input, rows past its end are 0", () => {
    const p = file("rows.npy", npy("<f8", [3], [5, 6, 7]));
    const rows = (shape: number[], first: number) => [...readInputValues(input(shape, { kind: "file", path: p, format: "npy", npyRows: { first } }), "t")];
    expect(rows([4, 2], 0)).toEqual([5, 5, 6, 6, 7, 7, 0, 0]);
    expect(rows([2, 3], 1)).toEqual([6, 6, 6, 7, 7, 7]);
    const flat = file("rows2.npy", npy("<f8", [2, 2], [1, 2, 3, 4]));
    expect(userError(() => readInputValues(input([2, 2], { kind: "file", path: flat, format: "npy", npyRows: { first: 0 } }), "t")).message)
      .toBe(`${flat}: .npy shape (2, 2) is not 1-D (its elements fill the rows of a 2x2 input)`);
  });

  test("npy errors", () => {
    const wrongShape = file("ws.npy", npy("<f8", [3, 2], [1, 2, 3, 4, 5, 6]));
    expect(userError(() => readInputValues(input([2, 3], { kind: "file", path: wrongShape, format: "npy" }), "t")).message)
      .toBe(`${wrongShape}: .npy shape (3, 2) does not match the input's shape 2x3`);
    const be = file("be.npy", npy(">f8", [1], [1]));
    expect(userError(() => readInputValues(input([1], { kind: "file", path: be, format: "npy" }), "t")).message).toContain("'>f8' is not supported");
    const fortran = file("f.npy", npy("<f8", [1], [1], { fortran: true }));
    expect(userError(() => readInputValues(input([1], { kind: "file", path: fortran, format: "npy" }), "t")).message).toContain("Fortran order");
    const junk = file("junk.npy", "hello");
    expect(userError(() => readInputValues(input([1], { kind: "file", path: junk, format: "npy" }), "t")).message).toContain("not a valid .npy file");
    const trunc = file("trunc.npy", npy("<f8", [4], [1, 2, 3, 4]).subarray(0, -8));
    expect(userError(() => readInputValues(input([4], { kind: "file", path: trunc, format: "npy" }), "t")).message).toContain("truncated");
  });

  test("dat: float32 and float64 little-endian, wrong size", () => {
    const b = Buffer.alloc(12);
    [1.5, -2, 3.25].forEach((v, i) => b.writeFloatLE(v, i * 4));
    const p = file("x.dat", b);
    expect([...readInputValues(input([3], { kind: "file", path: p, format: "dat" }, "float32"), "t")]).toEqual([1.5, -2, 3.25]);
    expect(userError(() => readInputValues(input([3], { kind: "file", path: p, format: "dat" }, "float64"), "t")).message)
      .toBe(`${p}: input 'a': 12 bytes, shape 3 of float64 needs 24`);
  });

  test("constant and inline values; float32 rounding", () => {
    expect([...readInputValues(input([2, 2], { kind: "constant", value: 0.1 }, "float32"), "t")]).toEqual(Array(4).fill(Math.fround(0.1)));
    expect([...readInputValues(input([], { kind: "constant", value: 3 }), "t")]).toEqual([3]);
    expect([...readInputValues(input([3], { kind: "values", values: [1, 2, 3] }), "t")]).toEqual([1, 2, 3]);
    expect(userError(() => readInputValues(input([3], { kind: "values", values: [1] }), "where")).message)
      .toBe("where: input 'a' has 1 inline values, shape 3 needs 3");
  });
});

describe("resolving data sources", () => {
  test("kinds", () => {
    expect(resolveDataSource("constant:2.5", "float64", [4], tmp, "w")).toEqual({ kind: "constant", value: 2.5 });
    expect(resolveDataSource("constant: -1e3", "float64", [4], tmp, "w")).toEqual({ kind: "constant", value: -1000 });
    expect(resolveDataSource(7, "float64", [], tmp, "w")).toEqual({ kind: "constant", value: 7 });
    expect(resolveDataSource([[1, 2], [3, 4]], "float64", [2, 2], tmp, "w")).toEqual({ kind: "values", values: [1, 2, 3, 4] });
    file("rel.npy", npy("<f8", [2], [1, 2]));
    expect(resolveDataSource("rel.npy", "float64", [2], tmp, "w")).toEqual({ kind: "file", path: join(tmp, "rel.npy"), format: "npy" });
  });

  test("errors use the given location", () => {
    expect(userError(() => resolveDataSource("constant:abc", "float64", [4], tmp, "w")).message).toBe(`w: 'constant:abc' is not "constant:" followed by a number`);
    expect(userError(() => resolveDataSource("x.h5", "float64", [4], tmp, "w")).message).toContain("neither \"constant:X\" nor a .dat, .csv or .npy file");
    expect(userError(() => resolveDataSource("nope.dat", "float64", [4], tmp, "w")).message).toBe(`w: data file '${join(tmp, "nope.dat")}' does not exist`);
    file("three.npy", npy("<f8", [3], [1, 2, 3]));
    expect(userError(() => resolveDataSource("three.npy", "float64", [4], tmp, "w")).message).toContain("does not match");
  });
});
