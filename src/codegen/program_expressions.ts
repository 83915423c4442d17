// The bottom layer of the program code generator (see program_code.ts): the state every layer
// shares, the dialect's names of types (scalars, vectors, pointers), sizes and ranges of
// expressions over the specialised symbols, loop pragmas, blocking stream reads and writes, and
// the printing of expressions, calls and WCR combinations as typed values of generated code.

import { CodeWriter } from "./code_writer.js";
import type { DataflowState } from "./fpga_processes.js";
import { doubleLiteral } from "./c_expr.js";
import { laneText, vectorTypeName } from "./vector_types.js";
import { onChannel } from "./channel_select.js";
import { indexTypeName, mathFunctionName, pointerTypeName, scalarTypeName, type Dialect, type Space } from "./dialect.js";
import { evalInterval, evalPExpr } from "./program_analysis.js";
import { UserError } from "../ir/diagnostics.js";
import {
  isComplex, isFloat, isIntegral, type PDataDesc, type PDType, type PExpr, type Program, type PRange, type PRegion, type PState, type Wcr,
} from "../ir/program.js";
import {
  type ProgramCodeOptions, type DataflowLaunch, type KernelArg, type DataRef, Env, type Typed, type StmtCtx, MISSING_CHANNEL,
  laneGuardMessage,
} from "./program_code_context.js";

const RANK: PDType[] = ["bool", "uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32", "float64", "complex64", "complex128"];

function promote(a: PDType, b: PDType): PDType {
  if (isComplex(a) || isComplex(b)) return a === "complex128" || b === "complex128" || a === "float64" || b === "float64" ? "complex128" : "complex64";
  return RANK.indexOf(a) >= RANK.indexOf(b) ? a : b;
}

export abstract class ProgramExpressionCode {
  // Defined by a later layer (the generator recurses through all of them).
  protected abstract connElement(arr: { ref: DataRef; sub: PRange[] }, indices: PExpr[], ctx: StmtCtx, where: string): string;
  protected abstract element(ref: DataRef, indices: PExpr[], env: Env, where: string, ctx?: StmtCtx): string;
  protected abstract lanedElement(text: string, ref: DataRef, ctx: StmtCtx | undefined, where: string): string;
  protected abstract underCondition(cond: PExpr, ctx: StmtCtx): StmtCtx;

  protected w = new CodeWriter();
  protected decls = new CodeWriter();
  /** Top-level states that are dataflow regions (FPGA-form SDFGs with streams). */
  protected dataflow = new Map<PState, DataflowState>();
  /** The unrolled-map parameter of the process being generated (constant stream indices). */
  protected procConsts: Record<string, number> = {};
  /** Inside a process function (FPGA-form): lane-shuffling nested SDFGs may join a pipelined loop. */
  protected inProcess = false;
  /** Inside a pipelined or unrolled loop body: inner loops are unrolled, state graphs guarded blocks. */
  protected unrollDepth = 0;
  /** Variables of the unrolled loops being emitted, and the on-chip arrays they index (HLS). */
  protected unrolledVars: string[] = [];
  protected lanesApart = new Set<string>();
  /** On-chip arrays the current process declares, in order. */
  protected declaredInProcess: string[] = [];
  /** Process and dataflow-region functions, emitted before the kernel. */
  protected readonly functionsOut = new CodeWriter();
  /** Dataflow states as launches (Intel: the host starts the process kernels). */
  readonly launches: DataflowLaunch[] = [];
  protected counter = 0;
  protected readonly d: Dialect;
  protected readonly symValues: Record<string, number>;
  readonly args: KernelArg[] = [];
  /** Comments on the II of each pipelined loop (HLS), for the report. */
  readonly loopNotes: string[] = [];

  constructor(readonly prog: Program, readonly opts: ProgramCodeOptions) {
    this.d = opts.dialect;
    this.symValues = { ...opts.symbols, ...prog.constants };
  }

  type(t: PDType, where: string): string {
    const c = scalarTypeName(this.d, t);
    if (!c) throw new UserError(where, `${t} data cannot be mapped to Intel OpenCL (complex128 is mapped to double2; complex64 is not supported)`);
    return c;
  }

  /** Whether the program has vector data (the C++ prelude then defines sdfg_vec). */
  usesVectors = false;

  /** The type of one element of a container: its scalar type, or the dialect's vector of it. */
  dataType(desc: PDataDesc, where: string): string {
    return desc.veclen === undefined ? this.type(desc.dtype, where) : this.vecType(desc.dtype, desc.veclen, where);
  }

  /**
   * A vector of `w` lanes of `t`: HLS `hls::vector<T, W>` (UG1399's vector type, a wide m_axi
   * word), OpenCL C `floatW` (W in 2, 4, 8, 16), the CPU reference's `sdfg_vec<T, W>`.
   */
  vecType(t: PDType, w: number, where: string): string {
    const name = vectorTypeName(this.d, t, this.type(t, where), w, where);
    this.usesVectors = true;
    return name;
  }

  /** Lane `k` (a number, or a loop variable outside OpenCL) of a vector value. */
  protected lane(text: string, k: number | string): string { return laneText(this.d, this.paren(text), k); }

  protected idx(): string { return indexTypeName(this.d); }
  protected math(fn: string): string { return mathFunctionName(this.d, fn); }
  protected ptr(space: Space, t: string): string { return pointerTypeName(this.d, space, t); }

  protected boundsCache: Record<string, [number, number]> | null = null;
  /** Ranges of loop variables (init value to the last value the condition admits). */
  protected bounds(): Record<string, [number, number]> {
    if (this.boundsCache) return this.boundsCache;
    const env: Record<string, [number, number]> = {};
    for (const [k, v] of Object.entries(this.symValues)) env[k] = [v, v];
    const visit = (r: PRegion) => {
      for (const b of r.blocks) {
        if (b.kind === "region") visit(b);
        else if (b.kind === "conditional") for (const br of b.branches) visit(br.body);
        else if (b.kind === "loop") {
          const v = b.variable;
          const init = b.init.find(([k]) => k === v)?.[1];
          const c = b.condition;
          if (v && init && c.kind === "binary" && c.left.kind === "name" && c.left.name === v) {
            const lo = evalInterval(init, env);
            const hiE = evalInterval(c.right, env);
            if (lo && hiE) {
              if (c.op === "<") env[v] = [Math.min(lo[0], hiE[1] - 1), Math.max(lo[1], hiE[1] - 1)];
              else if (c.op === "<=") env[v] = [Math.min(lo[0], hiE[1]), Math.max(lo[1], hiE[1])];
              else if (c.op === ">") env[v] = [Math.min(lo[0], hiE[0] + 1), lo[1]];
              else if (c.op === ">=") env[v] = [Math.min(lo[0], hiE[0]), lo[1]];
            }
          }
          visit(b.body);
        }
      }
    };
    visit(this.prog.root);
    this.boundsCache = env;
    return env;
  }

  protected evalSize(e: PExpr, where: string): number {
    let v = evalPExpr(e, this.symValues);
    // A size that depends on loop variables: the largest it gets over their ranges.
    if (v === undefined) v = evalInterval(e, this.bounds())?.[1];
    if (v === undefined || !Number.isFinite(v)) throw new UserError(where, "the size depends on values only known at run time (data read by the program), so no buffer can be sized for it");
    return v;
  }

  /** True when the program has dataflow states (streams): the code needs hls_stream.h and sdfg_dataflow.h. */
  get usesStreams(): boolean { return this.dataflow.size > 0; }

  /** A blocking read of one channel: hls::stream's read(), Intel's read_channel_intel. */
  protected streamRead(channel: string, t: PDType): string {
    if (channel.startsWith(MISSING_CHANNEL)) return `((${this.type(t, "")})sdfg_missing_channel("${channel.slice(MISSING_CHANNEL.length)}"))`;
    return this.d === "opencl" ? onChannel(channel, (c) => `read_channel_intel(${c})`) : `${channel}.read()`;
  }
  protected streamWrite(channel: string, value: string): string {
    if (channel.startsWith(MISSING_CHANNEL)) return `(void)sdfg_missing_channel("${channel.slice(MISSING_CHANNEL.length)}")`;
    return this.d === "opencl" ? onChannel(channel, (c) => `write_channel_intel(${c}, ${value})`) : `${channel}.write(${value})`;
  }

  protected combine(wcr: Wcr, old: Typed, val: Typed, env: Env): Typed {
    switch (wcr.op) {
      case "+": case "*": return this.arith(wcr.op, old, val);
      case "min": case "max": return this.minmax(wcr.op, old, val);
      case "lambda": {
        const inner = new Env(env.prog, env, env.prefix);
        const oc = `sdfg_a${this.counter++}`;
        const vc = `sdfg_b${this.counter++}`;
        inner.syms.set(wcr.a, { c: oc, t: old.t });
        inner.syms.set(wcr.b, { c: vc, t: val.t });
        const body = this.expr(wcr.body, inner);
        // A lambda over two named values: an immediately evaluated block keeps C and OpenCL happy.
        const T = this.type(old.t, "");
        const V = this.type(val.t, "");
        const fn = `sdfg_wcr${this.counter++}`;
        this.w.line(`const ${T} ${oc} = ${old.text};`);
        this.w.line(`const ${V} ${vc} = ${val.text};`);
        void fn;
        return { text: this.paren(body.text), t: body.t };
      }
    }
  }

  protected paren(s: string): string { return /^[A-Za-z0-9_.]+$/.test(s) || /^[A-Za-z_][A-Za-z0-9_]*\[[^\]]*\]$/.test(s) ? s : `(${s})`; }

  protected minmax(op: "min" | "max", a: Typed, b: Typed): Typed {
    const t = promote(a.t, b.t);
    const x = this.conv(a, t);
    const y = this.conv(b, t);
    if (isFloat(t)) return { text: `${this.d === "opencl" ? "f" : "std::f"}${op}(${x}, ${y})`, t };
    return { text: `((${x}) ${op === "min" ? "<" : ">"} (${y}) ? (${x}) : (${y}))`, t };
  }

  /** A value known when the code is generated (program constants and symbol values). */
  protected constantOf(): (e: PExpr) => number | undefined {
    return (e) => evalPExpr(e, this.symValues);
  }

  protected pipelinePragma(innerLoops: boolean, carried: string): void {
    if (this.d === "cpp") return;
    if (innerLoops) {
      this.w.comment("not pipelined: the body contains loops (HLS pipelines the innermost loops)");
      return;
    }
    const why = carried
      ? `II > 1 is likely: iterations accumulate into '${carried}' (write-conflict resolution), a loop-carried dependence through the adder's latency`
      : "II=1 is reachable when each global array is read at most once per iteration (one m_axi port each) and no iteration reads what an earlier one wrote";
    if (this.d === "hls") {
      this.w.directive("#pragma HLS PIPELINE II=1");
      this.w.comment(why);
    } else {
      this.w.comment(`aoc pipelines this single work-item loop; ${why.replace("m_axi port", "LSU")}`);
    }
  }

  protected literal(v: number, t: PDType): Typed {
    if (!Number.isFinite(v)) return { text: v > 0 ? "(1.0/0.0)" : v < 0 ? "(-1.0/0.0)" : "(0.0/0.0)", t: "float64" };
    if (isIntegral(t) && Number.isInteger(v)) return { text: String(v), t: "int64" };
    return { text: doubleLiteral(v), t: "float64" };
  }

  // ---------------------------------------------------------------- expressions

  conv(v: Typed, t: PDType): string {
    if (v.t === t) return v.text;
    if (this.d === "opencl" && (isComplex(t) || isComplex(v.t))) {
      // OpenCL C has no complex type: complex128 is a double2 (s0 real, s1 imaginary).
      if (isComplex(t) && isComplex(v.t)) return v.text;
      if (isComplex(t)) return `sdfg_cplx((double)(${v.text}), 0.0)`;
      return `(${this.type(t, "")})(${this.paren(v.text)}.s0)`;
    }
    if (isComplex(t)) return `${this.type(t, "")}(${v.text})`;
    if (isComplex(v.t)) return `(${this.type(t, "")})(${v.text}.real())`;
    return `(${this.type(t, "")})(${v.text})`;
  }

  /** `a op b` for + - * /: infix, or helper calls for complex numbers in OpenCL C. */
  arith(op: "+" | "-" | "*" | "/", a: Typed, b: Typed): Typed {
    let t = promote(a.t, b.t);
    if (op === "/" && isIntegral(t)) t = "float64";
    if (t === "bool") t = "int64";
    if (this.d === "opencl" && isComplex(t)) {
      const fn = { "+": "sdfg_cadd", "-": "sdfg_csub", "*": "sdfg_cmul", "/": "sdfg_cdiv" }[op];
      return { text: `${fn}(${this.conv(a, t)}, ${this.conv(b, t)})`, t };
    }
    return { text: `(${this.paren(this.conv(a, t))} ${op} ${this.paren(this.conv(b, t))})`, t };
  }

  protected cond(e: PExpr, env: Env, ctx?: StmtCtx): string { return this.expr(e, env, ctx).text; }

  expr(e: PExpr, env: Env, ctx?: StmtCtx): Typed {
    const p = (x: PExpr) => this.expr(x, env, ctx);
    const where = e.pos && ctx ? `${ctx.where}.attributes.code: line ${e.pos.line} col ${e.pos.column}` : ctx?.where ?? this.prog.file;
    switch (e.kind) {
      case "number":
        if (e.imag) {
          if (this.d === "opencl") return { text: `sdfg_cplx(0.0, ${doubleLiteral(e.value)})`, t: "complex128" };
          return { text: `std::complex<double>(0.0, ${doubleLiteral(e.value)})`, t: "complex128" };
        }
        if (e.integer && Math.abs(e.value) < 2 ** 53) return { text: Math.abs(e.value) > 2 ** 31 - 1 ? `${e.value}L` : String(e.value), t: Math.abs(e.value) > 2 ** 31 - 1 ? "int64" : "int32" };
        return this.literal(e.value, "float64");
      case "bool": return { text: e.value ? "1" : "0", t: "bool" };
      case "name": {
        if (e.name.startsWith("@")) return { text: e.name.slice(1), t: "int64" };
        const loc = ctx?.locals.get(e.name);
        if (loc) return { text: loc.c, t: loc.t };
        const conn = ctx?.conns.get(e.name);
        if (conn) {
          if (conn.arr) throw new UserError(where, `'${e.name}' is an array connector: index it (${e.name}[i])`);
          if (conn.streamIn && conn.w) {
            if (ctx?.lane === undefined || !conn.streamUse || !ctx.streamUses) throw new UserError(where, `vector connector '${e.name}' is used outside the tasklet's lanes`);
            if (ctx.laneGuard) throw new UserError(where, laneGuardMessage(e.name, "reads", ctx.laneGuard));
            const i = ctx.streamUses.get(e.name) ?? 0;
            ctx.streamUses.set(e.name, i + 1);
            const v = conn.streamUse[i]!;
            // Lane 0 reads the vector; every lane takes its lane of it.
            const read = conn.streamIn.startsWith(MISSING_CHANNEL) ? `(${this.streamRead(conn.streamIn, "int32")}, ${v})` : this.streamRead(conn.streamIn, conn.t);
            const vec = typeof ctx.lane === "number" ? (ctx.lane === 0 ? `(${v} = ${read})` : v) : `(${ctx.lane} == 0 ? (${v} = ${read}) : ${v})`;
            return { text: this.lane(vec, ctx.lane), t: conn.t };
          }
          if (conn.streamIn) return { text: this.streamRead(conn.streamIn, conn.t), t: conn.t };
          if (conn.direct?.ref.stream) throw new UserError(where, `'${e.name}' writes to a stream and cannot be read`);
          if (conn.w && ctx?.lane === undefined) throw new UserError(where, `vector connector '${e.name}' is used outside the tasklet's lanes`);
          if (conn.direct) {
            const el = this.element(conn.direct.ref, conn.direct.idx, env, where);
            return { text: conn.w ? this.lane(el, ctx!.lane!) : el, t: conn.t };
          }
          return { text: conn.w ? this.lane(conn.c, ctx!.lane!) : conn.c, t: conn.t };
        }
        const sym = env.sym(e.name);
        if (sym) return { text: sym.c, t: sym.t };
        const d = env.data.get(e.name);
        if (d && (d.desc.kind === "scalar" || d.desc.shape.length === 1 && evalPExpr(d.desc.shape[0]!, {}) === 1)) {
          return { text: this.lanedElement(d.desc.kind === "scalar" ? this.element(d, [], env, where) : `${d.c}[0]`, d, ctx, where), t: d.desc.dtype };
        }
        throw new UserError(where, `unknown name '${e.name}' (not a connector, symbol or scalar)`);
      }
      case "index": {
        const conn = ctx?.conns.get(e.name);
        if (conn?.w) throw new UserError(where, `'${e.name}' is a vector connector: its lanes cannot be indexed (the code runs lane by lane)`);
        if (conn?.arr) return { text: this.lanedElement(this.connElement(conn.arr, e.indices, ctx!, where), conn.arr.ref, ctx, where), t: conn.t };
        const d = env.data.get(e.name);
        if (d) return { text: this.lanedElement(this.element(d, e.indices, env, where, ctx), d, ctx, where), t: d.desc.dtype };
        throw new UserError(where, `'${e.name}' cannot be indexed (not an array connector or container)`);
      }
      case "unary": {
        const v = p(e.operand);
        if (e.op === "not") return { text: `!${this.paren(v.text)}`, t: "bool" };
        if (e.op === "~") return { text: `~${this.paren(v.text)}`, t: v.t === "bool" ? "int64" : v.t };
        if (this.d === "opencl" && isComplex(v.t)) return e.op === "-" ? { text: `sdfg_cneg(${v.text})`, t: v.t } : v;
        return { text: `${e.op}${this.paren(v.text)}`, t: v.t === "bool" ? "int64" : v.t };
      }
      case "cast": {
        const v = p(e.operand);
        return { text: this.conv(v, e.to), t: e.to };
      }
      case "ternary": {
        const inner = ctx ? this.underCondition(e.cond, ctx) : ctx;
        const c = p(e.cond), a = this.expr(e.then, env, inner), b = this.expr(e.otherwise, env, inner);
        const t = promote(a.t, b.t);
        return { text: `(${c.text} ? ${this.conv(a, t)} : ${this.conv(b, t)})`, t };
      }
      case "call": return this.call(e.fn, e.args.map(p), where);
      case "binary": {
        const a = p(e.left), b = p(e.right);
        const L = this.paren(a.text), R = this.paren(b.text);
        switch (e.op) {
          case "and": return { text: `(${L} && ${R})`, t: "bool" };
          case "or": return { text: `(${L} || ${R})`, t: "bool" };
          case "<": case "<=": case ">": case ">=": case "==": case "!=": {
            const t = promote(a.t, b.t);
            if (this.d === "opencl" && isComplex(t)) {
              if (e.op !== "==" && e.op !== "!=") throw new UserError(where, "complex numbers have no order");
              return { text: `(${e.op === "!=" ? "!" : ""}sdfg_ceq(${this.conv(a, t)}, ${this.conv(b, t)}))`, t: "bool" };
            }
            return { text: `(${this.conv(a, t)} ${e.op} ${this.conv(b, t)})`, t: "bool" };
          }
          case "/": return this.arith("/", a, b);
          case "//": return this.call("floordiv", [a, b], where);
          case "%": return this.call("mod", [a, b], where);
          case "**": {
            // `z ** dace.complex128(2)`: an integer power, computed by multiplication.
            const r = e.right;
            if (r.kind === "cast" && isComplex(r.to) && r.operand.kind === "number" && r.operand.integer) return this.call("pow", [a, p(r.operand)], where);
            return this.call("pow", [a, b], where);
          }
          case "&": case "|": case "^": case "<<": case ">>": {
            const t = a.t === "bool" && b.t === "bool" ? "bool" : promote(a.t === "bool" ? "int64" : a.t, b.t === "bool" ? "int64" : b.t);
            if (!isIntegral(t)) throw new UserError(where, `bitwise '${e.op}' needs integer operands`);
            return { text: `(${this.paren(this.conv(a, t))} ${e.op} ${this.paren(this.conv(b, t))})`, t };
          }
          default: return this.arith(e.op as "+", a, b);
        }
      }
    }
  }

  protected call(fn: string, args: Typed[], where: string): Typed {
    const [a, b] = args;
    const fl = (t: PDType): PDType => (isIntegral(t) ? "float64" : t);
    switch (fn) {
      case "min": case "max": return this.minmax(fn, a!, b!);
      case "abs":
        if (isIntegral(a!.t)) return { text: `((${a!.text}) < 0 ? -(${a!.text}) : (${a!.text}))`, t: a!.t };
        if (isComplex(a!.t)) return { text: this.d === "opencl" ? `sdfg_cabs(${a!.text})` : `std::abs(${a!.text})`, t: a!.t === "complex64" ? "float32" : "float64" };
        return { text: `${this.math("fabs")}(${a!.text})`, t: a!.t };
      case "floordiv": {
        const t = promote(a!.t, b!.t);
        if (isIntegral(t)) return { text: `sdfg_floordiv(${a!.text}, ${b!.text})`, t: t === "bool" ? "int64" : promote(t, "int64") };
        return { text: `${this.math("floor")}(${this.conv(a!, t)} / ${this.conv(b!, t)})`, t };
      }
      case "ceildiv": return { text: `(-sdfg_floordiv(-(${a!.text}), ${b!.text}))`, t: "int64" };
      case "mod": {
        const t = promote(a!.t, b!.t);
        if (isIntegral(t)) return { text: `sdfg_mod(${a!.text}, ${b!.text})`, t: promote(t, "int64") };
        return { text: `sdfg_fmod(${this.conv(a!, "float64")}, ${this.conv(b!, "float64")})`, t: "float64" };
      }
      case "pow": {
        const t = promote(a!.t, b!.t);
        if (isIntegral(t)) return { text: `sdfg_ipow(${a!.text}, ${b!.text})`, t: "int64" };
        if (isComplex(t) && isIntegral(b!.t)) return { text: `sdfg_cpowi(${this.conv(a!, t)}, ${b!.text})`, t };
        if (this.d === "opencl" && isComplex(t)) throw new UserError(where, "a complex power with a non-integer exponent cannot be mapped to Intel OpenCL");
        if (b!.text === "2") return { text: `(${this.paren(this.conv(a!, t))} * ${this.paren(this.conv(a!, t))})`, t };
        return { text: `${this.math("pow")}(${this.conv(a!, t)}, ${this.conv(b!, t)})`, t };
      }
      case "atan2": { const t = fl(promote(a!.t, b!.t)); return { text: `${this.math("atan2")}(${this.conv(a!, t)}, ${this.conv(b!, t)})`, t }; }
      case "real": case "imag":
        if (!isComplex(a!.t)) return fn === "real" ? a! : { text: "0", t: a!.t };
        if (this.d === "opencl") return { text: `${this.paren(a!.text)}.${fn === "real" ? "s0" : "s1"}`, t: "float64" };
        return { text: `std::${fn}(${a!.text})`, t: a!.t === "complex64" ? "float32" : "float64" };
      case "conj": return { text: this.d === "opencl" ? `sdfg_cconj(${a!.text})` : `std::conj(${a!.text})`, t: a!.t };
      case "isnan": return { text: `${this.math("isnan")}(${this.conv(a!, fl(a!.t))})`, t: "bool" };
      default: {
        const t = fl(a!.t);
        if (isComplex(t) && this.d === "opencl") {
          if (fn === "exp") return { text: `sdfg_cexp(${a!.text})`, t };
          throw new UserError(where, `${fn}() of a complex number cannot be mapped to Intel OpenCL (exp, abs, real, imag and conj can)`);
        }
        return { text: `${this.math(fn)}(${this.conv(a!, t)})`, t };
      }
    }
  }
}
