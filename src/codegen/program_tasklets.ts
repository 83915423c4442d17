// The tasklet layer of the program code generator (see program_code.ts): a tasklet becomes a
// block that binds its connectors to the data its memlets name (scalars, arrays, vector lanes,
// stream reads), runs its statements (once, or once per lane of a tasklet on vectors) and writes
// its outputs back, refusing stream accesses the lanes would not agree on.

import { collectNames, evalPExpr, stmtExprs } from "./program_analysis.js";
import { UserError } from "../ir/diagnostics.js";
import { lanesOf, type PExpr, type PNode, type PRange, type PState, type PStmt } from "../ir/program.js";
import { type DataRef, Env, type Conn, type StmtCtx, ident, laneGuardMessage } from "./program_code_context.js";
import { ProgramMemoryCode } from "./program_memory_access.js";

export abstract class ProgramTaskletCode extends ProgramMemoryCode {
  // ---------------------------------------------------------------- tasklets

  protected tasklet(s: PState, n: Extract<PNode, { kind: "tasklet" }>, env: Env): void {
    const inner = new Env(env.prog, env, env.prefix);
    for (const [k, v] of env.data) inner.data.set(k, v);
    const conns = new Map<string, Conn>();
    this.w.comment(`tasklet ${n.label}`);
    this.w.block("", () => {
      for (const e of this.inE(s, n.id).filter((x) => x.memlet && x.dstConn)) {
        const m = e.memlet!;
        const ref = this.ref(m.data, env, e.where);
        const sub = m.subset ?? [];
        const dims = this.dims(sub);
        const c = `in_${ident(e.dstConn!, n.where)}`;
        if (ref.stream) {
          if (!dims.every((d) => d.single)) throw new UserError(e.where, `tasklet '${n.label}' reads several channels of stream '${m.data}' through one connector; read one channel per connector`);
          const channel = this.element(ref, sub.map((r) => r.start), env, e.where);
          // A dynamic memlet reads where the code uses the connector (as DaCe does); otherwise the
          // one element is read when the tasklet starts.
          const volume = m.volume ? evalPExpr(m.volume, this.symValues) : 1;
          if (!m.dynamic && volume !== 1) throw new UserError(e.where, `tasklet '${n.label}' reads ${volume ?? "a symbolic number of"} elements of stream '${m.data}' through one connector; a non-dynamic stream connector reads one element (make the memlet dynamic to read where the code names it)`);
          if (m.dynamic) conns.set(e.dstConn!, { c, t: ref.desc.dtype, streamIn: channel, ...(lanesOf(ref.desc) > 1 ? { w: lanesOf(ref.desc) } : {}) });
          else {
            this.w.line(`const ${this.dataType(ref.desc, e.where)} ${c} = ${this.streamRead(channel, ref.desc.dtype)};  // blocking read`);
            conns.set(e.dstConn!, { c, t: ref.desc.dtype, ...(lanesOf(ref.desc) > 1 ? { w: lanesOf(ref.desc) } : {}) });
          }
          continue;
        }
        const lanes = lanesOf(ref.desc);
        const span = this.vectorSpan(ref, sub, n.vectorConns?.[e.dstConn!], e.where);
        if (ref.desc.kind === "scalar" || dims.every((d) => d.single)) {
          const T = this.dataType(ref.desc, e.where);
          this.w.line(`const ${T} ${c} = ${this.element(ref, sub.map((r) => r.start), env, e.where)};`);
          conns.set(e.dstConn!, { c, t: ref.desc.dtype, ...(lanes > 1 ? { w: lanes } : {}) });
        } else if (span) {
          // DaCe's Vectorization: W consecutive scalars of the contiguous axis make one vector.
          this.w.line(`${this.vecType(ref.desc.dtype, span.w, e.where)} ${c};`);
          for (let k = 0; k < span.w; k++) this.w.line(`${this.lane(c, k)} = ${this.element(ref, span.at(k), env, e.where)};`);
          conns.set(e.dstConn!, { c, t: ref.desc.dtype, w: span.w });
        } else {
          conns.set(e.dstConn!, { c: "", t: ref.desc.dtype, arr: { ref, sub } });
        }
      }
      for (const e of this.outE(s, n.id).filter((x) => x.memlet && x.srcConn)) {
        const m = e.memlet!;
        const ref = this.ref(m.data, env, e.where);
        const sub = m.subset ?? [];
        const dims = this.dims(sub);
        const c = `out_${ident(e.srcConn!, n.where)}`;
        if (ref.stream && !dims.every((d) => d.single)) throw new UserError(e.where, `tasklet '${n.label}' writes several channels of stream '${m.data}' through one connector; write one channel per connector`);
        const lanes = lanesOf(ref.desc);
        const vec = lanes > 1 ? { w: lanes } : {};
        const vw = n.vectorConns?.[e.srcConn!];
        const single = ref.desc.kind === "scalar" || dims.every((d) => d.single);
        const span = single ? null : this.vectorSpan(ref, sub, vw, e.where);
        if (single && vw !== undefined && lanes === 1 && m.wcr) {
          // A vector written with WCR into one scalar (Vectorization of a reduction): as DaCe's
          // vreduce, the lanes are combined first, then the result into the scalar.
          this.w.line(`${this.vecType(ref.desc.dtype, vw, e.where)} ${c};`);
          conns.set(e.srcConn!, { c, t: ref.desc.dtype, w: vw, reduce: { ref, idx: sub.map((r) => r.start), wcr: m.wcr } });
        } else if (single) {
          const idx = sub.map((r) => r.start);
          if (m.dynamic) conns.set(e.srcConn!, { c, t: ref.desc.dtype, ...vec, direct: { ref, idx, wcr: m.wcr } });
          else {
            this.w.line(`${this.dataType(ref.desc, e.where)} ${c}${this.usesStreams ? "{}" : ""};`);
            conns.set(e.srcConn!, { c, t: ref.desc.dtype, ...vec, out: { ref, idx, wcr: m.wcr } });
          }
        } else if (span) {
          if (m.dynamic) throw new UserError(e.where, `vector connector '${e.srcConn}' with a dynamic memlet over scalars is not supported`);
          this.w.line(`${this.vecType(ref.desc.dtype, span.w, e.where)} ${c};`);
          conns.set(e.srcConn!, { c, t: ref.desc.dtype, w: span.w, scatter: { ref, at: span.at, wcr: m.wcr } });
        } else {
          conns.set(e.srcConn!, { c: "", t: ref.desc.dtype, arr: { ref, sub, wcr: m.wcr } });
        }
      }
      const W = this.taskletLanes(n, conns);
      const ctx: StmtCtx = { conns, locals: new Map(), env: inner, where: n.where };
      if (W === 1) this.stmts(n.code, ctx);
      else {
        // Vector connectors: the tasklet's code runs on each lane (scalars broadcast).
        const vectors = [...conns].filter(([, v]) => v.w).map(([k]) => k).join(", ");
        this.vectorStreamStaging(n, conns);
        this.w.comment(`on vectors of ${W} lanes (${vectors}): the code runs lane by lane`);
        if (this.d === "opencl") {
          // OpenCL C names lanes .s0 .. .sf: one block per lane.
          for (let k = 0; k < W; k++) this.w.block("", () => this.stmts(n.code, { ...ctx, locals: new Map(), lane: k, streamUses: new Map(), varyingLocals: new Set() }));
        } else {
          const kv = `sdfg_lane${this.counter++}`;
          this.w.block(`for (int ${kv} = 0; ${kv} < ${W}; ${kv}++)`, () => {
            if (this.d === "hls") this.w.directive("#pragma HLS UNROLL");
            this.stmts(n.code, { ...ctx, locals: new Map(), lane: kv, streamUses: new Map(), varyingLocals: new Set() });
          });
        }
      }
      for (const [, v] of conns) {
        if (v.staged) this.w.line(`if (${v.staged}) ${this.streamWrite(this.element(v.direct!.ref, v.direct!.idx, env, n.where), v.c)};  // blocking write of the vector`);
        if (v.out) this.write(v.out.ref, v.out.idx, { text: v.c, t: v.t, ...(v.w ? { w: v.w } : {}) }, v.out.wcr, env, n.where);
        if (v.scatter) for (let k = 0; k < v.w!; k++) this.write(v.scatter.ref, v.scatter.at(k), { text: this.lane(v.c, k), t: v.t }, v.scatter.wcr, env, n.where);
        if (v.reduce) {
          const h = `sdfg_lanes${this.counter++}`;
          this.w.line(`${this.type(v.t, n.where)} ${h} = ${this.lane(v.c, 0)};`);
          for (let k = 1; k < v.w!; k++) this.w.line(`${h} = ${this.conv(this.combine(v.reduce.wcr, { text: h, t: v.t }, { text: this.lane(v.c, k), t: v.t }, env), v.t)};`);
          this.write(v.reduce.ref, v.reduce.idx, { text: h, t: v.t }, v.reduce.wcr, env, n.where);
        }
      }
    });
  }

  /**
   * Vector streams a tasklet on vectors reads or writes where its code names them (dynamic
   * memlets): the code runs lane by lane, yet a FIFO moves whole vectors. Each use of a read
   * connector reads one vector (in lane 0) into its own variable declared here, which the other
   * lanes take their lane from; a written connector's lanes are gathered into a vector declared
   * here and written once after the lanes, if the code wrote it. The lanes must agree on whether
   * a use runs (conditions on scalars, as in DaCe's vectorized systolic GEMM).
   */
  protected vectorStreamStaging(n: Extract<PNode, { kind: "tasklet" }>, conns: Map<string, Conn>): void {
    for (const [name, v] of conns) {
      if (!v.w) continue;
      const T = this.vecType(v.t, v.w, n.where);
      if (v.streamIn) {
        const uses = n.code.flatMap(stmtExprs).flatMap(collectNames).filter((x) => x === name).length;
        v.streamUse = [];
        for (let i = 0; i < uses; i++) {
          v.streamUse.push(`${v.c}_use${i}`);
          this.w.line(`${T} ${v.c}_use${i};  // use ${i + 1} of '${name}': one vector read from its stream`);
        }
      } else if (v.direct?.ref.stream) {
        v.staged = `${v.c}_written`;
        this.w.line(`${T} ${v.c};  // '${name}': the lanes of one vector for its stream`);
        this.w.line(`bool ${v.staged} = false;`);
      }
    }
  }

  /** Lanes the tasklet's code runs on: 1, or the one width of all its vector connectors. */
  protected taskletLanes(n: Extract<PNode, { kind: "tasklet" }>, conns: Map<string, Conn>): number {
    const widths = new Set([...conns.values()].flatMap((v) => (v.w ? [v.w] : [])));
    if (widths.size > 1) throw new UserError(n.where, `tasklet '${n.label}' mixes vectors of ${[...widths].join(" and ")} lanes`);
    return widths.size === 1 ? [...widths][0]! : 1;
  }

  /**
   * A connector DaCe types `dace.vector(T, W)` over W consecutive scalars of the array's
   * contiguous axis (the Vectorization transformation's memlet `A[i:i+W]`): where lane k is.
   * Null when the connector is not such a vector.
   */
  protected vectorSpan(ref: DataRef, sub: PRange[], w: number | undefined, where: string): { w: number; at: (k: number) => PExpr[] } | null {
    if (w === undefined || lanesOf(ref.desc) !== 1) return null;
    const dims = this.dims(sub);
    const wide = dims.map((d, i) => [d, i] as const).filter(([d]) => !d.single);
    const extent = (r: PRange): number | undefined => {
      // Lanes of a range such as i:i+W (end - start, the same for every value of its names).
      const diff: PExpr = { kind: "binary", op: "-", left: r.end, right: r.start };
      const names = [...new Set(collectNames(diff))];
      const at = (v: number) => evalPExpr(diff, { ...Object.fromEntries(names.map((x) => [x, v])), ...this.symValues });
      const a = at(0);
      return a !== undefined && a === at(7) ? a + 1 : undefined;
    };
    if (wide.length !== 1 || extent(wide[0]![0].r) !== w || evalPExpr(wide[0]![0].r.step, {}) !== 1) {
      throw new UserError(where, `a connector of ${w}-lane vectors over scalar data needs a memlet of ${w} consecutive elements of one axis`);
    }
    const axis = wide[0]![1];
    if (evalPExpr(ref.desc.strides[axis]!, this.symValues) !== 1) throw new UserError(where, `a connector of ${w}-lane vectors reads axis ${axis}, which is not contiguous (stride 1)`);
    return {
      w,
      at: (k) => sub.map((r, i) => (i === axis ? { kind: "binary", op: "+", left: r.start, right: { kind: "number", value: k, integer: true } } : r.start)),
    };
  }

  protected stmts(list: PStmt[], ctx: StmtCtx): void {
    for (const st of list) {
      const where = st.pos ? `${ctx.where}.attributes.code: line ${st.pos.line} col ${st.pos.column}` : ctx.where;
      if (st.kind === "if") {
        const inner = this.underCondition(st.cond, ctx);
        this.w.block(`if (${this.cond(st.cond, ctx.env, ctx)})`, () => this.stmts(st.then, inner));
        if (st.otherwise.length > 0) this.w.block("else", () => this.stmts(st.otherwise, inner));
        continue;
      }
      const val = this.expr(st.value, ctx.env, ctx);
      const conn = ctx.conns.get(st.target);
      if (conn) {
        if (ctx.lane !== undefined && !conn.w && !(conn.arr && lanesOf(conn.arr.ref.desc) > 1)) {
          throw new UserError(where, `'${st.target}' is a scalar output of a tasklet on vectors: only vector outputs can be written lane by lane`);
        }
        if (conn.arr) {
          if (!st.indices) throw new UserError(where, `'${st.target}' is an array connector: assign to an element (${st.target}[i] = …)`);
          const lhs = this.lanedElement(this.connElement(conn.arr, st.indices, ctx, where), conn.arr.ref, ctx, where);
          const v = conn.arr.wcr ? this.combine(conn.arr.wcr, { text: lhs, t: conn.t }, val, ctx.env) : val;
          this.w.line(`${lhs} = ${this.conv(v, conn.t)};`);
        } else if (st.indices) {
          throw new UserError(where, `'${st.target}' is a single ${conn.w ? "vector (its lanes cannot be indexed)" : "element"} and cannot be indexed`);
        } else if (conn.staged) {
          if (ctx.laneGuard) throw new UserError(where, laneGuardMessage(st.target, "writes", ctx.laneGuard));
          this.w.line(`${this.lane(conn.c, ctx.lane!)} = ${this.conv(val, conn.t)};`);
          this.w.line(`${conn.staged} = true;`);
        } else if (conn.direct) {
          if (conn.w) {
            const lhs = this.lane(this.element(conn.direct.ref, conn.direct.idx, ctx.env, where), ctx.lane!);
            const v = conn.direct.wcr ? this.combine(conn.direct.wcr, { text: lhs, t: conn.t }, val, ctx.env) : val;
            this.w.line(`${lhs} = ${this.conv(v, conn.t)};`);
          } else this.write(conn.direct.ref, conn.direct.idx, val, conn.direct.wcr, ctx.env, where);
        } else this.w.line(`${conn.w ? this.lane(conn.c, ctx.lane!) : conn.c} = ${this.conv(val, conn.t)};`);
        continue;
      }
      if (st.indices) throw new UserError(where, `'${st.target}' is not an output connector of the tasklet`);
      let loc = ctx.locals.get(st.target);
      if (!loc) {
        loc = { c: `t${this.counter++}_${ident(st.target, where)}`, t: val.t };
        if (ctx.varyingLocals && (ctx.laneGuard || this.laneVarying(st.value, ctx))) ctx.varyingLocals.add(st.target);
        ctx.locals.set(st.target, loc);
        this.w.line(`${this.type(loc.t, where)} ${loc.c} = ${val.text};`);
      } else {
        if (ctx.varyingLocals && (ctx.laneGuard || this.laneVarying(st.value, ctx))) ctx.varyingLocals.add(st.target);
        this.w.line(`${loc.c} = ${this.conv(val, loc.t)};`);
      }
    }
  }

  /**
   * The context inside a branch on `cond`: in a tasklet on vectors, a condition that names a
   * vector connector or a local computed from one may differ between lanes (`laneGuard`).
   */
  protected override underCondition(cond: PExpr, ctx: StmtCtx): StmtCtx {
    const g = ctx.lane === undefined ? undefined : this.laneVarying(cond, ctx);
    return g ? { ...ctx, laneGuard: g } : ctx;
  }

  /** A name in `e` whose value may differ between the lanes of a tasklet on vectors, if any. */
  protected laneVarying(e: PExpr, ctx: StmtCtx): string | undefined {
    return collectNames(e).find((x) => ctx.varyingLocals?.has(x) || (!ctx.locals.has(x) && ctx.conns.get(x)?.w !== undefined));
  }

  /** An element of vector data inside a tasklet on vectors: its lane; scalar data: as it is. */
  protected override lanedElement(text: string, ref: DataRef, ctx: StmtCtx | undefined, where: string): string {
    if (lanesOf(ref.desc) === 1) return text;
    if (ctx?.lane === undefined) throw new UserError(where, "vector data is used where a scalar is needed (outside a tasklet on vectors)");
    return this.lane(text, ctx.lane);
  }

  /** Element of an array connector: indices relative to the memlet subset's start. */
  protected override connElement(arr: { ref: DataRef; sub: PRange[] }, indices: PExpr[], ctx: StmtCtx, where: string): string {
    const dims = this.dims(arr.sub);
    const full = indices.length === dims.length;
    const nonSingle = dims.filter((d) => !d.single);
    if (!full && indices.length !== nonSingle.length) throw new UserError(where, `array connector indexed with ${indices.length} indices but its subset has ${nonSingle.length} dimension(s)`);
    let k = 0;
    const abs: PExpr[] = dims.map((d) => {
      if (!full && d.single) return d.r.start;
      const ix = indices[k++]!;
      return { kind: "binary", op: "+", left: d.r.start, right: { kind: "binary", op: "*", left: ix, right: d.r.step } };
    });
    return this.element(arr.ref, abs, ctx.env, where, ctx);
  }
}
