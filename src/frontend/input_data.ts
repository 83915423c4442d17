// Input data of a program: resolving the JSON `data` field to a source (checked when the program
// is loaded, without reading large files) and reading the values (.dat, .csv, .npy, inline).

import { constants } from "node:buffer";
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { totalmem } from "node:os";
import { extname, resolve } from "node:path";
import { DTYPE_INFO, isExactInteger, type DType } from "../ir/dtype.js";
import { UserError } from "../ir/diagnostics.js";
import type { NestedNumbers } from "./program_schema.js";

export type DataSource =
  | { kind: "constant"; value: number }
  | { kind: "values"; values: number[] }
  /**
   * `npyShape`: the .npy file's own shape when it differs from the input's but holds the same
   * elements in the same (row-major) order: a streamed DaCe program flattens leading axes.
   */
  | { kind: "file"; path: string; format: "dat" | "csv" | "npy"; npyShape?: number[]; npyBox?: NpyBox; npyRows?: NpyRows };

/**
 * A 1-D .npy whose element `first + i` fills row i (axis 0) of the input, the same value along
 * its other axes; rows past the file's end are 0 (a streamed DaCe program's per-time-step values,
 * row i for step i).
 */
export interface NpyRows {
  first: number;
}

/**
 * A .npy file that holds a sub-box of the input: its elements sit at `origin` (one per axis) of
 * the input's shape and every other element is 0 (a streamed DaCe program whose arrays have
 * different shapes streams them all over the largest one's).
 */
export interface NpyBox {
  origin: number[];
  shape: number[];
}

export interface ProgramInput {
  name: string;
  dtype: DType;
  /** Domain axes the input has (0 = outermost); [] for a scalar. */
  axes: number[];
  shape: number[];
  source: DataSource;
}

const product = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);
const shapeText = (shape: number[]): string => (shape.length === 0 ? "a scalar" : `shape ${shape.join("x")}`);

/** Parses a `"constant:X"` number the way Python's float() would, finite values only. */
function parseConstant(text: string): number | null {
  const t = text.trim();
  if (t === "" || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

/**
 * Resolves and checks an input's `data`. `where` is the location for errors (the JSON path of
 * the field). Files must exist; .dat sizes and .npy headers are checked, .csv is checked on read.
 */
export function resolveDataSource(data: string | NestedNumbers, dtype: DType, shape: number[], baseDir: string, where: string): DataSource {
  const n = product(shape);
  if (typeof data === "number") return { kind: "constant", value: data };
  if (Array.isArray(data)) {
    const values: number[] = [];
    const flatten = (x: NestedNumbers): void => { if (Array.isArray(x)) x.forEach(flatten); else values.push(x); };
    flatten(data);
    if (values.length !== n) throw new UserError(where, `inline data has ${values.length} values, ${shapeText(shape)} needs ${n}`);
    return { kind: "values", values };
  }
  if (data.startsWith("constant:")) {
    const v = parseConstant(data.slice("constant:".length));
    if (v === null) throw new UserError(where, `'${data}' is not "constant:" followed by a number`);
    return { kind: "constant", value: v };
  }
  const ext = extname(data).toLowerCase();
  if (ext !== ".dat" && ext !== ".csv" && ext !== ".npy") {
    throw new UserError(where, `'${data}' is neither "constant:X" nor a .dat, .csv or .npy file`);
  }
  const path = resolve(baseDir, data);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(where, `data file '${path}' does not exist`);
  const format = ext.slice(1) as "dat" | "csv" | "npy";
  if (format === "dat") {
    const expected = n * DTYPE_INFO[dtype].bytes;
    const size = statSync(path).size;
    if (size !== expected) {
      throw new UserError(where, `data file '${path}' has ${size} bytes; ${shapeText(shape)} of ${dtype} needs ${expected}`);
    }
  }
  if (format === "npy") {
    const header = readNpyHeader(path, readHead(path));
    checkNpyShape(header, shape, path);
    const size = statSync(path).size;
    if (size !== header.dataStart + product(header.shape) * header.bytes) {
      throw new UserError(path, `.npy file is truncated or has trailing bytes (${size} bytes for shape (${header.shape.join(", ")}))`);
    }
  }
  return { kind: "file", path, format };
}

/** The largest array this process can hold (Node's Buffer limit; a quarter of the memory). */
const MAX_ARRAY_BYTES = Math.min(constants.MAX_LENGTH, Math.floor(totalmem() / 4));

/** Fails unless the `n` values of `input` fit in memory as doubles (and as their .npy file). */
export function checkAllocatable(input: ProgramInput, where: string): void {
  const n = product(input.shape);
  const bytes = n * 8;
  if (bytes > MAX_ARRAY_BYTES) {
    throw new UserError(where, `input '${input.name}' (${shapeText(input.shape)}) has ${n.toLocaleString("en-US")} elements and needs ${bytes.toLocaleString("en-US")} bytes in memory; at most ${MAX_ARRAY_BYTES.toLocaleString("en-US")} bytes can be allocated here (use smaller dimensions)`);
  }
}

/** The input's values, row-major, rounded to float32 when the input is float32. */
export function readInputValues(input: ProgramInput, where: string): Float64Array {
  checkAllocatable(input, where);
  const n = product(input.shape);
  const src = input.source;
  let out: Float64Array;
  if (src.kind === "constant") out = new Float64Array(n).fill(src.value);
  else if (src.kind === "values") {
    if (src.values.length !== n) throw new UserError(where, `input '${input.name}' has ${src.values.length} inline values, ${shapeText(input.shape)} needs ${n}`);
    out = Float64Array.from(src.values);
  } else if (src.format === "dat") out = readDat(src.path, input, n);
  else if (src.format === "csv") out = readCsv(src.path, input, n);
  else out = readNpy(src.path, input);
  if (input.dtype === "float32") for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i]!);
  if (DTYPE_INFO[input.dtype].integer) {
    // Integer data must be integers the type holds (and, travelling as JavaScript numbers, within
    // ±2^53): converting silently would change the program's input.
    const where2 = src.kind === "file" ? src.path : where;
    for (let i = 0; i < out.length; i++) {
      if (!isExactInteger(out[i]!, input.dtype)) throw new UserError(where2, `input '${input.name}' is ${input.dtype}, but element ${i} is ${out[i]} (not a whole number in range)`);
    }
  }
  return out;
}

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UserError(path, `cannot read data file: ${(err as Error).message}`);
  }
}

function readDat(path: string, input: ProgramInput, n: number): Float64Array {
  const buf = readFile(path);
  const bytes = DTYPE_INFO[input.dtype].bytes;
  if (buf.length !== n * bytes) {
    throw new UserError(path, `input '${input.name}': ${buf.length} bytes, ${shapeText(input.shape)} of ${input.dtype} needs ${n * bytes}`);
  }
  const out = new Float64Array(n);
  const read = ELEMENT_READERS[DTYPE_INFO[input.dtype].npyDescr]!;
  for (let i = 0; i < n; i++) out[i] = read(buf, i * bytes);
  return out;
}

/** Little-endian element readers by .npy descr (int64 read exactly, then as a number). */
const ELEMENT_READERS: Record<string, (b: Buffer, o: number) => number> = {
  "<f4": (b, o) => b.readFloatLE(o),
  "<f8": (b, o) => b.readDoubleLE(o),
  "<i4": (b, o) => b.readInt32LE(o),
  "<i8": (b, o) => {
    const v = b.readBigInt64LE(o);
    // Beyond ±2^53 a number cannot hold it: report it as NaN, which the integer check refuses.
    return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : NaN;
  },
};

const CSV_SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, "+inf": Infinity, "-inf": -Infinity, infinity: Infinity, "+infinity": Infinity, "-infinity": -Infinity };

function readCsv(path: string, input: ProgramInput, n: number): Float64Array {
  const lines = readFile(path).toString("utf8").split(/\r?\n/);
  const values: number[] = [];
  lines.forEach((line, li) => {
    let col = 1;
    for (const cell of line.split(",")) {
      const t = cell.trim();
      // Blank cells only at the end of a line (a trailing comma) or on blank lines.
      if (t !== "") {
        const v = CSV_SPECIAL[t.toLowerCase()] ?? parseConstant(t);
        if (v === null) throw new UserError(`${path}:${li + 1}:${col}`, `'${t}' is not a number (input '${input.name}')`);
        values.push(v);
      }
      col += cell.length + 1;
    }
  });
  if (values.length !== n) throw new UserError(path, `input '${input.name}': ${values.length} values, ${shapeText(input.shape)} needs ${n}`);
  return Float64Array.from(values);
}

interface NpyHeader {
  descr: string;
  bytes: 4 | 8;
  shape: number[];
  dataStart: number;
}

/** The first bytes of a file, enough for any .npy header we accept. */
function readHead(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(65536 + 12);
    const got = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function readNpyHeader(path: string, buf: Buffer): NpyHeader {
  const bad = (why: string): never => { throw new UserError(path, `not a valid .npy file: ${why}`); };
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString("latin1", 1, 6) !== "NUMPY") bad("missing the \\x93NUMPY magic");
  const major = buf[6]!;
  if (major < 1 || major > 3) bad(`unsupported format version ${major}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (buf.length < 8 + lenBytes) bad("truncated header");
  const len = lenBytes === 2 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const dataStart = 8 + lenBytes + len;
  if (buf.length < dataStart) bad("truncated header");
  const text = buf.toString(major === 3 ? "utf8" : "latin1", 8 + lenBytes, dataStart);
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeStr = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeStr === undefined) bad("header lacks descr, fortran_order or shape");
  if (!["<f4", "<f8", "<i4", "<i8"].includes(descr!)) throw new UserError(path, `.npy element type '${descr}' is not supported (use little-endian float32 '<f4', float64 '<f8', int32 '<i4' or int64 '<i8')`);
  if (fortran === "True") throw new UserError(path, ".npy file is in Fortran order; save it in C order");
  const shape = shapeStr!.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => {
    if (!/^\d+$/.test(s)) bad(`invalid shape entry '${s}'`);
    return Number(s);
  });
  return { descr: descr!, bytes: descr === "<f4" || descr === "<i4" ? 4 : 8, shape, dataStart };
}

function checkNpyShape(header: NpyHeader, shape: number[], path: string): void {
  const same = header.shape.length === shape.length && header.shape.every((s, i) => s === shape[i]);
  const scalarOk = shape.length === 0 && (header.shape.length === 0 || (header.shape.length === 1 && header.shape[0] === 1));
  if (!same && !scalarOk) {
    throw new UserError(path, `.npy shape (${header.shape.join(", ")}) does not match the input's ${shapeText(shape)}`);
  }
}

function readNpy(path: string, input: ProgramInput): Float64Array {
  const buf = readFile(path);
  const h = readNpyHeader(path, buf);
  const src = input.source;
  const box = src.kind === "file" ? src.npyBox : undefined;
  const rows = src.kind === "file" ? src.npyRows : undefined;
  if (rows) return readNpyRows(path, buf, h, rows, input.shape);
  checkNpyShape(h, box?.shape ?? (src.kind === "file" ? src.npyShape : undefined) ?? input.shape, path);
  const n = product(h.shape);
  if (buf.length !== h.dataStart + n * h.bytes) {
    throw new UserError(path, `.npy file is truncated or has trailing bytes (${buf.length} bytes for shape (${h.shape.join(", ")}))`);
  }
  const out = new Float64Array(n);
  const read = ELEMENT_READERS[h.descr]!;
  for (let i = 0; i < n; i++) out[i] = read(buf, h.dataStart + i * h.bytes);
  return box ? placeBox(out, box, input.shape) : out;
}

/** The input of shape `shape` whose row i holds element `rows.first + i` of a 1-D .npy. */
function readNpyRows(path: string, buf: Buffer, h: NpyHeader, rows: NpyRows, shape: number[]): Float64Array {
  if (h.shape.length !== 1) throw new UserError(path, `.npy shape (${h.shape.join(", ")}) is not 1-D (its elements fill the rows of a ${shape.join("x")} input)`);
  const n = h.shape[0]!;
  if (buf.length !== h.dataStart + n * h.bytes) throw new UserError(path, `.npy file is truncated or has trailing bytes (${buf.length} bytes for shape (${n}))`);
  const read = ELEMENT_READERS[h.descr]!;
  const out = new Float64Array(product(shape));
  const rowSize = product(shape.slice(1));
  for (let i = 0; i < shape[0]! && rows.first + i < n; i++) out.fill(read(buf, h.dataStart + (rows.first + i) * h.bytes), i * rowSize, (i + 1) * rowSize);
  return out;
}

/** The values of a sub-box placed into an array of `shape` (row-major), 0 elsewhere. */
export function placeBox(values: Float64Array, box: NpyBox, shape: number[]): Float64Array {
  const out = new Float64Array(product(shape));
  forEachBoxElement(box, shape, (inBox, inArray) => { out[inArray] = values[inBox]!; });
  return out;
}

/** The values of a sub-box cut out of an array of `shape` (row-major). */
export function cutBox(values: Float64Array, box: NpyBox, shape: number[]): Float64Array {
  const out = new Float64Array(product(box.shape));
  forEachBoxElement(box, shape, (inBox, inArray) => { out[inBox] = values[inArray]!; });
  return out;
}

/** Calls `f(index in the box, index in the array)` for every element of the box, in row-major order. */
function forEachBoxElement(box: NpyBox, shape: number[], f: (inBox: number, inArray: number) => void): void {
  if (box.shape.length !== shape.length || box.shape.some((s, a) => box.origin[a]! < 0 || box.origin[a]! + s > shape[a]!)) {
    throw new Error(`box at (${box.origin.join(", ")}) of shape (${box.shape.join(", ")}) does not fit in (${shape.join(", ")})`);
  }
  const n = product(box.shape);
  const index = box.shape.map(() => 0);
  for (let inBox = 0; inBox < n; inBox++) {
    let inArray = 0;
    for (let a = 0; a < shape.length; a++) inArray = inArray * shape[a]! + box.origin[a]! + index[a]!;
    f(inBox, inArray);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++index[a]! < box.shape[a]!) break;
      index[a] = 0;
    }
  }
}
