// Element-wise comparison of an emulated output with the CPU reference, with the same tolerances
// the generated host verifier uses.

import { TOLERANCE } from "../host/xrt_host.js";
import type { DType } from "../ir/dtype.js";

export interface Comparison {
  name: string;
  elements: number;
  mismatches: number;
  maxAbsError: number;
  /** First differing index and values, for the error message. */
  first?: { index: number; got: number; want: number };
}

export function compareArrays(name: string, dtype: DType, got: Float64Array, want: Float64Array): Comparison {
  const { rtol, atol } = TOLERANCE[dtype];
  let mismatches = 0;
  let maxAbsError = 0;
  let first: Comparison["first"];
  if (got.length !== want.length) return { name, elements: want.length, mismatches: want.length, maxAbsError: Infinity };
  for (let n = 0; n < got.length; n++) {
    const a = got[n]!;
    const b = want[n]!;
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    const err = Math.abs(a - b);
    if (err > maxAbsError || Number.isNaN(err)) maxAbsError = Number.isNaN(err) ? Infinity : err;
    if (!(err <= atol + rtol * Math.abs(b))) {
      mismatches++;
      first ??= { index: n, got: a, want: b };
    }
  }
  return { name, elements: got.length, mismatches, maxAbsError, ...(first ? { first } : {}) };
}
