// Intel OpenCL column reduction PE (spatial/reduction.ts columnReductionSchedule): an autorun
// single work-item kernel whose first loop folds every row of its input channel into one
// accumulator per column and whose second writes each column's result (a tree over the banks)
// back out broadcast down the rows.

import { columnLoopComment, combineText, treeText } from "../codegen/reduction_order.js";
import type { CodeWriter } from "../codegen/code_writer.js";
import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import type { Pipeline, ReductionPE } from "../spatial/pipeline.js";
import { channelsOf } from "../hls/memory_code.js";
import { emitAutorunKernel } from "./opencl_reduction.js";

export function emitOpenclColumnReduction(w: CodeWriter, p: Pipeline, r: ReductionPE, vecType: (d: DType) => string, lane: (v: string, l: number) => string): void {
  const T = DTYPE_INFO[r.dtype].clType;
  const W = p.vectorWidth;
  const input = channelsOf(p, [r.input])[0]!;
  const outs = channelsOf(p, r.outputs);
  emitAutorunKernel(w, r.name, [
    `Column reduction PE of '${r.node}': ${r.op} of ${r.columns!.rows} rows of ${r.rowVectors} vector(s), one result per column;`,
    "after the last row the results leave broadcast down the rows (the whole domain again).",
  ], () => {
    w.line(`${T} acc_[${r.banks}][${r.rowVectors}][${W}]; // bank, vector of the row, lane`);
    w.line("int c_ = 0, row_ = 0, bank_ = 0; // vector within its row, row, bank");
    w.comment(columnLoopComment(r));
    // The accumulators' true dependences are banks · rowVectors iterations apart, never closer.
    w.directive(`#pragma ivdep array(acc_) safelen(${r.banks * r.rowVectors})`);
    w.block("for (int t_ = 0; t_ < V_; ++t_)", () => {
      w.line(`const ${vecType(input.dtype)} x_ = read_channel_intel(${input.name});`);
      for (let l = 0; l < W; l++) w.line(`acc_[bank_][c_][${l}] = row_ < ${r.banks} ? ${lane("x_", l)} : ${combineText(r.op, `acc_[bank_][c_][${l}]`, lane("x_", l))};`);
      w.block(`if (++c_ == ${r.rowVectors})`, () => { w.line("c_ = 0;"); w.line("++row_;"); w.line(`if (++bank_ == ${r.banks}) bank_ = 0;`); });
    });
    w.comment("Each column's result, a tree over the banks, broadcast down the rows (II=1: the accumulators are only read).");
    w.line("c_ = 0;");
    w.block("for (int t_ = 0; t_ < V_; ++t_)", () => {
      w.line(`${vecType(r.dtype)} out_;`);
      for (let l = 0; l < W; l++) w.line(`${lane("out_", l)} = ${treeText(r.op, [...Array(r.banks).keys()].map((b) => `acc_[${b}][c_][${l}]`))};`);
      for (const c of outs) w.line(`write_channel_intel(${c.name}, out_);`);
      w.line(`if (++c_ == ${r.rowVectors}) c_ = 0;`);
    });
  });
}
