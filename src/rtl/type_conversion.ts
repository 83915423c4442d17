// Conversion of a value to the stencil's type T in SystemVerilog, as the reference's C++ `T(x)`
// does it: integer to integer natively (sign extension; truncation modulo 2^32 when narrowing),
// anything involving a float through a DPI-C model (sim/sdfg_dpi.cpp) that performs the same C++
// conversion: float → integer truncates toward zero, integer → float rounds to nearest even.

import { DTYPES, isIntegerDType, type DType } from "../ir/dtype.js";
import { SIM_PACKAGE } from "./common_modules.js";
import { bitsOf } from "./datapath.js";

/** Code of a type in the DPI-C conversion model: its index in DTYPES. */
export const DTYPE_CODE: Record<DType, number> = Object.fromEntries(DTYPES.map((d, n) => [d, n])) as Record<DType, number>;

/** `text` (a signal or part-select holding a `from` value) as a value of `to`. */
export function convertValue(from: DType, to: DType, text: string): string {
  if (from === to) return text;
  if (!isIntegerDType(from) && !isIntegerDType(to)) {
    return `${SIM_PACKAGE}::sdfg_${from === "float32" ? "fp32_to_fp64" : "fp64_to_fp32"}(${text})`;
  }
  const bits = bitsOf(to);
  if (isIntegerDType(from) && isIntegerDType(to)) return bits > bitsOf(from) ? `${bits}'($signed(${text}))` : `${bits}'(${text})`;
  return `${bits}'(${SIM_PACKAGE}::sdfg_convert(${DTYPE_CODE[from]}, ${DTYPE_CODE[to]}, 64'(${text})))`;
}
