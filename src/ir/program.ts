// General SDFG programs (what DaCe writes into a `.sdfg` file): control-flow regions of states,
// dataflow graphs of access nodes, tasklets, maps, nested SDFGs and library nodes connected by
// memlets with symbolic subsets. The stencil IR in sdfg.ts stays as it is for the StencilFlow
// road; these are the additional typed kinds a general program needs.
//
// Code (tasklets, interstate conditions and assignments, symbolic sizes and subsets) is kept as
// the expression/statement AST below, never as strings: every backend prints the tree.

import type { SourcePos } from "./expr.js";

/** Element types of general programs (NumPy names). */
export const PROGRAM_DTYPES = [
  "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
  "float32", "float64", "complex64", "complex128",
] as const;
export type PDType = (typeof PROGRAM_DTYPES)[number];

export function isPDType(s: unknown): s is PDType {
  return typeof s === "string" && (PROGRAM_DTYPES as readonly string[]).includes(s);
}

export const PDTYPE_BYTES: Record<PDType, number> = {
  bool: 1, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8,
  float32: 4, float64: 8, complex64: 8, complex128: 16,
};

export const isIntegral = (t: PDType) => t === "bool" || t.startsWith("int") || t.startsWith("uint");
export const isFloat = (t: PDType) => t === "float32" || t === "float64";
export const isComplex = (t: PDType) => t.startsWith("complex");

/**
 * Functions the general expression AST may call. Python/NumPy spellings and sympy's are mapped
 * onto these by the frontend.
 */
export const PROGRAM_FUNCTIONS = [
  "sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh",
  "abs", "floor", "ceil", "pow", "min", "max", "floordiv", "ceildiv", "mod", "real", "imag", "conj", "isnan",
] as const;
export type ProgramFunction = (typeof PROGRAM_FUNCTIONS)[number];

export type PArithOp = "+" | "-" | "*" | "/" | "//" | "%" | "**" | "&" | "|" | "^" | "<<" | ">>";
export type PCompareOp = "<" | "<=" | ">" | ">=" | "==" | "!=";
export type PBinaryOp = PArithOp | PCompareOp | "and" | "or";

/** Expressions of general programs: tasklet code, symbolic sizes, conditions. */
export type PExpr =
  /** `imag`: a Python imaginary literal (`2j`), a complex number with real part 0. */
  | { kind: "number"; value: number; integer: boolean; imag?: boolean; pos?: SourcePos }
  | { kind: "bool"; value: boolean; pos?: SourcePos }
  /** A symbol, a scalar data container, a tasklet connector or a tasklet local. */
  | { kind: "name"; name: string; pos?: SourcePos }
  /** `name[i, j]`: an element of an array connector or container. */
  | { kind: "index"; name: string; indices: PExpr[]; pos?: SourcePos }
  | { kind: "unary"; op: "-" | "+" | "not" | "~"; operand: PExpr; pos?: SourcePos }
  | { kind: "binary"; op: PBinaryOp; left: PExpr; right: PExpr; pos?: SourcePos }
  | { kind: "call"; fn: ProgramFunction; args: PExpr[]; pos?: SourcePos }
  | { kind: "cast"; to: PDType; operand: PExpr; pos?: SourcePos }
  | { kind: "ternary"; cond: PExpr; then: PExpr; otherwise: PExpr; pos?: SourcePos };

/** Statements of tasklet code. */
export type PStmt =
  | { kind: "assign"; target: string; indices?: PExpr[]; value: PExpr; pos?: SourcePos }
  | { kind: "if"; cond: PExpr; then: PStmt[]; otherwise: PStmt[]; pos?: SourcePos };

/** Write-conflict resolution of a memlet: how a new value combines with the old one. */
export type Wcr = { op: "+" | "*" | "min" | "max" } | { op: "lambda"; a: string; b: string; body: PExpr };

export interface PRange { start: PExpr; end: PExpr; step: PExpr }

export interface PDataDesc {
  kind: "array" | "scalar" | "view" | "stream";
  /** The element type; for a vector dtype (DaCe `dace.vector(T, W)`), its lane type T. */
  dtype: PDType;
  /**
   * Lanes of a vector dtype (DaCe `{"type": "vector", "dtype": T, "elements": W}`), absent for
   * scalars. Shape and strides count vectors; the host passes the scalar array (last axis W
   * times longer), as DaCe's host does.
   */
  veclen?: number;
  shape: PExpr[];
  strides: PExpr[];
  /** Offset of the first element in the allocation (DaCe `start_offset`). */
  transient: boolean;
  /** DaCe storage type as written (`Default`, `FPGA_Global`, `FPGA_Local`, `Register`, …). */
  storage: string;
  /** Stream buffer size (streams only). */
  bufferSize?: PExpr;
}

export interface PMemlet {
  data: string;
  subset: PRange[] | null;
  otherSubset: PRange[] | null;
  /** True when `subset` belongs to the edge's source (DaCe `is_data_src`). */
  subsetIsSrc: boolean | null;
  volume: PExpr | null;
  dynamic: boolean;
  wcr: Wcr | null;
}

export interface PEdge {
  src: number;
  srcConn: string | null;
  dst: number;
  dstConn: string | null;
  memlet: PMemlet | null;
  /** JSON path of the edge, for messages. */
  where: string;
}

export type PNode =
  | { kind: "access"; id: number; data: string; where: string }
  /** `vectorConns`: connectors DaCe types as vectors (`dace.vector(T, W)`), with W. */
  | { kind: "tasklet"; id: number; label: string; inputs: string[]; outputs: string[]; code: PStmt[]; where: string; vectorConns?: Record<string, number> }
  | { kind: "map_entry"; id: number; label: string; params: string[]; ranges: PRange[]; exit: number; where: string; schedule: string; unroll: boolean }
  | { kind: "map_exit"; id: number; entry: number; where: string }
  | { kind: "nested"; id: number; label: string; sdfg: Program; symbolMapping: Record<string, PExpr>; inputs: string[]; outputs: string[]; where: string }
  /** A scope kind we read but cannot generate code for (Consume scopes); refused by name. */
  | { kind: "scope_unsupported"; id: number; type: string; label: string; where: string }
  | { kind: "library"; id: number; label: string; classpath: string; attributes: LibraryAttributes; where: string };

export interface LibraryAttributes {
  axes?: number[] | null;
  wcr?: Wcr | null;
  identity?: number | null;
  alpha?: number;
  beta?: number;
  transA?: boolean;
  transB?: boolean;
  /** A Gearbox's number of wide vectors (DaCe's `size`). */
  size?: PExpr;
}

/** Scope of each node: the id of the MapEntry it is directly inside, or null at top level. */
export interface PState {
  kind: "state";
  label: string;
  nodes: PNode[];
  edges: PEdge[];
  scope: Map<number, number | null>;
  where: string;
}

export interface PInterstate {
  src: number;
  dst: number;
  condition: PExpr | null;
  assignments: [string, PExpr][];
  where: string;
}

export interface PRegion {
  kind: "region";
  label: string;
  blocks: PBlock[];
  edges: PInterstate[];
  /** Index into `blocks`. */
  start: number;
  where: string;
}

export interface PLoop {
  kind: "loop";
  label: string;
  variable: string | null;
  init: [string, PExpr][];
  condition: PExpr;
  update: [string, PExpr][];
  /** do-while: the body runs once before the condition is checked. */
  inverted: boolean;
  body: PRegion;
  where: string;
}

export interface PConditional {
  kind: "conditional";
  label: string;
  /** A null condition is `else`. */
  branches: { condition: PExpr | null; body: PRegion }[];
  where: string;
}

export type PBlock = PState | PRegion | PLoop | PConditional;

export interface Program {
  name: string;
  /** Argument order as DaCe declares it (`arg_names`). */
  argNames: string[];
  symbols: Record<string, PDType>;
  arrays: Record<string, PDataDesc>;
  /** Constants the SDFG carries (`constants_prop`). */
  constants: Record<string, number>;
  root: PRegion;
  /** The file the program came from. */
  file: string;
}

/** Lanes of a container's elements: W for a vector dtype, 1 for scalars. */
export const lanesOf = (d: PDataDesc): number => d.veclen ?? 1;

/** Visits every node of an expression, parents first. */
export function walkPExpr(e: PExpr, visit: (e: PExpr) => void): void {
  visit(e);
  switch (e.kind) {
    case "index": for (const i of e.indices) walkPExpr(i, visit); break;
    case "unary": case "cast": walkPExpr(e.operand, visit); break;
    case "binary": walkPExpr(e.left, visit); walkPExpr(e.right, visit); break;
    case "call": for (const a of e.args) walkPExpr(a, visit); break;
    case "ternary": walkPExpr(e.cond, visit); walkPExpr(e.then, visit); walkPExpr(e.otherwise, visit); break;
    default: break;
  }
}

/** Names (symbols, containers, connectors) an expression reads. */
export function pexprNames(e: PExpr): Set<string> {
  const out = new Set<string>();
  walkPExpr(e, (x) => { if (x.kind === "name" || x.kind === "index") out.add(x.name); });
  return out;
}

/** Every block of a region tree, depth first. */
export function* allBlocks(r: PRegion): Generator<PBlock> {
  for (const b of r.blocks) {
    yield b;
    if (b.kind === "region") yield* allBlocks(b);
    else if (b.kind === "loop") yield* allBlocks(b.body);
    else if (b.kind === "conditional") for (const br of b.branches) yield* allBlocks(br.body);
  }
}

/** Every state of a program (nested SDFGs included when `nested`). */
export function* allStates(p: Program, nested = false): Generator<PState> {
  for (const b of allBlocks(p.root)) {
    if (b.kind !== "state") continue;
    yield b;
    if (nested) for (const n of b.nodes) if (n.kind === "nested") yield* allStates(n.sdfg, true);
  }
}

/**
 * Node ids of a state in a topological order of its edges (Kahn's algorithm, ties by node id, so
 * the order is deterministic). With a cycle, the nodes on and after it are missing: callers that
 * need every node compare the length.
 */
export function topologicalNodeOrder(state: PState): number[] {
  const indeg = new Map(state.nodes.map((n) => [n.id, 0]));
  for (const e of state.edges) indeg.set(e.dst, (indeg.get(e.dst) ?? 0) + 1);
  const ready = state.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id).sort((a, b) => a - b);
  const out: number[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    out.push(id);
    for (const e of state.edges) {
      if (e.src !== id) continue;
      const d = indeg.get(e.dst)! - 1;
      indeg.set(e.dst, d);
      if (d === 0) { ready.push(e.dst); ready.sort((a, b) => a - b); }
    }
  }
  return out;
}
