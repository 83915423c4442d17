// Turns one stencil's parsed computation_string into IR assignments: resolves every name against
// the program (temporaries, scalars, constants, fields), checks subscripts against each field's
// own iterators and computes the offsets along all domain axes.

import { INTEGER_OPS, MAX_MULTIPLIED_POWER, type Assignment, type Expr, type SourcePos } from "../ir/expr.js";
import { DTYPE_INFO, isExactInteger, type DType } from "../ir/dtype.js";
import { nameProblem } from "../ir/names.js";
import { UserError } from "../ir/diagnostics.js";
import type { IndexExpr, SyntaxAssignment, SyntaxExpr } from "./expression_parser.js";

/** What a program-level name denotes. */
export type ProgramSymbol =
  | { kind: "field"; axes: number[]; stencil: boolean }
  | { kind: "scalar" }
  | { kind: "constant" };

export interface CodeContext {
  /** The stencil being lowered. */
  stencil: string;
  /** Domain iterator names, outermost first. */
  iterators: string[];
  symbols: ReadonlyMap<string, ProgramSymbol>;
  /** `file:line:col` of a position relative to the computation string. */
  locate(pos: SourcePos): string;
  /** File position of a position relative to the computation string (stored in the IR). */
  toFile(pos: SourcePos): SourcePos;
  /** The stencil's data_type: integer stencils allow `% << >> & | ^ ~` and refuse float-only code. */
  dtype?: DType;
}

/** Functions defined on integers (with C semantics: abs, min, max of the stencil's type). */
const INTEGER_FUNCTIONS = ["abs", "min", "max"];

/** A field or scalar the stencil reads. */
export interface StencilRead {
  name: string;
  /** Where it is first read (relative to the computation string). */
  pos: SourcePos;
  /** First access at a non-zero offset, if any (a boundary condition is then required). */
  offsetPos?: SourcePos;
}

export interface LoweredCode {
  code: Assignment[];
  /** Fields and scalars read, in order of first use. */
  reads: StencilRead[];
}

const ALL_ITERATORS = ["i", "j", "k"];

export function lowerStencilCode(stmts: SyntaxAssignment[], ctx: CodeContext): LoweredCode {
  const reads = new Map<string, StencilRead>();
  const assigned = new Set<string>();
  const allTargets = new Set(stmts.map((s) => s.target));
  const err = (pos: SourcePos, msg: string): never => { throw new UserError(ctx.locate(pos), msg); };

  const noteRead = (name: string, pos: SourcePos, offset?: number[]) => {
    let r = reads.get(name);
    if (!r) { r = { name, pos }; reads.set(name, r); }
    if (offset?.some((o) => o !== 0) && !r.offsetPos) r.offsetPos = pos;
  };

  const lowerName = (name: string, pos: SourcePos): Expr => {
    const p = ctx.toFile(pos);
    if (assigned.has(name)) return { kind: "name", name, pos: p };
    if (allTargets.has(name)) err(pos, `temporary '${name}' is used before it is assigned`);
    const sym = ctx.symbols.get(name);
    if (sym?.kind === "constant") return { kind: "name", name, pos: p };
    if (sym?.kind === "scalar") { noteRead(name, pos); return { kind: "name", name, pos: p }; }
    if (sym?.kind === "field") {
      err(pos, `field '${name}' is used without a subscript; write ${name}[${sym.axes.map((a) => ctx.iterators[a]).join(", ")}]`);
    }
    if (ctx.iterators.includes(name)) err(pos, `iterator '${name}' cannot be used as a value, only in subscripts`);
    return err(pos, `unknown name '${name}' (not a temporary, an input, a stencil or a constant)`);
  };

  const lowerIndex = (field: string, axes: number[], idx: IndexExpr, d: number): void => {
    const expected = ctx.iterators[axes[d]!]!;
    if (idx.iterator === expected) return;
    const own = axes.map((a) => ctx.iterators[a]!);
    const form = `${field}[${own.join(", ")}]`;
    if (own.includes(idx.iterator)) err(idx.pos, `wrong iterator order: index ${d + 1} of '${field}' must use '${expected}' (write ${form})`);
    if (ctx.iterators.includes(idx.iterator)) err(idx.pos, `'${field}' has no dimension '${idx.iterator}'; it is indexed as ${form}`);
    if (ALL_ITERATORS.includes(idx.iterator)) {
      err(idx.pos, `iterator '${idx.iterator}' does not exist in a ${ctx.iterators.length}-D program (iterators: ${ctx.iterators.join(", ")})`);
    }
    err(idx.pos, `unknown iterator '${idx.iterator}' (iterators: ${ctx.iterators.join(", ")})`);
  };

  const lowerSubscript = (e: Extract<SyntaxExpr, { kind: "subscript" }>): Expr => {
    const { name, pos } = e;
    if (name === ctx.stencil) err(pos, `stencil '${name}' reads its own output`);
    if (allTargets.has(name)) err(pos, `temporary '${name}' cannot be subscripted`);
    const sym = ctx.symbols.get(name);
    if (!sym) return err(pos, `unknown field '${name}' (not an input or a stencil)`);
    if (sym.kind === "scalar") err(pos, `scalar input '${name}' cannot be subscripted; write '${name}'`);
    if (sym.kind === "constant") err(pos, `constant '${name}' cannot be subscripted; write '${name}'`);
    const axes = (sym as { axes: number[] }).axes;
    if (e.indices.length !== axes.length) {
      const own = axes.map((a) => ctx.iterators[a]).join(", ");
      err(pos, `'${name}' has ${axes.length} dimension${axes.length === 1 ? "" : "s"} (${own}) but ${e.indices.length} ind${e.indices.length === 1 ? "ex is" : "ices are"} given`);
    }
    const offset = ctx.iterators.map(() => 0);
    e.indices.forEach((idx, d) => {
      lowerIndex(name, axes, idx, d);
      offset[axes[d]!] = idx.offset;
    });
    noteRead(name, pos, offset);
    return { kind: "access", field: name, offset, pos: ctx.toFile(pos) };
  };

  const dtype = ctx.dtype ?? "float32";
  const integer = DTYPE_INFO[dtype].integer;
  const typeCheck = (e: SyntaxExpr): void => {
    const op = e.kind === "binary" || e.kind === "unary" ? e.op : null;
    if (op !== null && INTEGER_OPS.includes(op) && !integer) {
      err(e.kind === "binary" ? opPos(e) : e.pos, `operator '${op}' needs an integer stencil (data_type int32 or int64); '${ctx.stencil}' is ${dtype}`);
    }
    if (!integer) return;
    if (e.kind === "number" && !isExactInteger(e.value, dtype)) {
      err(e.pos, `literal ${e.value} in integer stencil '${ctx.stencil}' (${dtype}) must be a whole number from 0 to ${DTYPE_INFO[dtype].max! > Number.MAX_SAFE_INTEGER ? "2^53" : DTYPE_INFO[dtype].max}`);
    }
    if (e.kind === "call" && !INTEGER_FUNCTIONS.includes(e.fn)) {
      err(e.pos, `function '${e.fn}' is not defined on integers ('${ctx.stencil}' is ${dtype}); integer stencils can call ${INTEGER_FUNCTIONS.join(", ")}`);
    }
    if (e.kind === "binary" && e.op === "**" && !(e.right.kind === "number" && Number.isInteger(e.right.value) && e.right.value >= 2 && e.right.value <= MAX_MULTIPLIED_POWER)) {
      err(e.right.pos, `in integer stencil '${ctx.stencil}' (${dtype}) '**' takes a literal exponent from 2 to ${MAX_MULTIPLIED_POWER}`);
    }
  };
  // Binary nodes carry their left operand's position; operator errors point at the operator's.
  const opPos = (e: Extract<SyntaxExpr, { kind: "binary" }>): SourcePos => e.opPos ?? e.pos;

  const lower = (e: SyntaxExpr): Expr => {
    const pos = ctx.toFile(e.pos);
    typeCheck(e);
    switch (e.kind) {
      case "number": return { kind: "number", value: e.value, pos };
      case "name": return lowerName(e.name, e.pos);
      case "subscript": return lowerSubscript(e);
      case "unary": return { kind: "unary", op: e.op, operand: lower(e.operand), pos };
      case "binary": return { kind: "binary", op: e.op, left: lower(e.left), right: lower(e.right), pos };
      case "call": return { kind: "call", fn: e.fn, args: e.args.map(lower), pos };
      case "ternary": return { kind: "ternary", cond: lower(e.cond), then: lower(e.then), otherwise: lower(e.otherwise), pos };
    }
  };

  const code: Assignment[] = [];
  for (const s of stmts) {
    const bad = nameProblem(s.target);
    if (bad) err(s.pos, `invalid name for assignment target: ${bad}`);
    if (assigned.has(s.target)) err(s.pos, `'${s.target}' is assigned twice; use a new name for each temporary`);
    const sym = ctx.symbols.get(s.target);
    if (sym && s.target !== ctx.stencil) {
      const what = sym.kind === "constant" ? "a constant" : sym.kind === "scalar" ? "an input" : sym.stencil ? "a stencil" : "an input";
      err(s.pos, `cannot assign to '${s.target}': it is ${what}; use another name`);
    }
    const value = lower(s.value);
    assigned.add(s.target);
    code.push({ target: s.target, value, pos: ctx.toFile(s.pos) });
  }
  return { code, reads: [...reads.values()] };
}
