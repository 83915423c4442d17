// The layer of nodes that expand into code of their own (see program_code.ts): nested SDFGs
// become blocks with their own names and symbols, library nodes (MatMul, Dot, Reduce, Transpose
// and the like) become loop nests over their operands, and a Gearbox node becomes the loop that
// packs or unpacks vectors between streams of different widths.

import { gearboxPlan } from "./gearbox.js";
import { evalPExpr } from "./program_analysis.js";
import { UserError } from "../ir/diagnostics.js";
import { lanesOf, type PEdge, type PExpr, type PMemlet, type PNode, type Program, type PRange, type PRegion, type PState } from "../ir/program.js";
import { type DataRef, Env, type Typed, ident, MISSING_CHANNEL } from "./program_code_context.js";
import { ProgramTaskletCode } from "./program_tasklets.js";

export abstract class ProgramLibraryCode extends ProgramTaskletCode {
  // Defined by a later layer (the generator recurses through all of them).
  protected abstract region(r: PRegion, env: Env): void;

  // ---------------------------------------------------------------- nested SDFGs

  protected nested(s: PState, n: Extract<PNode, { kind: "nested" }>, env: Env): void {
    const sub = n.sdfg;
    const prefix = `${env.prefix}n${this.counter++}`;
    const inner = new Env(sub, env, prefix);
    this.w.comment(`nested SDFG ${n.label}`);
    this.w.block("", () => {
      for (const [k, v] of Object.entries(n.symbolMapping)) {
        const t = sub.symbols[k] ?? "int64";
        const c = `s${prefix}_${ident(k, n.where)}`;
        this.w.line(`const ${this.type(t, n.where)} ${c} = ${this.conv(this.expr(v, env), t)};`);
        inner.syms.set(k, { c, t });
      }
      for (const [k, t] of Object.entries(sub.symbols)) {
        if (inner.syms.has(k)) continue;
        const outer = env.sym(k);
        if (outer && !this.assignedIn(sub, k)) { inner.syms.set(k, outer); continue; }
        const c = `s${prefix}_${ident(k, n.where)}`;
        this.decls.line(`${this.type(t, n.where)} ${c} = 0;`);
        inner.syms.set(k, { c, t });
      }
      for (const [name, desc] of Object.entries(sub.arrays)) {
        const c = `d${prefix}_${ident(name, n.where)}`;
        const e = s.edges.find((x) => x.dst === n.id && x.dstConn === name && x.memlet) ?? s.edges.find((x) => x.src === n.id && x.srcConn === name && x.memlet);
        if (e) {
          const m = e.memlet!;
          if (m.wcr && e.src === n.id) throw new UserError(e.where, `nested SDFG '${n.label}': a write-conflict resolution on its output '${name}' is not supported`);
          const oref = this.ref(m.data, env, e.where);
          const start = (m.subset ?? []).map((r) => r.start);
          if (lanesOf(desc) !== lanesOf(oref.desc)) throw new UserError(e.where, `nested SDFG '${n.label}': '${name}' has ${lanesOf(desc)} lane(s) per element but is connected to '${m.data}' of ${lanesOf(oref.desc)}`);
          const T = this.dataType(desc, n.where);
          if (oref.byValue) {
            // A by-value (const) kernel argument: the nested SDFG reads a private copy.
            this.w.line(`${T} ${c}_val_ = ${oref.c};`);
            this.w.line(`${T}* ${c} = &${c}_val_;`);
            inner.data.set(name, { c, desc, space: "private", byValue: false, scalarPtr: desc.kind === "scalar" });
            continue;
          }
          if (oref.stream && desc.kind === "scalar" && e.dst === n.id) {
            // A scalar input bound to one element of a stream (DaCe's `pipe[0] -> nested.a_in`):
            // the element is read once, before the nested SDFG runs, into its private scalar.
            if (m.dynamic) throw new UserError(e.where, `nested SDFG '${n.label}': scalar '${name}' is bound to stream '${m.data}' with a dynamic memlet; a scalar input reads exactly one element`);
            this.w.line(`${T} ${c}_val_ = ${this.readText(oref, start, env, e.where)};  // blocking read`);
            this.w.line(`${T}* ${c} = &${c}_val_;`);
            inner.data.set(name, { c, desc, space: "private", byValue: false, scalarPtr: true });
            continue;
          }
          if (oref.stream) {
            // The nested SDFG's stream is channels of the outer one, from the memlet's start on.
            if (desc.kind !== "stream") throw new UserError(e.where, `nested SDFG '${n.label}': '${name}' is bound to stream '${m.data}' but is not a stream`);
            const bound = this.element(oref, start, env, e.where);
            if (bound.startsWith(MISSING_CHANNEL)) throw new UserError(e.where, `nested SDFG '${n.label}': '${name}' is bound to channel ${bound.slice(MISSING_CHANNEL.length)} of stream '${m.data}', which does not exist`);
            const channel = /^\S+\[(-?\d+)\]$/.exec(bound);
            if (channel && oref.stream.offset === undefined) {
              // A constant channel (a PE's pipe[p]): the nested code names the outer array's channel.
              this.w.comment(`${name}: channels of stream ${m.data} from ${channel[1]} on`);
              inner.data.set(name, { c: oref.c, desc: oref.desc, space: "onchip", byValue: false, scalarPtr: false, stream: { ...oref.stream, offset: Number(channel[1]) } });
              continue;
            }
            if (this.d === "opencl") throw new UserError(e.where, `nested SDFG '${n.label}': stream '${m.data}' is bound with a channel index that is not a constant`);
            const count = desc.shape.map((x) => evalPExpr(x, this.symValues) ?? NaN).reduce((a, b) => a * b, 1);
            this.w.line(`hls::stream<${T}>* ${c} = &${this.element(oref, start, env, e.where)};  // ${name}: channel of stream ${m.data}`);
            inner.data.set(name, { c, desc, space: "onchip", byValue: false, scalarPtr: false, stream: { depth: oref.stream.depth, count } });
            continue;
          }
          const base = oref.desc.kind === "scalar" && !oref.scalarPtr ? `&${oref.c}` : `&${this.element(oref, oref.desc.kind === "scalar" ? [] : start, env, e.where)}`;
          this.w.line(`${this.ptr(oref.space, T)} ${c} = ${base};`);
          inner.data.set(name, { c, desc, space: oref.space === "private" ? "private" : oref.space, byValue: false, scalarPtr: desc.kind === "scalar", array: oref.array ?? oref.c });
        } else if (desc.transient || desc.kind === "view") {
          if (desc.kind === "view") { inner.data.set(name, { c, desc, space: "global", byValue: false, scalarPtr: false }); continue; }
          if (desc.kind === "stream") throw new UserError(n.where, `stream '${name}' in nested SDFG '${n.label}' cannot be mapped yet`);
          const shape = desc.shape.map((x) => evalPExpr(x, this.nestedValues(inner)));
          if (shape.some((x) => x === undefined)) throw new UserError(n.where, `transient '${name}' of nested SDFG '${n.label}' has a size that depends on run-time values`);
          const elements = (shape as number[]).reduce((a, b) => a * b, 1);
          const space = this.declareTransient(name, c, desc, elements, shape as number[]);
          if (this.inProcess && space === "onchip") this.declaredInProcess.push(c);
          if (space === "global" && this.d !== "cpp") throw new UserError(n.where, `transient '${name}' of nested SDFG '${n.label}' is too large for on-chip memory`);
          inner.data.set(name, { c, desc, space, byValue: false, scalarPtr: false });
        } else {
          throw new UserError(n.where, `nested SDFG '${n.label}': argument '${name}' is not connected`);
        }
      }
      this.region(sub.root, inner);
    });
  }

  protected nestedValues(env: Env): Record<string, number> {
    const out: Record<string, number> = { ...this.symValues };
    void env;
    return out;
  }

  protected assignedIn(p: Program, sym: string): boolean {
    let found = false;
    const visit = (r: PRegion) => {
      for (const e of r.edges) for (const [k] of e.assignments) if (k === sym) found = true;
      for (const b of r.blocks) {
        if (b.kind === "region") visit(b);
        else if (b.kind === "loop") { if (b.variable === sym || b.init.some(([k]) => k === sym)) found = true; visit(b.body); }
        else if (b.kind === "conditional") for (const br of b.branches) visit(br.body);
      }
    };
    visit(p.root);
    return found;
  }

  // ---------------------------------------------------------------- library nodes

  protected operand(s: PState, n: PNode, conn: string, dir: "in" | "out", env: Env): { ref: DataRef; dims: { r: PRange; single: boolean }[]; m: PMemlet; where: string } {
    let e = dir === "in" ? s.edges.find((x) => x.dst === n.id && x.dstConn === conn && x.memlet) : s.edges.find((x) => x.src === n.id && x.srcConn === conn && x.memlet);
    if (!e) {
      // DaCe omits the default connectors of single-input/single-output nodes (Reduce).
      const all = dir === "in" ? s.edges.filter((x) => x.dst === n.id && x.memlet) : s.edges.filter((x) => x.src === n.id && x.memlet);
      if (all.length === 1 && (dir === "in" ? all[0]!.dstConn : all[0]!.srcConn) === null) e = all[0];
    }
    if (!e) throw new UserError((n as { where: string }).where, `library node '${(n as { label: string }).label}' has no ${dir === "in" ? "input" : "output"} '${conn}'`);
    const ref = this.ref(e.memlet!.data, env, e.where);
    if (lanesOf(ref.desc) > 1) throw new UserError(e.where, `library node '${(n as { label: string }).label}' on vector data '${e.memlet!.data}' cannot be expanded yet`);
    const sub = e.memlet!.subset ?? ref.desc.shape.map((x) => ({ start: { kind: "number", value: 0, integer: true } as PExpr, end: { kind: "binary", op: "-", left: x, right: { kind: "number", value: 1, integer: true } } as PExpr, step: { kind: "number", value: 1, integer: true } as PExpr }));
    return { ref, dims: this.dims(ref.desc.kind === "scalar" ? [] : sub), m: e.memlet!, where: e.where };
  }

  /** Element of an operand at loop variables for its non-single dimensions. */
  protected opElement(op: { ref: DataRef; dims: { r: PRange; single: boolean }[]; where: string }, vars: string[], env: Env): string {
    let k = 0;
    const idx: PExpr[] = op.dims.map((d) => {
      if (d.single) return d.r.start;
      const v: PExpr = { kind: "name", name: `@${vars[k++]}` };
      return { kind: "binary", op: "+", left: d.r.start, right: { kind: "binary", op: "*", left: v, right: d.r.step } };
    });
    return this.element(op.ref, idx, env, op.where);
  }

  /**
   * A Gearbox between two vector streams: per iteration of size x gear one narrow vector moves,
   * the wide one is read (unpack) or written (pack) once every `gear` iterations; its lanes wait
   * in a register array, so the loop pipelines at II=1.
   */
  protected gearbox(s: PState, n: Extract<PNode, { kind: "library" }>, env: Env): void {
    const stream = (edges: PEdge[], side: string) => {
      const e = edges.filter((x) => x.memlet);
      if (e.length !== 1) throw new UserError(n.where, `Gearbox '${n.label}' needs one ${side} stream, not ${e.length}`);
      const m = e[0]!.memlet!;
      const ref = this.ref(m.data, env, e[0]!.where);
      if (!ref.stream) throw new UserError(e[0]!.where, `Gearbox '${n.label}': its ${side} '${m.data}' is not a stream`);
      return { ref, channel: this.element(ref, (m.subset ?? []).map((r) => r.start), env, e[0]!.where), data: m.data };
    };
    const from = stream(this.inE(s, n.id), "input");
    const to = stream(this.outE(s, n.id), "output");
    if (from.ref.desc.dtype !== to.ref.desc.dtype) throw new UserError(n.where, `Gearbox '${n.label}' converts ${from.ref.desc.dtype} vectors to ${to.ref.desc.dtype} vectors; the lane type must stay`);
    const plan = gearboxPlan(lanesOf(from.ref.desc), lanesOf(to.ref.desc), n.label, n.where);
    if (!n.attributes.size) throw new UserError(`${n.where}.attributes.size`, `Gearbox '${n.label}' has no size (the number of wide vectors)`);
    const T = this.type(from.ref.desc.dtype, n.where);
    const buf = `sdfg_gearbox${this.counter++}`;
    this.decls.line(`${T} ${buf}[${plan.wide}];  // the lanes of one wide vector of the Gearbox below`);
    if (this.d === "hls") this.decls.directive(`#pragma HLS ARRAY_PARTITION variable=${buf} complete`);
    const [i, w] = [`sdfg_i${this.counter++}`, `sdfg_w${this.counter++}`];
    const lane = (k: number) => `${buf}[${w} * ${plan.narrow} + ${k}]`;
    this.w.comment(`Gearbox ${n.label}: ${from.data} (${lanesOf(from.ref.desc)} lanes) -> ${to.data} (${lanesOf(to.ref.desc)} lanes), ${plan.gear} narrow vectors per wide one`);
    this.w.block(`for (${this.idx()} ${i} = 0; ${i} < ${this.intText(n.attributes.size, env)}; ${i}++)`, () => {
      this.w.block(`for (${this.idx()} ${w} = 0; ${w} < ${plan.gear}; ${w}++)`, () => {
        this.pipelinePragma(false, "");
        const v = `sdfg_vec${this.counter++}`;
        if (plan.pack) {
          this.w.line(`const ${this.dataType(from.ref.desc, n.where)} ${v} = ${this.streamRead(from.channel, from.ref.desc.dtype)};  // blocking read`);
          for (let k = 0; k < plan.narrow; k++) this.w.line(`${lane(k)} = ${this.lane(v, k)};`);
          this.w.block(`if (${w} == ${plan.gear - 1})`, () => {
            const o = `sdfg_vec${this.counter++}`;
            this.w.line(`${this.dataType(to.ref.desc, n.where)} ${o};`);
            for (let k = 0; k < plan.wide; k++) this.w.line(`${this.lane(o, k)} = ${buf}[${k}];`);
            this.w.line(`${this.streamWrite(to.channel, o)};  // blocking write`);
          });
        } else {
          this.w.block(`if (${w} == 0)`, () => {
            this.w.line(`const ${this.dataType(from.ref.desc, n.where)} ${v} = ${this.streamRead(from.channel, from.ref.desc.dtype)};  // blocking read`);
            for (let k = 0; k < plan.wide; k++) this.w.line(`${buf}[${k}] = ${this.lane(v, k)};`);
          });
          const o = `sdfg_vec${this.counter++}`;
          this.w.line(`${this.dataType(to.ref.desc, n.where)} ${o};`);
          for (let k = 0; k < plan.narrow; k++) this.w.line(`${this.lane(o, k)} = ${lane(k)};`);
          this.w.line(`${this.streamWrite(to.channel, o)};  // blocking write`);
        }
      });
    });
  }

  protected library(s: PState, n: Extract<PNode, { kind: "library" }>, env: Env): void {
    const cls = n.classpath.split(".").pop() ?? "";
    if (cls === "Gearbox") { this.gearbox(s, n, env); return; }
    this.w.comment(`library node ${n.label} (${cls}) expanded`);
    const loops = (sizes: string[], vars: string[], body: () => void, innerLoop = false) => {
      const nest = (k: number) => {
        if (k === sizes.length) { body(); return; }
        this.w.block(`for (${this.idx()} ${vars[k]} = 0; ${vars[k]} < ${sizes[k]}; ${vars[k]}++)`, () => { if (k === sizes.length - 1) this.pipelinePragma(innerLoop, ""); nest(k + 1); });
      };
      nest(0);
    };
    const nv = () => `sdfg_l${this.counter++}`;
    const ns = (op: { dims: { r: PRange; single: boolean }[] }) => op.dims.filter((d) => !d.single).map((d) => this.sizeText(d.r, env));
    const writeOut = (out: ReturnType<typeof this.operand>, vars: string[], val: Typed) => {
      const lhs = this.opElement(out, vars, env);
      const t = out.ref.desc.dtype;
      this.w.line(`${lhs} = ${this.conv(out.m.wcr ? this.combine(out.m.wcr, { text: lhs, t }, val, env) : val, t)};`);
    };
    switch (cls) {
      case "MatMul": case "Dot": case "Gemv": case "Gemm": {
        const [an, bn, cn] = cls === "Dot" ? ["_x", "_y", "_result"] : cls === "Gemv" ? ["_A", "_x", "_y"] : ["_a", "_b", "_c"];
        const a = this.operand(s, n, an, "in", env);
        const b = this.operand(s, n, bn, "in", env);
        const c = this.operand(s, n, cn, "out", env);
        if (cls === "Gemm" || cls === "Gemv") {
          if ((n.attributes.alpha ?? 1) !== 1 || (n.attributes.beta ?? 0) !== 0 || n.attributes.transA || n.attributes.transB) throw new UserError(n.where, `${cls} '${n.label}' with alpha/beta/transposition cannot be expanded yet`);
        }
        const as = ns(a), bs = ns(b);
        const T = this.type(c.ref.desc.dtype, n.where);
        const acc = nv();
        const k = nv();
        const prod = (ai: string[], bi: string[]) => this.arith("*", { text: this.opElement(a, ai, env), t: a.ref.desc.dtype }, { text: this.opElement(b, bi, env), t: b.ref.desc.dtype });
        const reduce = (ai: () => string[], bi: () => string[], K: string) => {
          this.w.line(`${T} ${acc} = ${this.conv({ text: "0", t: "int32" }, c.ref.desc.dtype)};`);
          this.w.block(`for (${this.idx()} ${k} = 0; ${k} < ${K}; ${k}++)`, () => {
            if (this.d === "hls") this.w.directive("#pragma HLS PIPELINE II=1");
            if (this.d !== "cpp") this.w.comment("II > 1: the accumulation is a loop-carried dependence through the adder, so the reachable II is the adder's latency (floating-point addition is not reassociated)");
            this.w.line(`${acc} = ${this.conv(this.arith("+", { text: acc, t: c.ref.desc.dtype }, prod(ai(), bi())), c.ref.desc.dtype)};`);
          });
        };
        if (as.length === 2 && bs.length === 2) {
          const i = nv(), j = nv();
          loops([as[0]!, bs[1]!], [i, j], () => { reduce(() => [i, k], () => [k, j], as[1]!); writeOut(c, [i, j], { text: acc, t: c.ref.desc.dtype }); }, true);
        } else if (as.length === 2 && bs.length === 1) {
          const i = nv();
          loops([as[0]!], [i], () => { reduce(() => [i, k], () => [k], as[1]!); writeOut(c, [i], { text: acc, t: c.ref.desc.dtype }); }, true);
        } else if (as.length === 1 && bs.length === 2) {
          const j = nv();
          loops([bs[1]!], [j], () => { reduce(() => [k], () => [k, j], as[0]!); writeOut(c, [j], { text: acc, t: c.ref.desc.dtype }); }, true);
        } else if (as.length === 1 && bs.length === 1) {
          reduce(() => [k], () => [k], as[0]!);
          writeOut(c, [], { text: acc, t: c.ref.desc.dtype });
        } else if (as.length === 3 && bs.length === 3) {
          const q = nv(), i = nv(), j = nv();
          loops([as[0]!, as[1]!, bs[2]!], [q, i, j], () => { reduce(() => [q, i, k], () => [q, k, j], as[2]!); writeOut(c, [q, i, j], { text: acc, t: c.ref.desc.dtype }); }, true);
        } else if (as.length === 3 && bs.length === 2) {
          const q = nv(), i = nv(), j = nv();
          loops([as[0]!, as[1]!, bs[1]!], [q, i, j], () => { reduce(() => [q, i, k], () => [k, j], as[2]!); writeOut(c, [q, i, j], { text: acc, t: c.ref.desc.dtype }); }, true);
        } else {
          throw new UserError(n.where, `${cls} '${n.label}' of operands with ${as.length} and ${bs.length} dimensions cannot be expanded`);
        }
        return;
      }
      case "Transpose": case "TensorTranspose": {
        const a = this.operand(s, n, cls === "Transpose" ? "_inp" : "_inp_tensor", "in", env);
        const c = this.operand(s, n, cls === "Transpose" ? "_out" : "_out_tensor", "out", env);
        const as = ns(a);
        const axes = cls === "Transpose" ? [1, 0] : (n.attributes.axes ?? as.map((_, i) => as.length - 1 - i));
        if (axes.length !== as.length) throw new UserError(n.where, `${cls} '${n.label}': axes do not match the input's rank`);
        const vars = as.map(() => nv());
        loops(as, vars, () => writeOut(c, axes.map((ax) => vars[ax]!), { text: this.opElement(a, vars, env), t: a.ref.desc.dtype }));
        return;
      }
      case "Reduce": {
        const a = this.operand(s, n, "_in", "in", env);
        const c = this.operand(s, n, "_out", "out", env);
        const wcr = n.attributes.wcr;
        if (!wcr) throw new UserError(n.where, `Reduce '${n.label}' has no wcr`);
        const nd = a.dims.length;
        const axes = n.attributes.axes ?? a.dims.map((_, i) => i);
        const kept = a.dims.map((_, i) => i).filter((i) => !axes.includes(i));
        const outDims = c.dims.length;
        // The output has the kept dimensions (or all, with reduced ones of size 1: keepdims).
        const keepdims = outDims === nd && nd !== kept.length;
        const vars = a.dims.map(() => nv());
        const sizes = a.dims.map((d) => this.sizeText(d.r, env));
        const inIdx = (): PExpr[] => a.dims.map((d, i) => ({ kind: "binary", op: "+", left: d.r.start, right: { kind: "binary", op: "*", left: { kind: "name", name: `@${vars[i]}` }, right: d.r.step } }));
        const outIdx = (reset: boolean): PExpr[] => {
          const src = keepdims ? a.dims.map((_, i) => i) : kept;
          if (src.length !== c.dims.length) {
            // Output written without its size-1 dimensions: map kept non-single dims in order.
            const keptNon = kept.filter((i) => !a.dims[i]!.single);
            let q = 0;
            return c.dims.map((d) => (d.single ? d.r.start : { kind: "binary", op: "+", left: d.r.start, right: { kind: "name", name: `@${vars[keptNon[q++]!]}` } }));
          }
          return c.dims.map((d, q) => {
            const i = src[q]!;
            if (keepdims && axes.includes(i)) return d.r.start;
            void reset;
            return { kind: "binary", op: "+", left: d.r.start, right: { kind: "binary", op: "*", left: { kind: "name", name: `@${vars[i]}` }, right: d.r.step } };
          });
        };
        const T = c.ref.desc.dtype;
        if (n.attributes.identity !== undefined && n.attributes.identity !== null) {
          const keptVars = kept.map((i) => vars[i]!);
          const keptSizes = kept.map((i) => sizes[i]!);
          const saved = vars.slice();
          loops(keptSizes, keptVars, () => {
            const lhs = this.element(c.ref, outIdx(true), env, n.where);
            this.w.line(`${lhs} = ${this.conv(this.literal(n.attributes.identity!, T), T)};`);
          });
          void saved;
        }
        loops(sizes, vars, () => {
          const lhs = this.element(c.ref, outIdx(false), env, n.where);
          const val = { text: this.element(a.ref, inIdx(), env, n.where), t: a.ref.desc.dtype };
          this.w.line(`${lhs} = ${this.conv(this.combine(wcr, { text: lhs, t: T }, val, env), T)};`);
        });
        return;
      }
      default:
        throw new UserError(n.where, `library node '${n.label}' (${n.classpath}) cannot be expanded (supported: MatMul, Dot, Gemv, Gemm without alpha/beta, Transpose, TensorTranspose, Reduce)`);
    }
  }
}
