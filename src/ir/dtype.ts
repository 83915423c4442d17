// Scalar element types the IR understands, with what each backend needs to know about them.

export const DTYPES = ["float32", "float64"] as const;
export type DType = (typeof DTYPES)[number];

export interface DTypeInfo {
  /** C/C++/OpenCL spelling. */
  cType: string;
  bytes: number;
  /** NumPy `descr` in a .npy header (little-endian). */
  npyDescr: string;
}

export const DTYPE_INFO: Record<DType, DTypeInfo> = {
  float32: { cType: "float", bytes: 4, npyDescr: "<f4" },
  float64: { cType: "double", bytes: 8, npyDescr: "<f8" },
};

export function isDType(s: unknown): s is DType {
  return typeof s === "string" && (DTYPES as readonly string[]).includes(s);
}
