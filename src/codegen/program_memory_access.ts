// The memory layer of the program code generator (see program_code.ts): where containers live
// (transients on chip or in device memory), the element an index names (flattened, vector lanes,
// stream channels), access nodes with their copies (whole ranges, lane by lane), views bound as
// pointers into what they view, and writes through a memlet with or without WCR.

import { exitPathEnd } from "./memlet_path.js";
import { selectedChannel } from "./channel_select.js";
import type { Space } from "./dialect.js";
import { evalPExpr, sameExpr } from "./program_analysis.js";
import { UserError } from "../ir/diagnostics.js";
import {
  isIntegral, lanesOf, PDTYPE_BYTES, type PDataDesc, type PEdge, type PExpr, type PMemlet, type PNode, type PRange, type PState, type Wcr,
} from "../ir/program.js";
import { type DataRef, type Env, type Typed, type StmtCtx, MISSING_CHANNEL } from "./program_code_context.js";
import { ProgramExpressionCode } from "./program_expressions.js";

export abstract class ProgramMemoryCode extends ProgramExpressionCode {
  /** Declares a transient; returns where it lives. */
  protected declareTransient(name: string, c: string, desc: PDataDesc, elements: number, shape: number[]): Space {
    const T = this.dataType(desc, `${this.prog.file}: $.attributes._arrays.${name}`);
    if (desc.kind === "scalar") { this.decls.line(`${T} ${c};`); return "private"; }
    const bytes = elements * lanesOf(desc) * PDTYPE_BYTES[desc.dtype];
    if (this.d === "cpp") {
      this.decls.line(`std::unique_ptr<${T}[]> ${c}_store_(new ${T}[${elements}]());`);
      this.decls.line(`${T}* ${c} = ${c}_store_.get();`);
      return "global";
    }
    if (bytes <= this.opts.onchipLimitBytes) {
      if (this.d === "hls") {
        this.decls.line(`static ${T} ${c}[${elements}];  // on chip (${bytes} bytes): BRAM/URAM`);
      } else {
        this.decls.line(`SDFG_ONCHIP ${T} ${c}[${elements}];  // on chip (${bytes} bytes): M20K`);
      }
      return "onchip";
    }
    // Too large for on-chip memory: a device-memory buffer the host allocates.
    const lanes = lanesOf(desc);
    this.args.push({ name, cName: c, desc, elements: elements * lanes, shape: lanes === 1 ? shape : [...shape.slice(0, -1), shape[shape.length - 1]! * lanes], lanes, byValue: false, written: true, read: true, deviceTransient: true });
    return "global";
  }

  protected adjacency = new WeakMap<PState, { ins: Map<number, PEdge[]>; outs: Map<number, PEdge[]>; byId: Map<number, PNode> }>();
  /** In- and out-edges by node, and nodes by id, computed once per state. */
  protected adj(s: PState) {
    let a = this.adjacency.get(s);
    if (!a) {
      a = { ins: new Map(), outs: new Map(), byId: new Map(s.nodes.map((n) => [n.id, n])) };
      for (const n of s.nodes) { a.ins.set(n.id, []); a.outs.set(n.id, []); }
      for (const e of s.edges) { a.ins.get(e.dst)!.push(e); a.outs.get(e.src)!.push(e); }
      this.adjacency.set(s, a);
    }
    return a;
  }
  protected inE(s: PState, id: number): PEdge[] { return this.adj(s).ins.get(id) ?? []; }
  protected outE(s: PState, id: number): PEdge[] { return this.adj(s).outs.get(id) ?? []; }
  protected nodeOf(s: PState, id: number): PNode { return this.adj(s).byId.get(id)!; }

  protected ref(name: string, env: Env, where: string): DataRef {
    const r = env.data.get(name);
    if (!r) throw new UserError(where, `memlet refers to '${name}', which is not a data container of this SDFG`);
    return r;
  }

  /** Flat index of `indices` in a container. */
  protected flat(ref: DataRef, indices: PExpr[], env: Env, where: string, ctx?: StmtCtx): string {
    if (ref.desc.kind === "scalar" && !ref.scalarPtr) return "";
    const strides = ref.desc.strides;
    if (indices.length !== strides.length) throw new UserError(where, `'${ref.c.replace(/^d\d*_/, "")}' has ${strides.length} dimension(s) but is indexed with ${indices.length}`);
    const terms = indices.map((ix, i) => {
      const st = strides[i]!;
      const one = evalPExpr(st, {}) === 1;
      const a = this.intText(ix, env, ctx);
      return one ? `(${a})` : `(${a}) * (${this.intText(st, env)})`;
    });
    return terms.length === 0 ? "0" : terms.join(" + ");
  }

  /** An lvalue/rvalue for one element. */
  protected override element(ref: DataRef, indices: PExpr[], env: Env, where: string, ctx?: StmtCtx): string {
    if (ref.stream) {
      // Constant channel indices where they are (a PE instance's `pipe[p + 1]` is `pipe[2]`).
      const vals = { ...this.symValues, ...(env.prefix === "" ? this.procConsts : {}) };
      const idx = indices.map((x) => evalPExpr(x, vals));
      const strides = ref.desc.strides.map((x) => evalPExpr(x, this.symValues));
      if (idx.length === strides.length && idx.every((x) => x !== undefined) && strides.every((x) => x !== undefined)) {
        const k = idx.reduce((a, x, i) => a! + x! * strides[i]!, 0)! + (ref.stream.offset ?? 0);
        // A channel that does not exist (PE 0's `pipe[p - 1]`): code the program never runs for
        // this PE (DaCe's samples guard it with `p > 0`); see sdfg_missing_channel in the prelude.
        if (k < 0 || k >= ref.stream.count) return `${MISSING_CHANNEL}${ref.c.replace(/^d\w*?_/, "")}[${k}]`;
        return `${ref.c}[${k}]`;
      }
      // A channel chosen at run time (`pipe[k]` in a pipelined loop): aoc needs constant channels.
      if (this.d === "opencl") return selectedChannel(ref.c, ref.stream.count, `${this.flat(ref, indices, env, where, ctx)}${ref.stream.offset ? ` + ${ref.stream.offset}` : ""}`);
    }
    if (ref.desc.kind === "scalar" && !ref.scalarPtr) return ref.c;
    if (ref.scalarPtr) return `${ref.c}[0]`;
    const flat = this.flat(ref, indices, env, where, ctx);
    if (this.d === "hls" && ref.space === "onchip" && this.unrolledVars.some((v) => new RegExp(`\\b${v}\\b`).test(flat))) this.lanesApart.add(ref.array ?? ref.c);
    return `${ref.c}[${flat}]`;
  }

  protected accessNode(s: PState, n: Extract<PNode, { kind: "access" }>, env: Env): void {
    const ref = this.ref(n.data, env, n.where);
    // Copies into this node from data outside its map (DaCe's memlet path `A -> entry -> a_local`,
    // the memlet naming the outer data): one per iteration of the map.
    for (const e of this.inE(s, n.id).filter((x) => x.memlet && x.memlet.data)) {
      if (this.nodeOf(s, e.src).kind !== "map_entry" || this.isViewEdge(s, e, env)) continue;
      const m = e.memlet!;
      if (m.data === n.data) throw new UserError(e.where, `a copy into '${n.data}' from outside its map needs a memlet that names the data it copies from`);
      this.copy(m.data, this.ref(m.data, env, e.where), n.data, ref, m, env, e.where);
    }
    // Copies out of this node into other access nodes: beside it, or outside its map through the
    // map's exit (DaCe's `buffer -> exit -> pipe`, once per iteration of the map, with the
    // memlet of the innermost edge).
    for (const e of this.outE(s, n.id).filter((x) => x.memlet)) {
      const dst = this.nodeOf(s, e.dst).kind === "map_exit" ? exitPathEnd(s, e)?.node : this.nodeOf(s, e.dst);
      if (dst?.kind !== "access") continue;
      const dref = this.ref(dst.data, env, dst.where);
      if (this.isViewEdge(s, e, env)) continue;
      this.copy(n.data, ref, dst.data, dref, e.memlet!, env, e.where);
    }
  }

  /** True when the edge binds a view to what it views (no data moves). */
  protected isViewEdge(s: PState, e: PEdge, env: Env): boolean {
    const src = this.nodeOf(s, e.src);
    const dst = this.nodeOf(s, e.dst);
    return (dst.kind === "access" && this.viewEdge(s, dst.id, env) === e) || (src.kind === "access" && this.viewEdge(s, src.id, env) === e);
  }

  protected viewCache = new Map<PState, Map<number, PEdge | null>>();
  /** The edge that binds view access node `id` (DaCe: in-edge from an access node, else out-edge). */
  protected viewEdge(s: PState, id: number, env: Env): PEdge | null {
    let m = this.viewCache.get(s);
    if (!m) { m = new Map(); this.viewCache.set(s, m); }
    if (m.has(id)) return m.get(id)!;
    const n = this.nodeOf(s, id);
    let r: PEdge | null = null;
    if (n.kind === "access" && env.data.get(n.data)?.desc.kind === "view") r = this.pickViewEdge(s, n.id, n.data);
    m.set(id, r);
    return r;
  }

  /** DaCe's rule for which edge of a view node connects it to the data it views. */
  protected pickViewEdge(s: PState, id: number, data: string): PEdge | null {
    const ins = this.inE(s, id).filter((e) => e.memlet);
    const outs = this.outE(s, id).filter((e) => e.memlet);
    if (ins.length === 1 && outs.length !== 1) return ins[0]!;
    if (outs.length === 1 && ins.length !== 1) return outs[0]!;
    if (ins.length !== 1 || outs.length !== 1) return null;
    const ie = ins[0]!;
    const oe = outs[0]!;
    const kindOf = (nid: number) => this.nodeOf(s, nid).kind;
    const srcData = kindOf(ie.src) === "access";
    const dstData = kindOf(oe.dst) === "access";
    if (srcData && !dstData) return ie;
    if (!srcData && dstData) return oe;
    if (!srcData && !dstData) return null;
    const inIsView = ie.memlet!.data === data;
    const outIsView = oe.memlet!.data === data;
    if (inIsView && !outIsView) return oe;
    if (!inIsView && outIsView) return ie;
    if (inIsView && outIsView) return null;
    if (kindOf(ie.src) === "map_entry") return ie;
    if (kindOf(oe.dst) === "map_exit") return oe;
    return ie;
  }

  protected bindView(s: PState, n: Extract<PNode, { kind: "access" }>, ref: DataRef, env: Env): void {
    const e = this.viewEdge(s, n.id, env);
    if (!e || !e.memlet) throw new UserError(n.where, `view '${n.data}' is not connected to the data it views`);
    const otherId = e.src === n.id ? e.dst : e.src;
    const other = this.nodeOf(s, otherId) as Extract<PNode, { kind: "access" }>;
    const oref = this.ref(other.data, env, other.where);
    const m = e.memlet;
    const subsetOfOther = m.data === other.data ? m.subset : m.otherSubset;
    const start = subsetOfOther ? subsetOfOther.map((r) => r.start) : oref.desc.shape.map(() => ({ kind: "number", value: 0, integer: true }) as PExpr);
    ref.space = oref.space;
    if (lanesOf(ref.desc) !== lanesOf(oref.desc)) throw new UserError(n.where, `view '${n.data}' has ${lanesOf(ref.desc)} lane(s) per element but views '${other.data}' of ${lanesOf(oref.desc)}: reinterpreting views are not supported`);
    const T = this.dataType(ref.desc, n.where);
    if (!this.declaredViews.has(ref.c)) {
      this.declaredViews.add(ref.c);
      this.decls.line(`${this.ptr(ref.space, T)} ${ref.c} = 0;`);
    }
    const base = oref.desc.kind === "scalar" && !oref.scalarPtr ? `&${oref.c}` : `&${this.element(oref, start, env, n.where)}`;
    this.w.line(`${ref.c} = ${base};  // view of ${other.data}`);
  }
  protected declaredViews = new Set<string>();

  /** Elements of a subset: per dimension the range, and the dims that are not single elements. */
  protected dims(sub: PRange[]): { r: PRange; single: boolean }[] {
    return sub.map((r) => ({ r, single: sameExpr(r.start, r.end) || evalPExpr({ kind: "binary", op: "-", left: r.end, right: r.start }, this.symValues) === 0 }));
  }

  protected sizeText(r: PRange, env: Env): string {
    const step = evalPExpr(r.step, {});
    const span = `(${this.intText(r.end, env)}) - (${this.intText(r.start, env)})`;
    return step === 1 ? `(${span} + 1)` : `((${span}) / (${this.intText(r.step, env)}) + 1)`;
  }

  /**
   * An index, stride or size: an integer. A symbolic `/` (sympy's `N/4`, a vector array's shape
   * after DaCe's Vectorization) divides exactly there, so its quotient is taken as an integer.
   */
  protected intText(e: PExpr, env: Env, ctx?: StmtCtx): string {
    const v = this.expr(e, env, ctx);
    return isIntegral(v.t) ? v.text : `(${this.idx()})(${v.text})`;
  }

  protected copy(srcName: string, sref: DataRef, dstName: string, dref: DataRef, m: PMemlet, env: Env, where: string): void {
    const full = (ref: DataRef): PRange[] => ref.desc.shape.map((s) => ({ start: { kind: "number", value: 0, integer: true }, end: { kind: "binary", op: "-", left: s, right: { kind: "number", value: 1, integer: true } }, step: { kind: "number", value: 1, integer: true } }));
    let ssub: PRange[];
    let dsub: PRange[];
    const subsetIsSrc = m.subsetIsSrc ?? m.data === srcName;
    if (subsetIsSrc) { ssub = m.subset ?? full(sref); dsub = m.otherSubset ?? (m.data === dstName ? ssub : full(dref)); }
    else { dsub = m.subset ?? full(dref); ssub = m.otherSubset ?? (m.data === srcName ? dsub : full(sref)); }
    if (sref.desc.kind === "scalar" && !sref.scalarPtr) ssub = [];
    if (dref.desc.kind === "scalar" && !dref.scalarPtr) dsub = [];
    if (lanesOf(sref.desc) !== lanesOf(dref.desc)) { this.laneCopy(srcName, sref, ssub, dstName, dref, dsub, m, env, where); return; }
    const vecOf = (ref: DataRef): { w?: number } => (lanesOf(ref.desc) > 1 ? { w: lanesOf(ref.desc) } : {});
    const sd = this.dims(ssub).filter((x) => !x.single);
    const dd = this.dims(dsub).filter((x) => !x.single);
    if (sd.length !== dd.length && sd.length > 0 && dd.length > 0) {
      // A reshaping copy: elements move in row-major order of both subsets.
      const vars = sd.map(() => `sdfg_c${this.counter++}`);
      const ssz = sd.map((x) => this.sizeText(x.r, env));
      const dsz = dd.map((x) => this.sizeText(x.r, env));
      const lin = vars.map((v, k) => [v, ...ssz.slice(k + 1)].join(" * ")).join(" + ");
      const raw = (t: string): PExpr => ({ kind: "name", name: `@(${t})` });
      const sIdx = ssub.map((r) => { const k = sd.findIndex((x) => x.r === r); return k < 0 ? r.start : { kind: "binary", op: "+", left: r.start, right: { kind: "binary", op: "*", left: raw(vars[k]!), right: r.step } } as PExpr; });
      const dIdx = dsub.map((r) => {
        const k = dd.findIndex((x) => x.r === r);
        if (k < 0) return r.start;
        const below = dsz.slice(k + 1);
        const q = below.length ? `((${lin}) / (${below.join(" * ")}))` : `(${lin})`;
        return { kind: "binary", op: "+", left: r.start, right: { kind: "binary", op: "*", left: raw(`${q} % ${dsz[k]}`), right: r.step } } as PExpr;
      });
      this.w.comment(`copy ${srcName} -> ${dstName} (reshaping)`);
      const nest = (k: number) => {
        if (k === vars.length) {
          this.write(dref, dIdx, { text: this.readText(sref, sIdx, env, where), t: sref.desc.dtype, ...vecOf(sref) }, m.wcr, env, where);
          return;
        }
        this.w.block(`for (${this.idx()} ${vars[k]} = 0; ${vars[k]} < ${ssz[k]}; ${vars[k]}++)`, () => { if (k === vars.length - 1) this.pipelinePragma(false, ""); nest(k + 1); });
      };
      nest(0);
      return;
    }
    const loopDims = sd.length >= dd.length ? sd : dd;
    const vars = loopDims.map(() => `sdfg_c${this.counter++}`);
    const idxOf = (sub: PRange[], nonSingle: { r: PRange }[]) => sub.map((r) => {
      const k = nonSingle.findIndex((x) => x.r === r);
      if (k < 0) return r.start;
      const v: PExpr = { kind: "name", name: `@${vars[k]}` };
      return { kind: "binary", op: "+", left: r.start, right: { kind: "binary", op: "*", left: v, right: r.step } } as PExpr;
    });
    const sIdx = idxOf(ssub, sd);
    const dIdx = idxOf(dsub, dd);
    this.w.comment(`copy ${srcName} -> ${dstName}`);
    const open = loopDims.map((x, k) => `for (${this.idx()} ${vars[k]} = 0; ${vars[k]} < ${this.sizeText(x.r, env)}; ${vars[k]}++)`);
    const emitBody = () => {
      const val: Typed = { text: sref.desc.kind === "scalar" && !sref.scalarPtr ? sref.c : this.readText(sref, sIdx, env, where), t: sref.desc.dtype, ...vecOf(sref) };
      this.write(dref, dIdx, val, m.wcr, env, where);
    };
    const nest = (k: number) => { if (k === open.length) emitBody(); else this.w.block(open[k]!, () => { if (k === open.length - 1) this.pipelinePragma(false, ""); nest(k + 1); }); };
    nest(0);
  }

  /**
   * A copy between scalar data and vector data of the same lane type (DaCe's host-to-device copy
   * of `A` into `A_device` of `dace.vector(T, W)`): the bytes move unchanged, so lane `k` of
   * vector element `v` (row-major over the vector subset) is scalar `v * W + k` (row-major over
   * the scalar subset). A vector stream moves whole vectors: one read (or one write of the
   * gathered lanes) per vector, as DaCe's Gearbox expansion copies a stream into a local array.
   */
  protected laneCopy(srcName: string, sref: DataRef, ssub: PRange[], dstName: string, dref: DataRef, dsub: PRange[], m: PMemlet, env: Env, where: string): void {
    const vecIsSrc = lanesOf(sref.desc) > 1;
    const [vref, vsub, xref, xsub] = vecIsSrc ? [sref, ssub, dref, dsub] : [dref, dsub, sref, ssub];
    const W = lanesOf(vref.desc);
    if (lanesOf(xref.desc) !== 1) throw new UserError(where, `copy ${srcName} -> ${dstName}: vectors of ${lanesOf(sref.desc)} and ${lanesOf(dref.desc)} lanes cannot be copied into each other`);
    if (sref.desc.dtype !== dref.desc.dtype) throw new UserError(where, `copy ${srcName} -> ${dstName}: a copy between scalars and vectors needs the same lane type (${sref.desc.dtype} vs ${dref.desc.dtype})`);
    if (m.wcr) throw new UserError(where, `copy ${srcName} -> ${dstName}: write-conflict resolution on a copy between scalars and vectors is not supported`);
    const vd = this.dims(vsub).filter((x) => !x.single);
    const xd = this.dims(xsub).filter((x) => !x.single);
    const vars = vd.map(() => `sdfg_c${this.counter++}`);
    const vsz = vd.map((x) => this.sizeText(x.r, env));
    const xsz = xd.map((x) => this.sizeText(x.r, env));
    const raw = (t: string): PExpr => ({ kind: "name", name: `@(${t})` });
    const vIdx = vsub.map((r) => { const k = vd.findIndex((x) => x.r === r); return k < 0 ? r.start : { kind: "binary", op: "+", left: r.start, right: { kind: "binary", op: "*", left: raw(vars[k]!), right: r.step } } as PExpr; });
    const vector = vars.map((v, k) => [v, ...vsz.slice(k + 1)].join(" * ")).join(" + ") || "0";
    const first = `sdfg_lane0_${this.counter++}`;
    const xIdx = (lane: number) => xsub.map((r) => {
      const k = xd.findIndex((x) => x.r === r);
      if (k < 0) return r.start;
      const lin = `${first} + ${lane}`;
      const below = xsz.slice(k + 1);
      const q = below.length ? `((${lin}) / (${below.join(" * ")}))` : `(${lin})`;
      return { kind: "binary", op: "+", left: r.start, right: { kind: "binary", op: "*", left: raw(`${q} % ${xsz[k]}`), right: r.step } } as PExpr;
    });
    this.w.comment(`copy ${srcName} -> ${dstName} (${W} lanes per vector, row-major: lane k of vector v is scalar v * ${W} + k)`);
    const body = () => {
      let v = this.element(vref, vIdx, env, where);
      const channel = v;
      if (vref.stream) {
        // One vector through the FIFO, its lanes from (or into) a local vector.
        v = `sdfg_vec${this.counter++}`;
        this.w.line(`${vecIsSrc ? "const " : ""}${this.dataType(vref.desc, where)} ${v}${vecIsSrc ? ` = ${this.streamRead(channel, vref.desc.dtype)};  // blocking read` : ";"}`);
      }
      this.w.line(`const ${this.idx()} ${first} = (${vector}) * ${W};  // the scalar of lane 0`);
      for (let k = 0; k < W; k++) {
        const x = this.element(xref, xIdx(k), env, where);
        if (xref.stream) this.w.line(vecIsSrc ? `${this.streamWrite(x, this.lane(v, k))};  // blocking write` : `${this.lane(v, k)} = ${this.streamRead(x, xref.desc.dtype)};  // blocking read`);
        else this.w.line(vecIsSrc ? `${x} = ${this.lane(v, k)};` : `${this.lane(v, k)} = ${x};`);
      }
      if (vref.stream && !vecIsSrc) this.w.line(`${this.streamWrite(channel, v)};  // blocking write`);
    };
    const nest = (k: number) => {
      if (k === vars.length) { body(); return; }
      this.w.block(`for (${this.idx()} ${vars[k]} = 0; ${vars[k]} < ${vsz[k]}; ${vars[k]}++)`, () => { if (k === vars.length - 1) this.pipelinePragma(false, ""); nest(k + 1); });
    };
    nest(0);
  }

  /** The value of one element: a blocking read when it is a stream. */
  protected readText(ref: DataRef, indices: PExpr[], env: Env, where: string): string {
    const e = this.element(ref, indices, env, where);
    return ref.stream ? this.streamRead(e, ref.desc.dtype) : e;
  }

  /** Writes `val` to one element, combining with the old value under WCR. */
  protected write(ref: DataRef, indices: PExpr[], val: Typed, wcr: Wcr | null, env: Env, where: string): void {
    const lhs = this.element(ref, indices, env, where);
    const t = ref.desc.dtype;
    if (ref.stream) {
      if (wcr) throw new UserError(where, "a write-conflict resolution into a stream cannot be mapped (a FIFO has no old value)");
      this.w.line(`${this.streamWrite(lhs, this.conv(val, t))};  // blocking write`);
      return;
    }
    const W = lanesOf(ref.desc);
    if (W > 1) {
      if (val.w !== undefined && val.w !== W) throw new UserError(where, `a vector of ${val.w} lanes cannot be written to data of ${W}-lane vectors`);
      if (!wcr && val.w === W && val.t === t) { this.w.line(`${lhs} = ${val.text};`); return; }
      // Lane by lane: a scalar value broadcasts; write-conflict resolution combines each lane.
      for (let k = 0; k < W; k++) {
        const v: Typed = { text: val.w ? this.lane(val.text, k) : val.text, t: val.t };
        const l = this.lane(lhs, k);
        this.w.line(`${l} = ${this.conv(wcr ? this.combine(wcr, { text: l, t }, v, env) : v, t)};`);
      }
      return;
    }
    if (val.w !== undefined) throw new UserError(where, `a vector of ${val.w} lanes cannot be written to scalar data`);
    if (!wcr) { this.w.line(`${lhs} = ${this.conv(val, t)};`); return; }
    this.w.line(`${lhs} = ${this.conv(this.combine(wcr, { text: lhs, t }, val, env), t)};`);
  }
}
