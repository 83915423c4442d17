// The shape of a reduction PE: how many interleaved partial accumulators reach II=1, when a row's
// final tree runs, and how far its output lags its input. Every emitter (Vitis HLS, Intel OpenCL)
// and the CPU reference follow the same order of operations (codegen/reduction_order.ts), so a
// floating-point sum emulates equal to the reference bit for bit.
//
// Schedule of one PE, in loop iterations t (one input vector per iteration, II=1):
//   - t < V: read vector t, reduce its W lanes by a tree, and fold the result into partial
//     accumulator (t mod rowVectors) mod partials of bank (row mod banks). The first `partials`
//     vectors of a row start the accumulators; no accumulator is updated again sooner than
//     `partials` iterations later, so with partials = the operator's latency the adder never
//     waits for its own result (no loop-carried dependence shorter than its latency).
//   - the row's final tree reads its bank `drain` (= operator latency) iterations after the row's
//     last vector, when every partial has left the adder; banks are sized so that the next row
//     written into the same bank starts after that read.
//   - from t = lead = rowVectors + drain on, output vector t - lead carries its row's result in
//     every lane (a stream of the whole domain: what an elementwise consumer needs; the
//     consumer's other inputs wait for it in FIFOs `lead` vectors deep, lower.ts).

import { operatorLatency } from "./op_latency.js";
import type { DType } from "../ir/dtype.js";
import type { ReduceOp } from "../ir/sdfg.js";

/** The operator class (op_latency.ts) of each reduction. */
export const REDUCE_OPERATOR: Record<ReduceOp, string> = { sum: "add", product: "mul", min: "minmax", max: "minmax" };

export interface ReductionSchedule {
  partials: number;
  drain: number;
  banks: number;
  lead: number;
  pipelineDepth: number;
}

/** `latency` overrides the operator latency of op_latency.ts (tests of deeper adders). */
export function reductionSchedule(op: ReduceOp, dtype: DType, rowVectors: number, W: number, latency?: number): ReductionSchedule {
  const drain = Math.max(1, latency ?? operatorLatency(REDUCE_OPERATOR[op], dtype));
  const partials = Math.min(drain, rowVectors);
  // Row r's bank is read at iteration (r+1)·R - 1 + drain; row r + banks starts writing it at
  // (r + banks)·R: banks·R ≥ R + drain keeps the write after the read.
  const banks = 1 + Math.ceil(drain / rowVectors);
  const levels = Math.ceil(Math.log2(W)) + Math.ceil(Math.log2(partials)) + 1;
  return { partials, drain, banks, lead: rowVectors + drain, pipelineDepth: levels * drain + 3 };
}

/**
 * A column reduction PE (ReduceNode.columns: `np.mean(data, axis=0)`) keeps one accumulator per
 * column on chip: vector c of row r folds into accumulator c of bank (r mod banks). A bank's
 * accumulator is updated again banks · rowVectors iterations later, so banks = ceil(latency /
 * rowVectors) keep the adder from waiting for its own result (II=1) however short the rows are.
 * After the last row a tree over the banks gives each column's result, streamed back out
 * broadcast down the rows (the whole domain again): its consumers read their other inputs in a
 * second pass over memory, as after a reduction over every axis.
 */
export function columnReductionSchedule(op: ReduceOp, dtype: DType, rows: number, rowVectors: number, latency?: number): ReductionSchedule {
  const drain = Math.max(1, latency ?? operatorLatency(REDUCE_OPERATOR[op], dtype));
  const banks = Math.max(1, Math.min(rows, Math.ceil(drain / rowVectors)));
  const vectors = rows * rowVectors;
  return { partials: 1, drain, banks, lead: vectors + drain, pipelineDepth: (Math.ceil(Math.log2(banks)) + 1) * drain + 3 };
}
