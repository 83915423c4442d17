// Vendor-neutral addressing of memory readers: which word of an array holds the vector (or the
// broadcast element) at stream position (i_, j_, kv_). Shared by the Vitis and Intel emitters.

import type { MemoryReader, Pipeline } from "../spatial/pipeline.js";

export interface ReaderAddressing {
  /** The array has the innermost axis: its words are W-wide vectors; else single elements. */
  wide: boolean;
  /** The array covers the whole domain: the word index is the stream position v_. */
  full: boolean;
  /** C expression of the word index from the counters i_, j_, kv_ (or v_ when `full`). */
  index: string;
  /** Words in the array (vectors when `wide`). */
  words: number;
}

export function readerAddressing(p: Pipeline, r: MemoryReader): ReaderAddressing {
  const wide = r.axes.includes(2);
  const full = r.axes.length === p.rank;
  const axisExpr = ["i_", "j_", wide ? "kv_" : "(kv_ * W_)"];
  const extents = [p.domain[0], p.domain[1], wide ? "KV_" : "K_"];
  let index = "";
  for (const a of r.axes) index = index === "" ? axisExpr[a]! : `(${index}) * ${extents[a]} + ${axisExpr[a]}`;
  return {
    wide, full, index: full ? "v_" : index === "" ? "0" : index,
    words: r.shape.reduce((a, b) => a * b, 1) / (wide ? p.vectorWidth : 1),
  };
}

/** The reader's comment line: what it streams and to how many consumers. */
export function readerSummary(p: Pipeline, r: MemoryReader): string {
  const full = r.axes.length === p.rank;
  const what = full ? "full domain" : `axes ${r.axes.map((a) => "ijk"[a]).join(",") || "none"}, broadcast over the others`;
  return `Memory reader: streams '${r.array}' (${what}) to ${r.outputs.length} consumer(s).`;
}
