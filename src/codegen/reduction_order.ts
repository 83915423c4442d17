// The one order in which a reduction combines its values, printed by the Vitis HLS and Intel
// OpenCL reduction PEs and by the CPU reference alike: a balanced tree over the W lanes of a
// vector, `partials` interleaved accumulators over a row's vectors (vector v goes to
// accumulator v mod partials, in order), then a balanced tree over the accumulators.

import type { ReduceOp } from "../ir/sdfg.js";
import type { ReductionPE } from "../spatial/pipeline.js";

/** `a op b` in C, C++ and OpenCL C alike (min/max as comparisons: one spelling everywhere). */
export function combineText(op: ReduceOp, a: string, b: string): string {
  switch (op) {
    case "sum": return `(${a} + ${b})`;
    case "product": return `(${a} * ${b})`;
    case "max": return `(${a} > ${b} ? ${a} : ${b})`;
    case "min": return `(${a} < ${b} ? ${a} : ${b})`;
  }
}

/** A balanced tree over `terms`: the first ceil(n/2) terms combined with the rest. */
export function treeText(op: ReduceOp, terms: string[]): string {
  if (terms.length === 0) throw new Error("reduction tree over no terms");
  if (terms.length === 1) return terms[0]!;
  const half = Math.ceil(terms.length / 2);
  return combineText(op, treeText(op, terms.slice(0, half)), treeText(op, terms.slice(half)));
}

/** Why a reduction PE's loop reaches II=1, for the comment above it (both vendors). */
export function reductionLoopComment(r: ReductionPE): string {
  const partials = r.partials === r.drain
    ? [`II=1: ${r.partials} interleaved partial accumulator(s) per bank, as many as the operator's latency`,
      `(${r.drain} cycles): a partial is updated again ${r.partials} iterations after its last update, so`]
    : [`II=1: ${r.partials} partial accumulator(s) per bank, one per vector of a row shorter than the operator's`,
      `latency (${r.drain} cycles): each vector starts its own partial and none is updated twice, so`];
  return [
    ...partials,
    "there is no loop-carried dependence through one accumulator shorter than the adder's latency.",
    `A row's final tree reads its bank ${r.drain} iterations after the row's last vector; ${r.banks} banks keep`,
    "the next rows from overwriting it before then.",
    ...(r.diagonal ? [
      `Diagonal only: lane l of the vector at matrix row di_, vector dc_ counts when dc_ * W + l == di_,`,
      `else it is the ${r.op}'s identity (${r.diagonal.identity}); di_ and dc_ are position counters, advanced once per vector.`,
    ] : []),
  ].join("\n");
}

/**
 * A diagonal reduction's lane (ReductionPE.diagonal): the lane's value when its column
 * `dc_ * W + lane` is its row `di_`, else the identity (spelled by `identity`, per language).
 */
export function diagonalLaneText(lane: number, W: number, value: string, identity: string): string {
  const column = W === 1 ? "dc_" : lane === 0 ? `dc_ * ${W}` : `dc_ * ${W} + ${lane}`;
  return `${column} == di_ ? ${value} : ${identity}`;
}

/** The diagonal filter's position counters: declared before the loop, advanced per input vector. */
export const DIAGONAL_COUNTERS = "int di_ = 0, dc_ = 0; // diagonal filter: the matrix row, the vector within it";
export function diagonalAdvanceText(lineVectors: number): string {
  return `if (++dc_ == ${lineVectors}) { dc_ = 0; ++di_; }`;
}

/**
 * A column reduction (ReductionPE.columns) combines each column's rows in this order on every
 * target: row r into bank (r mod banks), rows in order within a bank (the first row of a bank
 * starts it), then a balanced tree over the banks. Lanes are columns of their own: no lane tree.
 */
export function columnLoopComment(r: ReductionPE): string {
  return [
    `II=1: vector c of row r folds into accumulator [r mod ${r.banks}][c]; an accumulator is updated again`,
    `${r.banks} x ${r.rowVectors} iteration(s) later, no sooner than the operator's latency (${r.drain} cycles), so`,
    "there is no loop-carried dependence through one accumulator shorter than the adder's latency.",
  ].join("\n");
}
