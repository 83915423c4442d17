// The program's input data as .npy files: what generated projects ship in data/ and what
// emulation feeds the kernel when the user gives no --inputs directory.

import { readFileSync } from "node:fs";
import { decodeNpy, encodeNpy } from "../data/npy.js";
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

/** An input given as a .npy file (emulate --inputs): its values, checked against the input's shape. */
export function readGivenInput(path: string, input: ProgramInput): Float64Array {
  const arr = decodeNpy(readFileSync(path), path);
  const scalarOk = input.shape.length === 0 && arr.values.length === 1;
  if (!scalarOk && arr.shape.join(",") !== input.shape.join(",")) {
    throw new UserError(path, `shape (${arr.shape.join(", ")}) does not match input '${input.name}' of shape (${input.shape.join(", ")})`);
  }
  return arr.values;
}

/** What every generated project carries of the program: its SDFG as JSON and its input data. */
export function programFiles(bundle: ProgramBundle): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>([[`${bundle.name}.sdfg.json`, sdfgToJSON(bundle.sdfg)]]);
  for (const [name, content] of inputFiles(bundle)) files.set(`data/${name}`, content);
  return files;
}
