// Linear-algebra SDFG → spatial pipeline: matrix-vector nodes become matrix-vector PEs fed by
// row-major matrix readers (one reader per matrix, broadcast to every PE that uses it), matrix
// products become a systolic chain of P PEs with an A feeder (tile-columns order, or a tile
// transpose when A is an earlier product), a B reader re-read once per tile, and a scale-add
// drain. FIFO depths: the lag of every reconvergent path (a matrix read by two PEs where one waits
// for the other's result) plus the pipeline margin and slack of the stencil road (lower.ts).

import { UserError } from "../../ir/diagnostics.js";
import { linalgNodes, type LinalgNode, type LinalgScale, type MatMulNode, type MatVecNode, type RadialBinNode, type RankUpdateNode, type SDFG, type VectorSumNode } from "../../ir/sdfg.js";
import type { MemoryReader, MemoryWriter, Pipeline, SpatialOptions } from "../pipeline.js";
import type { LinalgChannel, LinalgProcess, MatrixReader, MatrixVectorPE, MatrixWriter } from "../linalg_pipeline.js";
import { estimateMultiplyAddDepth } from "./multiply_add_depth.js";

/** Partial sums a dot product interleaves (at least the adder latency, so II=1 holds). */
export const DOT_INTERLEAVE = 8;
/** Interleaved copies of a binning PE's per-bin sums (at least the adder latency, so II=1 holds). */
export const BIN_COPIES = 8;

/** A binning PE's operations per element: the candidate bin (a multiply, a divide), four bin edges (a multiply and a divide each), the sum and count adds. */
export const BINNING_OPS_PER_ELEMENT = 2 + 4 * 2 + 2;
/** The stencil road's constants (lower.ts), repeated to keep this module free of an import cycle. */
const PIPELINE_DEPTH_MARGIN = 2;
const CHANNEL_SLACK = 4;

const ZERO: LinalgScale = { constant: 0 };

export function hasLinalg(sdfg: SDFG): boolean {
  return sdfg.states.some((s) => linalgNodes(s).length > 0);
}

export function lowerLinalg(sdfg: SDFG, options: SpatialOptions): Pipeline {
  const W = options.vectorWidth;
  const P = options.replicas;
  if (!Number.isInteger(W) || W < 1) throw new UserError("--vector-width", `must be a positive integer, got ${W}`);
  if (!Number.isInteger(P) || P < 1) throw new UserError("--replicas", `must be a positive integer, got ${P}`);
  if (sdfg.states.length !== 1) throw new UserError(sdfg.name, "spatial lowering takes an SDFG with one dataflow state");
  const nodes = linalgNodes(sdfg.states[0]!);
  if (P > 1 && !nodes.some((n) => n.kind === "matmul")) {
    throw new UserError("--replicas", `P=${P} sets the length of a systolic matrix-product chain; '${sdfg.name}' has no matrix product`);
  }
  const b = new Builder(sdfg, W, P);
  for (const n of nodes) {
    if (n.kind === "matvec") b.matVec(n);
    else if (n.kind === "matmul") b.matMul(n);
    else if (n.kind === "rank-update") b.rankUpdate(n);
    else if (n.kind === "radial-bin") b.radialBin(n);
    else b.vectorSum(n);
  }
  b.writeOutputs(nodes);
  return b.pipeline();
}

/** Builds processes and channels; channels are made when a consumer asks for a data item. */
class Builder {
  readonly processes: LinalgProcess[] = [];
  readonly channels: LinalgChannel[] = [];
  /** Data item → the process that produces it as W-wide vectors, row-major. */
  readonly producer = new Map<string, string>();
  readonly readers = new Map<string, MatrixReader>();
  readonly used: Set<string>;
  multiplyAdds = 0;
  /** Arithmetic beyond multiply-adds (a binning PE's), for GOp/s figures. */
  operations = 0;

  constructor(readonly sdfg: SDFG, readonly W: number, readonly P: number) {
    this.used = new Set(Object.keys(sdfg.arrays));
  }

  unique(base: string): string {
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base.replace(/_$/, "")}${n}_`;
    this.used.add(name);
    return name;
  }

  process(name: string): LinalgProcess {
    return this.processes.find((p) => p.name === name)!;
  }

  shapeOf(data: string): number[] {
    const d = this.sdfg.arrays[data];
    if (!d || d.kind !== "array") throw new UserError(this.sdfg.name, `'${data}' is not an array`);
    return d.shape.map(Number);
  }

  /** A channel from `from` to `to`, listed among the producer's outputs. */
  connect(from: string, to: string, data: string, wide: boolean, delay = 0, pipelineDepth = 0): string {
    const name = this.unique(`${data}_to_${to.replace(/_$/, "")}_`);
    const dtype = this.sdfg.arrays[data]?.dtype ?? "float64";
    // A lagging edge also absorbs the estimated arithmetic pipeline depths, with the stencil road's margin.
    const depth = delay > 0 ? delay + PIPELINE_DEPTH_MARGIN * pipelineDepth + CHANNEL_SLACK : CHANNEL_SLACK;
    this.channels.push({ name, dtype, wide, from, to, delay, depth });
    const p = this.process(from);
    if ("outputs" in p) p.outputs.push(name);
    return name;
  }

  /** W must divide the innermost extent of every streamed array. */
  checkWidth(data: string, extent: number): void {
    if (extent % this.W !== 0) throw new UserError("--vector-width", `'${data}' has ${extent} elements per row, not a multiple of W=${this.W}`);
  }

  /** The row-major stream of `data`: its producer's, or a memory reader's. */
  rowsOf(data: string, repeat = 1): string {
    const produced = this.producer.get(data);
    if (produced) return produced;
    const existing = this.readers.get(data);
    if (existing) {
      if (existing.repeat !== repeat) throw new UserError(this.sdfg.name, `'${data}' would be read by two memory readers (${existing.repeat} and ${repeat} time(s)): one port per array`);
      return existing.name;
    }
    const shape = this.shapeOf(data);
    const [rows, cols] = shape.length === 1 ? [1, shape[0]!] : [shape[0]!, shape[1]!];
    this.checkWidth(data, cols);
    const r: MatrixReader = {
      kind: "matrix-reader", name: this.unique(`read_${data}_`), array: data, dtype: this.sdfg.arrays[data]!.dtype,
      rows, cols, order: "rows", tileRows: 1, repeat, outputs: [],
    };
    this.processes.push(r);
    this.readers.set(data, r);
    return r.name;
  }

  matVec(n: MatVecNode): void {
    const W = this.W;
    this.checkWidth(n.matrix, n.cols);
    if (n.rows % W !== 0) throw new UserError("--vector-width", `'${n.matrix}' has ${n.rows} rows, not a multiple of W=${W} (the ${n.transposed ? "vector elements per row" : "results"} travel W at a time)`);
    const name = this.unique(`pe_${n.label}_`);
    const pipelineDepth = estimateMultiplyAddDepth(n.dtype, W);
    const interleave = Math.min(DOT_INTERLEAVE, n.cols / W);
    const matrixFrom = this.rowsOf(n.matrix);
    const vectorFrom = this.rowsOf(n.vector);
    const addendFrom = n.addend ? this.rowsOf(n.addend.data) : undefined;
    this.processes.push({
      kind: "matrix-vector", name, dtype: n.dtype, rows: n.rows, cols: n.cols, transposed: n.transposed, interleave,
      matrix: "", vector: "", alpha: n.alpha, beta: n.addend?.beta ?? ZERO, outputs: [], pipelineDepth,
    });
    const pe = this.process(name) as Extract<LinalgProcess, { kind: "matrix-vector" }>;
    // Reconvergence through a shared matrix reader: when the vector or the added vector is the
    // result of another PE reading the same matrix, one of the two FIFOs must hold the lag
    // between that PE producing what this one needs and this one consuming the matrix.
    const sibling = (from: string) => {
      const x = this.process(from);
      return x.kind === "matrix-vector" && x.matrix !== "" && this.channelFrom(x.matrix) === matrixFrom ? x : undefined;
    };
    /** Matrix vectors the sibling consumes before its last result (a transposed PE's come at the end). */
    const whole = (x: MatrixVectorPE) => x.rows * (x.cols / W) + (x.transposed ? 0 : x.interleave - 1);
    let matrixLag = 0;
    let addendDelay = 0;
    const vp = sibling(vectorFrom);
    if (vp) {
      // Transposed, this PE takes one element per row (W rows per transfer); else the whole vector first.
      matrixLag = n.transposed && !vp.transposed ? W * (vp.cols / W) + vp.interleave - 1 : whole(vp);
    }
    const ap = addendFrom ? sibling(addendFrom) : undefined;
    if (ap) {
      // Transposed, this PE adds the vector at the end: its FIFO holds all of it.
      if (n.transposed) addendDelay = (ap.transposed ? ap.cols : ap.rows) / W;
      else if (ap.transposed) matrixLag = Math.max(matrixLag, whole(ap));
    }
    pe.matrix = this.connect(matrixFrom, name, n.matrix, true, matrixLag, pipelineDepth);
    pe.vector = this.connect(vectorFrom, name, n.vector, true, 0, pipelineDepth);
    if (addendFrom) pe.addend = this.connect(addendFrom, name, n.addend!.data, true, addendDelay, pipelineDepth);
    this.producer.set(n.output, name);
    this.multiplyAdds += n.rows * n.cols;
  }

  /**
   * A rank-update PE between the matrix's stream and its consumers. Its result streams out once:
   * a matrix-vector PE that needs a vector computed from that result first (gemver's w = A' x after
   * x = A'ᵀ y) takes it through a FIFO holding the whole matrix (the reconvergent lag in matVec), so
   * the updated matrix stays on chip rather than being re-read from memory (where a dataflow region
   * cannot order the write before the read).
   */
  rankUpdate(n: RankUpdateNode): void {
    const W = this.W;
    this.checkWidth(n.matrix, n.cols);
    if (n.rows % W !== 0) throw new UserError("--vector-width", `'${n.matrix}' has ${n.rows} rows, not a multiple of W=${W} (the u elements of W rows travel together)`);
    const name = this.unique(`pe_${n.label}_`);
    const pipelineDepth = estimateMultiplyAddDepth(n.dtype, W);
    const matrixFrom = this.rowsOf(n.matrix);
    const sources = n.terms.map((t) => ({ u: this.rowsOf(t.u), v: this.rowsOf(t.v) }));
    this.processes.push({ kind: "rank-update", name, dtype: n.dtype, rows: n.rows, cols: n.cols, matrix: "", terms: [], outputs: [], pipelineDepth });
    const pe = this.process(name) as Extract<LinalgProcess, { kind: "rank-update" }>;
    pe.matrix = this.connect(matrixFrom, name, n.matrix, true);
    pe.terms = n.terms.map((t, k) => ({ u: this.connect(sources[k]!.u, name, t.u, true), v: this.connect(sources[k]!.v, name, t.v, true) }));
    this.producer.set(n.output, name);
    this.multiplyAdds += n.rows * n.cols * n.terms.length;
  }

  /** `alpha · left + beta · right`, element-wise: a scale-add process over the two vectors. */
  vectorSum(n: VectorSumNode): void {
    this.checkWidth(n.left, n.length);
    const name = this.unique(`sum_${n.label}_`);
    const leftFrom = this.rowsOf(n.left);
    const rightFrom = this.rowsOf(n.right);
    this.processes.push({ kind: "scale-add", name, dtype: n.dtype, vectors: n.length / this.W, product: "", alpha: n.alpha, beta: n.beta, outputs: [] });
    const sa = this.process(name) as Extract<LinalgProcess, { kind: "scale-add" }>;
    sa.product = this.connect(leftFrom, name, n.left, true);
    sa.addend = this.connect(rightFrom, name, n.right, true);
    this.producer.set(n.output, name);
  }

  /** A binning PE: the keys read twice (their maximum, then the bins), the values once. */
  radialBin(n: RadialBinNode): void {
    this.checkWidth(n.keys, n.n);
    if (n.bins % this.W !== 0) throw new UserError("--vector-width", `'${n.output}' has ${n.bins} bins, not a multiple of W=${this.W} (the means travel W at a time)`);
    const name = this.unique(`bin_${n.label}_`);
    const keysFrom = this.rowsOf(n.keys, 2);
    const valuesFrom = this.rowsOf(n.values);
    this.processes.push({ kind: "binning", name, dtype: n.dtype, n: n.n, bins: n.bins, copies: BIN_COPIES, keys: "", values: "", outputs: [] });
    // Its arithmetic (codegen/binning_code.ts; comparisons not counted, as everywhere in the
    // report): per element the candidate bin (a multiply, a divide), the four bin edges the
    // search compares with (c-1 .. c+2, a multiply and a divide each) and the sum and count
    // adds; per bin the merge of its BIN_COPIES x W copies (sums and counts) and the mean's divide.
    this.operations += n.n * BINNING_OPS_PER_ELEMENT + n.bins * (2 * (BIN_COPIES * this.W - 1) + 1);
    const pe = this.process(name) as Extract<LinalgProcess, { kind: "binning" }>;
    pe.keys = this.connect(keysFrom, name, n.keys, true);
    // The values wait in their reader while the first pass finds the maximum (its FIFO fills and the reader stalls).
    pe.values = this.connect(valuesFrom, name, n.values, true);
    this.producer.set(n.output, name);
  }

  channelFrom(channel: string): string {
    return this.channels.find((c) => c.name === channel)!.from;
  }

  matMul(n: MatMulNode): void {
    const { W, P } = this;
    if (n.ni % P !== 0) throw new UserError("--replicas", `the systolic chain of P=${P} PEs takes ${n.label}'s ${n.ni} rows P at a time: ${n.ni} is not a multiple of ${P}`);
    this.checkWidth(n.b, n.nj);
    if (n.nj / W < P) throw new UserError("--replicas", `each PE passes P-1 A elements on while a row of B streams by: ${n.label}'s ${n.nj / W} vectors per row of B (W=${W}) must be at least P=${P}`);
    const dtype = n.dtype;
    const pipelineDepth = estimateMultiplyAddDepth(dtype, W);
    const tiles = n.ni / P;
    // A in tile-columns order: from memory, or through a tile transpose of an earlier product.
    let aFrom: string;
    const produced = this.producer.get(n.a);
    if (produced) {
      const t = this.unique(`transpose_${n.a}_`);
      this.processes.push({ kind: "tile-transpose", name: t, dtype, tileRows: P, cols: n.nk, tiles, input: "", output: "" });
      const tp = this.process(t) as Extract<LinalgProcess, { kind: "tile-transpose" }>;
      this.checkWidth(n.a, n.nk);
      tp.input = this.connect(produced, t, n.a, true);
      aFrom = t;
    } else {
      if (this.readers.has(n.a)) throw new UserError(this.sdfg.name, `'${n.a}' would be read by two memory readers (rows and tile columns): one port per array`);
      aFrom = this.unique(`read_${n.a}_`);
      const reader: MatrixReader = { kind: "matrix-reader", name: aFrom, array: n.a, dtype, rows: n.ni, cols: n.nk, order: "tile-columns", tileRows: P, repeat: 1, outputs: [] };
      this.processes.push(reader);
      this.readers.set(n.a, reader);
    }
    const bFrom = this.rowsOf(n.b, tiles);
    const pes: string[] = [];
    for (let p = 0; p < P; p++) {
      const name = this.unique(`pe_${n.label}_${p}_`);
      pes.push(name);
      this.processes.push({
        kind: "systolic-pe", name, dtype, index: p, count: P, rows: n.ni, inner: n.nk, cols: n.nj,
        aIn: "", bIn: "", cOut: "", pipelineDepth,
      });
    }
    const drain = this.unique(`drain_${n.label}_`);
    this.processes.push({
      kind: "scale-add", name: drain, dtype, vectors: (n.ni * n.nj) / W, product: "", alpha: n.alpha, beta: n.addend?.beta ?? ZERO, outputs: [],
    });
    const pe = (p: number) => this.process(pes[p]!) as Extract<LinalgProcess, { kind: "systolic-pe" }>;
    // The A elements a PE passes on: up to P of them wait while the next PE finishes a row of B.
    const channel = (from: string, to: string, data: string, wide: boolean, delay = 0) => this.connect(from, to, data, wide, delay, pipelineDepth);
    const aChannel = channel(aFrom, pes[0]!, n.a, false, P);
    if (produced) (this.process(aFrom) as Extract<LinalgProcess, { kind: "tile-transpose" }>).output = aChannel;
    pe(0).aIn = aChannel;
    pe(0).bIn = channel(bFrom, pes[0]!, n.b, true);
    for (let p = 0; p + 1 < P; p++) {
      const next = pe(p + 1);
      next.aIn = channel(pes[p]!, pes[p + 1]!, n.a, false, P);
      pe(p).aOut = next.aIn;
      next.bIn = channel(pes[p]!, pes[p + 1]!, n.b, true);
      pe(p).bOut = next.bIn;
      next.cIn = channel(pes[p]!, pes[p + 1]!, n.output, true);
      pe(p).cOut = next.cIn;
    }
    const last = pe(P - 1);
    last.cOut = channel(pes[P - 1]!, drain, n.output, true);
    const sa = this.process(drain) as Extract<LinalgProcess, { kind: "scale-add" }>;
    sa.product = last.cOut;
    if (n.addend) sa.addend = channel(this.rowsOf(n.addend.data), drain, n.addend.data, true);
    this.producer.set(n.output, drain);
    this.multiplyAdds += n.ni * n.nj * n.nk;
  }

  /** A writer for every non-transient result. */
  writeOutputs(nodes: LinalgNode[]): void {
    for (const n of nodes) {
      if (this.sdfg.arrays[n.output]!.transient) continue;
      const shape = this.shapeOf(n.output);
      const name = this.unique(`write_${n.output}_`);
      const wr: MatrixWriter = { kind: "matrix-writer", name, array: n.output, dtype: n.dtype, vectors: shape.reduce((a, b) => a * b, 1) / this.W, input: "" };
      this.processes.push(wr);
      wr.input = this.connect(this.producer.get(n.output)!, name, n.output, true);
    }
  }

  pipeline(): Pipeline {
    const readers: MemoryReader[] = this.processes.flatMap((p): MemoryReader[] => p.kind !== "matrix-reader" ? [] : [{
      name: p.name, array: p.array, dtype: p.dtype, axes: p.order === "rows" ? [2] : [1],
      shape: this.shapeOf(p.array), outputs: p.outputs, onChip: false,
    }]);
    const writers: MemoryWriter[] = this.processes.flatMap((p): MemoryWriter[] => p.kind !== "matrix-writer" ? [] : [{
      name: p.name, array: p.array, dtype: p.dtype, input: p.input, shape: this.shapeOf(p.array),
    }]);
    const scalars = new Set<string>();
    for (const p of this.processes) {
      if (p.kind === "matrix-vector" || p.kind === "scale-add") for (const s of [p.alpha, p.beta]) if ("scalar" in s) scalars.add(s.scalar);
    }
    const elements = writers.reduce((a, w) => a + w.shape!.reduce((x, y) => x * y, 1), 0);
    return {
      name: this.sdfg.name, domain: [1, 1, elements], rank: 1, vectorWidth: this.W, replicas: this.P, timeSteps: 1, feedback: {},
      returnedInputs: [], vectors: elements / this.W, readers, pes: [], writers, channels: [],
      scalars: [...scalars].sort().map((name) => ({ name, dtype: this.sdfg.arrays[name]!.dtype })),
      constants: this.sdfg.constants,
      linalg: { processes: this.processes, channels: this.channels, multiplyAdds: this.multiplyAdds, ...(this.operations ? { operations: this.operations } : {}) },
    };
  }
}

