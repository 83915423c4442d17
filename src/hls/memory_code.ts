// Vendor-neutral stream bookkeeping shared by the Vitis and Intel emitters: the row-major position
// counters every process keeps, and which word of an array holds the vector (or the broadcast
// element) at stream position (i_, j_, kv_).

import type { CodeWriter } from "../codegen/code_writer.js";
import type { Channel, MemoryReader, Pipeline } from "../spatial/pipeline.js";

export /** Row-major position counters (i_, j_, kv_) advanced once per vector. */
function emitAdvance(w: CodeWriter): void {
  w.block("if (++kv_ == KV_)", () => {
    w.line("kv_ = 0;");
    w.block("if (++j_ == J_)", () => { w.line("j_ = 0;"); w.line("++i_;"); });
  });
}

const channelIndex = new WeakMap<Channel[], Map<string, Channel>>();

/** The channels with these names, in order (by an index per pipeline: emitters stay linear). */
export function channelsOf(p: Pipeline, names: string[]): Channel[] {
  let index = channelIndex.get(p.channels);
  if (!index || index.size !== p.channels.length) {
    index = new Map(p.channels.map((c) => [c.name, c]));
    channelIndex.set(p.channels, index);
  }
  return names.map((n) => index.get(n)!);
}


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
  const again = r.secondPass ? `, then again to ${r.secondPass.length} (a second pass)` : "";
  return `Memory reader: streams '${r.array}' (${what}) to ${r.outputs.length} consumer(s)${again}.`;
}

/**
 * With P > 1 the kernel takes `steps_`, the time steps of this pass (1..P): replicas past it
 * forward their input, so the last pass of a time loop can do fewer than P steps.
 */
export const STEPS_ARGUMENT = "steps_";

export function hasStepsArgument(p: Pipeline): boolean {
  // A linear-algebra pipeline's P is the length of its systolic chains, not time steps.
  return p.replicas > 1 && !p.linalg;
}

/**
 * A reader's streaming loop, once per pass over memory: the first pass feeds `first`, the second
 * (MemoryReader.secondPass) `second`, the consumers of a reduction over the whole domain. Each
 * pass is its own II=1 loop; the second waits on nothing but its FIFOs. `pass` writes one loop,
 * after `counters` (the declaration or the reset of the position counters).
 */
export function emitReaderPasses(w: CodeWriter, first: Channel[], second: Channel[], pass: (targets: Channel[], counters: string) => void): void {
  const declare = "int i_ = 0, j_ = 0, kv_ = 0;";
  if (second.length === 0) {
    pass(first, declare);
    return;
  }
  if (first.length > 0) {
    w.comment(`First pass over memory, to ${first.map((c) => c.name).join(", ")}.`);
    pass(first, declare);
  }
  w.comment([
    `Second pass over memory, to the consumers of a reduction over the whole domain (${second.map((c) => c.name).join(", ")}):`,
    "they start once the reduction's result is known, so the data is read again rather than held on chip.",
  ].join("\n"));
  pass(second, first.length > 0 ? "i_ = 0; j_ = 0; kv_ = 0;" : declare);
}
