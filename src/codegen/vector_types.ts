// Vector data (DaCe's `dace.vector(T, W)`) in each dialect of the memory-mapped code: the type of
// one vector and how a lane of it is named. Vitis HLS: `hls::vector<T, W>` (UG1399's vector
// type; one wide m_axi word per element, lanes `v[k]`); Intel OpenCL C: `floatW`, `doubleW`,
// `intW`, `longW` for W in 2, 4, 8, 16 (lanes `.s0` … `.sf`); the CPU reference: `sdfg_vec<T, W>`
// (a plain array of W lanes, defined in its prelude). What a dialect cannot express is refused.

import { UserError } from "../ir/diagnostics.js";
import { isComplex, type PDType } from "../ir/program.js";

export type VectorDialect = "cpp" | "hls" | "opencl";

/** OpenCL C's vector lengths (3 exists too, but is stored as 4 and the emulation lacks it). */
export const OPENCL_VECTOR_LANES = [2, 4, 8, 16];
/** Lane types OpenCL vectors are emitted for (float2…, double2…, int2…, long2…). */
const OPENCL_VECTOR_TYPES: PDType[] = ["float32", "float64", "int32", "int64"];

/** The vector of `w` lanes of `t`, whose scalar type the dialect spells `T`. */
export function vectorTypeName(d: VectorDialect, t: PDType, T: string, w: number, where: string): string {
  if (isComplex(t)) throw new UserError(where, `a vector of ${t} cannot be mapped (vectors of complex numbers are not supported)`);
  if (d === "hls") return `hls::vector<${T}, ${w}>`;
  if (d === "cpp") return `sdfg_vec<${T}, ${w}>`;
  if (!OPENCL_VECTOR_LANES.includes(w)) throw new UserError(where, `a vector of ${w} lanes cannot be mapped to Intel OpenCL (OpenCL C vectors have ${OPENCL_VECTOR_LANES.join(", ")} lanes)`);
  if (!OPENCL_VECTOR_TYPES.includes(t)) throw new UserError(where, `a vector of ${t} cannot be mapped to Intel OpenCL yet (vectors of float32, float64, int32, int64 can)`);
  return `${T}${w}`;
}

/** Lane `k` (a number, or a loop variable outside OpenCL) of the vector value `v` (parenthesised). */
export function laneText(d: VectorDialect, v: string, k: number | string): string {
  if (d !== "opencl") return `${v}[${k}]`;
  if (typeof k !== "number") throw new Error("OpenCL lanes are named .s0 .. .sf: the lane must be a constant");
  return `${v}.s${k.toString(16)}`;
}

/** The CPU reference's vector type (its prelude). */
export const CPP_VECTOR_TYPE =
  "template <typename T, int W> struct sdfg_vec { T lanes[W]; T& operator[](int k) { return lanes[k]; } const T& operator[](int k) const { return lanes[k]; } };";
