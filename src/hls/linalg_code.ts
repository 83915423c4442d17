// The bodies of the linear-algebra processes (spatial/linalg_pipeline.ts), written once for both
// vendors through a small dialect (how a FIFO is read and written, how a lane is named, which
// loop pragmas apply): the Vitis HLS kernel (vitis_linalg.ts) and the Intel OpenCL kernels
// (intel/linalg_kernel.ts) print the same loops.
//
// Every loop is written for II=1: the only values carried from one iteration to the next through
// arithmetic are accumulators that are read again at least `interleave` (dot products) or one row
// (`cols / W` vectors: output vectors, systolic rows) iterations after they were written, which the
// code states with a true-dependence distance; all other carried state is plain registers
// (counters, a held element) updated without arithmetic on the loop's critical path.

import type { CodeWriter } from "../codegen/code_writer.js";
import type { CExprContext } from "../codegen/c_expr.js";
import { quoteUserText } from "../codegen/user_text.js";
import { emitBinningPE } from "./binning_pe_code.js";
import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import type { LinalgScale } from "../ir/sdfg.js";
import type {
  LinalgChannel, LinalgPipeline, LinalgProcess, MatrixReader, MatrixVectorPE, MatrixWriter, RankUpdatePE, ScaleAdd, SystolicPE, TileTranspose,
} from "../spatial/linalg_pipeline.js";
import { emitPlaneReader, emitPlaneReverse, emitPlaneWriter, emitSweepPE } from "./vertical_code.js";

export interface LinalgDialect {
  W: number;
  /** W-wide vector type of the element type. */
  vec(dtype: DType): string;
  scalar(dtype: DType): string;
  /** Type of a channel's transfers. */
  channelType(c: LinalgChannel): string;
  /** Lane `l` (a constant) of a vector expression. */
  lane(vector: string, l: number): string;
  read(channel: string): string;
  write(channel: string, value: string): string;
  /** Directives inside a loop that make it a pipeline with II=1. */
  pipeline: string[];
  /** Directives before such a loop whose carried dependences are `safelen` iterations apart or more. */
  beforeLoop: (safelen: number | undefined) => string[];
  unroll: string;
  /** An all-zero vector. */
  zero(dtype: DType): string;
  /** Declares that `variable` is read again `distance` iterations after it is written (a true dependence). */
  dependence(variable: string, distance: number): string[];
  /** Keeps a small array in registers. */
  registers(variable: string): string[];
  /** Partitions the innermost dimension of a buffer `factor` ways (parallel lane access). */
  cyclic(variable: string, factor: number, dim: number): string[];
  /** Emulation progress after each vector a writer stores. */
  progress: (w: CodeWriter) => void;
  /** How scalar code (a sweep PE's) is printed: math functions, conversions, type names. */
  expressions: Pick<CExprContext, "mathPrefix" | "cast" | "typeName">;
}

/** `alpha · x` as printed: the scalar's name, a constant, or nothing for 1. Shared with the CPU reference. */
export function scaled(x: string, s: LinalgScale, dtype: DType): string {
  if ("scalar" in s) return `${s.scalar} * ${x}`;
  if (s.constant === 1) return x;
  return `${literal(s.constant, dtype)} * ${x}`;
}

export function literal(v: number, dtype: DType): string {
  if (DTYPE_INFO[dtype].integer) return String(v);
  const t = Number.isInteger(v) ? `${v}.0` : String(v);
  return dtype === "float32" ? `${t}f` : t;
}

/** Whether a scale is the constant 0 (its term is left out). */
export function isZero(s: LinalgScale): boolean {
  return "constant" in s && s.constant === 0;
}

/** A balanced sum of the terms, as printed (the CPU reference prints the same tree). */
export function sumTree(terms: string[]): string {
  if (terms.length === 1) return terms[0]!;
  const half = Math.ceil(terms.length / 2);
  return `(${sumTree(terms.slice(0, half))} + ${sumTree(terms.slice(half))})`;
}

export function channelNamed(l: LinalgPipeline, name: string): LinalgChannel {
  const c = l.channels.find((x) => x.name === name);
  if (!c) throw new Error(`no linalg channel '${name}'`);
  return c;
}

/** The channels a process reads and writes, in parameter order. */
export function processChannels(l: LinalgPipeline, p: LinalgProcess): { ins: LinalgChannel[]; outs: LinalgChannel[] } {
  const c = (names: (string | undefined)[]) => names.filter((n): n is string => n !== undefined).map((n) => channelNamed(l, n));
  switch (p.kind) {
    case "matrix-reader": return { ins: [], outs: c(p.outputs) };
    case "matrix-vector": return { ins: c([p.matrix, p.vector, p.addend]), outs: c(p.outputs) };
    case "systolic-pe": return { ins: c([p.aIn, p.bIn, p.cIn]), outs: c([p.aOut, p.bOut, p.cOut]) };
    case "scale-add": return { ins: c([p.product, p.addend]), outs: c(p.outputs) };
    case "tile-transpose": return { ins: c([p.input]), outs: c([p.output]) };
    case "rank-update": return { ins: c([p.matrix, ...p.terms.flatMap((t) => [t.u, t.v])]), outs: c(p.outputs) };
    case "binning": return { ins: c([p.keys, p.values]), outs: c(p.outputs) };
    case "matrix-writer": return { ins: c([p.input]), outs: [] };
    case "plane-reader": return { ins: [], outs: c(p.taps.map((t) => t.channel)) };
    case "column-sweep": return { ins: c(p.taps.map((t) => t.channel)), outs: c(p.results.flatMap((r) => r.channels)) };
    case "plane-reverse": return { ins: c([p.input]), outs: c([p.output]) };
    case "plane-writer": return { ins: c([p.input]), outs: [] };
  }
}

/** One sentence on what a process does, for the comment above it. */
export function processSummary(p: LinalgProcess, W: number): string {
  switch (p.kind) {
    case "matrix-reader": return p.order === "rows"
      ? `Matrix reader: streams '${p.array}' (${p.rows} x ${p.cols}) row by row, ${W} element(s) per cycle${p.repeat > 1 ? `, ${p.repeat} times (once per tile of the systolic chain)` : ""}.`
      : `Matrix reader: streams '${p.array}' (${p.rows} x ${p.cols}) one element per cycle in tiles of ${p.tileRows} rows, column by column (the systolic chain's A operand).`;
    case "matrix-vector": return p.transposed
      ? `Matrix-vector PE: y = ${scaled("A^T x", p.alpha, p.dtype)}${isZero(p.beta) ? "" : ` + ${scaled("addend", p.beta, p.dtype)}`} for the ${p.rows} x ${p.cols} matrix; the ${p.cols} accumulators are the on-chip output vector, each updated once per row.`
      : `Matrix-vector PE: y = ${scaled("A x", p.alpha, p.dtype)}${isZero(p.beta) ? "" : ` + ${scaled("addend", p.beta, p.dtype)}`} for the ${p.rows} x ${p.cols} matrix; x on chip, ${p.interleave} interleaved partial sums per row.`;
    case "systolic-pe": return `Systolic PE ${p.index} of ${p.count}: row ${p.index} of every tile of ${p.count} rows of the ${p.rows} x ${p.cols} product (inner dimension ${p.inner}).`;
    case "scale-add": return `Drain: out = ${scaled("product", p.alpha, p.dtype)}${isZero(p.beta) ? "" : ` + ${scaled("addend", p.beta, p.dtype)}`}, ${p.vectors} vectors.`;
    case "tile-transpose": return `Tile transpose: ${p.tiles} tile(s) of ${p.tileRows} x ${p.cols}, read by rows, sent column by column to the next systolic chain.`;
    case "rank-update": return `Rank-${p.terms.length} update PE: A' = A + ${p.terms.map((_, k) => `u_t${k} v_t${k}^T`).join(" + ")} for the ${p.rows} x ${p.cols} matrix, streamed row by row; the v vectors on chip, one u element per row.`;
    case "binning": return `Binning PE: the mean of the values per bin [max * i / ${p.bins}, max * (i + 1) / ${p.bins}) of their keys (max over the keys' first pass), ${p.n} elements; ${p.copies * W} interleaved on-chip copies of the sums and counts, merged in order.`;
    case "matrix-writer": return `Memory writer: streams '${p.array}' back to memory, ${p.vectors} vectors.`;
    case "plane-reader": return `Plane reader: streams '${p.array}' (${p.shape.join(" x ")}${W > 1 ? ", plane-major" : ""}) plane by plane, k ${p.direction}wards, ${W > 1 ? `one word of ${W} columns` : "one element"} per cycle, to ${p.taps.length} tap(s) at offsets ${p.taps.map((t) => `(${t.offset.join(", ")})`).join(", ")}.`;
    case "column-sweep": return `Sweep PE: k ${p.direction}wards over ${p.planes} planes of ${p.columns.join(" x ")} columns, ${W > 1 ? `${W} columns (lanes) per cycle` : "one column per cycle"}; ${p.phases.length} phase(s); the previous plane of ${p.values.filter((v) => v.previous).map((v) => quoteUserText(v.data)).join(", ") || "nothing"} kept on chip.`;
    case "plane-reverse": return `Plane reversal: holds ${p.planes} planes of ${p.columns} columns on chip, then sends them last plane first (the next sweep walks k the other way).`;
    case "plane-writer": return `Plane writer: stores '${p.array}' (${p.shape.join(" x ")}${W > 1 ? `, plane-major, words of ${W} columns` : ""}) plane by plane, k ${p.direction}wards.`;
  }
}

/** Prints the body of a process: `memory` is the name of its array pointer (readers, writers). */
export function emitLinalgBody(w: CodeWriter, d: LinalgDialect, l: LinalgPipeline, p: LinalgProcess): void {
  switch (p.kind) {
    case "matrix-reader": return p.order === "rows" ? emitRowReader(w, d, l, p) : emitTileColumnReader(w, d, l, p);
    case "matrix-vector": return p.transposed ? emitTransposedMatVec(w, d, p) : emitMatVec(w, d, p);
    case "systolic-pe": return emitSystolicPE(w, d, p);
    case "scale-add": return emitScaleAdd(w, d, p);
    case "tile-transpose": return emitTileTranspose(w, d, p);
    case "rank-update": return emitRankUpdate(w, d, p);
    case "binning": return emitBinningPE(w, d, p);
    case "matrix-writer": return emitWriter(w, d, p);
    case "plane-reader": return emitPlaneReader(w, d, p);
    case "column-sweep": return emitSweepPE(w, d, p);
    case "plane-reverse": return emitPlaneReverse(w, d, p);
    case "plane-writer": return emitPlaneWriter(w, d, p);
  }
}

const IIONE = "II=1:";

export function pipelined(w: CodeWriter, d: LinalgDialect, head: string, why: string, body: () => void, safelen?: number): void {
  w.comment(`${IIONE} ${why}`);
  for (const x of d.beforeLoop(safelen)) w.directive(x);
  w.block(head, () => {
    for (const x of d.pipeline) w.directive(x);
    body();
  });
}

function emitRowReader(w: CodeWriter, d: LinalgDialect, l: LinalgPipeline, r: MatrixReader): void {
  const outs = processChannels(l, r).outs;
  const V = (r.rows * r.cols) / d.W;
  w.line("int v_ = 0; // vector of the array read next");
  pipelined(w, d, `for (int n_ = 0; n_ < ${r.repeat * V}; ++n_)`, "one vector read and sent per iteration; only the counter is carried.", () => {
    w.line(`const ${d.vec(r.dtype)} x_ = ${r.array}[v_];`);
    for (const c of outs) w.line(d.write(c.name, "x_"));
    w.line(`v_ = v_ + 1 == ${V} ? 0 : v_ + 1;`);
  });
}

function emitTileColumnReader(w: CodeWriter, d: LinalgDialect, l: LinalgPipeline, r: MatrixReader): void {
  const out = processChannels(l, r).outs[0]!;
  w.line("int row_ = 0, k_ = 0, p_ = 0; // tile's first row, column, row within the tile");
  pipelined(w, d, `for (int n_ = 0; n_ < ${r.rows * r.cols}; ++n_)`, "one element per iteration; only counters are carried.", () => {
    w.line(d.write(out.name, `${r.array}[(row_ + p_) * ${r.cols} + k_]`));
    w.block(`if (p_ + 1 < ${r.tileRows})`, () => w.line("++p_;"));
    w.block(`else if (k_ + 1 < ${r.cols})`, () => w.line("p_ = 0; ++k_;"));
    w.block("else", () => w.line(`p_ = 0; k_ = 0; row_ += ${r.tileRows};`));
  });
}

function emitWriter(w: CodeWriter, d: LinalgDialect, wr: MatrixWriter): void {
  pipelined(w, d, `for (int v_ = 0; v_ < ${wr.vectors}; ++v_)`, "one vector stored per iteration.", () => {
    w.line(`${wr.array}[v_] = ${d.read(wr.input)};`);
    d.progress(w);
  });
}

/** `out_[lane] = value` for a lane known only at run time, as one test per constant lane. */
function setLane(w: CodeWriter, d: LinalgDialect, vector: string, laneVar: string, value: string): void {
  for (let l = 0; l < d.W; l++) w.line(`if (${laneVar} == ${l}) ${d.lane(vector, l)} = ${value};`);
}

function getLane(d: LinalgDialect, vector: string, laneVar: string): string {
  let e = d.lane(vector, d.W - 1);
  for (let l = d.W - 2; l >= 0; l--) e = `${laneVar} == ${l} ? ${d.lane(vector, l)} : ${e}`;
  return d.W > 1 ? `(${e})` : e;
}

function emitMatVec(w: CodeWriter, d: LinalgDialect, p: MatrixVectorPE): void {
  const T = d.scalar(p.dtype);
  const VT = d.vec(p.dtype);
  const CV = p.cols / d.W;
  const L = p.interleave;
  w.line(`${VT} x_[${CV}]; // the vector, on chip`);
  pipelined(w, d, `for (int c_ = 0; c_ < ${CV}; ++c_)`, "the vector is copied on chip.", () => w.line(`x_[c_] = ${d.read(p.vector)};`));
  w.line(`${T} part_[${L}]; // partial sums of the current row, used round-robin`);
  for (const x of d.registers("part_")) w.directive(x);
  for (const x of d.dependence("part_", L)) w.directive(x);
  w.line(`${T} done_[${L}]; // the previous row's final partial sums, collected while this row starts`);
  for (const x of d.registers("done_")) w.directive(x);
  w.line(`${VT} out_ = ${d.zero(p.dtype)}; // results, W rows per transfer`);
  if (p.addend) w.line(`${VT} add_ = ${d.zero(p.dtype)};`);
  w.line("int r_ = 0, c_ = 0, s_ = 0; // row and vector of the next matrix vector, partial sum it goes to");
  const lanes = Array.from({ length: d.W }, (_, k) => `${d.lane("a_", k)} * ${d.lane("x_[c_]", k)}`);
  const result = scaled("dot_", p.alpha, p.dtype) + (p.addend ? ` + ${scaled(`${getLane(d, "add_", "lane_")}`, p.beta, p.dtype)}` : "");
  pipelined(w, d, `for (int t_ = 0; t_ < ${p.rows * CV + L}; ++t_)`,
    `part_[s_] was last written ${L} iterations earlier (interleaved accumulation); the last ${L} iterations only reduce the last row.`, () => {
      w.line(`const bool live_ = t_ < ${p.rows * CV};`);
      w.line(`const ${VT} a_ = live_ ? ${d.read(p.matrix)} : ${d.zero(p.dtype)};`);
      w.line(`const ${T} sum_ = ${sumTree(lanes)}; // adder tree over the lanes`);
      w.line(`const ${T} old_ = part_[s_];`);
      w.line(`part_[s_] = (c_ < ${L} ? ${literal(0, p.dtype)} : old_) + sum_;`);
      w.block(`if (c_ < ${L} && r_ > 0)`, () => {
        w.comment(`old_ is row r_ - 1's final partial sum s_; with the last of them the row is complete.`);
        w.line("done_[s_] = old_;");
        w.block(`if (c_ == ${L - 1})`, () => {
          w.line(`const ${T} dot_ = ${sumTree(Array.from({ length: L }, (_, k) => `done_[${k}]`))};`);
          w.line(`const int lane_ = (r_ - 1) % ${d.W};`);
          if (p.addend) w.line(`if (lane_ == 0) add_ = ${d.read(p.addend)};`);
          setLane(w, d, "out_", "lane_", result);
          w.block(`if (lane_ == ${d.W - 1})`, () => { for (const c of p.outputs) w.line(d.write(c, "out_")); });
        });
      });
      w.line(`s_ = s_ + 1 == ${L} ? 0 : s_ + 1;`);
      w.block(`if (c_ + 1 == ${CV})`, () => w.line("c_ = 0; s_ = 0; ++r_;"));
      w.block("else", () => w.line("++c_;")); // while the last row is reduced, c_ runs over 0..L-1 of a row that does not exist
    }, L);
}

function emitTransposedMatVec(w: CodeWriter, d: LinalgDialect, p: MatrixVectorPE): void {
  const T = d.scalar(p.dtype);
  const VT = d.vec(p.dtype);
  const CV = p.cols / d.W;
  w.line(`${VT} acc_[${CV}]; // the output vector, on chip: its accumulators`);
  for (const x of d.dependence("acc_", CV)) w.directive(x);
  w.line(`${VT} xin_ = ${d.zero(p.dtype)}; // W elements of the vector, one per row`);
  w.line(`${T} xr_ = ${literal(0, p.dtype)}; // the element of the current row`);
  w.line("int r_ = 0, c_ = 0;");
  pipelined(w, d, `for (int t_ = 0; t_ < ${p.rows * CV}; ++t_)`, `acc_[c_] is read again one row (${CV} iterations) after it was written.`, () => {
    w.block("if (c_ == 0)", () => {
      w.line(`const int lane_ = r_ % ${d.W};`);
      w.line(`if (lane_ == 0) xin_ = ${d.read(p.vector)};`);
      w.line(`xr_ = ${getLane(d, "xin_", "lane_")};`);
    });
    w.line(`const ${VT} a_ = ${d.read(p.matrix)};`);
    w.line(`const ${VT} prev_ = r_ == 0 ? ${d.zero(p.dtype)} : acc_[c_];`);
    w.line(`${VT} next_;`);
    for (let k = 0; k < d.W; k++) w.line(`${d.lane("next_", k)} = ${d.lane("prev_", k)} + ${d.lane("a_", k)} * xr_;`);
    w.line("acc_[c_] = next_;");
    w.block(`if (c_ + 1 == ${CV})`, () => w.line("c_ = 0; ++r_;"));
    w.block("else", () => w.line("++c_;"));
  }, CV);
  pipelined(w, d, `for (int c_ = 0; c_ < ${CV}; ++c_)`, "the accumulators are sent out, scaled.", () => {
    w.line(`const ${VT} v_ = acc_[c_];`);
    if (p.addend) w.line(`const ${VT} add_ = ${d.read(p.addend)};`);
    w.line(`${VT} out_;`);
    for (let k = 0; k < d.W; k++) {
      w.line(`${d.lane("out_", k)} = ${scaled(d.lane("v_", k), p.alpha, p.dtype)}${p.addend ? ` + ${scaled(d.lane("add_", k), p.beta, p.dtype)}` : ""};`);
    }
    for (const c of p.outputs) w.line(d.write(c, "out_"));
  });
}

function emitSystolicPE(w: CodeWriter, d: LinalgDialect, p: SystolicPE): void {
  const T = d.scalar(p.dtype);
  const VT = d.vec(p.dtype);
  const NJV = p.cols / d.W;
  const keep = p.count - p.index; // A elements this PE receives per column
  w.line(`${VT} acc_[${NJV}]; // this PE's row of the tile, on chip`);
  for (const x of d.dependence("acc_", NJV)) w.directive(x);
  w.line(`${T} a_ = ${literal(0, p.dtype)}, a_next_ = ${literal(0, p.dtype)}; // A element of this column and of the next`);
  w.block(`for (int tile_ = 0; tile_ < ${p.rows / p.count}; ++tile_)`, () => {
    pipelined(w, d, `for (int q_ = 0; q_ < ${keep}; ++q_)`, "column 0's A elements: keep the first, pass the rest on.", () => {
      w.line(`const ${T} v_ = ${d.read(p.aIn)};`);
      if (p.aOut) w.line(`if (q_ == 0) a_ = v_; else ${d.write(p.aOut, "v_")}`);
      else w.line("a_ = v_;");
    });
    w.line("int k_ = 0, jv_ = 0;");
    pipelined(w, d, `for (int t_ = 0; t_ < ${p.inner * NJV}; ++t_)`,
      `acc_[jv_] is read again one row of B (${NJV} iterations) after it was written; the next column's A elements arrive during the first ${keep} iterations of a row.`, () => {
        w.block(`if (k_ + 1 < ${p.inner} && jv_ < ${keep})`, () => {
          w.line(`const ${T} v_ = ${d.read(p.aIn)};`);
          if (p.aOut) w.line(`if (jv_ == 0) a_next_ = v_; else ${d.write(p.aOut, "v_")}`);
          else w.line("a_next_ = v_;");
        });
        w.line(`const ${VT} b_ = ${d.read(p.bIn)};`);
        if (p.bOut) w.line(d.write(p.bOut, "b_"));
        w.line(`const ${VT} prev_ = k_ == 0 ? ${d.zero(p.dtype)} : acc_[jv_];`);
        w.line(`${VT} next_;`);
        for (let k = 0; k < d.W; k++) w.line(`${d.lane("next_", k)} = ${d.lane("prev_", k)} + a_ * ${d.lane("b_", k)};`);
        w.line("acc_[jv_] = next_;");
        w.block(`if (jv_ + 1 == ${NJV})`, () => w.line("jv_ = 0; ++k_; a_ = a_next_;"));
        w.block("else", () => w.line("++jv_;"));
      }, NJV);
    const before = p.index * NJV;
    pipelined(w, d, `for (int n_ = 0; n_ < ${before + NJV}; ++n_)`,
      p.index > 0 ? `drain: the rows of the ${p.index} PE(s) before this one, then its own.` : "drain: this PE's row.", () => {
        if (p.cIn) w.line(d.write(p.cOut, `n_ < ${before} ? ${d.read(p.cIn)} : acc_[n_ - ${before}]`));
        else w.line(d.write(p.cOut, "acc_[n_]"));
      });
  });
}

function emitScaleAdd(w: CodeWriter, d: LinalgDialect, p: ScaleAdd): void {
  const VT = d.vec(p.dtype);
  pipelined(w, d, `for (int v_ = 0; v_ < ${p.vectors}; ++v_)`, "element-wise; nothing is carried.", () => {
    w.line(`const ${VT} x_ = ${d.read(p.product)};`);
    if (p.addend) w.line(`const ${VT} y_ = ${d.read(p.addend)};`);
    w.line(`${VT} out_;`);
    for (let k = 0; k < d.W; k++) {
      w.line(`${d.lane("out_", k)} = ${scaled(d.lane("x_", k), p.alpha, p.dtype)}${p.addend && !isZero(p.beta) ? ` + ${scaled(d.lane("y_", k), p.beta, p.dtype)}` : ""};`);
    }
    for (const c of p.outputs) w.line(d.write(c, "out_"));
  });
}

function emitTileTranspose(w: CodeWriter, d: LinalgDialect, p: TileTranspose): void {
  const T = d.scalar(p.dtype);
  const CV = p.cols / d.W;
  w.line(`${T} tile_[${p.tileRows}][${p.cols}];`);
  for (const x of d.cyclic("tile_", d.W, 2)) w.directive(x);
  w.block(`for (int t_ = 0; t_ < ${p.tiles}; ++t_)`, () => {
    w.line("int r_ = 0, c_ = 0;");
    pipelined(w, d, `for (int n_ = 0; n_ < ${p.tileRows * CV}; ++n_)`, "one vector of the tile stored per iteration.", () => {
      w.line(`const ${d.vec(p.dtype)} v_ = ${d.read(p.input)};`);
      for (let k = 0; k < d.W; k++) w.line(`tile_[r_][c_ * ${d.W} + ${k}] = ${d.lane("v_", k)};`);
      w.block(`if (c_ + 1 == ${CV})`, () => w.line("c_ = 0; ++r_;"));
      w.block("else", () => w.line("++c_;"));
    });
    w.line("int p_ = 0, k_ = 0;");
    pipelined(w, d, `for (int n_ = 0; n_ < ${p.tileRows * p.cols}; ++n_)`, "one element sent per iteration, column by column.", () => {
      w.line(d.write(p.output, "tile_[p_][k_]"));
      w.block(`if (p_ + 1 == ${p.tileRows})`, () => w.line("p_ = 0; ++k_;"));
      w.block("else", () => w.line("++p_;"));
    });
  });
}

function emitRankUpdate(w: CodeWriter, d: LinalgDialect, p: RankUpdatePE): void {
  const T = d.scalar(p.dtype);
  const VT = d.vec(p.dtype);
  const CV = p.cols / d.W;
  // Term k's v on chip (v_tk_), its u as read (uin_tk_, W rows) and the current row's element (u_tk_).
  p.terms.forEach((t, k) => w.line(`${VT} v_t${k}_[${CV}]; // term ${k}: v from ${t.v}, on chip`));
  pipelined(w, d, `for (int c_ = 0; c_ < ${CV}; ++c_)`, "the v vectors are copied on chip.", () => {
    p.terms.forEach((t, k) => w.line(`v_t${k}_[c_] = ${d.read(t.v)};`));
  });
  p.terms.forEach((t, k) => w.line(`${VT} uin_t${k}_ = ${d.zero(p.dtype)}; ${T} u_t${k}_ = ${literal(0, p.dtype)}; // term ${k}: u from ${t.u}, W rows' elements and the current row's`));
  w.line("int r_ = 0, c_ = 0;");
  pipelined(w, d, `for (int t_ = 0; t_ < ${p.rows * CV}; ++t_)`, "each vector is updated on its own; only counters and the row's u elements are carried.", () => {
    w.block("if (c_ == 0)", () => {
      w.line(`const int lane_ = r_ % ${d.W};`);
      w.block("if (lane_ == 0)", () => p.terms.forEach((t, k) => w.line(`uin_t${k}_ = ${d.read(t.u)};`)));
      p.terms.forEach((_, k) => w.line(`u_t${k}_ = ${getLane(d, `uin_t${k}_`, "lane_")};`));
    });
    w.line(`const ${VT} a_ = ${d.read(p.matrix)};`);
    w.line(`${VT} out_;`);
    for (let l = 0; l < d.W; l++) {
      const terms = p.terms.map((_, k) => `u_t${k}_ * ${d.lane(`v_t${k}_[c_]`, l)}`);
      w.line(`${d.lane("out_", l)} = ${d.lane("a_", l)} + ${sumTree(terms)};`);
    }
    for (const c of p.outputs) w.line(d.write(c, "out_"));
    w.block(`if (c_ + 1 == ${CV})`, () => w.line("c_ = 0; ++r_;"));
    w.block("else", () => w.line("++c_;"));
  });
}
