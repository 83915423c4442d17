// The spatial pipeline: the hardware structure a stencil program becomes. Memory readers stream
// arrays from off-chip memory, one processing element (PE) per stencil computes its field from
// on-chip windows (shift registers and delay lines), writers stream results back. Channels are
// FIFOs whose depths make reconvergent paths deadlock-free.
//
// Everything is counted in W-wide vectors: one vector per channel per cycle.

import type { DType } from "../ir/dtype.js";
import type { Assignment } from "../ir/expr.js";
import type { BoundaryCondition, Constant } from "../ir/sdfg.js";
import type { Storage } from "./storage.js";
import type { LinalgPipeline } from "./linalg_pipeline.js";

/** Schedule choices (the "how"), kept apart from the program (the "what"). */
export interface SpatialOptions {
  /** Vectorization width W: elements per cycle along the innermost axis. */
  vectorWidth: number;
  /** Systolic / temporal replication P (copies of the PE chain, one time step each). */
  replicas: number;
  /** Whether the board has UltraRAM for long delay lines (else BRAM). */
  uram?: boolean;
  /** Reduction operator latency in cycles instead of op_latency.ts's (tests of other adder depths). */
  reductionLatency?: number;
}

export const DEFAULT_OPTIONS: SpatialOptions = { vectorWidth: 1, replicas: 1 };

export interface Channel {
  name: string;
  /** The field it carries. */
  field: string;
  dtype: DType;
  from: string;
  to: string;
  /**
   * How many vectors the consumer lags behind the producer on this edge when every process
   * moves one vector per cycle: the capacity below which the pipeline deadlocks.
   */
  delay: number;
  /**
   * FIFO capacity in vectors: the delay once twice the PEs' estimated arithmetic pipeline
   * depths are added to the paths (what hardware needs, with a margin for estimate error;
   * PIPELINE_DEPTH_MARGIN), plus a fixed slack (CHANNEL_SLACK).
   */
  depth: number;
  /** Where the FIFO lives (storage.ts): declared by the kernels, counted by `report`. */
  storage: Storage;
}

export interface MemoryReader {
  name: string;
  array: string;
  dtype: DType;
  /** Axes (of the 3-D domain) the array has; the others are broadcast. */
  axes: number[];
  shape: number[];
  outputs: string[];
  /**
   * A small lower-dimensional array (a coefficient column, say) is copied on chip once and
   * broadcast from there instead of being re-read from memory for every cell.
   */
  onChip: boolean;
  /**
   * Channels fed by a second pass over the array, after the first pass has streamed it to
   * `outputs`: the consumers of a reduction over the whole domain (go_fast's `a + trace`) read
   * their data again from memory rather than holding the whole first pass on chip.
   */
  secondPass?: string[];
  /**
   * The device holds the array plane-major (`shape` R x S x K stored k outermost, then r, then s),
   * not in NumPy's order: the host reorders it (host_common.ts). A vertical solver at W > 1 reads
   * W neighbouring columns of one plane as one wide word (lower_vertical.ts says why).
   */
  planeMajor?: boolean;
}

export interface MemoryWriter {
  name: string;
  array: string;
  dtype: DType;
  input: string;
  /** The array's shape when it is not the domain (linear-algebra outputs). */
  shape?: number[];
  /**
   * Set for a reduced array (a reduction PE's output, broadcast over rows of this many vectors):
   * the writer stores one element per row, V / rowVectors in all, to a port of single elements.
   */
  rowVectors?: number;
  /** As for a reader: the device writes the array plane-major and the host reorders it for NumPy. */
  planeMajor?: boolean;
}

/** Passes a reader makes over its array per run: 2 with a second pass after a first (secondPass). */
export function readerPasses(r: Pick<MemoryReader, "outputs" | "secondPass">): number {
  return r.secondPass && r.outputs.length > 0 ? 2 : 1;
}

/** Elements a writer stores per pass: its own shape's, the whole domain's, or one per reduced row. */
export function writtenElements(p: Pick<Pipeline, "domain" | "vectors">, w: MemoryWriter): number {
  if (w.shape) return w.shape.reduce((a, b) => a * b, 1);
  return w.rowVectors ? p.vectors / w.rowVectors : p.domain[0] * p.domain[1] * p.domain[2];
}

/** One register segment or delay line of a window, oldest first. */
export type WindowPart =
  | { kind: "registers"; first: number; count: number }
  | { kind: "delay"; first: number; count: number; storage: Storage };

export interface WindowTap {
  /** Offset on each of the 3 axes. */
  offset: [number, number, number];
  /** Linear offset in elements (row-major over the domain). */
  linear: number;
}

export interface PEInput {
  field: string;
  channel: string;
  /** Type of the elements stored in the window (the producer's type). */
  dtype: DType;
  boundary: BoundaryCondition;
  taps: WindowTap[];
  /** Lowest and highest linear offset the window covers (includes 0 for copy/shrink). */
  lo: number;
  hi: number;
  /** Vectors read ahead of the current output vector: ceil(max(hi,0) / W). */
  lead: number;
  /** Window length in vectors; vector 0 is the oldest, `vectors-1` the newest. */
  vectors: number;
  /** Where each part of the window lives. */
  parts: WindowPart[];
}

export interface ProcessingElement {
  name: string;
  stencil: string;
  /** Which copy of the PE chain (time step within a pass) it belongs to. */
  replica: number;
  /**
   * With P > 1: the input whose centre value this PE forwards instead of computing when its
   * replica is past the pass's step count (the last pass of a time loop with T % P ≠ 0).
   */
  bypass?: string;
  dtype: DType;
  code: Assignment[];
  inputs: PEInput[];
  /** Scalar inputs the code reads. */
  scalars: string[];
  outputs: string[];
  /** Cycles before the first output: max lead over the inputs. */
  latency: number;
  /** Vector index of the first output relative to the readers' start, ignoring arithmetic. */
  arrival: number;
  /** Estimated cycles of its arithmetic pipeline. */
  pipelineDepth: number;
  /** Cycle at which its first output leaves, arithmetic pipeline depths included. */
  arrivalCycles: number;
  /**
   * The stencil writes only this box (inclusive bounds on the 3 padded axes); elsewhere the PE
   * forwards the centre value of input `keep` (an input of the PE with the centre in its window).
   */
  region?: { lo: [number, number, number]; hi: [number, number, number]; keep: string };
}

/**
 * A reduction PE (reduction.ts): reduces each row of its input stream (the trailing
 * `rowVectors` vectors of the domain) with `op` and streams the result back out broadcast over
 * the row, one vector per cycle, a row behind its input. Its lanes are reduced by a tree, the
 * row by `partials` interleaved accumulators (the operator's latency: II=1) and a final tree.
 */
export interface ReductionPE {
  name: string;
  /** The reduce node's label. */
  node: string;
  op: import("../ir/sdfg.js").ReduceOp;
  dtype: DType;
  input: string;
  outputs: string[];
  /** Vectors per reduced row. */
  rowVectors: number;
  /** Interleaved accumulators (min(operator latency, rowVectors)). */
  partials: number;
  /** Operator latency in cycles: the final tree of a row runs this many cycles after its last vector. */
  drain: number;
  /** Banks of partial accumulators: a row's bank is not overwritten before its final tree reads it. */
  banks: number;
  /** Vectors read ahead of the output: rowVectors + drain. */
  lead: number;
  arrival: number;
  pipelineDepth: number;
  arrivalCycles: number;
  /**
   * Reduces only the main diagonal of the square matrix its row is (ReduceNode.diagonal): a
   * lane counts when its column equals its row, else it counts as the identity. `lineVectors`
   * is the vectors per matrix row.
   */
  diagonal?: { lineVectors: number; identity: number };
  /**
   * Reduces the columns instead (ReduceNode.columns; reduction.ts columnReductionSchedule): each
   * of the `rows` rows of rowVectors vectors folds into one accumulator per column of bank
   * (row mod banks); after the last row the bank tree's results leave broadcast down the rows.
   */
  columns?: { rows: number };
}

export interface ScalarArgument { name: string; dtype: DType }

export interface Pipeline {
  name: string;
  /** The domain padded to 3 axes (leading extents 1). */
  domain: [number, number, number];
  /** The program's own rank and iterator names. */
  rank: number;
  vectorWidth: number;
  replicas: number;
  /** Time steps of the program's time loop (1 without one); the host makes ceil(T/P) passes. */
  timeSteps: number;
  /** Output → input fed back between time steps. */
  feedback: Record<string, string>;
  /** Inputs the program returns unchanged: the host saves them as outputs of their own name. */
  returnedInputs: { name: string; dtype: DType; shape: number[] }[];
  /** Vectors streamed per field: I*J*K / W. */
  vectors: number;
  readers: MemoryReader[];
  pes: ProcessingElement[];
  /** Reduction PEs (absent in stencil-only pipelines). */
  reductions?: ReductionPE[];
  writers: MemoryWriter[];
  channels: Channel[];
  scalars: ScalarArgument[];
  constants: Record<string, Constant>;
  /**
   * Linear-algebra process kinds (matrix-vector, systolic matrix-matrix): present only in
   * pipelines raised from linear algebra, whose stencil PEs and channels are then empty.
   */
  linalg?: LinalgPipeline;
}

/** Linear offset of a 3-axis offset in a row-major (I, J, K) domain. */
export function linearOffset(offset: readonly number[], domain: readonly number[]): number {
  return offset[0]! * domain[1]! * domain[2]! + offset[1]! * domain[2]! + offset[2]!;
}

/** Window vector and lane holding the element at linear offset `l + L` of output lane `l`. */
export function windowSlot(input: Pick<PEInput, "lo">, linear: number, lane: number, W: number): { vector: number; lane: number } {
  const e = lane + linear;
  return { vector: Math.floor(e / W) - Math.floor(input.lo / W), lane: ((e % W) + W) % W };
}

/**
 * What keeps the element at offset `offset` of output lane `lane` inside the domain, as bounds on
 * the output point: `i < bound`, `j >= bound`, … with axis 2 meaning the first element index of
 * the output vector (a multiple of W). Empty when the element is always inside. Every emitter
 * prints the same checks in its own language.
 */
export interface DomainCheck { axis: 0 | 1 | 2; op: "<" | ">="; bound: number }

export function domainChecks(offset: readonly number[], domain: readonly number[], lane: number, W: number): DomainCheck[] {
  const checks: DomainCheck[] = [];
  for (const a of [0, 1] as const) {
    const d = offset[a]!;
    if (d > 0) checks.push({ axis: a, op: "<", bound: domain[a]! - d });
    if (d < 0) checks.push({ axis: a, op: ">=", bound: -d });
  }
  // Along k the element is k0 + lane + offset, with k0 a multiple of W.
  const dk = offset[2]! + lane;
  if (dk !== lane) {
    if (dk >= W) checks.push({ axis: 2, op: "<", bound: domain[2]! - dk });
    if (dk < 0) checks.push({ axis: 2, op: ">=", bound: -dk });
  }
  return checks;
}

/**
 * What keeps output lane `lane` inside a stencil's write region, in the form of domainChecks
 * (axis 2 bounds the first element index of the output vector). Empty when always inside.
 */
export function regionChecks(region: NonNullable<ProcessingElement["region"]>, domain: readonly number[], lane: number, W: number): DomainCheck[] {
  const checks: DomainCheck[] = [];
  for (const a of [0, 1, 2] as const) {
    // Along k the element is k0 + lane, with k0 a multiple of W from 0 to domain - W.
    const shift = a === 2 ? lane : 0;
    const first = 0;
    const last = a === 2 ? domain[2]! - W : domain[a]! - 1;
    const lo = region.lo[a]! - shift;
    const hi = region.hi[a]! + 1 - shift;
    if (lo > first) checks.push({ axis: a, op: ">=", bound: lo });
    if (hi <= last) checks.push({ axis: a, op: "<", bound: hi });
  }
  return checks;
}

/** Window vector → index in the compact register array, for the vectors held in registers. */
export function registerIndex(input: PEInput): Map<number, number> {
  const index = new Map<number, number>();
  let c = 0;
  for (const p of input.parts) {
    if (p.kind !== "registers") continue;
    for (let v = p.first; v < p.first + p.count; v++) index.set(v, c++);
  }
  return index;
}
