// NumPy .npy files (format 1.0/2.0/3.0 read, 1.0 written): the array format users hand us and get
// back. Only little-endian floats and integers (f4, f8, i4, i8) in C order, which is what the hardware streams.

import { UserError } from "../ir/diagnostics.js";
import { DTYPE_INFO, type DType } from "../ir/dtype.js";

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

export interface NpyArray {
  dtype: DType;
  shape: number[];
  values: Float64Array;
}

/** Encodes values (any numbers) as an .npy file of `dtype`; byte-identical for equal input. */
export function encodeNpy(dtype: DType, shape: readonly number[], values: ArrayLike<number>): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`encodeNpy: ${values.length} values for shape (${shape.join(", ")})`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${DTYPE_INFO[dtype].npyDescr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Magic (6) + version (2) + length (2) + header + '\n' must be a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const head = Buffer.alloc(10);
  MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const bytes = DTYPE_INFO[dtype].bytes;
  const body = Buffer.alloc(count * bytes);
  for (let n = 0; n < count; n++) {
    if (dtype === "float32") body.writeFloatLE(values[n]!, n * bytes);
    else if (dtype === "float64") body.writeDoubleLE(values[n]!, n * bytes);
    else if (dtype === "int32") body.writeInt32LE(values[n]!, n * bytes);
    else body.writeBigInt64LE(BigInt(values[n]!), n * bytes);
  }
  return Buffer.concat([head, Buffer.from(header, "latin1"), body]);
}

export interface NpyHeader { descr: string; fortranOrder: boolean; shape: number[]; dataOffset: number }

/** Parses the header; `where` names the file in errors. */
export function decodeNpyHeader(buf: Buffer, where: string): NpyHeader {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw new UserError(where, "not a NumPy .npy file (bad magic)");
  const major = buf[6]!;
  const lenBytes = major === 1 ? 2 : 4;
  if (![1, 2, 3].includes(major)) throw new UserError(where, `unsupported .npy format version ${major}`);
  const len = lenBytes === 2 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = 8 + lenBytes;
  if (buf.length < start + len) throw new UserError(where, ".npy header is truncated");
  const text = buf.subarray(start, start + len).toString("latin1");
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new UserError(where, `.npy header is malformed: ${text.trim()}`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new UserError(where, `.npy shape (${shapeText}) is not a list of sizes`);
  return { descr, fortranOrder: fortran === "True", shape, dataOffset: start + len };
}

const DESCR: Record<string, { bytes: number; read: (b: Buffer, o: number) => number }> = {
  "<f4": { bytes: 4, read: (b, o) => b.readFloatLE(o) },
  "<f8": { bytes: 8, read: (b, o) => b.readDoubleLE(o) },
  "<i4": { bytes: 4, read: (b, o) => b.readInt32LE(o) },
  "<i8": { bytes: 8, read: (b, o) => Number(b.readBigInt64LE(o)) },
};

/** Decodes an .npy file of f4/f8 (or i4/i8, converted) values in C order. */
export function decodeNpy(buf: Buffer, where: string): { shape: number[]; descr: string; values: Float64Array } {
  const h = decodeNpyHeader(buf, where);
  const kind = DESCR[h.descr.replace(/^\|/, "<")];
  if (!kind) throw new UserError(where, `.npy dtype '${h.descr}' is not supported (expected <f4, <f8, <i4 or <i8)`);
  if (h.fortranOrder) throw new UserError(where, ".npy array is in Fortran order; save it in C order");
  const count = h.shape.reduce((a, b) => a * b, 1);
  if (buf.length - h.dataOffset !== count * kind.bytes) {
    throw new UserError(where, `.npy data has ${buf.length - h.dataOffset} bytes, shape (${h.shape.join(", ")}) needs ${count * kind.bytes}`);
  }
  const values = new Float64Array(count);
  for (let n = 0; n < count; n++) values[n] = kind.read(buf, h.dataOffset + n * kind.bytes);
  return { shape: h.shape, descr: h.descr, values };
}
