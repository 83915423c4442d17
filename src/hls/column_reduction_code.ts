// Vitis HLS column reduction PE (spatial/reduction.ts columnReductionSchedule): one pipelined
// loop, II=1, folds every row of its input stream into one accumulator per column, then a second
// streams each column's result (a tree over the banks) back out broadcast down the rows.

import { columnLoopComment, combineText, treeText } from "../codegen/reduction_order.js";
import type { CodeWriter } from "../codegen/code_writer.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import type { Pipeline, ReductionPE } from "../spatial/pipeline.js";
import { channelsOf } from "./memory_code.js";
import { reductionParams } from "./reduction_code.js";

/** The column reduction PE as a C++ function; `vecType` spells the W-wide stream element type. */
export function emitVitisColumnReduction(w: CodeWriter, p: Pipeline, r: ReductionPE, vecType: (c: { dtype: ReductionPE["dtype"] }) => string): void {
  const T = DTYPE_INFO[r.dtype].cType;
  const W = p.vectorWidth;
  const input = channelsOf(p, [r.input])[0]!;
  const outs = channelsOf(p, r.outputs);
  const params = reductionParams(input, outs, vecType);
  w.comment([
    `Column reduction PE of '${r.node}': ${r.op} of ${r.columns!.rows} rows of ${r.rowVectors} vector(s), one result per column;`,
    "after the last row the results leave broadcast down the rows (the whole domain again).",
  ].join("\n"));
  w.block(`static void ${r.name}(${params.join(", ")})`, () => {
    w.line(`${T} acc_[${r.banks}][${r.rowVectors}][${W}]; // bank, vector of the row, lane`);
    w.directive("#pragma HLS ARRAY_PARTITION variable=acc_ type=complete dim=1");
    w.directive("#pragma HLS ARRAY_PARTITION variable=acc_ type=complete dim=3");
    // True read-after-write dependence on each accumulator at distance banks · rowVectors (UG1399 DEPENDENCE).
    w.directive(`#pragma HLS DEPENDENCE variable=acc_ type=inter direction=RAW dependent=true distance=${r.banks * r.rowVectors}`);
    w.line("int c_ = 0, row_ = 0, bank_ = 0; // vector within its row, row, bank");
    w.comment(columnLoopComment(r));
    w.block("for (int t_ = 0; t_ < V_; ++t_)", () => {
      w.directive("#pragma HLS PIPELINE II=1 style=frp");
      w.line(`const ${vecType(input)} x_ = ${input.name}.read();`);
      for (let l = 0; l < W; l++) w.line(`acc_[bank_][c_][${l}] = row_ < ${r.banks} ? x_[${l}] : ${combineText(r.op, `acc_[bank_][c_][${l}]`, `x_[${l}]`)};`);
      w.block(`if (++c_ == ${r.rowVectors})`, () => { w.line("c_ = 0;"); w.line("++row_;"); w.line(`if (++bank_ == ${r.banks}) bank_ = 0;`); });
    });
    w.comment("Each column's result, a tree over the banks, broadcast down the rows (II=1: the accumulators are only read).");
    w.line("c_ = 0;");
    w.block("for (int t_ = 0; t_ < V_; ++t_)", () => {
      w.directive("#pragma HLS PIPELINE II=1 style=frp");
      w.line(`${vecType(r)} out_;`);
      for (let l = 0; l < W; l++) w.line(`out_[${l}] = ${treeText(r.op, [...Array(r.banks).keys()].map((b) => `acc_[${b}][c_][${l}]`))};`);
      for (const c of outs) w.line(`${c.name}.write(out_);`);
      w.line(`if (++c_ == ${r.rowVectors}) c_ = 0;`);
    });
  });
  w.line();
}
