// Loads a StencilFlow-style JSON program: schema, names, inputs, stencil code, dependency order,
// and builds the SDFG (one state, one stencil node per stencil). Every user mistake becomes a
// UserError located at `file:line:col` (code) or `file: $.json.path` (fields).

import { readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, resolve } from "node:path";
import { SDFGBuilder } from "../ir/builder.js";
import { UserError, jsonPathLocation } from "../ir/diagnostics.js";
import type { DType } from "../ir/dtype.js";
import type { Assignment } from "../ir/expr.js";
import { nameProblem } from "../ir/names.js";
import type { SDFG, StencilInput } from "../ir/sdfg.js";
import { ExpressionSyntaxError, parseComputation } from "./expression_parser.js";
import { resolveDataSource, type ProgramInput } from "./input_data.js";
import { formatPos, parseJsonDocument, propertyNodes, StringLocator } from "./json_source.js";
import { checkProgramSchema, type ProgramJson } from "./program_schema.js";
import { lowerStencilCode, type ProgramSymbol, type StencilRead } from "./stencil_code.js";

export type { DataSource, ProgramInput } from "./input_data.js";
export { readInputValues } from "./input_data.js";

export interface ProgramBundle {
  /** The program path as given. */
  file: string;
  /** File basename without .json, made a safe identifier. */
  name: string;
  /** One state, one StencilNode per stencil. Code positions are positions in `file`. */
  sdfg: SDFG;
  domain: number[];
  /** The last names of i, j, k: 1-D ["k"], 2-D ["j","k"], 3-D ["i","j","k"]. */
  iterators: string[];
  /** In declaration order, scalar inputs included (axes [], shape []). */
  inputs: ProgramInput[];
  outputs: string[];
  /** Stencil names in a topological order. */
  stencils: string[];
  vectorization?: number;
  timeLoop?: { steps: number; feedback: Record<string, string> };
  /** Each stencil's computation_string, whitespace collapsed: quoted in generated code. */
  sources: Record<string, string>;
}

const ALL_ITERATORS = ["i", "j", "k"];

interface LoweredStencil {
  name: string;
  dtype: DType;
  code: Assignment[];
  inputs: Record<string, StencilInput>;
  reads: StencilRead[];
  locator: StringLocator;
}

/**
 * The stencil program formats, by file extension. DaCe's .sdfg takes its own road (the CLI tells
 * the two apart in one place, src/cli/sdfg_cli.ts `isSdfgProgram`); here it is refused by name.
 * A file with any other extension is read as a JSON program.
 */
const FRONTENDS: ReadonlyMap<string, (text: string, file: string, baseDir: string) => ProgramBundle> = new Map([
  [".json", parseProgram],
  [".sdfg", (_text: string, file: string): never => {
    throw new UserError(file, "DaCe SDFG files (.sdfg) are read by the DaCe frontend (memory-mapped kernels for --target xilinx, intel or cpu), not as stencil programs");
  }],
]);

/** Reads and loads a program file (regular files only: never a FIFO or a device). Throws UserError. */
export function loadProgram(path: string): ProgramBundle {
  let text: string;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError(path, "is a folder, not a program file");
    if (!st.isFile()) throw new UserError(path, "is not a regular file (a FIFO, socket or device); give a program file");
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(path, code === "ENOENT" ? "program file does not exist" : `cannot read program file: ${code ?? (err as Error).message}`);
  }
  const parse = FRONTENDS.get(extname(path).toLowerCase()) ?? parseProgram;
  return parse(text, path, dirname(resolve(path)));
}

/** Loads a program from its text; `baseDir` resolves relative data paths. Throws UserError. */
export function parseProgram(text: string, file: string, baseDir: string): ProgramBundle {
  const doc = parseJsonDocument(text, file);
  const checked = checkProgramSchema(doc.value);
  if (!checked.ok) throw new UserError(jsonPathLocation(file, checked.issue.path), checked.issue.message);
  const prog = checked.program;
  const at = (...path: (string | number)[]) => jsonPathLocation(file, path);

  const domain = prog.dimensions;
  const iterators = ALL_ITERATORS.slice(3 - domain.length);
  const symbols = declareNames(prog, at);
  const inputs = Object.entries(prog.inputs).map(([name, inp]) => {
    const axes = inp.input_dims === undefined ? iterators.map((_, a) => a) : inputAxes(inp.input_dims, iterators, at("inputs", name, "input_dims"));
    const shape = axes.map((a) => domain[a]!);
    const source = resolveDataSource(inp.data, inp.data_type, shape, baseDir, at("inputs", name, "data"));
    symbols.set(name, axes.length === 0 ? { kind: "scalar" } : { kind: "field", axes, stencil: false });
    return { name, dtype: inp.data_type, axes, shape, source } satisfies ProgramInput;
  });

  const stencils = new Map<string, LoweredStencil>();
  const stencilNodes = propertyNodes(doc, ["program"]);
  for (const [name, st] of Object.entries(prog.program)) {
    const locator = new StringLocator(doc, ["computation_string"], stencilNodes.get(name));
    let stmts;
    try {
      stmts = parseComputation(st.computation_string);
    } catch (err) {
      if (err instanceof ExpressionSyntaxError) throw new UserError(formatPos(file, locator.fromOffset(err.offset)), err.detail);
      throw err;
    }
    const { code, reads } = lowerStencilCode(stmts, {
      stencil: name, iterators, symbols, locate: (p) => locator.locate(p), toFile: (p) => locator.fromPos(p), dtype: st.data_type,
    });
    const stencilInputs: Record<string, StencilInput> = {};
    for (const r of reads) {
      const sym = symbols.get(r.name)!;
      const bc = Object.hasOwn(st.boundary_conditions, r.name) ? st.boundary_conditions[r.name] : undefined;
      if (!bc && r.offsetPos && sym.kind === "field") {
        throw new UserError(locator.locate(r.offsetPos), `no boundary condition for field '${r.name}', which stencil '${name}' reads at a non-zero offset (add boundary_conditions.${r.name})`);
      }
      // Without offsets a field is never read outside the domain, so the default never applies.
      stencilInputs[r.name] = { data: r.name, axes: sym.kind === "field" ? sym.axes : [], boundary: bc ?? { type: "constant", value: 0 } };
    }
    stencils.set(name, { name, dtype: st.data_type, code, inputs: stencilInputs, reads, locator });
  }

  const order = topologicalOrder(stencils);
  checkOutputs(prog, symbols, at);
  const timeLoop = prog.time_loop && checkTimeLoop(prog, inputs, at);

  const name = programName(file);
  const b = new SDFGBuilder(name);
  for (const inp of inputs) {
    if (inp.axes.length === 0) b.addScalar(inp.name, inp.dtype, false);
    else b.addArray(inp.name, inp.dtype, inp.shape, { transient: false });
  }
  const outputs = new Set(prog.outputs);
  for (const s of stencils.values()) b.addArray(s.name, s.dtype, domain, { transient: !outputs.has(s.name) });
  for (const [c, def] of Object.entries(prog.constants ?? {})) b.addConstant(c, def.data_type, def.value);
  for (const s of order) {
    const st = stencils.get(s)!;
    b.addStencil({ label: s, dtype: st.dtype, iterators, domain, inputs: st.inputs, output: s, code: st.code });
  }
  if (timeLoop) b.setTimeLoop(timeLoop.steps, timeLoop.feedback);
  b.returnInputs(prog.outputs.filter((o) => inputs.some((i) => i.name === o)));

  const bundle: ProgramBundle = {
    file, name, sdfg: b.build(), domain, iterators, inputs, outputs: prog.outputs, stencils: order,
    sources: Object.fromEntries(order.map((s) => [s, prog.program[s]!.computation_string.replace(/\s+/g, " ").trim()])),
  };
  if (prog.vectorization !== undefined) bundle.vectorization = prog.vectorization;
  if (timeLoop) bundle.timeLoop = timeLoop;
  return bundle;
}

/** Checks input, stencil and constant names; returns the symbol table of stencils and constants. */
function declareNames(prog: ProgramJson, at: (...p: (string | number)[]) => string): Map<string, ProgramSymbol> {
  const symbols = new Map<string, ProgramSymbol>();
  const check = (section: string, name: string, what: string) => {
    const bad = nameProblem(name);
    if (bad) throw new UserError(at(section, name), `invalid ${what} name: ${bad}`);
  };
  for (const name of Object.keys(prog.inputs)) check("inputs", name, "input");
  if (Object.keys(prog.program).length === 0) throw new UserError(at("program"), "the program defines no stencils");
  for (const name of Object.keys(prog.program)) {
    check("program", name, "stencil");
    if (Object.hasOwn(prog.inputs, name)) throw new UserError(at("program", name), `'${name}' is both an input and a stencil`);
    symbols.set(name, { kind: "field", axes: prog.dimensions.map((_, a) => a), stencil: true });
  }
  for (const name of Object.keys(prog.constants ?? {})) {
    check("constants", name, "constant");
    if (Object.hasOwn(prog.inputs, name) || symbols.has(name)) {
      throw new UserError(at("constants", name), `constant '${name}' has the name of ${symbols.has(name) ? "a stencil" : "an input"}`);
    }
    symbols.set(name, { kind: "constant" });
  }
  return symbols;
}

/** Domain axes of `input_dims`, which must name the domain's iterators in order. */
function inputAxes(dims: string[], iterators: string[], where: string): number[] {
  const axes: number[] = [];
  dims.forEach((it, d) => {
    const a = iterators.indexOf(it);
    const loc = `${where}[${d}]`;
    if (a < 0) {
      throw new UserError(loc, ALL_ITERATORS.includes(it)
        ? `iterator '${it}' does not exist in a ${iterators.length}-D program (iterators: ${iterators.join(", ")})`
        : `unknown iterator '${it}' (iterators: ${iterators.join(", ")})`);
    }
    if (axes.includes(a)) throw new UserError(loc, `iterator '${it}' is listed twice`);
    if (axes.length > 0 && a < axes[axes.length - 1]!) throw new UserError(loc, `input_dims must follow the order ${iterators.join(", ")}`);
    axes.push(a);
  });
  return axes;
}

/**
 * Stencils in dependency order, the earliest declared among those ready first; names a cycle.
 * Kahn's algorithm with a heap of declaration indices: O(n log n + reads) for any program size.
 */
function topologicalOrder(stencils: Map<string, LoweredStencil>): string[] {
  const deps = new Map([...stencils.values()].map((s) => [s.name, s.reads.filter((r) => stencils.has(r.name))]));
  const names = [...stencils.keys()];
  const index = new Map(names.map((n, i) => [n, i]));
  const waiting = names.map((n) => new Set(deps.get(n)!.map((r) => r.name)).size);
  const readers = names.map((): number[] => []);
  names.forEach((n, i) => { for (const d of new Set(deps.get(n)!.map((r) => r.name))) readers[index.get(d)!]!.push(i); });
  const heap = new MinHeap();
  waiting.forEach((w, i) => { if (w === 0) heap.push(i); });
  const done = new Set<string>();
  const order: string[] = [];
  while (heap.size > 0) {
    const i = heap.pop();
    done.add(names[i]!);
    order.push(names[i]!);
    for (const r of readers[i]!) if (--waiting[r]! === 0) heap.push(r);
  }
  if (order.length === stencils.size) return order;
  // Follow unfinished dependencies until a stencil repeats: that is a cycle.
  const path: string[] = [];
  let cur = [...stencils.keys()].find((s) => !done.has(s))!;
  while (!path.includes(cur)) {
    path.push(cur);
    cur = deps.get(cur)!.find((r) => !done.has(r.name))!.name;
  }
  const cycle = [...path.slice(path.indexOf(cur)), cur];
  const first = stencils.get(cycle[0]!)!;
  const read = first.reads.find((r) => r.name === cycle[1])!;
  throw new UserError(first.locator.locate(read.pos), `dependency cycle among stencils: ${cycle.join(" -> ")} (each reads the next)`);
}

/** A binary min-heap of integers. */
class MinHeap {
  private readonly a: number[] = [];
  get size(): number { return this.a.length; }
  push(x: number): void {
    const a = this.a;
    let i = a.push(x) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (a[up]! <= x) break;
      a[i] = a[up]!;
      i = up;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

function checkOutputs(prog: ProgramJson, symbols: Map<string, ProgramSymbol>, at: (...p: (string | number)[]) => string): void {
  const seen = new Set<string>();
  prog.outputs.forEach((o, idx) => {
    const sym = symbols.get(o);
    if (!sym || sym.kind === "constant") throw new UserError(at("outputs", idx), `output '${o}' is neither a stencil nor an input`);
    if (seen.has(o)) throw new UserError(at("outputs", idx), `output '${o}' is listed twice`);
    // An input named as an output is returned unchanged; one the time loop replaces would need the
    // value of the last step's input, which the hosts do not read back.
    if (Object.hasOwn(prog.inputs, o) && Object.values(prog.time_loop?.feedback ?? {}).includes(o)) {
      throw new UserError(at("outputs", idx), `output '${o}' is an input the time_loop feeds back; returning it is not supported (return the output that feeds it)`);
    }
    seen.add(o);
  });
}

function checkTimeLoop(prog: ProgramJson, inputs: ProgramInput[], at: (...p: (string | number)[]) => string): ProgramBundle["timeLoop"] {
  const tl = prog.time_loop!;
  const targets = new Set<string>();
  const rankAxes = prog.dimensions.map((_, a) => a);
  for (const [out, inp] of Object.entries(tl.feedback)) {
    const where = at("time_loop", "feedback", out);
    if (!prog.outputs.includes(out)) throw new UserError(where, `'${out}' is not an output of the program`);
    const target = inputs.find((x) => x.name === inp);
    if (!target) throw new UserError(where, `'${inp}' is not an input of the program`);
    if (targets.has(inp)) throw new UserError(where, `input '${inp}' is fed back from two outputs`);
    targets.add(inp);
    const outAxes = inputs.find((x) => x.name === out)?.axes ?? rankAxes;
    if (outAxes.join() !== target.axes.join()) {
      throw new UserError(where, `output '${out}' has shape ${shapeOf(outAxes, prog.dimensions)} but input '${inp}' has shape ${shapeOf(target.axes, prog.dimensions)}`);
    }
    const outType = prog.program[out]?.data_type ?? inputs.find((x) => x.name === out)?.dtype;
    if (outType !== target.dtype) throw new UserError(where, `output '${out}' is ${outType} but input '${inp}' is ${target.dtype}; feedback needs one type`);
  }
  if (Object.keys(tl.feedback).length === 0) throw new UserError(at("time_loop", "feedback"), "feedback must map at least one output to an input");
  return { steps: tl.steps, feedback: { ...tl.feedback } };
}

function shapeOf(axes: number[], domain: number[]): string {
  return axes.length === 0 ? "() (a scalar)" : `(${axes.map((a) => domain[a]).join(", ")})`;
}

/** The file's basename as an identifier the generated code can use. */
function programName(file: string): string {
  let s = basename(file).replace(/\.json$/i, "").replace(/[^A-Za-z0-9_]/g, "_").replace(/_+/g, "_").replace(/^_+|_+$/g, "");
  if (s === "") return "program";
  if (!/^[A-Za-z]/.test(s)) s = `p${s}`;
  s = s.slice(0, 64).replace(/_+$/, "");
  if (nameProblem(s)) s = `prog_${s}`.slice(0, 64).replace(/_+$/, "");
  return nameProblem(s) ? "program" : s;
}
