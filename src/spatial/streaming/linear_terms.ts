// What a one-state DaCe program computes, as linear-algebra terms: every MatMul library node and
// every top-level elementwise map (`out = in1 + in2`, `out = scalar * in`) is evaluated in
// dataflow order into a term over the program's inputs. The matrix-vector and systolic passes
// read products out of these terms (linear_products.ts). A pure function of the program; a
// program it cannot read this way gets a one-line reason.

import { topologicalNodeOrder, type PExpr, type PNode, type PRange, type PState, type Program } from "../../ir/program.js";

export type LinearTerm =
  /** A program input (array or scalar) as it was before the program wrote it. */
  | { kind: "input"; data: string }
  | { kind: "scale"; scalar: string; of: LinearTerm }
  | { kind: "add"; left: LinearTerm; right: LinearTerm }
  /** `u vᵀ` of two vectors: a map over [i, j] of `u[i] * v[j]` (NumPy's `np.outer`). */
  | { kind: "outer"; u: LinearTerm; v: LinearTerm }
  /** A MatMul: `stored` is the data it was written to. */
  | { kind: "product"; a: LinearTerm; b: LinearTerm; stored: string };

export type TermsResult =
  | { ok: true; state: PState; defs: Map<string, LinearTerm>; written: string[] }
  | { ok: false; reason: string };

const MATMUL = /\.(MatMul|Gemm|Gemv)$/;

export function linearTerms(program: Program): TermsResult {
  const blocks = program.root.blocks;
  if (blocks.length !== 1 || blocks[0]!.kind !== "state") return { ok: false, reason: "not a single dataflow state" };
  const state = blocks[0] as PState;
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  const defs = new Map<string, LinearTerm>();
  const written: string[] = [];
  const read = (data: string): LinearTerm => defs.get(data) ?? { kind: "input", data };
  const order = topological(state);
  if (!order) return { ok: false, reason: "the dataflow graph has a cycle" };
  for (const id of order) {
    const n = byId.get(id)!;
    if (n.kind === "access" || n.kind === "map_entry" || n.kind === "tasklet") {
      if (n.kind === "tasklet" && state.scope.get(n.id) === null) return { ok: false, reason: `tasklet '${n.label}' outside a map` };
      continue;
    }
    if (n.kind === "library") {
      if (!MATMUL.test(n.classpath)) return { ok: false, reason: `library node '${n.label}' (${n.classpath}) is not a matrix product` };
      const input = (conn: string) => state.edges.find((e) => e.dst === n.id && e.dstConn === conn)?.memlet?.data;
      const output = state.edges.find((e) => e.src === n.id && e.srcConn === "_c")?.memlet?.data;
      const a = input("_a"), b = input("_b");
      if (!a || !b || !output) return { ok: false, reason: `matrix product '${n.label}' lacks its _a, _b or _c memlet` };
      if (n.attributes.transA || n.attributes.transB) return { ok: false, reason: `matrix product '${n.label}' transposes an operand` };
      defs.set(output, { kind: "product", a: read(a), b: read(b), stored: output });
      written.push(output);
      continue;
    }
    if (n.kind === "map_exit") {
      const r = elementwiseMap(program, state, byId.get(n.entry)!, read);
      if (!r.ok) return r;
      defs.set(r.output, r.term);
      written.push(r.output);
      continue;
    }
    return { ok: false, reason: `${n.kind} node '${n.label}' is not a matrix product or an elementwise map` };
  }
  return { ok: true, state, defs, written };
}

/** A top-level map of one tasklet `__out = __in1 op __in2` over whole arrays or scalars. */
function elementwiseMap(program: Program, state: PState, entry: PNode, read: (d: string) => LinearTerm):
  { ok: true; output: string; term: LinearTerm } | { ok: false; reason: string } {
  if (entry.kind !== "map_entry") return { ok: false, reason: "map exit without its entry" };
  const inside = state.nodes.filter((m) => state.scope.get(m.id) === entry.id);
  if (inside.length !== 1 || inside[0]!.kind !== "tasklet") return { ok: false, reason: `map '${entry.label}' is not one tasklet` };
  const t = inside[0]!;
  if (t.code.length !== 1 || t.code[0]!.kind !== "assign" || t.code[0]!.indices) return { ok: false, reason: `tasklet '${t.label}' is not one assignment` };
  const value = t.code[0]!.value;
  const operand = (e: PExpr): { ok: true; term: LinearTerm; scalar?: string; axis?: number } | { ok: false; reason: string } => {
    if (e.kind !== "name") return { ok: false, reason: `tasklet '${t.label}' computes more than one operation` };
    const edge = state.edges.find((x) => x.dst === t.id && x.dstConn === e.name);
    const m = edge?.memlet;
    if (!m) return { ok: false, reason: `tasklet '${t.label}' reads '${e.name}' without a memlet` };
    const desc = program.arrays[m.data];
    if (!desc) return { ok: false, reason: `'${m.data}' is not declared` };
    if (desc.kind === "scalar") return { ok: true, term: read(m.data), scalar: m.data };
    if (!isElementwise(m.subset, entry.params)) {
      const axis = onlyAxis(m.subset, entry.params);
      if (axis !== undefined) return { ok: true, term: read(m.data), axis };
      return { ok: false, reason: `map '${entry.label}' reads '${m.data}' other than element by element (a broadcast or an outer product)` };
    }
    return { ok: true, term: read(m.data) };
  };
  if (value.kind !== "binary" || (value.op !== "+" && value.op !== "*")) return { ok: false, reason: `tasklet '${t.label}' is not a sum or a product of two operands` };
  const l = operand(value.left), r = operand(value.right);
  if (!l.ok) return l;
  if (!r.ok) return r;
  const out = state.edges.find((x) => x.src === t.id)?.memlet;
  if (!out || !isElementwise(out.subset, entry.params)) return { ok: false, reason: `map '${entry.label}' does not write element by element` };
  if (l.axis !== undefined || r.axis !== undefined) {
    // Only `u[i] * v[j]` (or `v[j] * u[i]`) over a map [i, j]: the outer product.
    if (value.op === "*" && entry.params.length === 2 && l.axis === 0 && r.axis === 1) return { ok: true, output: out.data, term: { kind: "outer", u: l.term, v: r.term } };
    if (value.op === "*" && entry.params.length === 2 && l.axis === 1 && r.axis === 0) return { ok: true, output: out.data, term: { kind: "outer", u: r.term, v: l.term } };
    return { ok: false, reason: `map '${entry.label}' reads a vector along one axis of a matrix other than as u[i] * v[j] (an outer product)` };
  }
  if (value.op === "+") {
    if (l.scalar || r.scalar) return { ok: false, reason: `map '${entry.label}' adds a scalar to an array` };
    return { ok: true, output: out.data, term: { kind: "add", left: l.term, right: r.term } };
  }
  if (l.scalar && !r.scalar) return { ok: true, output: out.data, term: { kind: "scale", scalar: l.scalar, of: r.term } };
  if (r.scalar && !l.scalar) return { ok: true, output: out.data, term: { kind: "scale", scalar: r.scalar, of: l.term } };
  return { ok: false, reason: `map '${entry.label}' multiplies two arrays (or two scalars) element by element` };
}

/** `[p0, p1, …]`: each range one point, the map's parameters in order. */
function isElementwise(subset: PRange[] | null, params: string[]): boolean {
  if (!subset || subset.length !== params.length) return false;
  return subset.every((r, n) => r.start.kind === "name" && r.start.name === params[n] && r.end.kind === "name" && r.end.name === params[n]);
}

/** The one map parameter (by position) a one-dimensional subset `[p]` reads, for a vector in a 2-D map. */
function onlyAxis(subset: PRange[] | null, params: string[]): number | undefined {
  if (!subset || subset.length !== 1 || params.length !== 2) return undefined;
  const r = subset[0]!;
  if (r.start.kind !== "name" || r.end.kind !== "name" || r.start.name !== r.end.name) return undefined;
  const k = params.indexOf(r.start.name);
  return k >= 0 ? k : undefined;
}

function topological(state: PState): number[] | null {
  const out = topologicalNodeOrder(state);
  return out.length === state.nodes.length ? out : null;
}

/**
 * The term as text, for comments in generated code (`alpha * (A @ B) + beta * C`). `named` gives
 * the name of a sub-term stored under one (an updated matrix read by a later product), printed
 * instead of its formula.
 */
export function termText(t: LinearTerm, named?: (t: LinearTerm) => string | undefined): string {
  const name = named?.(t);
  if (name !== undefined) return name;
  const text = (x: LinearTerm) => termText(x, named);
  const wrap = (x: LinearTerm) => (x.kind === "input" || named?.(x) !== undefined ? text(x) : `(${text(x)})`);
  switch (t.kind) {
    case "input": return t.data;
    case "scale": return `${t.scalar} * ${wrap(t.of)}`;
    case "add": return `${text(t.left)} + ${text(t.right)}`;
    case "product": return `${wrap(t.a)} @ ${wrap(t.b)}`;
    case "outer": return `outer(${text(t.u)}, ${text(t.v)})`;
  }
}
