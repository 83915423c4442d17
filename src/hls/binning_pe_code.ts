// The body of a binning PE (spatial/linalg_pipeline.ts BinningPE), for both vendors through the
// linear-algebra dialect: the maximum of the keys' first pass, then the bins of their second pass
// with the values, then the merged means. The bin search and merge order are binning_code.ts's,
// which the CPU reference prints too.
//
// Keys are taken to be numbers: with a NaN key NumPy's max is NaN and every bin is empty, while
// the comparison-based maximum here may skip it (the CPU reference does the same as the PE).

import { writeBinMerge, writeBinSearch } from "../codegen/binning_code.js";
import type { CodeWriter } from "../codegen/code_writer.js";
import { combineText, treeText } from "../codegen/reduction_order.js";
import type { BinningPE } from "../spatial/linalg_pipeline.js";
import { pipelined, type LinalgDialect } from "./linalg_code.js";

/** DaCe's identity of a float64 max reduction (the lowest finite double). */
export const MAX_IDENTITY = "-1.7976931348623157e+308";

export function emitBinningPE(w: CodeWriter, d: LinalgDialect, p: BinningPE): void {
  const { W } = d;
  const L = p.copies;
  const C = L * W;
  const V = p.n / W;
  const VT = d.vec(p.dtype);
  const lanes = (v: string) => Array.from({ length: W }, (_, l) => d.lane(v, l));
  w.line(`double mx_[${L}]; // partial maxima, used round-robin`);
  for (const x of d.registers("mx_")) w.directive(x);
  for (const x of d.dependence("mx_", L)) w.directive(x);
  w.line(`for (int s_ = 0; s_ < ${L}; ++s_) mx_[s_] = ${MAX_IDENTITY};`);
  w.line("int s_ = 0; // the partial maximum (then the copy) the next vector goes to");
  pipelined(w, d, `for (int v_ = 0; v_ < ${V}; ++v_)`, `mx_[s_] was last written ${L} iterations earlier (interleaved maxima).`, () => {
    w.line(`const ${VT} k_ = ${d.read(p.keys)};`);
    w.line(`const double m_ = ${treeText("max", lanes("k_"))};`);
    w.line(`mx_[s_] = ${combineText("max", "mx_[s_]", "m_")};`);
    w.line(`s_ = s_ + 1 == ${L} ? 0 : s_ + 1;`);
  }, L);
  w.line(`const double rmax_ = ${treeText("max", Array.from({ length: L }, (_, s) => `mx_[${s}]`))};`);
  w.line(`double sum_[${C}][${p.bins}]; // per-bin sums: vector t, lane l adds to copy (t mod ${L}) * ${W} + l`);
  w.line(`long count_[${C}][${p.bins}];`);
  for (const x of d.registers("sum_")) w.directive(x);
  for (const x of d.registers("count_")) w.directive(x);
  for (const x of d.dependence("sum_", L)) w.directive(x);
  for (const x of d.dependence("count_", L)) w.directive(x);
  w.line(`for (int c_ = 0; c_ < ${C}; ++c_) for (int b_ = 0; b_ < ${p.bins}; ++b_) { sum_[c_][b_] = 0.0; count_[c_][b_] = 0; }`);
  w.line("s_ = 0;");
  pipelined(w, d, `for (int v_ = 0; v_ < ${V}; ++v_)`,
    `a copy is updated again ${L} iterations later (vector t's lanes go to copies (t mod ${L}) * ${W} + l), no two lanes share one.`, () => {
      w.line(`const ${VT} k_ = ${d.read(p.keys)};`);
      w.line(`const ${VT} x_ = ${d.read(p.values)};`);
      for (let l = 0; l < W; l++) {
        writeBinSearch(w, { key: d.lane("k_", l), max: "rmax_", bins: p.bins, bin: `b${l}_` });
        w.line(`if (b${l}_ >= 0) { sum_[s_ * ${W} + ${l}][b${l}_] += ${d.lane("x_", l)}; count_[s_ * ${W} + ${l}][b${l}_] += 1; }`);
      }
      w.line(`s_ = s_ + 1 == ${L} ? 0 : s_ + 1;`);
    }, L);
  pipelined(w, d, `for (int o_ = 0; o_ < ${p.bins / W}; ++o_)`, "each bin's copies merged once; nothing is carried.", () => {
    w.line(`${VT} out_;`);
    for (let l = 0; l < W; l++) {
      w.line(`const int k${l}_ = o_ * ${W} + ${l};`);
      writeBinMerge(w, { sum: "sum_", count: "count_", copies: C, bin: `k${l}_`, mean: `m${l}_` });
      w.line(`${d.lane("out_", l)} = m${l}_;`);
    }
    for (const c of p.outputs) w.line(d.write(c, "out_"));
  });
}
