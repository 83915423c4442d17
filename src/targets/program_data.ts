// The program's input data as .npy files: what generated projects ship in data/ and what
// emulation feeds the kernel when the user gives no --inputs directory.

import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { CodeWriter } from "../codegen/code_writer.js";
import { DTYPE_INFO, isExactInteger } from "../ir/dtype.js";
import { formatBytes } from "../platform/placement.js";
import { decodeNpy, decodeNpyHeader, encodeNpy } from "../data/npy.js";
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

/** What a generated project carries of the program's data (generate --no-data, --with-reference). */
export interface DataOptions {
  /** False: no input data at all (`--no-data`). */
  include: boolean;
  /** An input larger than this is not copied; the README says where its data comes from. */
  copyLimitBytes: number;
  /** The CPU reference's outputs (`<output>.npy` → bytes), shipped in reference/ (`--with-reference`). */
  reference?: Map<string, Buffer>;
}

/** Inputs up to 64 MiB each are copied into data/ unless told otherwise. */
export const DEFAULT_DATA_OPTIONS: DataOptions = { include: true, copyLimitBytes: 64 * 1024 * 1024 };

const inputBytes = (input: ProgramInput) => input.shape.reduce((a, b) => a * b, 1) * DTYPE_INFO[input.dtype].bytes;

/** Whether an input is in data/, and if not, why. */
function inputStatus(input: ProgramInput, opts: DataOptions): { copied: true } | { copied: false; why: string } {
  if (!opts.include) return { copied: false, why: "left out (`--no-data`)" };
  const bytes = inputBytes(input);
  if (bytes > opts.copyLimitBytes) return { copied: false, why: `not copied: ${formatBytes(bytes)} is over the ${formatBytes(opts.copyLimitBytes)} copy limit` };
  return { copied: true };
}

/** What every generated project carries of the program: its SDFG as JSON, input data, reference outputs. */
export function programFiles(bundle: ProgramBundle, opts: DataOptions = DEFAULT_DATA_OPTIONS): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>([[`${bundle.name}.sdfg.json`, sdfgToJSON(bundle.sdfg)]]);
  for (const input of bundle.inputs) {
    if (!inputStatus(input, opts).copied) continue;
    const values = readInputValues(input, `${bundle.file}: $.inputs.${input.name}.data`);
    files.set(`data/${input.name}.npy`, encodeNpy(input.dtype, input.shape, values));
  }
  for (const [name, content] of opts.reference ?? []) files.set(`reference/${name}`, content);
  return files;
}

/** Inputs the project does not carry, one sentence each (for the CLI to tell the user). */
export function missingInputs(bundle: ProgramBundle, opts: DataOptions): string[] {
  return bundle.inputs.flatMap((input) => {
    const s = inputStatus(input, opts);
    return s.copied ? [] : [`data/${input.name}.npy ${s.why}; the program takes it from ${sourceText(bundle, input)}`];
  });
}

function sourceText(bundle: ProgramBundle, input: ProgramInput): string {
  const src = input.source;
  if (src.kind === "constant") return `"constant:${src.value}"`;
  if (src.kind === "values") return "values inline in the program";
  return `\`${relative(dirname(resolve(bundle.file)), src.path) || src.path}\` (${src.format}, relative to the program file)`;
}

/** The README section on input data, reference outputs and how `make run` verifies. */
export function dataReadme(w: CodeWriter, bundle: ProgramBundle, opts: DataOptions): void {
  w.line("## Data");
  w.line();
  w.line("| input | type, shape | in this project |");
  w.line("|---|---|---|");
  for (const input of bundle.inputs) {
    const s = inputStatus(input, opts);
    const shape = input.shape.length === 0 ? "scalar" : input.shape.join(" x ");
    w.line(`| \`${input.name}\` | ${input.dtype}, ${shape} | ${s.copied ? `\`data/${input.name}.npy\`` : `${s.why}; from ${sourceText(bundle, input)}`} |`);
  }
  w.line();
  if (bundle.inputs.some((i) => !inputStatus(i, opts).copied)) {
    w.line("Write every missing input as `data/<input>.npy` (NumPy, C order, the type and shape above) before running.");
    w.line();
  }
  if (opts.reference) {
    w.line("`reference/` holds the outputs of the CPU reference on this data: `make run` and `make sim` verify against them.");
  } else {
    w.line("No reference outputs are shipped (generate with `--with-reference` to have `make run` verify).");
  }
}
