// The program's input data as .npy files: what generated projects ship in data/ and what
// emulation feeds the kernel when the user gives no --inputs directory.

import { readFileSync } from "node:fs";
import { decodeNpy, decodeNpyHeader, encodeNpy } from "../data/npy.js";
import { DTYPE_INFO, isExactInteger } from "../ir/dtype.js";
import { jsonPathLocation, UserError } from "../ir/diagnostics.js";
import { sdfgToJSON } from "../ir/serialize.js";
import { readInputValues, type ProgramBundle, type ProgramInput } from "../frontend/load_program.js";

/** `<name>.npy` for every input, from the program's data. */
export function inputFiles(bundle: ProgramBundle): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const input of bundle.inputs) {
    const values = readInputValues(input, jsonPathLocation(bundle.file, ["inputs", input.name, "data"]));
    out.set(`${input.name}.npy`, encodeNpy(input.dtype, input.shape, values));
  }
  return out;
}

/**
 * A given .npy already of the input's element type and shape, in C order: used byte for byte, so
 * that int64 values beyond 2^53 (which a JavaScript number cannot hold) arrive unchanged.
 */
export function sameTypeNpy(path: string, input: ProgramInput): Buffer | null {
  const buf = readFileSync(path);
  const h = decodeNpyHeader(buf, path);
  const shapeOk = h.shape.join(",") === input.shape.join(",") || (input.shape.length === 0 && h.shape.reduce((a, b) => a * b, 1) === 1);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const sized = buf.length === h.dataOffset + count * DTYPE_INFO[input.dtype].bytes;
  return h.descr === DTYPE_INFO[input.dtype].npyDescr && !h.fortranOrder && shapeOk && sized ? buf : null;
}

/** An input given as a .npy file (emulate --inputs): its values, checked against the input's shape. */
export function readGivenInput(path: string, input: ProgramInput): Float64Array {
  const arr = decodeNpy(readFileSync(path), path);
  const scalarOk = input.shape.length === 0 && arr.values.length === 1;
  if (!scalarOk && arr.shape.join(",") !== input.shape.join(",")) {
    throw new UserError(path, `shape (${arr.shape.join(", ")}) does not match input '${input.name}' of shape (${input.shape.join(", ")})`);
  }
  const bad = DTYPE_INFO[input.dtype].integer ? arr.values.findIndex((v) => !isExactInteger(v, input.dtype)) : -1;
  if (bad >= 0) throw new UserError(path, `input '${input.name}' is ${input.dtype}, but element ${bad} is ${arr.values[bad]} (not a whole number in range)`);
  return arr.values;
}

/** What every generated project carries of the program: its SDFG as JSON and its input data. */
export function programFiles(bundle: ProgramBundle): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>([[`${bundle.name}.sdfg.json`, sdfgToJSON(bundle.sdfg)]]);
  for (const [name, content] of inputFiles(bundle)) files.set(`data/${name}`, content);
  return files;
}
