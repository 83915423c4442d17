// .npy files of any NumPy element type a DaCe program uses (bool, integers, floats, complex):
// header parsing for symbol inference and decoding to doubles for comparisons. The stencil road
// keeps its float-only reader in npy.ts.

import { UserError } from "../ir/diagnostics.js";
import type { PDType } from "../ir/program.js";

export const NPY_DESCR: Record<PDType, string> = {
  bool: "|b1", int8: "|i1", int16: "<i2", int32: "<i4", int64: "<i8", uint8: "|u1", uint16: "<u2", uint32: "<u4", uint64: "<u8",
  float32: "<f4", float64: "<f8", complex64: "<c8", complex128: "<c16",
};

export interface NpyAny { descr: string; shape: number[]; dataOffset: number; buf: Buffer }

export function readNpyHeader(buf: Buffer, file: string): NpyAny {
  if (buf.length < 10 || buf.toString("latin1", 0, 6) !== "\x93NUMPY") throw new UserError(file, "not a .npy file (bad magic)");
  const major = buf[6]!;
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString("latin1", start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new UserError(file, "malformed .npy header");
  if (fortran) throw new UserError(file, "Fortran-order .npy files are not supported (save with C order)");
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  return { descr: descr.replace(/^=/, "<"), shape, dataOffset: start + hlen, buf };
}

/** Values as doubles (complex: real, imaginary interleaved). */
export function npyValues(n: NpyAny, file: string): Float64Array {
  const d = n.descr;
  const count = n.shape.reduce((a, b) => a * b, 1);
  const size = Number(d.slice(2));
  const kind = d[1];
  const lanes = kind === "c" ? 2 : 1;
  const out = new Float64Array(count * lanes);
  const b = n.buf;
  const o = n.dataOffset;
  const laneBytes = size / lanes;
  if (b.length < o + count * size) throw new UserError(file, "the .npy file is shorter than its header says");
  for (let i = 0; i < count * lanes; i++) {
    const p = o + i * laneBytes;
    let v: number;
    if (kind === "f" || kind === "c") v = laneBytes === 4 ? b.readFloatLE(p) : b.readDoubleLE(p);
    else if (kind === "b") v = b[p]!;
    else if (kind === "i") v = laneBytes === 1 ? b.readInt8(p) : laneBytes === 2 ? b.readInt16LE(p) : laneBytes === 4 ? b.readInt32LE(p) : Number(b.readBigInt64LE(p));
    else if (kind === "u") v = laneBytes === 1 ? b[p]! : laneBytes === 2 ? b.readUInt16LE(p) : laneBytes === 4 ? b.readUInt32LE(p) : Number(b.readBigUInt64LE(p));
    else throw new UserError(file, `unsupported .npy element type '${d}'`);
    out[i] = v;
  }
  return out;
}
