// The vendor-neutral body of a processing element: tap names, the per-element arithmetic
// function, and the per-lane calls with boundary conditions. The Vitis and Intel emitters wrap it
// in their own function signatures, streams and pragmas.

import { printAssignments, typedLiteral, type CExprContext } from "../codegen/c_expr.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import type { Expr } from "../ir/expr.js";
import type { PEInput, Pipeline, ProcessingElement, WindowTap } from "../spatial/pipeline.js";
import { inDomainCondition, tapElement } from "./window_code.js";

const AXIS_NAMES = ["i", "j", "k"];

/** Parameter name of a tap in the cell function, e.g. `u_c_`, `u_jp1_`, `lap_im1_km2_`. */
export function tapName(field: string, offset: readonly number[]): string {
  const parts = offset.map((d, a) => (d === 0 ? "" : `${AXIS_NAMES[a]}${d > 0 ? "p" : "m"}${Math.abs(d)}`)).filter((s) => s !== "");
  return `${field}_${parts.length === 0 ? "c" : parts.join("_")}_`;
}

export interface CellFunction {
  name: string;
  /** Parameters in order: taps (input, tap) then scalars. */
  taps: { input: PEInput; tap: WindowTap }[];
  scalars: string[];
  /** Body statements and the returned name. */
  statements: string[];
  result: string;
}

/** The arithmetic of one output element as a function of its taps (already boundary-resolved). */
export function cellFunction(pipeline: Pipeline, pe: ProcessingElement, mathPrefix: string): CellFunction {
  const pad = 3 - pipeline.rank;
  const T = DTYPE_INFO[pe.dtype].cType;
  const constants = pipeline.constants;
  const ctx: CExprContext = {
    dtype: pe.dtype,
    mathPrefix,
    access: (e: Extract<Expr, { kind: "access" }>) => tapName(e.field, [...Array(pad).fill(0), ...e.offset]),
    name: (n: string) => {
      const c = constants[n];
      // A constant is first a value of its own type, then converted like any input.
      if (c) return typedLiteral(c.dtype === "float32" ? Math.fround(c.value) : c.value, pe.dtype);
      const s = pipeline.scalars.find((x) => x.name === n);
      return s && s.dtype !== pe.dtype ? `${T}(${n})` : n;
    },
  };
  const { statements, result } = printAssignments(pe.code, ctx, (t) => `${t}_t_`);
  return {
    name: `${pe.stencil}_cell_`,
    taps: pe.inputs.flatMap((input) => input.taps.map((tap) => ({ input, tap }))),
    scalars: pe.scalars,
    statements,
    result,
  };
}

/** The arguments of one lane's call of the cell function: taps with their boundary conditions. */
export function laneArguments(pipeline: Pipeline, pe: ProcessingElement, cell: CellFunction, lane: number): string[] {
  const W = pipeline.vectorWidth;
  const T = DTYPE_INFO[pe.dtype].cType;
  const convert = (input: PEInput, text: string) => (input.dtype === pe.dtype ? text : `${T}(${text})`);
  const args = cell.taps.map(({ input, tap }) => {
    const value = convert(input, tapElement(input, tap.linear, lane, W));
    const inside = inDomainCondition(tap.offset, pipeline.domain, lane, W);
    if (inside === null) return value;
    const outside = input.boundary.type === "constant"
      ? typedLiteral(input.boundary.value, pe.dtype)
      : convert(input, tapElement(input, 0, lane, W));
    return `(${inside}) ? ${value} : ${outside}`;
  });
  return [...args, ...cell.scalars];
}
