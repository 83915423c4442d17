// Vitis HLS reduction PE (spatial/reduction.ts): one pipelined loop, II=1, that reduces each row
// of its input stream with a lane tree, interleaved partial accumulators and a final tree, and
// streams each row's result back out broadcast over the row.

import { combineText, DIAGONAL_COUNTERS, diagonalAdvanceText, diagonalLaneText, reductionLoopComment, treeText } from "../codegen/reduction_order.js";
import type { CodeWriter } from "../codegen/code_writer.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import type { Channel, Pipeline, ReductionPE } from "../spatial/pipeline.js";
import { channelsOf } from "./memory_code.js";

/** The reduction PE as a C++ function; `vecType` spells the W-wide stream element type. */
export function emitVitisReduction(w: CodeWriter, p: Pipeline, r: ReductionPE, vecType: (c: { dtype: ReductionPE["dtype"] }) => string): void {
  const T = DTYPE_INFO[r.dtype].cType;
  const W = p.vectorWidth;
  const input = channelsOf(p, [r.input])[0]!;
  const outs = channelsOf(p, r.outputs);
  const params = reductionParams(input, outs, vecType);
  w.comment([
    `Reduction PE of '${r.node}': ${r.op} over rows of ${r.rowVectors} vector(s); each row's result leaves broadcast`,
    `over the row, ${r.lead} vector(s) behind the input (${r.rowVectors} for the row, ${r.drain} for the operator's latency).`,
  ].join("\n"));
  w.block(`static void ${r.name}(${params.join(", ")})`, () => {
    w.comment(reductionLoopComment(r));
    w.line(`${T} acc_[${r.banks}][${r.partials}];`);
    w.directive("#pragma HLS ARRAY_PARTITION variable=acc_ type=complete dim=0");
    // True read-after-write dependence on each partial at distance `partials` (UG1399 DEPENDENCE).
    w.directive(`#pragma HLS DEPENDENCE variable=acc_ type=inter direction=RAW dependent=true distance=${r.partials}`);
    w.line(`${T} result_ = 0; // the result of the row being streamed out`);
    w.line("int k_ = 0, slot_ = 0, bank_ = 0; // input: vector within its row, partial, bank");
    w.line(`int dk_ = 0, dbank_ = 0; // the input position ${r.drain} iteration(s) back, whose row may be complete`);
    if (r.diagonal) w.line(DIAGONAL_COUNTERS);
    w.block(`for (int t_ = 0; t_ < V_ + ${r.lead}; ++t_)`, () => {
      w.directive("#pragma HLS PIPELINE II=1 style=frp");
      w.block(`if (t_ >= ${r.lead})`, () => {
        w.line(`const ${vecType(r)} out_(result_); // broadcast over the row`);
        for (const c of outs) w.line(`${c.name}.write(out_);`);
      });
      w.block(`if (t_ >= ${r.drain} && t_ < V_ + ${r.drain})`, () => {
        w.comment("Final tree of a complete row, once its last partials have left the adder.");
        w.line(`if (dk_ == ${r.rowVectors - 1}) result_ = ${treeText(r.op, [...Array(r.partials).keys()].map((j) => `acc_[dbank_][${j}]`))};`);
        w.block(`if (++dk_ == ${r.rowVectors})`, () => { w.line("dk_ = 0;"); w.line(`if (++dbank_ == ${r.banks}) dbank_ = 0;`); });
      });
      w.block("if (t_ < V_)", () => {
        w.line(`const ${vecType(input)} x_ = ${input.name}.read();`);
        for (let l = 0; l < W; l++) w.line(`const ${T} l${l}_ = ${r.diagonal ? diagonalLaneText(l, W, `x_[${l}]`, `${T}(${r.diagonal.identity})`) : `x_[${l}]`};`);
        w.line(`const ${T} lanes_ = ${treeText(r.op, [...Array(W).keys()].map((l) => `l${l}_`))}; // lane tree`);
        w.line(`acc_[bank_][slot_] = k_ < ${r.partials} ? lanes_ : ${combineText(r.op, "acc_[bank_][slot_]", "lanes_")};`);
        w.line(`if (++slot_ == ${r.partials}) slot_ = 0;`);
        if (r.diagonal) w.line(diagonalAdvanceText(r.diagonal.lineVectors));
        w.block(`if (++k_ == ${r.rowVectors})`, () => { w.line("k_ = 0;"); w.line("slot_ = 0;"); w.line(`if (++bank_ == ${r.banks}) bank_ = 0;`); });
      });
    });
  });
  w.line();
}

/** A reduction PE's parameters: its input stream, then the streams its results leave on. */
export function reductionParams(input: Channel, outs: Channel[], vecType: (c: { dtype: ReductionPE["dtype"] }) => string): string[] {
  return [
    `hls::stream<${vecType(input)}>& ${input.name} /* in: ${input.field} */`,
    ...outs.map((c) => `hls::stream<${vecType(c)}>& ${c.name} /* out: ${c.field} */`),
  ];
}
