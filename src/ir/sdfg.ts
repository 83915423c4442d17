// The SDFG (stateful dataflow multigraph): data descriptors, states holding dataflow graphs of
// access nodes, tasklets, maps and library nodes, connected by memlets. This is the one IR every
// frontend produces and every lowering consumes.

import type { DType } from "./dtype.js";
import type { Assignment } from "./expr.js";

/** A dimension size: a constant or the name of an SDFG symbol. */
export type Size = number | string;

/** Where an array lives. `default` leaves the choice to lowering. */
export type Storage = "default" | "global" | "onchip" | "register";

export interface ArrayDesc {
  kind: "array";
  dtype: DType;
  shape: Size[];
  /** Transients are internal to the SDFG; non-transients are its inputs and outputs. */
  transient: boolean;
  storage: Storage;
}

export interface StreamDesc {
  kind: "stream";
  dtype: DType;
  /** FIFO capacity in elements. */
  depth: number;
  transient: boolean;
}

export interface ScalarDesc {
  kind: "scalar";
  dtype: DType;
  transient: boolean;
}

export type DataDesc = ArrayDesc | StreamDesc | ScalarDesc;

/** An inclusive range `start..end` with `step`, as DaCe writes subsets. */
export interface Range {
  start: number;
  end: number;
  step: number;
}

export interface Memlet {
  data: string;
  subset: Range[];
  /** Number of elements moved, when known. */
  volume?: number;
  dynamic?: boolean;
  /** Write-conflict resolution, e.g. `sum`. */
  wcr?: "sum" | "product" | "min" | "max";
}

/** What an out-of-domain access of a stencil returns. */
export type BoundaryCondition =
  | { type: "constant"; value: number }
  /** The value of the field at the centre (un-offset) point. */
  | { type: "copy" }
  /** The border result is unspecified; we evaluate it like `copy`. */
  | { type: "shrink" };

/** One field read by a stencil node. */
export interface StencilInput {
  /** Data name the connector reads (an array or a scalar). */
  data: string;
  /** Domain axes (0 = outermost) that the field has; a lower-dimensional field is broadcast. */
  axes: number[];
  boundary: BoundaryCondition;
}

export interface AccessNode { kind: "access"; id: number; data: string }

export interface TaskletNode {
  kind: "tasklet";
  id: number;
  label: string;
  inputs: string[];
  outputs: string[];
  code: Assignment[];
}

export interface MapEntryNode {
  kind: "map_entry";
  id: number;
  label: string;
  params: string[];
  ranges: Range[];
  /** Id of the matching exit node. */
  exit: number;
}

export interface MapExitNode { kind: "map_exit"; id: number; entry: number }

/**
 * A stencil library node: computes `output` over the whole `domain`; its code reads the input
 * fields at constant offsets. Out-of-domain reads follow each input's boundary condition.
 */
export interface StencilNode {
  kind: "stencil";
  id: number;
  label: string;
  dtype: DType;
  /** Iterator names, outermost first (`i, j, k` trimmed to the domain's rank). */
  iterators: string[];
  domain: number[];
  /** Connector name → the field read through it. Connector names equal the data names. */
  inputs: Record<string, StencilInput>;
  /** Name of the out-connector; the node's result is the value of the last assignment. */
  output: string;
  code: Assignment[];
  /** Absent: the stencil writes its whole domain. */
  region?: WriteRegion;
}

/**
 * A stencil that writes only the box `lo..hi` (inclusive, one bound per domain axis) of its
 * output, as `A[1:-1] = …` does: every cell outside keeps the centre value of input `keep` (the
 * array's previous value, a connector of the node).
 */
export interface WriteRegion {
  lo: number[];
  hi: number[];
  keep: string;
}

/** A scale factor of a linear-algebra node: a scalar input's value, or a constant. */
export type LinalgScale = { scalar: string } | { constant: number };

/** `beta · data`, added to a linear-algebra node's product. */
export interface LinalgAddend { data: string; beta: LinalgScale }

/**
 * Matrix-vector product `output = alpha · op(matrix) · vector + beta · addend`, op the identity
 * (`rows` results) or the transpose (`cols` results) of the `rows x cols` matrix. The streaming
 * passes raise DaCe MatMul/Gemv nodes to it; it names its data directly (no memlets needed).
 */
export interface MatVecNode {
  kind: "matvec";
  id: number;
  label: string;
  dtype: DType;
  matrix: string;
  rows: number;
  cols: number;
  transposed: boolean;
  vector: string;
  output: string;
  alpha: LinalgScale;
  addend?: LinalgAddend;
}

/** Matrix-matrix product `output = alpha · a · b + beta · addend` (a: ni x nk, b: nk x nj). */
export interface MatMulNode {
  kind: "matmul";
  id: number;
  label: string;
  dtype: DType;
  a: string;
  b: string;
  output: string;
  ni: number;
  nk: number;
  nj: number;
  alpha: LinalgScale;
  addend?: LinalgAddend;
}

/**
 * Rank-k update `output = matrix + Σ u_t · v_tᵀ` (gemver's `A += u1 v1ᵀ + u2 v2ᵀ`): u_t has
 * `rows` elements, v_t `cols`; the products of one element are summed as a balanced tree.
 */
export interface RankUpdateNode {
  kind: "rank-update";
  id: number;
  label: string;
  dtype: DType;
  matrix: string;
  rows: number;
  cols: number;
  terms: { u: string; v: string }[];
  output: string;
}

/** Element-wise `output = alpha · left + beta · right` of two vectors of `length` elements. */
export interface VectorSumNode {
  kind: "vector-sum";
  id: number;
  label: string;
  dtype: DType;
  left: string;
  right: string;
  length: number;
  alpha: LinalgScale;
  beta: LinalgScale;
  output: string;
}

/**
 * A radial binning (NPBench's azimint_naive): with max = max(keys), `output[i]` is the mean of the
 * `values[k]` whose key lies in [(max * i) / bins, (max * (i + 1)) / bins), NaN for an empty bin.
 * keys and values have `n` elements, output `bins`.
 */
export interface RadialBinNode {
  kind: "radial-bin";
  id: number;
  label: string;
  dtype: DType;
  keys: string;
  values: string;
  n: number;
  bins: number;
  output: string;
}

export type LinalgNode = MatVecNode | MatMulNode | RankUpdateNode | VectorSumNode | RadialBinNode;

/**
 * A value a vertical-solver sweep reads from a stream each plane: `data` at `offset` [di, dj, dk]
 * of the (i, j, k) point (an input array, or offset 0 of an earlier sweep's result). It exists on
 * planes `planes[0]..planes[1]` (k + dk inside the array); the code reads it by `name`.
 */
export interface VerticalTap {
  name: string;
  data: string;
  offset: [number, number, number];
  planes: [number, number];
}

/**
 * A plane-sized value of a sweep: a 3-D array the sweep writes (its plane k) or an (I, J) array.
 * The code assigns and reads it by `name` (zero at the start of a plane). `previous`: the name of
 * its value at the end of the previous plane of the sweep (kept on chip, one element per column);
 * `name` then starts each plane from it, as the array in memory would hold it.
 */
export interface VerticalValue {
  data: string;
  name: string;
  previous?: string;
  /**
   * The tap whose value `name` starts each plane from instead (a 3-D array the sweep reads before
   * writing, or leaves unwritten on some planes: memory's or an earlier sweep's value of the plane).
   */
  initial?: string;
}

/** The code of the planes `from..to` (inclusive) of a sweep: one loop of the program. */
export interface VerticalPhase {
  from: number;
  to: number;
  code: Assignment[];
  /** The program text it came from (the loop and its maps), for comments. */
  source: string;
}

/** One pass along k (upwards or downwards) applying each plane's phase to every (i, j) column. */
export interface VerticalSweep {
  direction: "up" | "down";
  taps: VerticalTap[];
  values: VerticalValue[];
  phases: VerticalPhase[];
  /** Data whose planes the sweep streams out (to a later sweep or to memory), with the name holding each. */
  results: { data: string; name: string }[];
}

/**
 * A vertical solver (issue 10; weather codes' vertical advection, a tridiagonal Thomas solve per
 * column): sweeps along the last axis k of (I, J, K) arrays, each plane computed column by column
 * from streamed taps and the previous plane's values. `outputs`: results written to memory.
 */
export interface VerticalSolverNode {
  kind: "vertical-solver";
  id: number;
  label: string;
  dtype: DType;
  /** I and J: the columns of a plane. */
  columns: [number, number];
  /** K: planes per sweep. */
  planes: number;
  sweeps: VerticalSweep[];
  /** Scalar inputs the code reads by name. */
  scalars: string[];
  /** Results written to memory: the program's `data` as the argument `array` (`x_out` for an array updated in place). */
  outputs: { data: string; array: string }[];
}

/** The vertical-solver nodes of a state. */
export function verticalSolverNodes(state: State): VerticalSolverNode[] {
  return state.nodes.filter((n): n is VerticalSolverNode => n.kind === "vertical-solver");
}


/** How a reduction combines two values (DaCe's WCR `sum`, `product`, `min`, `max`). */
export type ReduceOp = "sum" | "product" | "min" | "max";

/**
 * A reduction library node: reduces the field `input` (over the whole `domain`) along its
 * trailing `reducedAxes` axes with `op`. Its output data has the leading `domain.length -
 * reducedAxes` axes (shape [1] when every axis is reduced); stencils read it as a
 * lower-dimensional field, broadcast along the reduced axes.
 */
export interface ReduceNode {
  kind: "reduce";
  id: number;
  label: string;
  dtype: DType;
  domain: number[];
  op: ReduceOp;
  reducedAxes: number;
  /** The data reduced (the in-connector has its name). */
  input: string;
  /** Name of the out-connector. */
  output: string;
  /**
   * Reduce only the main diagonal of the (square) matrix the last two axes form, every other
   * element counting as the operator's identity (`np.trace`, `for i: t += f(a[i, i])`). Only
   * with every axis reduced (reducedAxes = domain.length = 2) and a sum or product.
   */
  diagonal?: boolean;
  /**
   * Reduce the leading `reducedAxes` axes instead (`np.mean(data, axis=0)`: one result per
   * column): the output has the trailing axes, and stencils read it broadcast along the leading
   * ones. Its results are known only after the last row, as with a reduction over every axis.
   */
  columns?: boolean;
}

/** The shape of what a reduction writes: the axes it keeps ([1] when it reduces every axis). */
export function reduceOutputShape(n: Pick<ReduceNode, "domain" | "reducedAxes" | "columns">): number[] {
  const kept = n.columns ? n.domain.slice(n.reducedAxes) : n.domain.slice(0, n.domain.length - n.reducedAxes);
  return kept.length > 0 ? kept : [1];
}

/** The value a reduction's masked elements count as: x op identity = x exactly. */
export function reduceIdentity(op: ReduceOp): number {
  if (op === "sum") return 0;
  if (op === "product") return 1;
  throw new Error(`reduction ${op} has no finite identity to mask elements with`);
}

export type Node = AccessNode | TaskletNode | MapEntryNode | MapExitNode | StencilNode | LinalgNode | ReduceNode | VerticalSolverNode;

export interface Edge {
  src: number;
  srcConn: string | null;
  dst: number;
  dstConn: string | null;
  memlet: Memlet | null;
}

export interface State {
  name: string;
  nodes: Node[];
  edges: Edge[];
}

export interface InterstateEdge {
  src: string;
  dst: string;
  /** A condition in the expression AST; absent means always. */
  condition?: import("./expr.js").Expr;
  assignments: Record<string, import("./expr.js").Expr>;
}

export interface Symbol { dtype: "int64"; value?: number }

export interface Constant { value: number; dtype: DType }

/**
 * Repeats the whole dataflow `steps` times; after each repetition every `feedback` output is
 * copied to its input (a time-stepping loop, what temporal replication accelerates).
 */
export interface TimeLoop {
  steps: number;
  /** Output data → the input data it becomes for the next step. */
  feedback: Record<string, string>;
}

export interface SDFG {
  name: string;
  timeLoop?: TimeLoop;
  /** Non-transient inputs the program also returns, unchanged (a program output naming an input). */
  returnedInputs?: string[];
  symbols: Record<string, Symbol>;
  constants: Record<string, Constant>;
  arrays: Record<string, DataDesc>;
  states: State[];
  interstate: InterstateEdge[];
  startState: string;
}

export function nodeById(state: State, id: number): Node {
  const n = state.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`state ${state.name}: no node ${id}`);
  return n;
}

export function inEdges(state: State, id: number): Edge[] {
  return state.edges.filter((e) => e.dst === id);
}

export function outEdges(state: State, id: number): Edge[] {
  return state.edges.filter((e) => e.src === id);
}

/** The stencil nodes of a state in a topological order of their data dependencies. */
export function stencilsInOrder(state: State): StencilNode[] {
  const order = topologicalOrder(state);
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  return order.map((id) => byId.get(id)!).filter((n): n is StencilNode => n.kind === "stencil");
}

/** The stencil and reduction nodes of a state (the processes of a pipeline) in a topological order. */
export function processNodesInOrder(state: State): (StencilNode | ReduceNode)[] {
  const order = topologicalOrder(state);
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  return order.map((id) => byId.get(id)!).filter((n): n is StencilNode | ReduceNode => n.kind === "stencil" || n.kind === "reduce");
}

/** Node ids in topological order; throws if the state's graph has a cycle. */
export function topologicalOrder(state: State): number[] {
  const indeg = new Map<number, number>();
  for (const n of state.nodes) indeg.set(n.id, 0);
  for (const e of state.edges) indeg.set(e.dst, (indeg.get(e.dst) ?? 0) + 1);
  const succ = new Map<number, number[]>();
  for (const e of state.edges) {
    const list = succ.get(e.src);
    if (list) list.push(e.dst); else succ.set(e.src, [e.dst]);
  }
  const ready = state.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const out: number[] = [];
  // Linear in nodes + edges: programs can have thousands of stencils.
  for (let head = 0; head < ready.length; head++) {
    const id = ready[head]!;
    out.push(id);
    for (const dst of succ.get(id) ?? []) {
      const d = indeg.get(dst)! - 1;
      indeg.set(dst, d);
      if (d === 0) ready.push(dst);
    }
  }
  if (out.length !== state.nodes.length) throw new Error(`state ${state.name} has a cycle`);
  return out;
}

/** Full-range subset of a shape with constant sizes. */
export function fullSubset(shape: number[]): Range[] {
  return shape.map((n) => ({ start: 0, end: n - 1, step: 1 }));
}

/** The linear-algebra nodes of a state in the order they appear (their data dependencies' order). */
export function linalgNodes(state: State): LinalgNode[] {
  return state.nodes.filter((n): n is LinalgNode => n.kind === "matvec" || n.kind === "matmul" || n.kind === "rank-update" || n.kind === "vector-sum" || n.kind === "radial-bin");
}

/** The data a linear-algebra node reads: its arrays, then the scalars that scale them. */
export function linalgOperands(n: LinalgNode): string[] {
  const scalars = (s: (LinalgScale | undefined)[]) => s.flatMap((x) => (x && "scalar" in x ? [x.scalar] : []));
  switch (n.kind) {
    case "matvec": return [n.matrix, n.vector, ...(n.addend ? [n.addend.data] : []), ...scalars([n.alpha, n.addend?.beta])];
    case "matmul": return [n.a, n.b, ...(n.addend ? [n.addend.data] : []), ...scalars([n.alpha, n.addend?.beta])];
    case "rank-update": return [n.matrix, ...n.terms.flatMap((t) => [t.u, t.v])];
    case "vector-sum": return [n.left, n.right, ...scalars([n.alpha, n.beta])];
    case "radial-bin": return [n.keys, n.values];
  }
}

/** The node with every array it reads passed through `rename` (scalars keep their names). */
export function renameLinalgArrays(n: LinalgNode, rename: (data: string) => string): LinalgNode {
  const addend = "addend" in n && n.addend ? { addend: { ...n.addend, data: rename(n.addend.data) } } : {};
  switch (n.kind) {
    case "matvec": return { ...n, matrix: rename(n.matrix), vector: rename(n.vector), ...addend };
    case "matmul": return { ...n, a: rename(n.a), b: rename(n.b), ...addend };
    case "rank-update": return { ...n, matrix: rename(n.matrix), terms: n.terms.map((t) => ({ u: rename(t.u), v: rename(t.v) })) };
    case "vector-sum": return { ...n, left: rename(n.left), right: rename(n.right) };
    case "radial-bin": return { ...n, keys: rename(n.keys), values: rename(n.values) };
  }
}
