// The spelling differences between the three dialects one SDFG program is printed in: C++ (the
// CPU reference), Vitis HLS C++ and Intel OpenCL C. Only names live here (scalar types, the index
// type, math functions, pointer qualifiers); what a dialect cannot express is refused by the code
// generator that asks, where it knows the node.

import type { PDType } from "../ir/program.js";

export type Dialect = "cpp" | "hls" | "opencl";

/** Where a container lives in generated code. */
export type Space = "global" | "onchip" | "private";

const CPP_TYPES: Record<PDType, string> = {
  bool: "bool", int8: "int8_t", int16: "int16_t", int32: "int32_t", int64: "int64_t",
  uint8: "uint8_t", uint16: "uint16_t", uint32: "uint32_t", uint64: "uint64_t",
  float32: "float", float64: "double", complex64: "std::complex<float>", complex128: "std::complex<double>",
};
const CL_TYPES: Record<PDType, string> = {
  bool: "uchar", int8: "char", int16: "short", int32: "int", int64: "long",
  uint8: "uchar", uint16: "ushort", uint32: "uint", uint64: "ulong",
  float32: "float", float64: "double", complex64: "", complex128: "double2",
};

/** The dialect's name of a scalar type; "" where it has none (OpenCL C has no complex64). */
export function scalarTypeName(d: Dialect, t: PDType): string {
  return d === "opencl" ? CL_TYPES[t] : CPP_TYPES[t];
}

/** The signed 64-bit integer type of index arithmetic. */
export function indexTypeName(d: Dialect): string { return d === "opencl" ? "long" : "int64_t"; }

/** A math function of the C library: OpenCL C's built-in, or `std::` in C++. */
export function mathFunctionName(d: Dialect, fn: string): string { return d === "opencl" ? fn : `std::${fn}`; }

/** A pointer to `t` in `space`: OpenCL C qualifies the address space, C++ does not. */
export function pointerTypeName(d: Dialect, space: Space, t: string): string {
  if (d !== "opencl") return `${t}*`;
  return space === "global" ? `__global ${t}*` : space === "onchip" ? `__local ${t}*` : `${t}*`;
}
