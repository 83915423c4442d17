// Sequential code for a general SDFG program (src/ir/program.ts), shared by the CPU reference,
// the Vitis HLS kernel and the Intel OpenCL kernel: control-flow regions become structured code
// (or a switch-based state machine where the graph is not a chain), maps become loop nests,
// tasklets become blocks of statements reading and writing through their memlets, WCR becomes
// read-modify-write, views become pointers into what they view, nested SDFGs become blocks with
// their own names, and library nodes (MatMul, Dot, Reduce, Transpose) are expanded into loop
// nests here. Symbols are specialised to their values (as DaCe's FPGA backend does), so every
// trip count and on-chip buffer size is a compile-time constant.
//
// The dialect decides spelling only: C++ (`std::exp`, `std::complex`), HLS C++ (pragmas on
// loops) or OpenCL C (`__global`/`__local` pointers, no complex). What a dialect cannot express
// is refused with a UserError naming the node.
//
// The generator is one class built in layers, each a file, each layer extending the one before:
// program_expressions.ts (types, expressions, pragmas), program_memory_access.ts (containers,
// views, copies, writes), program_tasklets.ts, program_library_nodes.ts (library nodes and
// nested SDFGs), program_dataflow.ts (FPGA-form processes and streams) and this file, the top:
// kernel arguments and body, control flow, scopes and maps, and the prelude of helpers.

import { CodeWriter } from "./code_writer.js";
import { dataflowStates, processLocalData } from "./fpga_processes.js";
import { regionHasLoops } from "./region_loops.js";
import { structuredSteps } from "./region_structure.js";
import { doubleLiteral } from "./c_expr.js";
import { CPP_VECTOR_TYPE } from "./vector_types.js";
import { acyclicOrder, constantRanges, hasLoopsInside, unrolledMap } from "./loop_unroll.js";
import { evalPExpr, freeSymbols, readData, writtenData } from "./program_analysis.js";
import { UserError } from "../ir/diagnostics.js";
import { lanesOf, type PBlock, type PDType, type PExpr, type PNode, type PRegion, type PState } from "../ir/program.js";
import { Env, ident } from "./program_code_context.js";
import { ProgramDataflowCode } from "./program_dataflow.js";

export type { DataflowLaunch, KernelArg, ProgramCodeOptions } from "./program_code_context.js";

export class ProgramCodeGen extends ProgramDataflowCode {
  /** Kernel arguments and the top-level environment. */
  protected topEnv(): Env {
    const p = this.prog;
    const env = new Env(p, null, "");
    const free = freeSymbols(p);
    for (const s of free) {
      if (!Object.hasOwn(this.symValues, s)) throw new UserError(`${p.file}: $.attributes.symbols.${s}`, `no value for symbol '${s}' (give --symbol ${s}=VALUE or an input whose shape sets it)`);
    }
    for (const [s, t] of Object.entries(p.symbols)) env.syms.set(s, { c: `s_${ident(s, `${p.file}: $.attributes.symbols`)}`, t });
    for (const [s] of Object.entries(p.constants)) if (!env.syms.has(s)) env.syms.set(s, { c: `s_${ident(s, `${p.file}: $.attributes.constants_prop`)}`, t: Number.isInteger(p.constants[s]) ? "int64" : "float64" });
    const written = writtenData(p);
    const read = readData(p);
    this.dataflow = dataflowStates(p, (e, where) => this.evalSize(e, where));
    const local = processLocalData(p, this.dataflow);
    for (const [name, desc] of Object.entries(p.arrays)) {
      const c = `d_${ident(name, `${p.file}: $.attributes._arrays`)}`;
      if (desc.kind === "stream") {
        const where = `${p.file}: $.attributes._arrays.${name}`;
        if (!desc.transient) throw new UserError(where, `stream '${name}' is a program argument; only transient streams (FIFOs inside the kernel) can be mapped`);
        const count = desc.shape.map((x) => this.evalSize(x, `${where}.shape`)).reduce((a, b) => a * b, 1);
        const depth = this.evalSize(desc.bufferSize ?? { kind: "number", value: 1, integer: true }, `${where}.buffer_size`);
        if (!Number.isInteger(depth) || depth < 1) throw new UserError(`${where}.buffer_size`, `stream '${name}' has buffer_size ${depth}; a FIFO needs a depth of at least 1`);
        env.data.set(name, { c, desc, space: "onchip", byValue: false, scalarPtr: false, stream: { depth, count } });
        continue;
      }
      if (local.has(name)) { env.data.set(name, { c, desc, space: desc.kind === "scalar" ? "private" : "onchip", byValue: false, scalarPtr: false, processLocal: local.get(name)! }); continue; }
      if (this.d === "opencl" && this.dataflow.size > 0 && desc.transient && desc.kind !== "view") {
        // Intel, FPGA-form: the host holds the program's data and hands the process kernels buffers.
        env.data.set(name, { c, desc, space: "global", byValue: false, scalarPtr: false });
        continue;
      }
      // A vector type this dialect cannot express is refused here, at the dtype that asks for it.
      if (desc.veclen !== undefined) this.dataType(desc, `${p.file}: $.attributes._arrays.${name}.attributes.dtype`);
      if (desc.kind === "view") { env.data.set(name, { c, desc, space: "global", byValue: false, scalarPtr: false }); continue; }
      const shape = desc.shape.map((x) => this.evalSize(x, `${p.file}: $.attributes._arrays.${name}.shape`));
      const elements = shape.reduce((a, b) => a * b, 1);
      if (!desc.transient) {
        const isScalar = desc.kind === "scalar";
        const lanes = lanesOf(desc);
        // A vector scalar travels as a pointer to one vector (a kernel argument by value is a scalar).
        const byValue = isScalar && !written.has(name) && lanes === 1;
        const hostShape = lanes === 1 ? (isScalar ? [] : shape) : isScalar ? [lanes] : [...shape.slice(0, -1), shape[shape.length - 1]! * lanes];
        this.args.push({ name, cName: c, desc, elements: elements * lanes, shape: hostShape, lanes, byValue, written: written.has(name), read: read.has(name) || !written.has(name), deviceTransient: false });
        env.data.set(name, { c, desc, space: byValue ? "private" : "global", byValue, scalarPtr: isScalar && !byValue });
      } else {
        const space = this.declareTransient(name, c, desc, elements, shape);
        env.data.set(name, { c, desc, space, byValue: false, scalarPtr: false });
      }
    }
    return env;
  }

  /** The kernel body (declarations and code), after `args` is known. */
  body(): string {
    const env = this.topEnv();
    const code = new CodeWriter();
    for (const s of freeSymbols(this.prog)) if (!Object.hasOwn(this.prog.constants, s)) code.line(`const ${this.type(this.prog.symbols[s]!, "")} ${env.syms.get(s)!.c} = ${this.symValues[s]};`);
    for (const [s, v] of Object.entries(this.prog.constants)) code.line(`const ${this.type(env.syms.get(s)!.t, "")} ${env.syms.get(s)!.c} = ${doubleLiteral(v)};`);
    const free = new Set(freeSymbols(this.prog));
    for (const [s, t] of Object.entries(this.prog.symbols)) if (!free.has(s)) code.line(`${this.type(t, "")} ${env.syms.get(s)!.c} = 0;`);
    this.region(this.prog.root, env);
    code.embed(this.decls);
    code.embed(this.w);
    return code.toString();
  }

  // ---------------------------------------------------------------- control flow

  protected override region(r: PRegion, env: Env): void {
    if (r.blocks.length === 0) return;
    // A chain (each block has at most one unconditional successor, the start reaches all), whose
    // blocks may branch two ways on complementary conditions and meet again: straight-line code.
    const steps = structuredSteps(r);
    if (steps) {
      for (const st of steps) {
        if (st.kind === "block") {
          this.block(r.blocks[st.block]!, env);
          if (st.next) this.assignments(st.next.assignments, env);
          continue;
        }
        st.arms.forEach((a, i) => this.w.block(i === 0 ? `if (${this.cond(a.edge.condition!, env)})` : "else", () => {
          this.assignments(a.edge.assignments, env);
          this.block(r.blocks[a.block]!, env);
          this.assignments(a.join.assignments, env);
        }));
      }
      return;
    }
    // Inside a pipelined loop (a Gearbox's states): each state a block guarded by whether control
    // reached it, so the iteration has no loop of its own.
    const forward = this.unrollDepth > 0 ? acyclicOrder(r.blocks.length, r.edges, r.start) : null;
    if (forward) { this.guardedBlocks(r, forward, env); return; }
    const outs = r.blocks.map((_, i) => r.edges.filter((e) => e.src === i));
    // General graph: a state machine (a loop around a switch), which HLS and aoc both accept.
    const st = `sdfg_state_${this.counter++}`;
    this.w.line(`int ${st} = ${r.start};`);
    this.w.block(`while (${st} >= 0)`, () => {
      this.w.block(`switch (${st})`, () => {
        r.blocks.forEach((b, i) => {
          this.w.block(`case ${i}:`, () => {
            this.block(b, env);
            let first = true;
            for (const e of outs[i]!) {
              const body = () => { this.assignments(e.assignments, env); this.w.line(`${st} = ${e.dst};`); };
              if (e.condition) { this.w.block(`${first ? "" : "else "}if (${this.cond(e.condition, env)})`, body); first = false; }
              else if (first) { body(); first = false; break; }
              else { this.w.block("else", body); first = true; break; }
            }
            if (outs[i]!.length === 0) this.w.line(`${st} = -1;`);
            else if (outs[i]!.every((e) => e.condition)) this.w.line(`else ${st} = -1;`);
            this.w.line("break;");
          });
        });
        this.w.line(`default: ${st} = -1; break;`);
      });
    });
  }

  /** An acyclic state graph as blocks in `order`, each run when an edge into it was taken. */
  protected guardedBlocks(r: PRegion, order: number[], env: Env): void {
    const reached = r.blocks.map(() => `sdfg_reached${this.counter++}`);
    this.w.comment(`states ${order.map((i) => r.blocks[i]!.label).join(", ")}: each runs when control reaches it (the first edge whose condition holds)`);
    for (const i of order) this.w.line(`bool ${reached[i]} = ${i === r.start};`);
    for (const i of order) {
      this.w.block(`if (${reached[i]})`, () => {
        this.block(r.blocks[i]!, env);
        let first = true;
        for (const e of r.edges.filter((x) => x.src === i)) {
          const take = () => { this.assignments(e.assignments, env); this.w.line(`${reached[e.dst]} = true;`); };
          if (e.condition) { this.w.block(`${first ? "" : "else "}if (${this.cond(e.condition, env)})`, take); first = false; }
          else { if (first) take(); else this.w.block("else", take); break; }
        }
      });
    }
  }

  protected assignments(list: [string, PExpr][], env: Env): void {
    // Interstate assignments happen at once: evaluate every value before assigning.
    if (list.length === 1) {
      const [k, v] = list[0]!;
      const s = this.assignTarget(k, env);
      this.w.line(`${s.c} = ${this.conv(this.expr(v, env), s.t)};`);
      return;
    }
    const tmps = list.map(([k, v]) => {
      const s = this.assignTarget(k, env);
      const t = `sdfg_tmp_${this.counter++}`;
      this.w.line(`const ${this.type(s.t, "")} ${t} = ${this.conv(this.expr(v, env), s.t)};`);
      return [s.c, t];
    });
    for (const [c, t] of tmps) this.w.line(`${c} = ${t};`);
  }

  protected assignTarget(k: string, env: Env): { c: string; t: PDType } {
    const s = env.sym(k);
    if (s) return s;
    // An assignment to an undeclared symbol declares it (DaCe infers its type).
    const c = `s${env.prefix}_${ident(k, this.prog.file)}`;
    const rec = { c, t: "int64" as PDType };
    env.syms.set(k, rec);
    this.decls.line(`${this.idx()} ${c} = 0;`);
    return rec;
  }

  protected block(b: PBlock, env: Env): void {
    switch (b.kind) {
      case "state": this.state(b, env); break;
      case "region": this.region(b, env); break;
      case "conditional": {
        b.branches.forEach((br, i) => {
          const head = br.condition ? `${i === 0 ? "if" : "else if"} (${this.cond(br.condition, env)})` : "else";
          this.w.block(head, () => this.region(br.body, env));
        });
        break;
      }
      case "loop": {
        this.w.comment(`loop ${b.label}`);
        this.assignments(b.init, env);
        const cond = this.cond(b.condition, env);
        const upd = () => this.assignments(b.update, env);
        if (b.inverted) {
          this.w.block("do", () => { this.region(b.body, env); upd(); }, ` while (${cond});`);
        } else {
          this.w.block(`while (${cond})`, () => {
            // Inside a dataflow process an innermost loop is pipelined like a map's loop.
            if (this.inProcess && !regionHasLoops(b.body)) this.pipelinePragma(false, "");
            this.region(b.body, env);
            upd();
          });
        }
        break;
      }
    }
  }

  protected state(s: PState, env: Env): void {
    if (s.nodes.length === 0) return;
    this.w.comment(`state ${s.label}`);
    const df = env.parent === null ? this.dataflow.get(s) : undefined;
    if (df) { this.dataflowState(df, env); return; }
    this.scope(s, null, env);
  }

  protected scopeCache = new WeakMap<PState, { children: Map<number | null, number[]>; deps: Map<number | null, [number, number][]> }>();
  /** Per scope of a state: its direct children (map exits belong to their entry) and the
   * dependencies between them that the state's edges imply, computed once per state. */
  protected scopes(s: PState) {
    let c = this.scopeCache.get(s);
    if (c) return c;
    const byId = this.adj(s).byId;
    const chainCache = new Map<number, number[]>();
    const chain = (id: number): number[] => {
      const n = byId.get(id)!;
      const unit = n.kind === "map_exit" ? n.entry : id;
      let ch = chainCache.get(unit);
      if (!ch) {
        const sc = s.scope.get(unit) ?? null;
        ch = sc === null ? [unit] : [...chain(sc), unit];
        chainCache.set(unit, ch);
      }
      return ch;
    };
    const children = new Map<number | null, number[]>();
    for (const n of s.nodes) {
      if (n.kind === "map_exit") continue;
      const sc = s.scope.get(n.id) ?? null;
      if (!children.has(sc)) children.set(sc, []);
      children.get(sc)!.push(n.id);
    }
    const deps = new Map<number | null, [number, number][]>();
    for (const e of s.edges) {
      const a = chain(e.src);
      const b = chain(e.dst);
      let k = 0;
      while (k < a.length && k < b.length && a[k] === b[k]) k++;
      if (k >= a.length || k >= b.length) continue; // inside its own scope (entry to child, child to exit)
      const scope = k === 0 ? null : a[k - 1]!;
      if (!deps.has(scope)) deps.set(scope, []);
      deps.get(scope)!.push([a[k]!, b[k]!]);
    }
    c = { children, deps };
    this.scopeCache.set(s, c);
    return c;
  }

  /** Nodes directly inside `entry` (null: top level), in dependency order, as units. */
  protected override scope(s: PState, entry: number | null, env: Env, only?: Set<number>): void {
    const byId = this.adj(s).byId;
    const sc = this.scopes(s);
    const ids = (sc.children.get(entry) ?? []).filter((i) => i !== entry && (!only || only.has(i)));
    const deps = new Map<number, Set<number>>(ids.map((i) => [i, new Set()]));
    for (const [a, b] of sc.deps.get(entry) ?? []) deps.get(b)?.add(a);
    // Kahn's algorithm, smallest position first (stable, deterministic).
    const pos = new Map(ids.map((i, k) => [i, k]));
    const indeg = new Map(ids.map((i) => [i, [...deps.get(i)!].filter((d) => deps.has(d)).length]));
    const users = new Map<number, number[]>(ids.map((i) => [i, []]));
    for (const i of ids) for (const d of deps.get(i)!) if (deps.has(d)) users.get(d)!.push(i);
    const ready = ids.filter((i) => indeg.get(i) === 0);
    const order: number[] = [];
    while (ready.length > 0) {
      ready.sort((a, b) => pos.get(a)! - pos.get(b)!);
      const next = ready.shift()!;
      order.push(next);
      for (const u of users.get(next)!) { const d = indeg.get(u)! - 1; indeg.set(u, d); if (d === 0) ready.push(u); }
    }
    if (order.length < ids.length) throw new UserError(s.where, "the state's dataflow graph has a cycle");
    // Views are bound first: nodes before a view in the order may write through it.
    for (const id of order) {
      const n = byId.get(id)!;
      if (n.kind === "access" && env.data.get(n.data)?.desc.kind === "view") this.bindView(s, n, env.data.get(n.data)!, env);
    }
    for (const id of order) this.node(s, byId.get(id)!, env);
  }

  protected node(s: PState, n: PNode, env: Env): void {
    switch (n.kind) {
      case "access": this.accessNode(s, n, env); break;
      case "tasklet": this.tasklet(s, n, env); break;
      case "map_entry": this.map(s, n, env); break;
      case "nested": this.nested(s, n, env); break;
      case "library": this.library(s, n, env); break;
      case "scope_unsupported": throw new UserError(n.where, `${n.type} '${n.label}' cannot be mapped: consume scopes are not supported`);
      case "map_exit": break;
    }
  }

  protected map(s: PState, n: Extract<PNode, { kind: "map_entry" }>, env: Env): void {
    const inner = new Env(env.prog, env, env.prefix);
    for (const [k, v] of env.data) inner.data.set(k, v);
    const vars = n.params.map((p) => {
      const c = `p${this.counter++}_${ident(p, n.where)}`;
      inner.syms.set(p, { c, t: "int64" });
      return c;
    });
    this.w.comment(`map ${n.label}[${n.params.join(", ")}]`);
    const heads = n.ranges.map((r, k) => {
      const step = evalPExpr(r.step, this.symValues);
      const st = this.expr(r.start, inner).text;
      const en = this.expr(r.end, inner).text;
      const sp = this.expr(r.step, inner).text;
      const cmp = step !== undefined && step < 0 ? ">=" : "<=";
      return `for (${this.idx()} ${vars[k]} = ${st}; ${vars[k]} ${cmp} ${en}; ${vars[k]} += ${sp})`;
    });
    // The ranges of inner dimensions may use outer parameters: the env already has all of them.
    const carried = this.carriedDependence(s, n);
    const constant = this.constantOf();
    // Written out in hardware: marked `unroll`, or a constant loop inside a pipelined body.
    const unrolled = unrolledMap(n, constant) || (this.unrollDepth > 0 && constantRanges(n, constant));
    const innerLoops = !unrolled && this.hasInnerLoops(s, n);
    const nest = (k: number) => {
      if (k === heads.length) {
        // A pipelined or unrolled body unrolls what loops it holds (HLS would, and aoc needs to).
        if (!innerLoops) this.unrollDepth++;
        if (unrolled) this.unrolledVars.push(...vars);
        this.scope(s, n.id, inner);
        if (unrolled) this.unrolledVars.splice(-vars.length);
        if (!innerLoops) this.unrollDepth--;
        return;
      }
      if (unrolled && this.d === "opencl") this.w.directive("#pragma unroll");
      this.w.block(heads[k]!, () => {
        if (unrolled) { if (this.d === "hls") this.w.directive("#pragma HLS UNROLL"); }
        else if (k === heads.length - 1) this.pipelinePragma(innerLoops, carried);
        nest(k + 1);
      });
    };
    if (unrolled && this.d !== "cpp") this.w.comment(`unrolled: ${n.unroll ? "the map is marked unroll" : "a constant loop inside a pipelined loop"}`);
    nest(0);
  }

  /** A WCR out of this map scope: successive iterations update the same location. */
  protected carriedDependence(s: PState, n: Extract<PNode, { kind: "map_entry" }>): string {
    const wcr = s.edges.find((e) => e.dst === n.exit && e.memlet?.wcr) ?? s.edges.find((e) => e.src === n.exit && e.memlet?.wcr);
    return wcr ? wcr.memlet!.data : "";
  }

  protected hasInnerLoops(s: PState, n: Extract<PNode, { kind: "map_entry" }>): boolean {
    return hasLoopsInside(s, n, this.constantOf(), this.inProcess);
  }

  /** Helper functions the generated code calls (valid C++ and OpenCL C). */
  prelude(): string {
    const I = this.idx();
    const w = new CodeWriter();
    if (this.dataflow.size > 0) {
      // A PE instance's code may name a channel outside its stream (PE 0's `pipe[p - 1]`) where the
      // program never runs it; the emulation stops if it does, hardware gets a constant.
      w.directive("#ifdef SDFG_FPGA_SIM");
      w.line("static inline int sdfg_missing_channel(const char* channel) { std::fprintf(stderr, \"channel %s does not exist, yet a process read or wrote it\\n\", channel); std::exit(4); return 0; }");
      w.directive("#else");
      w.directive("#define sdfg_missing_channel(channel) 0");
      w.directive("#endif");
    }
    w.line(`static inline ${I} sdfg_floordiv(${I} a, ${I} b) { ${I} q = a / b; return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q; }`);
    w.line(`static inline ${I} sdfg_mod(${I} a, ${I} b) { ${I} r = a % b; return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r; }`);
    w.line(`static inline double sdfg_fmod(double a, double b) { double r = ${this.math("fmod")}(a, b); return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r; }`);
    w.line(`static inline ${I} sdfg_ipow(${I} a, ${I} b) { ${I} r = 1; for (${I} k = 0; k < b; k++) r *= a; return r; }`);
    if (this.d === "cpp" && this.usesVectors) {
      // The CPU reference's vector: W lanes of T, the layout of DaCe's host array (T[W] per element).
      w.line(CPP_VECTOR_TYPE);
    }
    if (this.d !== "opencl") {
      w.line("static inline std::complex<double> sdfg_cpowi(std::complex<double> a, int64_t n) { std::complex<double> r(1.0, 0.0); for (int64_t k = 0; k < (n < 0 ? -n : n); k++) r *= a; return n < 0 ? 1.0 / r : r; }");
    }
    if (this.d === "opencl") {
      // complex128 as double2 (s0 real, s1 imaginary): what OpenCL C lacks, as functions.
      w.line("static inline double2 sdfg_cplx(double re, double im) { double2 r; r.s0 = re; r.s1 = im; return r; }");
      w.line("static inline double2 sdfg_cadd(double2 a, double2 b) { return sdfg_cplx(a.s0 + b.s0, a.s1 + b.s1); }");
      w.line("static inline double2 sdfg_csub(double2 a, double2 b) { return sdfg_cplx(a.s0 - b.s0, a.s1 - b.s1); }");
      w.line("static inline double2 sdfg_cmul(double2 a, double2 b) { return sdfg_cplx(a.s0 * b.s0 - a.s1 * b.s1, a.s0 * b.s1 + a.s1 * b.s0); }");
      w.line("static inline double2 sdfg_cdiv(double2 a, double2 b) { double d = b.s0 * b.s0 + b.s1 * b.s1; return sdfg_cplx((a.s0 * b.s0 + a.s1 * b.s1) / d, (a.s1 * b.s0 - a.s0 * b.s1) / d); }");
      w.line("static inline double2 sdfg_cneg(double2 a) { return sdfg_cplx(-a.s0, -a.s1); }");
      w.line("static inline double2 sdfg_cconj(double2 a) { return sdfg_cplx(a.s0, -a.s1); }");
      w.line("static inline int sdfg_ceq(double2 a, double2 b) { return a.s0 == b.s0 && a.s1 == b.s1; }");
      w.line("static inline double sdfg_cabs(double2 a) { return hypot(a.s0, a.s1); }");
      w.line("static inline double2 sdfg_cpowi(double2 a, long n) { double2 r = sdfg_cplx(1.0, 0.0); for (long k = 0; k < (n < 0 ? -n : n); k++) r = sdfg_cmul(r, a); return n < 0 ? sdfg_cdiv(sdfg_cplx(1.0, 0.0), r) : r; }");
      w.line("static inline double2 sdfg_cexp(double2 a) { double m = exp(a.s0); return sdfg_cplx(m * cos(a.s1), m * sin(a.s1)); }");
    }
    return w.toString();
  }
}
