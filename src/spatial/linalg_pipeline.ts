// Process kinds of the spatial pipeline for linear algebra (issue 10): matrix-vector PEs that
// stream a matrix row by row against a vector held on chip, and a systolic chain of P
// matrix-matrix PEs (de Fine Licht et al., FPGA'20; DaCe's gemm "FPGA1DSystolic" expansion) with
// its feeders and drain. They live in `Pipeline.linalg`; the stencil parts of such a pipeline are
// empty except for `readers`/`writers`/`scalars`, which describe the kernel's memory ports for
// the hosts. Emitters: src/hls/linalg_code.ts, src/intel/linalg_kernel.ts, src/cpu/linalg_reference.ts.

import type { DType } from "../ir/dtype.js";
import type { LinalgScale, VerticalPhase, VerticalValue } from "../ir/sdfg.js";

/** A FIFO between linear-algebra processes. */
export interface LinalgChannel {
  name: string;
  dtype: DType;
  /** W-wide vectors per transfer, else single elements (a systolic chain's A operand). */
  wide: boolean;
  from: string;
  to: string;
  /** Transfers the consumer can lag behind the producer on this edge: below it the design deadlocks. */
  delay: number;
  /** FIFO capacity in transfers: the delay plus the PEs' pipeline margin and a fixed slack. */
  depth: number;
}

/**
 * Reads a `rows x cols` array (a vector is 1 x n) from memory. `rows`: W-wide vectors, row-major,
 * the whole array `repeat` times (a systolic B operand is read once per tile of rows).
 * `tile-columns`: single elements in the order a systolic chain takes its A operand, for each tile
 * of `tileRows` rows, for each column k, the tile's rows top to bottom.
 */
export interface MatrixReader {
  kind: "matrix-reader";
  name: string;
  array: string;
  dtype: DType;
  rows: number;
  cols: number;
  order: "rows" | "tile-columns";
  tileRows: number;
  repeat: number;
  outputs: string[];
}

/**
 * `y = alpha · op(A) · x + beta · addend`. Not transposed: x (cols) is read once onto chip, then A
 * row by row, W lanes per cycle; each row's dot product accumulates into `interleave` partial sums
 * used round-robin (a partial sum is updated every `interleave` cycles, so the adder latency is
 * hidden) and is reduced while the next row starts. Transposed: the accumulators are the on-chip
 * output vector (cols), each updated once per row, one x element per row.
 * Output and addend travel as W-wide vectors.
 */
export interface MatrixVectorPE {
  kind: "matrix-vector";
  name: string;
  dtype: DType;
  rows: number;
  cols: number;
  transposed: boolean;
  interleave: number;
  matrix: string;
  vector: string;
  addend?: string;
  alpha: LinalgScale;
  beta: LinalgScale;
  outputs: string[];
  /** Estimated cycles of the multiply-add pipeline. */
  pipelineDepth: number;
}

/**
 * PE `index` of a chain of `count`: owns row `index` of every tile of `count` rows of the
 * `rows x cols` result. Per column k of the inner dimension it keeps one A element (the first of
 * the `count - index` it receives; the rest go on to the next PE), takes a row of B as W-wide
 * vectors from the previous PE (or the B reader) and passes it on, and accumulates
 * `acc[j] += a · B[k][j]` into its on-chip row. After the tile it drains the rows of the PEs
 * before it, then its own, towards the chain's end.
 */
export interface SystolicPE {
  kind: "systolic-pe";
  name: string;
  dtype: DType;
  index: number;
  count: number;
  rows: number;
  inner: number;
  cols: number;
  aIn: string;
  aOut?: string;
  bIn: string;
  bOut?: string;
  cIn?: string;
  cOut: string;
  pipelineDepth: number;
}

/** `out = alpha · product + beta · addend` over `vectors` W-wide vectors (the systolic chain's drain). */
export interface ScaleAdd {
  kind: "scale-add";
  name: string;
  dtype: DType;
  vectors: number;
  product: string;
  addend?: string;
  alpha: LinalgScale;
  beta: LinalgScale;
  outputs: string[];
}

/**
 * Turns a row-major stream of tiles (`tileRows` rows of `cols` elements, as W-wide vectors) into
 * the tile-columns order a systolic chain's A input takes (chained matrix products: 2mm).
 */
export interface TileTranspose {
  kind: "tile-transpose";
  name: string;
  dtype: DType;
  tileRows: number;
  cols: number;
  tiles: number;
  input: string;
  output: string;
}

/**
 * Rank-k update `out = A + Σ u_t v_tᵀ` (gemver): the v_t (cols) are read onto chip first, then A
 * streams row by row, W lanes per cycle, each lane adding its rank-one terms; u_t travels as W-wide
 * vectors, one element per row. Nothing is accumulated, so every iteration is independent.
 */
export interface RankUpdatePE {
  kind: "rank-update";
  name: string;
  dtype: DType;
  rows: number;
  cols: number;
  matrix: string;
  /** Channels of each term's u (one element per row) and v (on chip), in the node's term order. */
  terms: { u: string; v: string }[];
  outputs: string[];
  pipelineDepth: number;
}

/**
 * Radial binning (azimint_naive): the keys stream twice. First pass: their maximum, `copies`
 * interleaved partial maxima. Second pass, with the values: each lane finds its key's bin with
 * NumPy's comparisons (codegen/binning_code.ts) and adds its value and 1 to that bin of its own
 * on-chip copy (vector t, lane l: copy (t mod copies) · W + l), so a copy is updated again only
 * `copies` iterations later and no two lanes share one: II=1 despite data-dependent addresses.
 * Then the copies are merged in index order and the `bins` means leave as W-wide vectors.
 */
export interface BinningPE {
  kind: "binning";
  name: string;
  dtype: DType;
  n: number;
  bins: number;
  copies: number;
  keys: string;
  values: string;
  outputs: string[];
}

/** Writes `vectors` W-wide vectors to the array, in order. */
export interface MatrixWriter {
  kind: "matrix-writer";
  name: string;
  array: string;
  dtype: DType;
  vectors: number;
  input: string;
}

/**
 * Vertical solvers (spatial/linalg/lower_vertical.ts): reads a 3-D array (`shape`: rows x cols x
 * planes, k innermost in memory) plane by plane, k walking `direction`, the (i, j) columns of each
 * plane in order, one element per cycle. Each tap gets the elements of its offset: element
 * (i, j, k) goes to the tap with offset (di, dj, dk) as its value for the point (i - di, j - dj,
 * k - dk) of the `columns` plane, on the tap's planes.
 */
export interface PlaneReader {
  kind: "plane-reader";
  name: string;
  array: string;
  dtype: DType;
  shape: [number, number, number];
  columns: [number, number];
  direction: "up" | "down";
  taps: { offset: [number, number, number]; planes: [number, number]; channel: string }[];
  outputs: string[];
}

/**
 * One sweep of a vertical solver: for every plane k in `direction`, for every column (i, j) of
 * the plane, one iteration: reads its taps (on their planes), starts each value from the previous
 * plane's (an on-chip array of one element per column) or zero, runs the phase of plane k, keeps
 * the carried values for the next plane and streams its results.
 */
export interface SweepPE {
  kind: "column-sweep";
  name: string;
  dtype: DType;
  columns: [number, number];
  planes: number;
  direction: "up" | "down";
  taps: { name: string; channel: string; planes: [number, number] }[];
  values: VerticalValue[];
  phases: VerticalPhase[];
  /** Each result's value name and the channels it goes out on. */
  results: { name: string; data: string; channels: string[] }[];
  scalars: string[];
  outputs: string[];
  pipelineDepth: number;
}

/**
 * Holds all `planes` x `columns` elements of a sweep's result on chip, then sends the planes in
 * reverse order (columns in order): the next sweep walks k the other way.
 */
export interface PlaneReverse {
  kind: "plane-reverse";
  name: string;
  dtype: DType;
  planes: number;
  columns: number;
  input: string;
  output: string;
}

/** Writes a sweep's result (`shape`: I x J x K, k innermost in memory) plane by plane in `direction`. */
export interface PlaneWriter {
  kind: "plane-writer";
  name: string;
  array: string;
  dtype: DType;
  shape: [number, number, number];
  direction: "up" | "down";
  input: string;
}

export type LinalgProcess = MatrixReader | MatrixVectorPE | SystolicPE | ScaleAdd | TileTranspose | RankUpdatePE | MatrixWriter | PlaneReader | SweepPE | PlaneReverse | PlaneWriter | BinningPE;

export interface LinalgPipeline {
  /** In dataflow order: readers first, writers last. */
  processes: LinalgProcess[];
  channels: LinalgChannel[];
  /** Multiply-adds of one run (for cycle and GOp/s figures). */
  multiplyAdds: number;
  /** Other arithmetic operations of one run (a vertical solver's sweeps), for GOp/s figures. */
  operations?: number;
}

/** Whether a process does arithmetic (a kernel of its own that the hosts launch). */
export function isComputeProcess(p: LinalgProcess): p is MatrixVectorPE | SystolicPE | ScaleAdd | TileTranspose | RankUpdatePE | SweepPE | PlaneReverse | BinningPE {
  return p.kind !== "matrix-reader" && p.kind !== "matrix-writer" && p.kind !== "plane-reader" && p.kind !== "plane-writer";
}

/** The scalar inputs a process reads (alpha, beta). */
export function scalarsOf(p: LinalgProcess): string[] {
  if (p.kind === "column-sweep") return p.scalars;
  if (p.kind !== "matrix-vector" && p.kind !== "scale-add") return [];
  return [p.alpha, p.beta].flatMap((s) => ("scalar" in s ? [s.scalar] : [])).filter((s, n, all) => all.indexOf(s) === n);
}
