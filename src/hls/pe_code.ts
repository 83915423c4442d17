// The vendor-neutral body of a processing element: tap names, the per-element arithmetic
// function, and the per-lane calls with boundary conditions. The Vitis and Intel emitters wrap it
// in their own function signatures, streams and pragmas.

import { emitSourceComment } from "../codegen/user_text.js";
import { castTo, cppTypeName, integerHelpers, needsIntegerHelpers, printAssignments, typedLiteral, type CastStyle, type CExprContext, type TypeName } from "../codegen/c_expr.js";
import { accessesOf, type Expr } from "../ir/expr.js";
import type { CodeWriter } from "../codegen/code_writer.js";
import type { DType } from "../ir/dtype.js";
import type { PEInput, Pipeline, ProcessingElement, WindowTap } from "../spatial/pipeline.js";
import { inDomainCondition, inRegionCondition, subscriptLane, tapElement, type LaneAccess } from "./window_code.js";

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
  /** How the body and the lane arguments spell conversions and types. */
  cast: CastStyle;
  typeName: TypeName;
}

/** Language details of a backend that the vendor-neutral PE code must follow. */
export interface CellDialect {
  /** Conversion spelling (OpenCL C has no functional casts); default C++'s `float(x)`. */
  cast?: CastStyle;
  /** Type spelling (OpenCL C: `int`, `long`); default C++'s (`int32_t`, `int64_t`). */
  typeName?: TypeName;
}

/** The arithmetic of one output element as a function of its taps (already boundary-resolved). */
export function cellFunction(pipeline: Pipeline, pe: ProcessingElement, mathPrefix: string, dialect: CellDialect = {}): CellFunction {
  const pad = 3 - pipeline.rank;
  const typeName = dialect.typeName ?? cppTypeName;
  const T = typeName(pe.dtype);
  const cast = dialect.cast ?? "functional";
  const constants = pipeline.constants;
  const ctx: CExprContext = {
    dtype: pe.dtype,
    mathPrefix,
    cast,
    typeName,
    access: (e: Extract<Expr, { kind: "access" }>) => tapName(e.field, [...Array(pad).fill(0), ...e.offset]),
    name: (n: string) => {
      const c = Object.hasOwn(constants, n) ? constants[n] : undefined; // never Object.prototype's valueOf
      // A constant is first a value of its own type, then converted like any input.
      if (c) return typedLiteral(c.dtype === "float32" ? Math.fround(c.value) : c.value, pe.dtype, cast, typeName);
      const s = pipeline.scalars.find((x) => x.name === n);
      return s && s.dtype !== pe.dtype ? castTo(T, n, cast) : n;
    },
  };
  const { statements, result } = printAssignments(pe.code, ctx, (t) => `${t}_t_`);
  const read = new Set(accessesOf(pe.code).map((a) => tapName(a.field, [...Array(pad).fill(0), ...a.offset])));
  return {
    name: `${pe.stencil}_cell_`,
    // Only the taps the code reads: windows may hold more (the centre for copy boundaries and bypass).
    taps: pe.inputs.flatMap((input) => input.taps.filter((tap) => read.has(tapName(input.field, tap.offset))).map((tap) => ({ input, tap }))),
    scalars: pe.scalars,
    statements,
    result,
    cast,
    typeName,
  };
}

/**
 * The arguments of one lane's call of the cell function: taps with their boundary conditions.
 * `laneOf` spells one lane of a window vector (`v[2]` in C++, `v.s2` for OpenCL vectors).
 */
export function laneArguments(pipeline: Pipeline, pe: ProcessingElement, cell: CellFunction, lane: number, laneOf: LaneAccess = subscriptLane): string[] {
  const W = pipeline.vectorWidth;
  const T = cell.typeName(pe.dtype);
  const convert = (input: PEInput, text: string) => (input.dtype === pe.dtype ? text : castTo(T, text, cell.cast));
  const args = cell.taps.map(({ input, tap }) => {
    const value = convert(input, tapElement(input, tap.linear, lane, W, laneOf));
    const inside = inDomainCondition(tap.offset, pipeline.domain, lane, W);
    if (inside === null) return value;
    const outside = input.boundary.type === "constant"
      ? typedLiteral(input.boundary.value, pe.dtype, cell.cast, cell.typeName)
      : convert(input, tapElement(input, 0, lane, W, laneOf));
    return `(${inside}) ? ${value} : ${outside}`;
  });
  return [...args, ...cell.scalars];
}

/** What every PE loop says about its initiation interval (both vendors; tests/cli/pe_loops.test.ts checks the loops). */
export const II_ONE_COMMENT = "II=1: one vector in per input and one out per iteration; windows are registers (fully partitioned) or delay lines read and written once per iteration at a declared distance; no accumulation or other value is carried through memory between iterations.";

/**
 * Lane `lane`'s result `value` with the PE's write region applied: outside the region the lane
 * forwards the centre value of the region's `keep` input (the array's previous value).
 */
export function withWriteRegion(pipeline: Pipeline, pe: ProcessingElement, cell: CellFunction, lane: number, value: string, laneOf: LaneAccess = subscriptLane): string {
  const inside = inRegionCondition(pe, pipeline.domain, lane, pipeline.vectorWidth);
  if (!pe.region || inside === null) return value;
  const keep = pe.inputs.find((i) => i.field === pe.region!.keep);
  if (!keep) throw new Error(`PE ${pe.name}: the region's input '${pe.region.keep}' is not an input`);
  const centre = tapElement(keep, 0, lane, pipeline.vectorWidth, laneOf);
  return `((${inside}) ? ${value} : ${keep.dtype === pe.dtype ? centre : castTo(cell.typeName(pe.dtype), centre, cell.cast)})`;
}

/**
 * Writes the cell function once per stencil (replicas of the chain share it), quoting the
 * stencil's source. `head` is the vendor's spelling before the return type (`static`, or
 * nothing in OpenCL C); `pragma`, when given, goes first in the body (`#pragma HLS INLINE`).
 */
export function emitCellFunction(w: CodeWriter, p: Pipeline, pe: ProcessingElement, cell: CellFunction, source: string | undefined, head: string, pragma?: string): void {
  if (pe.replica !== 0) return;
  const T = cell.typeName(pe.dtype);
  emitSourceComment(w, pe.stencil, source);
  w.comment("The arithmetic of one output element; taps arrive with boundary conditions applied.");
  const params = [
    ...cell.taps.map(({ input, tap }) => `${T} ${tapName(input.field, tap.offset)}`),
    ...cell.scalars.map((s) => `${cell.typeName(p.scalars.find((x) => x.name === s)!.dtype)} ${s}`),
  ];
  w.block(`${head}${T} ${cell.name}(${params.join(", ")})`, () => {
    if (pragma) w.directive(pragma);
    w.many(cell.statements);
    w.line(`return ${cell.result};`);
  });
  w.line();
}

/** The integer helpers (c_expr.ts) the PEs of `p` call, once per type, before the cell functions. */
export function emitIntegerHelpers(w: CodeWriter, p: Pipeline, typeName: TypeName, unsignedName: (d: DType) => string): void {
  const lines = integerHelpers(needsIntegerHelpers(p.pes), typeName, unsignedName);
  if (lines.length === 0) return;
  w.comment("Integer division, remainder and shifts with every case defined (NumPy's results where C has none).");
  w.many(lines);
  w.line();
}
