// Stencil code over whole arrays in memory, as the CPU reference and the CUDA kernels compute it:
// the C-order linear index of a cell, and the expression context that turns a field access into a
// load guarded by its boundary condition. Both backends print the same text from here, so their
// boundary semantics and their float order of operations are the same by construction.

import { typedLiteral, type CExprContext } from "./c_expr.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import type { Expr } from "../ir/expr.js";
import type { SDFG, StencilNode } from "../ir/sdfg.js";

/** C-order linear index over `axes` of `domain`, each axis' coordinate printed by `coord`. */
export function linearIndex(axes: number[], domain: number[], coord: (axis: number) => string): string {
  let index = "";
  for (const a of axes) index = index === "" ? coord(a) : `(${index}) * ${domain[a]} + ${coord(a)}`;
  return index === "" ? "0" : index;
}

const writtenData = new WeakMap<SDFG, Map<string, string>>();

/** The data a stencil writes (from an index of the edges built once per SDFG: linear emission). */
export function stencilOutputData(sdfg: SDFG, s: Pick<StencilNode, "id" | "output">): string {
  let index = writtenData.get(sdfg);
  if (!index) {
    index = new Map();
    for (const e of sdfg.states[0]!.edges) {
      const key = `${e.src}:${e.srcConn}`;
      if (e.srcConn !== null && e.memlet && !index.has(key)) index.set(key, e.memlet.data);
    }
    writtenData.set(sdfg, index);
  }
  return index.get(`${s.id}:${s.output}`)!;
}

/**
 * The expression context of stencil `s` at the cell whose coordinates are the C variables
 * `coords` (one per domain axis, outermost first). An access with a non-zero offset reads the
 * array when the offset cell is inside the domain, else its boundary value: the constant, or the
 * field at the centre (`copy`, and `shrink`, which we evaluate like `copy`). Arrays and scalar
 * inputs are spelled by their data name.
 */
export function wholeArrayContext(sdfg: SDFG, s: StencilNode, coords: readonly string[], mathPrefix: string): CExprContext {
  const T = DTYPE_INFO[s.dtype].cType;
  return {
    dtype: s.dtype,
    mathPrefix,
    access: (e: Extract<Expr, { kind: "access" }>) => {
      const input = s.inputs[e.field]!;
      const desc = sdfg.arrays[input.data]!;
      const convert = (x: string) => (desc.dtype === s.dtype ? x : `${T}(${x})`);
      const at = (offset: number[]) => convert(`${input.data}[${linearIndex(input.axes, s.domain, (a) => (offset[a] === 0 ? coords[a]! : `${coords[a]} + ${offset[a]}`))}]`);
      const checks = e.offset.flatMap((d, a) => (d === 0 ? [] : [`${coords[a]} + ${d} >= 0`, `${coords[a]} + ${d} < ${s.domain[a]}`]));
      if (checks.length === 0) return at(e.offset);
      const bc = input.boundary;
      const outside = bc.type === "constant" ? typedLiteral(bc.value, s.dtype) : at(e.offset.map(() => 0));
      return `(${checks.join(" && ")} ? ${at(e.offset)} : ${outside})`;
    },
    name: (n: string) => {
      // Own properties only: a name such as `valueOf` is the program's, not Object.prototype's.
      const c = Object.hasOwn(sdfg.constants, n) ? sdfg.constants[n] : undefined;
      if (c) return typedLiteral(c.dtype === "float32" ? Math.fround(c.value) : c.value, s.dtype);
      const input = Object.hasOwn(s.inputs, n) ? s.inputs[n] : undefined;
      const d = input && Object.hasOwn(sdfg.arrays, input.data) ? sdfg.arrays[input.data] : undefined;
      return d && d.dtype !== s.dtype ? `${T}(${input!.data})` : (input?.data ?? n);
    },
  };
}
