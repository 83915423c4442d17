// A reduction in the CPU reference: row by row, in exactly the order of the hardware's reduction
// PE (spatial/reduction.ts, codegen/reduction_order.ts): lane trees over W-wide vectors,
// interleaved partial accumulators, a final tree. A floating-point sum therefore equals the
// emulated kernel bit for bit; NumPy's own order (pairwise summation) differs within the
// tolerance of sdfg_emulate.ts `tolerance`.

import { combineText, treeText } from "../codegen/reduction_order.js";
import type { CodeWriter } from "../codegen/code_writer.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import { reduceIdentity, type ReduceNode, type SDFG } from "../ir/sdfg.js";
import { columnReductionSchedule, reductionSchedule } from "../spatial/reduction.js";

export function emitReferenceReduction(w: CodeWriter, _sdfg: SDFG, s: ReduceNode, output: string, W: number, latency: number | undefined): void {
  if (s.columns) return emitReferenceColumnReduction(w, s, output, W, latency);
  const T = DTYPE_INFO[s.dtype].cType;
  const rank = s.domain.length;
  const rowElements = s.domain.slice(rank - s.reducedAxes).reduce((a, b) => a * b, 1);
  const rows = s.domain.slice(0, rank - s.reducedAxes).reduce((a, b) => a * b, 1);
  const rowVectors = rowElements / W;
  const { partials } = reductionSchedule(s.op, s.dtype, rowVectors, W, latency);
  w.line();
  const which = s.diagonal ? ` (its diagonal only: the identity elsewhere)` : "";
  w.comment(`Reduction '${s.label}': ${s.op} of '${s.input}'${which} over its last ${s.reducedAxes} axis(es), in the hardware's order (W = ${W}, ${partials} interleaved partial(s)).`);
  w.directive("#pragma omp parallel for");
  w.block(`for (long r_ = 0; r_ < ${rows}; ++r_)`, () => {
    w.line(`${T} acc_[${partials}];`);
    w.block(`for (long v_ = 0; v_ < ${rowVectors}; ++v_)`, () => {
      w.line(`const ${T}* e_ = ${s.input}.data() + r_ * ${rowElements} + v_ * ${W};`);
      // A diagonal reduction counts element (r, c) of the matrix only where c == r (the identity elsewhere).
      const n = s.domain[rank - 1]!;
      for (let l = 0; l < W; l++) w.line(`const ${T} l${l}_ = ${s.diagonal ? `(v_ * ${W} + ${l}) / ${n} == (v_ * ${W} + ${l}) % ${n} ? e_[${l}] : ${T}(${reduceIdentity(s.op)})` : `e_[${l}]`};`);
      w.line(`const ${T} lanes_ = ${treeText(s.op, [...Array(W).keys()].map((l) => `l${l}_`))};`);
      w.line(`${T}& a_ = acc_[v_ % ${partials}];`);
      w.line(`a_ = v_ < ${partials} ? lanes_ : ${combineText(s.op, "a_", "lanes_")};`);
    });
    w.line(`${output}[r_] = ${treeText(s.op, [...Array(partials).keys()].map((j) => `acc_[${j}]`))};`);
  });
}

/** A column reduction (ReduceNode.columns), column by column in the hardware's order (codegen/reduction_order.ts columnLoopComment). */
function emitReferenceColumnReduction(w: CodeWriter, s: ReduceNode, output: string, W: number, latency: number | undefined): void {
  const T = DTYPE_INFO[s.dtype].cType;
  const rows = s.domain.slice(0, s.reducedAxes).reduce((a, b) => a * b, 1);
  const rowElements = s.domain.slice(s.reducedAxes).reduce((a, b) => a * b, 1);
  const { banks } = columnReductionSchedule(s.op, s.dtype, rows, rowElements / W, latency);
  w.line();
  w.comment(`Reduction '${s.label}': ${s.op} of '${s.input}' over its first ${s.reducedAxes} axis(es), one result per column, in the hardware's order (W = ${W}, row r into bank r mod ${banks}).`);
  w.directive("#pragma omp parallel for");
  w.block(`for (long c_ = 0; c_ < ${rowElements}; ++c_)`, () => {
    w.line(`${T} acc_[${banks}];`);
    w.block(`for (long r_ = 0; r_ < ${rows}; ++r_)`, () => {
      w.line(`const ${T} x_ = ${s.input}[r_ * ${rowElements} + c_];`);
      w.line(`${T}& a_ = acc_[r_ % ${banks}];`);
      w.line(`a_ = r_ < ${banks} ? x_ : ${combineText(s.op, "a_", "x_")};`);
    });
    w.line(`${output}[c_] = ${treeText(s.op, [...Array(banks).keys()].map((b) => `acc_[${b}]`))};`);
  });
}
