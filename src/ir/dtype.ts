// Scalar element types the IR understands, with what each backend needs to know about them.

export const DTYPES = ["float32", "float64", "int32", "int64"] as const;
export type DType = (typeof DTYPES)[number];

export interface DTypeInfo {
  /** C/C++ spelling (the fixed-width integer types come from <cstdint>). */
  cType: string;
  /** OpenCL C spelling (also the base name of its vector types: float8, int8, long8…). */
  clType: string;
  /** The unsigned type of the same width (integers: for wrapping shifts and negation). */
  unsignedC?: string;
  unsignedCl?: string;
  bytes: number;
  /** NumPy `descr` in a .npy header (little-endian). */
  npyDescr: string;
  /** Integer types compute with C semantics (division truncates, `%` takes the dividend's sign). */
  integer: boolean;
  /** Smallest and largest value (integers; exact in a double for int32, ±2^63 rounded for int64). */
  min?: number;
  max?: number;
}

export const DTYPE_INFO: Record<DType, DTypeInfo> = {
  float32: { cType: "float", clType: "float", bytes: 4, npyDescr: "<f4", integer: false },
  float64: { cType: "double", clType: "double", bytes: 8, npyDescr: "<f8", integer: false },
  int32: { cType: "int32_t", clType: "int", unsignedC: "uint32_t", unsignedCl: "unsigned int", bytes: 4, npyDescr: "<i4", integer: true, min: -2147483648, max: 2147483647 },
  int64: { cType: "int64_t", clType: "long", unsignedC: "uint64_t", unsignedCl: "unsigned long", bytes: 8, npyDescr: "<i8", integer: true, min: -(2 ** 63), max: 2 ** 63 - 1 },
};

export function isDType(s: unknown): s is DType {
  return typeof s === "string" && (DTYPES as readonly string[]).includes(s);
}

export function isIntegerDType(d: DType): boolean {
  return DTYPE_INFO[d].integer;
}

/**
 * Whether `v` is a value of integer type `d` that every part of the tool carries exactly: an
 * integer in the type's range and, for int64, within ±2^53 (values travel as JavaScript numbers).
 */
export function isExactInteger(v: number, d: DType): boolean {
  const info = DTYPE_INFO[d];
  return Number.isSafeInteger(v) && v >= info.min! && v <= info.max!;
}
