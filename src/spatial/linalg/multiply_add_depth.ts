// Estimated pipeline depth of a linear-algebra PE's arithmetic: a multiply, an adder tree over the
// W lanes and the accumulating add, with the operator latencies the stencil road uses (op_latency.ts).

import type { DType } from "../../ir/dtype.js";
import { operatorLatency } from "../op_latency.js";

/** Cycles for reading the inputs and writing the result stream (as for stencil PEs). */
const IO_CYCLES = 3;

export function estimateMultiplyAddDepth(dtype: DType, W: number): number {
  const treeLevels = Math.ceil(Math.log2(W));
  return operatorLatency("mul", dtype) + (treeLevels + 1) * operatorLatency("add", dtype) + IO_CYCLES;
}
