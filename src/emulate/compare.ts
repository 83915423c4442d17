// Element-wise comparison of an emulated output with the CPU reference, with the same tolerances
// and the same rules for NaN and infinities as the generated hosts' --verify.

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
    // NaN matches NaN and an infinity the same infinity (the generated hosts' --verify agrees);
    // any other pair involving NaN or an infinity differs, with an infinite error.
    if ((Number.isNaN(a) && Number.isNaN(b)) || a === b) continue;
    const finite = Number.isFinite(a) && Number.isFinite(b);
    const err = finite ? Math.abs(a - b) : Infinity;
    if (err > maxAbsError) maxAbsError = err;
    // Not finite here means unequal: the tolerance (infinite when `b` is) must not accept it.
    if (!finite || !(err <= atol + rtol * Math.abs(b))) {
      mismatches++;
      first ??= { index: n, got: a, want: b };
    }
  }
  return { name, elements: got.length, mismatches, maxAbsError, ...(first ? { first } : {}) };
}
