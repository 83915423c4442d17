// The bodies of a vertical solver's processes (spatial/linalg_pipeline.ts: plane readers, sweep
// PEs, plane-reversal buffers, plane writers), written once for both vendors through the linear
// algebra dialect (linalg_code.ts): the Vitis HLS kernel and the Intel OpenCL kernels print the
// same loops.
//
// Why every loop reaches II=1: each iteration moves one element through each FIFO it touches and
// does one memory access (readers, writers) or none (PEs, buffers). The only state a sweep PE
// carries through arithmetic is the previous plane of its recurrences, one element per column:
// iteration n reads and rewrites element c = n mod C (C = I*J columns), which the next plane
// touches C iterations later, so consecutive iterations work on different columns and the
// dependence distance is C (declared to the tools). The plane-reversal buffer's two loops each
// access the buffer once per iteration.
//
// At W > 1 every transfer is a word of W neighbouring columns along j (the arrays plane-major on
// the device, spatial/linalg/lower_vertical.ts says why); the sweep PE runs its plane code once per
// lane, unrolled, each lane on its own column and its own lane of the previous-plane words, so the
// dependence distance is the C / W words of a plane.

import type { CodeWriter } from "../codegen/code_writer.js";
import { printCExpr, type CExprContext } from "../codegen/c_expr.js";
import { escapeUnsafe, quoteUserText } from "../codegen/user_text.js";
import type { PlaneReader, PlaneReverse, PlaneWriter, SweepPE } from "../spatial/linalg_pipeline.js";
import { literal, type LinalgDialect } from "./linalg_code.js";

const II = "II=1:";

function pipelined(w: CodeWriter, d: LinalgDialect, head: string, why: string, body: () => void, safelen?: number, claim = II): void {
  w.comment(`${claim} ${why}`);
  for (const x of d.beforeLoop(safelen)) w.directive(x);
  w.block(head, () => {
    for (const x of d.pipeline) w.directive(x);
    body();
  });
}

/** Steps (i_, j, k_) through `rows` x `cols` columns (or words, `j` = `jv_`) of each plane, k walking `direction`. */
function advance(w: CodeWriter, rows: number, cols: number, direction: "up" | "down", j = "j_"): void {
  w.block(`if (${j} + 1 < ${cols})`, () => w.line(`++${j};`));
  w.block(`else if (i_ + 1 < ${rows})`, () => w.line(`${j} = 0; ++i_;`));
  w.block("else", () => w.line(`${j} = 0; i_ = 0; ${direction === "up" ? "++k_" : "--k_"};`));
}

/** Steps (c_, k_) through `words` words of each plane, k walking `direction`. */
function advanceWord(w: CodeWriter, words: number, direction: "up" | "down"): void {
  w.block(`if (c_ + 1 < ${words})`, () => w.line("++c_;"));
  w.block("else", () => w.line(`c_ = 0; ${direction === "up" ? "++k_" : "--k_"};`));
}

const firstPlane = (planes: number, direction: "up" | "down") => (direction === "up" ? 0 : planes - 1);

export function emitPlaneReader(w: CodeWriter, d: LinalgDialect, r: PlaneReader): void {
  if (d.W > 1) return emitPlaneMajorReader(w, d, r);
  const [R, S, K] = r.shape;
  const [I, J] = r.columns;
  w.comment(`Element (i_, j_, k_) is ${r.array}[i_][j_][k_] (k innermost in memory); each tap takes it as its value at (i_ - di, j_ - dj, k_ - dk).`);
  w.line(`int i_ = 0, j_ = 0, k_ = ${firstPlane(K, r.direction)};`);
  pipelined(w, d, `for (int n_ = 0; n_ < ${R * S * K}; ++n_)`, "one memory read per iteration, sent to the taps that use it; only counters are carried.", () => {
    w.line(`const ${d.scalar(r.dtype)} x_ = ${r.array}[(i_ * ${S} + j_) * ${K} + k_];`);
    for (const t of r.taps) {
      const [di, dj, dk] = t.offset;
      const conds = [
        ...(di > 0 ? [`i_ >= ${di}`] : []), ...(I + di < R ? [`i_ < ${I + di}`] : []),
        ...(dj > 0 ? [`j_ >= ${dj}`] : []), ...(J + dj < S ? [`j_ < ${J + dj}`] : []),
        ...(t.planes[0] + dk > 0 ? [`k_ >= ${t.planes[0] + dk}`] : []), ...(t.planes[1] + dk < K - 1 ? [`k_ <= ${t.planes[1] + dk}`] : []),
      ];
      const send = d.write(t.channel, "x_");
      w.line(conds.length > 0 ? `if (${conds.join(" && ")}) ${send} // offset (${t.offset.join(", ")})` : `${send} // offset (${t.offset.join(", ")})`);
    }
    advance(w, R, S, r.direction);
  });
}

/** W > 1: one plane-major word of W neighbouring columns per iteration (lower_vertical.ts). */
function emitPlaneMajorReader(w: CodeWriter, d: LinalgDialect, r: PlaneReader): void {
  const [R, S, K] = r.shape;
  const [I, J] = r.columns;
  const W = d.W;
  const SV = S / W;
  w.comment(`Word (i_, jv_, k_) is ${r.array}[i_][jv_ * ${W} .. jv_ * ${W} + ${W - 1}][k_], stored plane-major (k outermost; the host reorders the array); each tap takes it as its word at (i_ - di, jv_ - dj / ${W}, k_ - dk).`);
  w.line(`int i_ = 0, jv_ = 0, k_ = ${firstPlane(K, r.direction)};`);
  pipelined(w, d, `for (int n_ = 0; n_ < ${R * SV * K}; ++n_)`, "one wide memory read per iteration, sent to the taps that use it; only counters are carried.", () => {
    w.line(`const ${d.vec(r.dtype)} x_ = ${r.array}[(k_ * ${R} + i_) * ${SV} + jv_];`);
    for (const t of r.taps) {
      const [di, dj, dk] = t.offset;
      const djv = dj / W;
      const conds = [
        ...(di > 0 ? [`i_ >= ${di}`] : []), ...(I + di < R ? [`i_ < ${I + di}`] : []),
        ...(djv > 0 ? [`jv_ >= ${djv}`] : []), ...(J / W + djv < SV ? [`jv_ < ${J / W + djv}`] : []),
        ...(t.planes[0] + dk > 0 ? [`k_ >= ${t.planes[0] + dk}`] : []), ...(t.planes[1] + dk < K - 1 ? [`k_ <= ${t.planes[1] + dk}`] : []),
      ];
      const send = d.write(t.channel, "x_");
      w.line(conds.length > 0 ? `if (${conds.join(" && ")}) ${send} // offset (${t.offset.join(", ")})` : `${send} // offset (${t.offset.join(", ")})`);
    }
    advance(w, R, SV, r.direction, "jv_");
  });
}

/** The plane code of one column: its values' starting points, then each phase on its planes. */
function emitColumnCode(w: CodeWriter, p: SweepPE, T: string, zero: string, ctx: CExprContext): void {
  for (const v of p.values) w.line(`${T} ${v.name} = ${v.initial ?? v.previous ?? zero}; // ${quoteUserText(v.data)}`);
  for (const ph of p.phases) {
    const lo = Math.min(ph.from, ph.to);
    const hi = Math.max(ph.from, ph.to);
    w.comment(escapeUnsafe(ph.source));
    w.block(`if (k_ >= ${lo} && k_ <= ${hi})`, () => {
      const values = new Set(p.values.map((v) => v.name));
      for (const a of ph.code) {
        const text = printCExpr(a.value, ctx);
        w.line(values.has(a.target) ? `${a.target} = ${text};` : `const ${T} ${a.target} = ${text};`);
      }
    });
  }
}

/** The II claim of a sweep loop whose previous-plane state comes back `distance` iterations later. */
function sweepReach(p: SweepPE, distance: number, unit: string): { reach: string; reached: boolean } {
  const carried = p.values.some((v) => v.previous);
  const reached = !carried || distance >= p.pipelineDepth;
  const reach = reached
    ? `consecutive iterations touch different ${unit} (true dependence distance ${distance}${carried ? `, at least the arithmetic's estimated ${p.pipelineDepth} cycles` : ""}).`
    : `consecutive iterations touch different ${unit} (true dependence distance ${distance}), but the arithmetic is estimated ${p.pipelineDepth} cycles deep, more than the ${distance} ${unit} of a plane: expect the tools to schedule II=${Math.ceil(p.pipelineDepth / distance)} unless the planes are wider.`;
  return { reach, reached };
}

export function emitSweepPE(w: CodeWriter, d: LinalgDialect, p: SweepPE): void {
  if (d.W > 1) return emitWideSweepPE(w, d, p);
  const T = d.scalar(p.dtype);
  const [I, J] = p.columns;
  const C = I * J;
  const zero = literal(0, p.dtype);
  const carried = p.values.filter((v) => v.previous);
  const ctx = sweepContext(d, p);
  for (const v of carried) {
    w.line(`${T} ${v.previous}_plane_[${C}]; // ${quoteUserText(v.data)} of the previous plane, one element per column (on chip)`);
    for (const x of d.dependence(`${v.previous}_plane_`, C)) w.directive(x);
  }
  if (carried.length > 0) {
    pipelined(w, d, `for (int c_ = 0; c_ < ${C}; ++c_)`, "the previous planes start at zero, one column per iteration.", () => {
      for (const v of carried) w.line(`${v.previous}_plane_[c_] = ${zero};`);
    });
  }
  w.line(`int c_ = 0, k_ = ${firstPlane(p.planes, p.direction)}; // column (i * ${J} + j) and plane of this iteration`);
  // The previous plane's value feeds this plane's arithmetic (about pipelineDepth cycles deep)
  // whose result is stored back C iterations after it was read: II=1 needs C >= that depth.
  const { reach, reached } = sweepReach(p, C, "columns");
  pipelined(w, d, `for (int n_ = 0; n_ < ${C * p.planes}; ++n_)`,
    `one column of plane k_ per iteration. The previous planes are read and rewritten at column c_ only, which the next plane reaches ${C} iterations later: ${reach}`,
    () => {
      for (const t of p.taps) {
        const always = t.planes[0] === 0 && t.planes[1] === p.planes - 1;
        if (always) w.line(`const ${T} ${t.name} = ${d.read(t.channel)};`);
        else {
          w.line(`${T} ${t.name} = ${zero};`);
          w.line(`if (k_ >= ${t.planes[0]} && k_ <= ${t.planes[1]}) ${t.name} = ${d.read(t.channel)}; // its planes only`);
        }
      }
      for (const v of carried) w.line(`const ${T} ${v.previous} = ${v.previous}_plane_[c_];`);
      emitColumnCode(w, p, T, zero, ctx);
      for (const v of carried) w.line(`${v.previous}_plane_[c_] = ${v.name};`);
      for (const r of p.results) for (const c of r.channels) w.line(d.write(c, r.name));
      advanceWord(w, C, p.direction);
    }, carried.length > 0 ? C : undefined, reached ? II : "II=1 requested:");
}

/**
 * W > 1: each iteration takes one word of W neighbouring columns from every tap and runs the plane
 * code once per lane (unrolled: W copies of the arithmetic side by side), each lane on its own
 * column and its own lane of the previous-plane words; the results leave as words.
 */
function emitWideSweepPE(w: CodeWriter, d: LinalgDialect, p: SweepPE): void {
  const T = d.scalar(p.dtype);
  const VT = d.vec(p.dtype);
  const W = d.W;
  const [I, J] = p.columns;
  const CV = (I * J) / W;
  const zero = literal(0, p.dtype);
  const carried = p.values.filter((v) => v.previous);
  const ctx = sweepContext(d, p);
  for (const v of carried) {
    w.line(`${VT} ${v.previous}_plane_[${CV}]; // ${quoteUserText(v.data)} of the previous plane, one word of ${W} columns per entry (on chip)`);
    for (const x of d.dependence(`${v.previous}_plane_`, CV)) w.directive(x);
  }
  if (carried.length > 0) {
    pipelined(w, d, `for (int c_ = 0; c_ < ${CV}; ++c_)`, "the previous planes start at zero, one word per iteration.", () => {
      for (const v of carried) w.line(`${v.previous}_plane_[c_] = ${d.zero(p.dtype)};`);
    });
  }
  w.line(`int c_ = 0, k_ = ${firstPlane(p.planes, p.direction)}; // word of plane k_ (columns c_ * ${W} .. c_ * ${W} + ${W - 1}, column = i * ${J} + j) and the plane`);
  const { reach, reached } = sweepReach(p, CV, "words");
  pipelined(w, d, `for (int n_ = 0; n_ < ${CV * p.planes}; ++n_)`,
    `one word of ${W} columns of plane k_ per iteration, the lanes side by side. The previous planes are read and rewritten at word c_ only, which the next plane reaches ${CV} iterations later: ${reach}`,
    () => {
      for (const t of p.taps) {
        const always = t.planes[0] === 0 && t.planes[1] === p.planes - 1;
        if (always) w.line(`const ${VT} ${t.name}_in_ = ${d.read(t.channel)};`);
        else {
          w.line(`${VT} ${t.name}_in_ = ${d.zero(p.dtype)};`);
          w.line(`if (k_ >= ${t.planes[0]} && k_ <= ${t.planes[1]}) ${t.name}_in_ = ${d.read(t.channel)}; // its planes only`);
        }
      }
      for (const v of carried) w.line(`const ${VT} ${v.previous}_was_ = ${v.previous}_plane_[c_];`);
      for (const v of carried) w.line(`${VT} ${v.previous}_next_;`);
      for (const r of p.results) w.line(`${VT} ${r.name}_out_;`);
      for (let l = 0; l < W; l++) {
        w.block(`/* lane ${l}: column c_ * ${W} + ${l} */`, () => {
          for (const t of p.taps) w.line(`const ${T} ${t.name} = ${d.lane(`${t.name}_in_`, l)};`);
          for (const v of carried) w.line(`const ${T} ${v.previous} = ${d.lane(`${v.previous}_was_`, l)};`);
          emitColumnCode(w, p, T, zero, ctx);
          for (const v of carried) w.line(`${d.lane(`${v.previous}_next_`, l)} = ${v.name};`);
          for (const r of p.results) w.line(`${d.lane(`${r.name}_out_`, l)} = ${r.name};`);
        });
      }
      for (const v of carried) w.line(`${v.previous}_plane_[c_] = ${v.previous}_next_;`);
      for (const r of p.results) for (const c of r.channels) w.line(d.write(c, `${r.name}_out_`));
      advanceWord(w, CV, p.direction);
    }, carried.length > 0 ? CV : undefined, reached ? II : "II=1 requested:");
}

export function emitPlaneReverse(w: CodeWriter, d: LinalgDialect, p: PlaneReverse): void {
  // Words of W columns at W > 1.
  const T = d.W > 1 ? d.vec(p.dtype) : d.scalar(p.dtype);
  const columns = p.columns / d.W;
  const N = p.planes * columns;
  w.line(`${T} planes_[${N}]; // every plane of the sweep (on chip)`);
  pipelined(w, d, `for (int n_ = 0; n_ < ${N}; ++n_)`, "one element stored per iteration.", () => {
    w.line(`planes_[n_] = ${d.read(p.input)};`);
  });
  w.line(`int c_ = 0, k_ = ${p.planes - 1}; // the last plane first`);
  pipelined(w, d, `for (int n_ = 0; n_ < ${N}; ++n_)`, "one element sent per iteration; only counters are carried.", () => {
    w.line(d.write(p.output, `planes_[k_ * ${columns} + c_]`));
    advanceWord(w, columns, "down");
  });
}

export function emitPlaneWriter(w: CodeWriter, d: LinalgDialect, p: PlaneWriter): void {
  const [I, J, K] = p.shape;
  if (d.W > 1) {
    const CV = (I * J) / d.W;
    w.comment(`Word c_ of plane k_ holds ${p.array}[i][j .. j + ${d.W - 1}][k_] (c_ = (i * ${J} + j) / ${d.W}), stored plane-major (k outermost; the host reorders the array).`);
    w.line(`int c_ = 0, k_ = ${firstPlane(K, p.direction)};`);
    pipelined(w, d, `for (int n_ = 0; n_ < ${CV * K}; ++n_)`, "one wide word stored per iteration; only counters are carried.", () => {
      w.line(`${p.array}[k_ * ${CV} + c_] = ${d.read(p.input)};`);
      d.progress(w);
      advanceWord(w, CV, p.direction);
    });
    return;
  }
  w.line(`int i_ = 0, j_ = 0, k_ = ${firstPlane(K, p.direction)};`);
  pipelined(w, d, `for (int n_ = 0; n_ < ${I * J * K}; ++n_)`, "one element stored per iteration; only counters are carried.", () => {
    w.line(`${d.lane(`${p.array}[(i_ * ${J} + j_) * ${K} + k_]`, 0)} = ${d.read(p.input)};`);
    d.progress(w);
    advance(w, I, J, p.direction);
  });
}

/** How a sweep PE's code spells its expressions: its values by name, no fields (they arrive as stream words). */
function sweepContext(d: LinalgDialect, p: SweepPE): CExprContext {
  return {
    dtype: p.dtype,
    access: () => { throw new Error("a sweep PE reads no fields"); },
    name: (n) => n,
    ...d.expressions,
  };
}
