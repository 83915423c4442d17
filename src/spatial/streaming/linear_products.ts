// Linear-algebra terms (linear_terms.ts) → matrix-vector and matrix-matrix nodes and the
// stencil-road ProgramBundle that carries them: every program output must be
// `alpha · (X @ Y) + beta · Z` (alpha, beta scalar inputs or absent, Z an input), where each
// operand is an input, an input scaled by a scalar, or an earlier product (a chain: atax, 2mm).
// An output that also is an input (`x1 += A @ y1`) keeps its name; the input it reads is renamed
// `<name>_in`, its data still `<name>.npy`.

import { join } from "node:path";
import type { ProgramBundle } from "../../frontend/load_program.js";
import type { ProgramInput } from "../../frontend/input_data.js";
import { isDType, type DType } from "../../ir/dtype.js";
import type { PExpr, Program } from "../../ir/program.js";
import { linalgOperands, renameLinalgArrays, type DataDesc, type LinalgNode, type LinalgScale, type SDFG } from "../../ir/sdfg.js";
import type { KernelMapping, StreamingInput } from "./patterns.js";
import { linearTerms, termText, type LinearTerm } from "./linear_terms.js";

export type ProductsResult =
  | { ok: true; nodes: LinalgNode[]; bundle: ProgramBundle; kernels: (pattern: string, how: (n: LinalgNode) => string) => KernelMapping[] }
  | { ok: false; reason: string };

/** Value of a size expression over the symbols (numbers, names, + - * only). */
export function sizeOf(e: PExpr, symbols: Record<string, number>): number | undefined {
  switch (e.kind) {
    case "number": return e.value;
    case "name": return symbols[e.name];
    case "binary": {
      const l = sizeOf(e.left, symbols), r = sizeOf(e.right, symbols);
      if (l === undefined || r === undefined) return undefined;
      return e.op === "+" ? l + r : e.op === "-" ? l - r : e.op === "*" ? l * r : undefined;
    }
    default: return undefined;
  }
}

export function raiseProducts(input: StreamingInput): ProductsResult {
  const { program, symbols } = input;
  const terms = linearTerms(program);
  if (!terms.ok) return terms;
  const outputs = terms.written.filter((d, n, all) => all.lastIndexOf(d) === n && !program.arrays[d]!.transient);
  if (outputs.length === 0) return { ok: false, reason: "the program writes no output" };
  const nodes: LinalgNode[] = [];
  const made = new Set<string>();
  const sources: Record<string, string> = {};
  // Transients this pass adds (the second of two products summed), by name: their output's.
  const added = new Map<string, string>();
  const shape = (data: string): number[] | undefined => {
    const s = program.arrays[added.get(data) ?? data]!.shape.map((e) => sizeOf(e, symbols));
    return s.every((x) => x !== undefined) ? (s as number[]) : undefined;
  };
  const dtypeOf = (data: string): DType | undefined => {
    const t = program.arrays[added.get(data) ?? data]!.dtype;
    return isDType(t) ? t : undefined;
  };

  /** The data the program stored a term in (an output raised earlier, a rank update's matrix). */
  const storedIn = (t: LinearTerm): string | undefined => {
    for (const [data, def] of terms.defs) if (def === t) return data;
    return undefined;
  };

  /** An operand of a product: an input (maybe scaled), an earlier product or rank update, raised first. */
  const operand = (t: LinearTerm): { data: string; alpha?: string } | string => {
    if (t.kind === "input") return program.arrays[t.data]!.kind === "array" ? { data: t.data } : `scalar '${t.data}' used as a matrix`;
    if (t.kind === "scale") {
      const inner = operand(t.of);
      if (typeof inner === "string") return inner;
      return inner.alpha ? `${termText(t)} is scaled by more than one scalar` : { data: inner.data, alpha: t.scalar };
    }
    if (t.kind === "product") {
      const r = product(t, t.stored, undefined, undefined);
      return typeof r === "string" ? r : { data: t.stored };
    }
    const stored = storedIn(t);
    if (stored && made.has(stored)) return { data: stored };
    if (stored && rankUpdateTerms(t)) {
      const r = rankUpdate(t, stored);
      return typeof r === "string" ? r : { data: stored };
    }
    return `operand ${termText(t)} is neither an input, a scaled input, a product nor a rank update`;
  };

  /** `M + u1 v1ᵀ + …` as the matrix input and its rank-one terms, when the term is that. */
  const rankUpdateTerms = (t: LinearTerm): { matrix: string; terms: { u: string; v: string }[] } | undefined => {
    const parts = flattenSum(t);
    const matrices = parts.filter((x) => x.kind === "input" && program.arrays[x.data]!.kind === "array" && program.arrays[x.data]!.shape.length === 2);
    const outers = parts.filter((x) => x.kind === "outer");
    if (matrices.length !== 1 || outers.length === 0 || matrices.length + outers.length !== parts.length) return undefined;
    const terms: { u: string; v: string }[] = [];
    for (const o of outers) {
      if (o.kind !== "outer" || o.u.kind !== "input" || o.v.kind !== "input") return undefined;
      terms.push({ u: o.u.data, v: o.v.data });
    }
    return { matrix: (matrices[0] as { data: string }).data, terms };
  };

  /** Raises `output = M + Σ u vᵀ` into a rank-update node; a reason when it cannot. */
  const rankUpdate = (t: LinearTerm, output: string): true | string => {
    if (made.has(output)) return true;
    const r = rankUpdateTerms(t)!;
    const so = shape(r.matrix);
    const dtype = dtypeOf(output);
    if (!so || so.length !== 2) return `the sizes of ${termText(t)} are not known from the symbols`;
    if (!dtype || [r.matrix, ...r.terms.flatMap((x) => [x.u, x.v])].some((d) => dtypeOf(d) !== dtype)) return `${termText(t)} mixes element types`;
    for (const x of r.terms) {
      if (shape(x.u)?.join() !== String(so[0]) || shape(x.v)?.join() !== String(so[1])) return `outer(${x.u}, ${x.v}) does not have the shape of '${r.matrix}' (${so.join(" x ")})`;
    }
    if (shape(output)?.join() !== so.join()) return `'${output}' does not have the shape of '${r.matrix}'`;
    const label = output.replace(/[^A-Za-z0-9_]/g, "_");
    nodes.push({ kind: "rank-update", id: nodes.length, label, dtype, matrix: r.matrix, rows: so[0]!, cols: so[1]!, terms: r.terms, output });
    sources[label] = `${output} = ${termText(t)}`;
    made.add(output);
    return true;
  };

  /** `alpha · left + beta · right` of two (maybe scaled) input vectors into a new transient named after `out`. */
  const vectorSum = (left: LinearTerm, right: LinearTerm, out: string): string | { reason: string } => {
    const side = (x: LinearTerm): { data: string; scale: LinalgScale } | undefined =>
      x.kind === "input" ? { data: x.data, scale: { constant: 1 } }
        : x.kind === "scale" && x.of.kind === "input" ? { data: x.of.data, scale: { scalar: x.scalar } } : undefined;
    const l = side(left), r = side(right);
    if (!l || !r) return { reason: `'${out}' adds ${termText(left)} and ${termText(right)}, not two (scaled) input vectors, to a product` };
    const so = shape(out);
    if (!so || so.length !== 1 || shape(l.data)?.join() !== so.join() || shape(r.data)?.join() !== so.join()) {
      return { reason: `'${out}' adds ${l.data} and ${r.data}, which are not vectors of its shape, to a product` };
    }
    const dtype = dtypeOf(out);
    if (!dtype || [l.data, r.data].some((d) => dtypeOf(d) !== dtype)) return { reason: `'${out}' mixes element types` };
    let name = `${out}_addend`;
    while (Object.hasOwn(program.arrays, name) || added.has(name)) name += "_";
    added.set(name, out);
    const label = name.replace(/[^A-Za-z0-9_]/g, "_");
    nodes.push({ kind: "vector-sum", id: nodes.length, label, dtype, left: l.data, right: r.data, length: so[0]!, alpha: l.scale, beta: r.scale, output: name });
    sources[label] = `${name} = ${termText(left)} + ${termText(right)}`;
    made.add(name);
    return name;
  };

  /** Raises `alpha · product + beta · addend` into a node writing `output`; a reason when it cannot. */
  const product = (p: Extract<LinearTerm, { kind: "product" }>, output: string, outerAlpha: string | undefined, addend: LinearTerm | undefined): true | string => {
    if (made.has(output)) return true;
    const a = operand(p.a), b = operand(p.b);
    if (typeof a === "string") return a;
    if (typeof b === "string") return b;
    const scalars = [outerAlpha, a.alpha, b.alpha].filter((x): x is string => x !== undefined);
    if (scalars.length > 1) return `${termText(p)} is scaled by more than one scalar`;
    const alpha: LinalgScale = scalars.length ? { scalar: scalars[0]! } : { constant: 1 };
    let add: { data: string; beta: LinalgScale } | undefined;
    if (addend) {
      if (addend.kind === "input") add = { data: addend.data, beta: { constant: 1 } };
      else if (addend.kind === "scale" && addend.of.kind === "input") add = { data: addend.of.data, beta: { scalar: addend.scalar } };
      else return `the term added to ${termText(p)} is not an input or a scaled input`;
      if (!added.has(add.data) && program.arrays[add.data]!.kind !== "array") return `'${add.data}' added to a product is not an array`;
    }
    const sa = shape(a.data), sb = shape(b.data), so = shape(output);
    if (!sa || !sb || !so) return `the sizes of ${termText(p)} are not known from the symbols`;
    const dtype = dtypeOf(output);
    if (!dtype || [a.data, b.data, ...(add ? [add.data] : []), ...scalars].some((d) => dtypeOf(d) !== dtype)) {
      return `${termText(p)} mixes element types or uses one the streamed kernels do not have (${program.arrays[output]!.dtype})`;
    }
    if (add && shape(add.data)!.join() !== so.join()) return `'${add.data}' does not have the shape of '${output}'`;
    const label = output.replace(/[^A-Za-z0-9_]/g, "_");
    const id = nodes.length;
    if (sa.length === 2 && sb.length === 2) {
      if (sa[1] !== sb[0]) return `${termText(p)}: inner sizes ${sa[1]} and ${sb[0]} differ`;
      // The chain reads B once per tile of rows: an earlier product streams out only once.
      if (p.b.kind === "product") return `${termText(p)}: its B operand is a product, which a systolic chain would have to re-read once per tile (not streamed yet)`;
      nodes.push({ kind: "matmul", id, label, dtype, a: a.data, b: b.data, output, ni: sa[0]!, nk: sa[1]!, nj: sb[1]!, alpha, ...(add ? { addend: add } : {}) });
    } else if (sa.length === 2 && sb.length === 1) {
      if (sa[1] !== sb[0]) return `${termText(p)}: inner sizes ${sa[1]} and ${sb[0]} differ`;
      nodes.push({ kind: "matvec", id, label, dtype, matrix: a.data, rows: sa[0]!, cols: sa[1]!, transposed: false, vector: b.data, output, alpha, ...(add ? { addend: add } : {}) });
    } else if (sa.length === 1 && sb.length === 2) {
      if (sa[0] !== sb[0]) return `${termText(p)}: inner sizes ${sa[0]} and ${sb[0]} differ`;
      nodes.push({ kind: "matvec", id, label, dtype, matrix: b.data, rows: sb[0]!, cols: sb[1]!, transposed: true, vector: a.data, output, alpha, ...(add ? { addend: add } : {}) });
    } else {
      return `${termText(p)} multiplies arrays of ranks ${sa.length} and ${sb.length}`;
    }
    // A rank-updated matrix or an earlier output is named, not spelled out again.
    const named = (x: LinearTerm) => { const d = x.kind === "input" || x.kind === "product" ? undefined : storedIn(x); return d && made.has(d) ? d : undefined; };
    sources[label] = `${output} = ${outerAlpha ? `${outerAlpha} * (${termText(p, named)})` : termText(p, named)}${addend ? ` + ${termText(addend, named)}` : ""}`;
    made.add(output);
    return true;
  };

  for (const out of outputs) {
    const t = terms.defs.get(out)!;
    if (rankUpdateTerms(t)) {
      const r = rankUpdate(t, out);
      if (r !== true) return { ok: false, reason: r };
      continue;
    }
    const parts = flattenSum(t);
    const isProduct = (x: LinearTerm) => x.kind === "product" || (x.kind === "scale" && x.of.kind === "product");
    const prods = parts.filter(isProduct);
    const rest = parts.filter((x) => !isProduct(x));
    if (prods.length === 2 && rest.length === 0) {
      // `X @ Y + Z @ V` (gesummv): the second product is a node of its own, added to the first.
      let name = `${out}_term`;
      while (Object.hasOwn(program.arrays, name) || added.has(name)) name += "_";
      added.set(name, out);
      const second = prods[1]!;
      const r2 = second.kind === "product" ? product(second, name, undefined, undefined)
        : second.kind === "scale" && second.of.kind === "product" ? product(second.of, name, second.scalar, undefined) : `'${out}' is not a sum of products`;
      if (r2 !== true) return { ok: false, reason: r2 };
      prods.pop();
      rest.push({ kind: "input", data: name });
    }
    if (prods.length === 1 && rest.length === 2) {
      // `x + (beta * y @ A + z)` (gemver): the two vectors are summed first, then added to the product.
      const sum = vectorSum(rest[0]!, rest[1]!, out);
      if (typeof sum !== "string") return { ok: false, reason: sum.reason };
      rest.splice(0, 2, { kind: "input", data: sum });
    }
    if (prods.length !== 1 || rest.length > 1) return { ok: false, reason: `'${out}' = ${termText(t)} is not alpha * (X @ Y) + beta * Z` };
    const pr = prods[0]!;
    let r: true | string;
    if (pr.kind === "product") r = product(pr, out, undefined, rest[0]);
    else if (pr.kind === "scale" && pr.of.kind === "product") r = product(pr.of, out, pr.scalar, rest[0]);
    else r = `'${out}' is not a product`;
    if (r !== true) return { ok: false, reason: r };
  }
  return buildBundle(input, program, nodes, outputs, sources, shape, dtypeOf);
}

/** The terms of a sum, nested sums flattened, left to right. */
function flattenSum(t: LinearTerm): LinearTerm[] {
  return t.kind === "add" ? [...flattenSum(t.left), ...flattenSum(t.right)] : [t];
}

function buildBundle(input: StreamingInput, program: Program, nodes: LinalgNode[], outputs: string[], sources: Record<string, string>,
  shape: (d: string) => number[] | undefined, dtypeOf: (d: string) => DType | undefined): ProductsResult {
  const produced = new Set(nodes.map((n) => n.output));
  // An input the program also writes is read under a name of its own.
  const renamed = new Map<string, string>();
  const inName = (data: string) => renamed.get(data) ?? data;
  const readData = linalgOperands;
  const producedBefore = (d: string, n: LinalgNode) => {
    const k = nodes.findIndex((m) => m.output === d);
    return k >= 0 && k < nodes.indexOf(n);
  };
  const inputs = [...new Set(nodes.flatMap((n) => readData(n).filter((d) => !producedBefore(d, n))))];
  for (const d of inputs) {
    if (!produced.has(d)) continue;
    let name = `${d}_in`;
    while (Object.hasOwn(program.arrays, name)) name += "_";
    renamed.set(d, name);
  }
  const arrays: Record<string, DataDesc> = {};
  const programInputs: ProgramInput[] = [];
  for (const d of inputs) {
    const dtype = dtypeOf(d)!;
    const s = shape(d)!;
    const scalar = program.arrays[d]!.kind === "scalar";
    arrays[inName(d)] = scalar ? { kind: "scalar", dtype, transient: false } : { kind: "array", dtype, shape: s, transient: false, storage: "global" };
    programInputs.push({ name: inName(d), dtype, axes: scalar ? [] : s.map((_, k) => k), shape: scalar ? [] : s, source: { kind: "file", path: join(input.inputsDir, `${d}.npy`), format: "npy" } });
  }
  for (const n of nodes) {
    arrays[n.output] = { kind: "array", dtype: n.dtype, shape: shape(n.output)!, transient: !outputs.includes(n.output), storage: "global" };
  }
  // Operands read under their new names (an in-place output's old value).
  const rename = (n: LinalgNode): LinalgNode => renameLinalgArrays(n, (d) => (producedBefore(d, n) ? d : inName(d)));
  const raised = nodes.map(rename);
  const sdfg: SDFG = {
    name: input.name, symbols: {}, constants: {}, arrays,
    states: [{ name: "linalg", nodes: raised, edges: [] }], interstate: [], startState: "linalg",
  };
  const bundle: ProgramBundle = {
    file: input.file, name: input.name, sdfg, domain: [1], iterators: ["k"], inputs: programInputs,
    outputs: [...outputs].sort(), stencils: [], sources,
  };
  return {
    ok: true, nodes: raised, bundle,
    kernels: (pattern, how) => raised.map((n) => ({ name: n.label, mapping: "streamed" as const, pattern, reason: `${sources[n.label]}: ${how(n)}` })),
  };
}
