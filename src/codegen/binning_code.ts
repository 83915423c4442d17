// The one bin search and the one merge order of a binning (NPBench's azimint_naive:
// `res[i] = data[(rmax*i/npt <= radius) & (radius < rmax*(i+1)/npt)].mean()`), printed alike
// for Vitis HLS C++, Intel OpenCL C and the CPU reference so that all three give the same bits.
//
// The bin search uses NumPy's float64 comparisons exactly: bin i holds r when
// (max * i) / B <= r < (max * (i + 1)) / B. A candidate from one multiply and one divide is at
// most one bin off (both it and the edges carry two roundings, far less than a bin apart), so
// the exact comparisons of the candidate and its two neighbours decide; no loop, a fixed depth
// for a pipelined PE. An r in no bin (r < 0, r >= the last edge, NaN) gets -1.
//
// The accumulation is spread over `copies` interleaved on-chip copies (element t into copy
// t mod copies, in order) so that a copy is updated again only after the adder's latency; the
// merge adds the copies in index order, then divides: sum / count, 0/0 = NaN as NumPy's mean
// of nothing.

import type { CodeWriter } from "./code_writer.js";

export interface BinSearch {
  /** The value placed (an expression without side effects). */
  key: string;
  /** The maximum the bins divide (an expression without side effects). */
  max: string;
  bins: number;
  /** The int variable declared to hold the bin, -1 for none; its name prefixes the temporaries. */
  bin: string;
}

/** Declares `int <bin>` = the bin of `key` by NumPy's comparisons, or -1. C, C++ and OpenCL C. */
export function writeBinSearch(w: CodeWriter, s: BinSearch): void {
  if (!Number.isInteger(s.bins) || s.bins < 1) throw new Error(`bin search over ${s.bins} bins`);
  const B = `${s.bins}.0`;
  const edge = (k: string) => `((${s.max} * (double)(${k})) / ${B})`;
  w.comment(`${s.bin}: the i in [0, ${s.bins}) with ${edge("i")} <= ${s.key} < ${edge("i + 1")}, else -1.`);
  w.comment("The candidate is at most one off; the exact comparisons of it and its neighbours decide.");
  w.line(`const double ${s.bin}_q = (${s.key} * ${B}) / ${s.max};`);
  w.line(`const int ${s.bin}_c = !(${s.bin}_q >= 0.0) ? 0 : (${s.bin}_q >= ${s.bins - 1}.0 ? ${s.bins - 1} : (int)${s.bin}_q);`);
  w.line(`int ${s.bin} = -1;`);
  for (const d of [-1, 0, 1]) {
    const k = d === 0 ? `${s.bin}_c` : `${s.bin}_c ${d < 0 ? "-" : "+"} 1`;
    const inRange = d < 0 ? `${s.bin}_c >= 1 && ` : d > 0 ? `${s.bin}_c <= ${s.bins - 2} && ` : "";
    w.line(`if (${inRange}${edge(k)} <= ${s.key} && ${s.key} < ${edge(`${k} + 1`)}) ${s.bin} = ${k};`);
  }
}

export interface BinMerge {
  /** `copies` arrays of per-bin sums (`sum[c][b]`) and counts (`count[c][b]`). */
  sum: string;
  count: string;
  copies: number;
  /** The bin index expression. */
  bin: string;
  /** The double variable declared to hold the mean. */
  mean: string;
}

/** Declares `double <mean>` = (sum over copies 0, 1, … in order) / (count likewise); 0/0 = NaN. */
export function writeBinMerge(w: CodeWriter, m: BinMerge): void {
  const terms = (a: string) => Array.from({ length: m.copies }, (_, c) => `${a}[${c}][${m.bin}]`);
  const chain = (xs: string[]) => xs.reduce((acc, x) => `(${acc} + ${x})`);
  w.comment(`The ${m.copies} interleaved copies added in index order, then the mean (no element: 0.0 / 0 = NaN, as NumPy's mean of nothing).`);
  w.line(`const double ${m.mean}_sum = ${chain(terms(m.sum))};`);
  w.line(`const long ${m.mean}_count = ${chain(terms(m.count))};`);
  w.line(`const double ${m.mean} = ${m.mean}_sum / (double)${m.mean}_count;`);
}
