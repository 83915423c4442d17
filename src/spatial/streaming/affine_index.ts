// Memlet indices as affine forms of map parameters: `__i0 + 1`, `N - 2`, `2 * __i1 - 1`. A
// pattern pass proves an access is a constant offset of the map point by reading its index
// expression as such a form, with every symbol replaced by its value.

import type { PExpr, PRange } from "../../ir/program.js";

/** `constant + Σ coefficient·parameter`. */
export interface AffineForm {
  constant: number;
  coefficients: Map<string, number>;
}

const constantForm = (c: number): AffineForm => ({ constant: c, coefficients: new Map() });

function combine(a: AffineForm, b: AffineForm, sign: 1 | -1): AffineForm {
  const coefficients = new Map(a.coefficients);
  for (const [p, c] of b.coefficients) coefficients.set(p, (coefficients.get(p) ?? 0) + sign * c);
  for (const [p, c] of [...coefficients]) if (c === 0) coefficients.delete(p);
  return { constant: a.constant + sign * b.constant, coefficients };
}

function scale(a: AffineForm, k: number): AffineForm {
  return { constant: a.constant * k, coefficients: new Map([...a.coefficients].filter(() => k !== 0).map(([p, c]) => [p, c * k])) };
}

/**
 * The affine form of `e` over `params`, with `values` for every other name (symbols); null when
 * `e` is not affine (a product of parameters, a data-dependent index, an unknown name…).
 */
export function affineForm(e: PExpr, params: readonly string[], values: Readonly<Record<string, number>>): AffineForm | null {
  switch (e.kind) {
    case "number": return e.integer && !e.imag ? constantForm(e.value) : null;
    case "name":
      if (params.includes(e.name)) return { constant: 0, coefficients: new Map([[e.name, 1]]) };
      return Object.hasOwn(values, e.name) ? constantForm(values[e.name]!) : null;
    case "unary": {
      const x = affineForm(e.operand, params, values);
      if (!x) return null;
      return e.op === "-" ? scale(x, -1) : e.op === "+" ? x : null;
    }
    case "binary": {
      const l = affineForm(e.left, params, values);
      const r = affineForm(e.right, params, values);
      if (!l || !r) return null;
      if (e.op === "+") return combine(l, r, 1);
      if (e.op === "-") return combine(l, r, -1);
      if (e.op === "*") {
        if (l.coefficients.size === 0) return scale(r, l.constant);
        if (r.coefficients.size === 0) return scale(l, r.constant);
        return null;
      }
      // Integer division and remainder of constants only (sizes such as N // 2).
      if (l.coefficients.size > 0 || r.coefficients.size > 0 || r.constant === 0) return null;
      if (e.op === "//") return constantForm(Math.floor(l.constant / r.constant));
      if (e.op === "%") return constantForm(l.constant - r.constant * Math.floor(l.constant / r.constant));
      return null;
    }
    default: return null;
  }
}

/** The value of a constant expression (a size, a loop bound), or null when it is not one. */
export function constantValue(e: PExpr, values: Readonly<Record<string, number>>): number | null {
  const f = affineForm(e, [], values);
  return f && f.coefficients.size === 0 ? f.constant : null;
}

/**
 * Reads a memlet subset inside a map as one point per array axis, axis `d` being parameter
 * `params[d]` plus a constant: returns the constants, or why the subset is not of that form.
 */
export function pointOffsets(subset: readonly PRange[], params: readonly string[], values: Readonly<Record<string, number>>): number[] | string {
  if (subset.length !== params.length) return `has ${subset.length} index(es) for a ${params.length}-D map`;
  const offsets: number[] = [];
  for (let d = 0; d < subset.length; d++) {
    const r = subset[d]!;
    const start = affineForm(r.start, params, values);
    const end = affineForm(r.end, params, values);
    if (!start || !end) return `index ${d} is not an affine function of the map parameters (a data-dependent or non-linear index)`;
    const width = combine(end, start, -1);
    if (width.coefficients.size > 0 || width.constant !== 0) return `index ${d} is a range, not a single element per map point`;
    const want = params[d]!;
    const coeffs = [...start.coefficients];
    if (coeffs.length !== 1 || coeffs[0]![0] !== want || coeffs[0]![1] !== 1) {
      return `index ${d} is not '${want}' plus a constant (a transposed, strided or non-constant offset)`;
    }
    offsets.push(start.constant);
  }
  return offsets;
}
