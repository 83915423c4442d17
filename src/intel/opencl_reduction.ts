// Intel OpenCL reduction PE (spatial/reduction.ts): an autorun single work-item kernel whose one
// loop reduces each row of its input channel with a lane tree, interleaved partial accumulators
// and a final tree, and writes each row's result back out broadcast over the row.

import { combineText, DIAGONAL_COUNTERS, diagonalAdvanceText, diagonalLaneText, reductionLoopComment, treeText } from "../codegen/reduction_order.js";
import type { CodeWriter } from "../codegen/code_writer.js";
import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import type { Pipeline, ReductionPE } from "../spatial/pipeline.js";
import { channelsOf } from "../hls/memory_code.js";

export function emitOpenclReduction(w: CodeWriter, p: Pipeline, r: ReductionPE, vecType: (d: DType) => string, lane: (v: string, l: number) => string): void {
  const T = DTYPE_INFO[r.dtype].clType;
  const W = p.vectorWidth;
  const input = channelsOf(p, [r.input])[0]!;
  const outs = channelsOf(p, r.outputs);
  emitAutorunKernel(w, r.name, [
    `Reduction PE of '${r.node}': ${r.op} over rows of ${r.rowVectors} vector(s); each row's result leaves broadcast`,
    `over the row, ${r.lead} vector(s) behind the input (${r.rowVectors} for the row, ${r.drain} for the operator's latency).`,
  ], () => {
    w.comment(reductionLoopComment(r));
    w.line(`${T} acc_[${r.banks}][${r.partials}];`);
    w.line(`${T} result_ = 0; // the result of the row being streamed out`);
    w.line("int k_ = 0, slot_ = 0, bank_ = 0; // input: vector within its row, partial, bank");
    w.line(`int dk_ = 0, dbank_ = 0; // the input position ${r.drain} iteration(s) back, whose row may be complete`);
    if (r.diagonal) w.line(DIAGONAL_COUNTERS);
    // The accumulators' true dependences are `partials` iterations apart, never closer.
    w.directive(`#pragma ivdep array(acc_) safelen(${r.partials})`);
    w.block(`for (int t_ = 0; t_ < V_ + ${r.lead}; ++t_)`, () => {
      w.block(`if (t_ >= ${r.lead})`, () => {
        w.line(`const ${vecType(r.dtype)} out_ = ${W === 1 ? "result_" : `(${vecType(r.dtype)})(result_)`}; // broadcast over the row`);
        for (const c of outs) w.line(`write_channel_intel(${c.name}, out_);`);
      });
      w.block(`if (t_ >= ${r.drain} && t_ < V_ + ${r.drain})`, () => {
        w.comment("Final tree of a complete row, once its last partials have left the adder.");
        w.line(`if (dk_ == ${r.rowVectors - 1}) result_ = ${treeText(r.op, [...Array(r.partials).keys()].map((j) => `acc_[dbank_][${j}]`))};`);
        w.block(`if (++dk_ == ${r.rowVectors})`, () => { w.line("dk_ = 0;"); w.line(`if (++dbank_ == ${r.banks}) dbank_ = 0;`); });
      });
      w.block("if (t_ < V_)", () => {
        w.line(`const ${vecType(input.dtype)} x_ = read_channel_intel(${input.name});`);
        for (let l = 0; l < W; l++) w.line(`const ${T} l${l}_ = ${r.diagonal ? diagonalLaneText(l, W, `${lane("x_", l)}`, `(${T})(${r.diagonal.identity})`) : `${lane("x_", l)}`};`);
        w.line(`const ${T} lanes_ = ${treeText(r.op, [...Array(W).keys()].map((l) => `l${l}_`))}; // lane tree`);
        w.line(`acc_[bank_][slot_] = k_ < ${r.partials} ? lanes_ : ${combineText(r.op, "acc_[bank_][slot_]", "lanes_")};`);
        w.line(`if (++slot_ == ${r.partials}) slot_ = 0;`);
        if (r.diagonal) w.line(diagonalAdvanceText(r.diagonal.lineVectors));
        w.block(`if (++k_ == ${r.rowVectors})`, () => { w.line("k_ = 0;"); w.line("slot_ = 0;"); w.line(`if (++bank_ == ${r.banks}) bank_ = 0;`); });
      });
    });
  });
}

/**
 * An autorun single work-item kernel (no arguments, started by aoc at configuration): `describe`
 * as its comment, `body` inside SDFG_AUTORUN_LOOP, each iteration of which is one whole domain.
 */
export function emitAutorunKernel(w: CodeWriter, name: string, describe: string[], body: () => void): void {
  w.comment([...describe, "Autorun: no arguments; every iteration of SDFG_AUTORUN_LOOP (while (1) under aoc) is one whole domain."].join("\n"));
  w.line("__attribute__((autorun))");
  w.line("__attribute__((max_global_work_dim(0)))");
  w.block(`__kernel void ${name}()`, () => w.block("SDFG_AUTORUN_LOOP", body));
  w.line();
}
