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

import { CodeWriter } from "./code_writer.js";
import { dataflowStates, processLocalData, type DataflowState, type ProcessInstance } from "./fpga_processes.js";
import { exitPathEnd } from "./memlet_path.js";
import { regionHasLoops } from "./region_loops.js";
import { structuredSteps } from "./region_structure.js";
import { doubleLiteral } from "./c_expr.js";
import { CPP_VECTOR_TYPE, laneText, vectorTypeName } from "./vector_types.js";
import { onChannel, selectedChannel } from "./channel_select.js";
import { gearboxPlan } from "./gearbox.js";
import { acyclicOrder, constantRanges, hasLoopsInside, unrolledMap } from "./loop_unroll.js";
import { indexTypeName, mathFunctionName, pointerTypeName, scalarTypeName, type Dialect, type Space } from "./dialect.js";
import { collectNames, evalInterval, evalPExpr, freeSymbols, readData, sameExpr, stmtExprs, writtenData } from "./program_analysis.js";
import { UserError } from "../ir/diagnostics.js";
import {
  isComplex, isFloat, isIntegral, lanesOf, PDTYPE_BYTES, type PBlock, type PDataDesc, type PDType, type PEdge, type PExpr, type PMemlet,
  type PNode, type Program, type PRange, type PRegion, type PState, type PStmt, type Wcr,
} from "../ir/program.js";

export interface ProgramCodeOptions {
  dialect: Dialect;
  /** Values of the program's free symbols. */
  symbols: Record<string, number>;
  /** Transients up to this many bytes go on chip (FPGA dialects). */
  onchipLimitBytes: number;
  /**
   * Host code of an FPGA-form program on Intel (dialect cpp): a dataflow state is a call to a
   * launcher the host defines (it starts the state's process kernels), not processes of its own.
   */
  hostLaunch?: boolean;
}

/** One dataflow state as the Intel host launches it: its kernels and their arguments. */
export interface DataflowLaunch {
  fn: string;
  /** Parameters of the launcher (symbols by value, then data pointers), in C. */
  params: string[];
  /** Data pointers of the launcher: C name, element count, element type in C. */
  data: { c: string; elements: number; type: string }[];
  /** Symbols of the launcher: C name. */
  symbols: string[];
  /** Process kernels with their arguments (C names of symbols and data). */
  processes: { name: string; args: { c: string; kind: "symbol" | "data" }[] }[];
}

/** A kernel argument: a non-transient container, or a transient kept in device memory. */
export interface KernelArg {
  name: string;
  cName: string;
  desc: PDataDesc;
  /**
   * Scalar elements, with symbols specialised: what the host's `.npy` holds. A vector container
   * (`lanes` > 1) has `elements / lanes` vectors; its host shape is its shape with the last axis
   * `lanes` times longer (a 0-d vector scalar: shape [lanes]), as DaCe's host passes it.
   */
  elements: number;
  shape: number[];
  /** Lanes of each element (1: scalars; W: `dace.vector(T, W)`). */
  lanes: number;
  /** Passed by value (a read-only scalar): `s_axilite` only. */
  byValue: boolean;
  /** The program writes it. */
  written: boolean;
  read: boolean;
  /** A transient the kernel keeps in device memory (too large for on-chip memory). */
  deviceTransient: boolean;
}

interface DataRef {
  c: string; desc: PDataDesc; space: Space; byValue: boolean; scalarPtr: boolean;
  /**
   * A stream (FIFO array): its depth and number of channels; `offset`: a nested SDFG's stream
   * that is channels of the outer array `c` from this constant channel on.
   */
  stream?: { depth: number; count: number; offset?: number };
  /** A transient one process owns: declared inside that process's function. */
  processLocal?: number;
  /** A nested SDFG's pointer into an array: that array's C name. */
  array?: string;
}

class Env {
  readonly data = new Map<string, DataRef>();
  readonly syms = new Map<string, { c: string; t: PDType }>();
  constructor(readonly prog: Program, readonly parent: Env | null, readonly prefix: string) {}
  sym(n: string): { c: string; t: PDType } | undefined { return this.syms.get(n) ?? (this.parent && !this.data.has(n) ? this.parent.symFallback(n) : undefined); }
  private symFallback(n: string): { c: string; t: PDType } | undefined { return this.syms.get(n) ?? this.parent?.symFallback(n); }
}

/** A value of generated code: its text and lane type; `w` lanes when it is a whole vector. */
interface Typed { text: string; t: PDType; w?: number }


const RANK: PDType[] = ["bool", "uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32", "float64", "complex64", "complex128"];

function promote(a: PDType, b: PDType): PDType {
  if (isComplex(a) || isComplex(b)) return a === "complex128" || b === "complex128" || a === "float64" || b === "float64" ? "complex128" : "complex64";
  return RANK.indexOf(a) >= RANK.indexOf(b) ? a : b;
}

/** C identifier of a program name (validated: DaCe names are identifiers). */
function ident(name: string, where: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UserError(where, `'${name}' is not an identifier and cannot be used in generated code`);
  return name;
}

/** What `element` returns for a constant stream channel outside the stream (then its name). */
const MISSING_CHANNEL = "@missing-channel:";

export class ProgramCodeGen {
  private w = new CodeWriter();
  private decls = new CodeWriter();
  /** Top-level states that are dataflow regions (FPGA-form SDFGs with streams). */
  private dataflow = new Map<PState, DataflowState>();
  /** The unrolled-map parameter of the process being generated (constant stream indices). */
  private procConsts: Record<string, number> = {};
  /** Inside a process function (FPGA-form): lane-shuffling nested SDFGs may join a pipelined loop. */
  private inProcess = false;
  /** Inside a pipelined or unrolled loop body: inner loops are unrolled, state graphs guarded blocks. */
  private unrollDepth = 0;
  /** Variables of the unrolled loops being emitted, and the on-chip arrays they index (HLS). */
  private unrolledVars: string[] = [];
  private lanesApart = new Set<string>();
  /** On-chip arrays the current process declares, in order. */
  private declaredInProcess: string[] = [];
  /** Process and dataflow-region functions, emitted before the kernel. */
  private readonly functionsOut = new CodeWriter();
  /** Dataflow states as launches (Intel: the host starts the process kernels). */
  readonly launches: DataflowLaunch[] = [];
  private counter = 0;
  private readonly d: Dialect;
  private readonly symValues: Record<string, number>;
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
  private lane(text: string, k: number | string): string { return laneText(this.d, this.paren(text), k); }

  private idx(): string { return indexTypeName(this.d); }
  private math(fn: string): string { return mathFunctionName(this.d, fn); }
  private ptr(space: Space, t: string): string { return pointerTypeName(this.d, space, t); }

  /** Kernel arguments and the top-level environment. */
  private topEnv(): Env {
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

  private boundsCache: Record<string, [number, number]> | null = null;
  /** Ranges of loop variables (init value to the last value the condition admits). */
  private bounds(): Record<string, [number, number]> {
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

  private evalSize(e: PExpr, where: string): number {
    let v = evalPExpr(e, this.symValues);
    // A size that depends on loop variables: the largest it gets over their ranges.
    if (v === undefined) v = evalInterval(e, this.bounds())?.[1];
    if (v === undefined || !Number.isFinite(v)) throw new UserError(where, "the size depends on values only known at run time (data read by the program), so no buffer can be sized for it");
    return v;
  }

  /** Declares a transient; returns where it lives. */
  private declareTransient(name: string, c: string, desc: PDataDesc, elements: number, shape: number[]): Space {
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

  private region(r: PRegion, env: Env): void {
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
  private guardedBlocks(r: PRegion, order: number[], env: Env): void {
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

  private assignments(list: [string, PExpr][], env: Env): void {
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

  private assignTarget(k: string, env: Env): { c: string; t: PDType } {
    const s = env.sym(k);
    if (s) return s;
    // An assignment to an undeclared symbol declares it (DaCe infers its type).
    const c = `s${env.prefix}_${ident(k, this.prog.file)}`;
    const rec = { c, t: "int64" as PDType };
    env.syms.set(k, rec);
    this.decls.line(`${this.idx()} ${c} = 0;`);
    return rec;
  }

  private block(b: PBlock, env: Env): void {
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

  // ---------------------------------------------------------------- dataflow

  private adjacency = new WeakMap<PState, { ins: Map<number, PEdge[]>; outs: Map<number, PEdge[]>; byId: Map<number, PNode> }>();
  /** In- and out-edges by node, and nodes by id, computed once per state. */
  private adj(s: PState) {
    let a = this.adjacency.get(s);
    if (!a) {
      a = { ins: new Map(), outs: new Map(), byId: new Map(s.nodes.map((n) => [n.id, n])) };
      for (const n of s.nodes) { a.ins.set(n.id, []); a.outs.set(n.id, []); }
      for (const e of s.edges) { a.ins.get(e.dst)!.push(e); a.outs.get(e.src)!.push(e); }
      this.adjacency.set(s, a);
    }
    return a;
  }
  private inE(s: PState, id: number): PEdge[] { return this.adj(s).ins.get(id) ?? []; }
  private outE(s: PState, id: number): PEdge[] { return this.adj(s).outs.get(id) ?? []; }
  private nodeOf(s: PState, id: number): PNode { return this.adj(s).byId.get(id)!; }

  private state(s: PState, env: Env): void {
    if (s.nodes.length === 0) return;
    this.w.comment(`state ${s.label}`);
    const df = env.parent === null ? this.dataflow.get(s) : undefined;
    if (df) { this.dataflowState(df, env); return; }
    this.scope(s, null, env);
  }

  /** True when the program has dataflow states (streams): the code needs hls_stream.h and sdfg_dataflow.h. */
  get usesStreams(): boolean { return this.dataflow.size > 0; }

  /** Processes and FIFOs of the dataflow states (after `body()`): what the report says. */
  dataflowSummary(): { states: number; processes: number; fifos: number } {
    const dfs = [...this.dataflow.values()];
    let fifos = 0;
    for (const df of dfs) for (const st of df.streams) fifos += this.evalSize(this.prog.arrays[st]!.shape.reduce<PExpr>((a, x) => ({ kind: "binary", op: "*", left: a, right: x }), { kind: "number", value: 1, integer: true }), st);
    return { states: dfs.length, processes: dfs.reduce((a, d) => a + d.processes.length, 0), fifos };
  }

  /** Process and dataflow-region functions (after `body()`), to be emitted before the kernel. */
  functions(): string { return this.functionsOut.toString(); }

  /** A blocking read of one channel: hls::stream's read(), Intel's read_channel_intel. */
  private streamRead(channel: string, t: PDType): string {
    if (channel.startsWith(MISSING_CHANNEL)) return `((${this.type(t, "")})sdfg_missing_channel("${channel.slice(MISSING_CHANNEL.length)}"))`;
    return this.d === "opencl" ? onChannel(channel, (c) => `read_channel_intel(${c})`) : `${channel}.read()`;
  }
  private streamWrite(channel: string, value: string): string {
    if (channel.startsWith(MISSING_CHANNEL)) return `(void)sdfg_missing_channel("${channel.slice(MISSING_CHANNEL.length)}")`;
    return this.d === "opencl" ? onChannel(channel, (c) => `write_channel_intel(${c}, ${value})`) : `${channel}.write(${value})`;
  }

  private streamType(ref: DataRef): string {
    return `hls::stream<${this.dataType(ref.desc, "")}, ${ref.stream!.depth}>`;
  }

  /** A parameter declaration passing `ref` (by its own C name) to a process function. */
  private paramOf(ref: DataRef, where: string): string {
    const T = this.dataType(ref.desc, where);
    if (ref.stream) return `${this.streamType(ref)} (&${ref.c})[${ref.stream.count}]`;
    if (ref.byValue) return `const ${T} ${ref.c}`;
    if (this.d === "opencl") {
      if (ref.desc.kind === "scalar" && !ref.scalarPtr) throw new UserError(where, "a transient scalar shared by processes cannot be an Intel kernel argument; keep it inside one process");
      return `__global ${T}* restrict ${ref.c}`;
    }
    if (ref.desc.kind === "scalar" && !ref.scalarPtr) return `${T}& ${ref.c}`;
    return `${T}* ${ref.c}`;
  }

  /**
   * A dataflow state: each process is a function, the state a DATAFLOW region declaring the
   * streams and calling every process (fibers in the g++ emulation, sdfg_dataflow.h).
   */
  private dataflowState(df: DataflowState, env: Env): void {
    const s = df.state;
    // Named by its place among the dataflow states: the Intel host and kernels agree on names.
    const id = [...this.dataflow.keys()].indexOf(s);
    const fn = `dataflow_${id}_${s.label.replace(/[^A-Za-z0-9_]/g, "_")}`;
    const syms = [...env.syms.values()];
    const cl = this.d === "opencl";
    // Every process gets every symbol; a process that does not read one leaves it unused.
    const symParams = syms.map((x) => `${cl ? "" : "[[maybe_unused]] "}const ${this.type(x.t, "")} ${x.c}`);
    const symArgs = syms.map((x) => x.c);
    const streamRefs = df.streams.map((n) => env.data.get(n)!);
    const outer = [...new Set(df.processes.flatMap((pr) => [...pr.data]))].filter((d) => { const r = env.data.get(d)!; return r.processLocal === undefined && !r.stream; });
    const fifos = streamRefs.reduce((a, r) => a + r.stream!.count, 0);
    if (this.opts.hostLaunch) {
      // The host's side of an Intel dataflow state: the launcher starts the process kernels.
      const data = outer.map((d) => {
        const r = env.data.get(d)!;
        if (r.byValue) throw new UserError(`${s.where}: ${d}`, `scalar argument '${d}' read by a process is not mapped to Intel kernels yet`);
        const elements = r.desc.kind === "scalar" ? 1 : r.desc.shape.map((x) => this.evalSize(x, `${this.prog.file}: $.attributes._arrays.${d}.shape`)).reduce((a, b) => a * b, 1);
        return { c: r.c, elements, type: this.dataType(r.desc, d) };
      });
      this.launches.push({ fn, params: [...syms.map((x) => `const ${this.type(x.t, "")} ${x.c}`), ...data.map((x) => `${x.type}* ${x.c}`)], data, symbols: symArgs, processes: [] });
      this.w.line(`${fn}(${[...symArgs, ...data.map((x) => x.c)].join(", ")});  // ${df.processes.length} process kernels, ${fifos} channels`);
      return;
    }
    const fw = this.functionsOut;
    if (cl) {
      // Channels live at program scope; g++ (SDFG_FPGA_SIM) gets bounded FIFOs of the same depth.
      fw.comment(`state ${s.label}: ${df.processes.length} process kernels connected by ${fifos} channels`);
      for (const r of streamRefs) {
        const name = r.c.replace(/^d_/, "");
        const T = this.dataType(r.desc, name);
        fw.directive("#ifdef SDFG_FPGA_SIM");
        fw.line(`static ::sdfg_ocl::channel<${T}> ${r.c}[${r.stream!.count}] = {${Array.from({ length: r.stream!.count }, (_, k) => `{${r.stream!.depth}, "${name}[${k}]"}`).join(", ")}};`);
        fw.directive("#else");
        fw.line(`channel ${T} ${r.c}[${r.stream!.count}] __attribute__((depth(${r.stream!.depth})));  // stream ${name}: buffer_size ${r.stream!.depth}`);
        fw.directive("#endif");
      }
      fw.line();
    }
    const calls: string[] = [];
    const launch: DataflowLaunch = { fn, params: [], data: [], symbols: symArgs, processes: [] };
    const saved = { w: this.w, decls: this.decls };
    for (const pr of df.processes) {
      const name = `pe_${id}_${pr.label}`;
      const used = [...pr.data].map((d) => [d, env.data.get(d)] as const).filter(([, r]) => r && r.processLocal === undefined && !(cl && r.stream)) as [string, DataRef][];
      const params = [...symParams, ...used.map(([d, r]) => this.paramOf(r, `${s.where}: ${d}`))];
      this.w = new CodeWriter();
      this.decls = new CodeWriter();
      this.process(s, pr, env);
      fw.comment(`process '${pr.label}' of state ${s.label}${pr.unrolled ? ` (unrolled map, ${pr.unrolled.param} = ${pr.unrolled.value})` : ""}`);
      fw.block(`${cl ? "__kernel void" : "static void"} ${name}(${params.join(", ")})`, () => {
        fw.embed(this.decls);
        fw.embed(this.w);
      });
      fw.line();
      calls.push(`SDFG_DATAFLOW_CALL(${name}${[...symArgs, ...used.map(([, r]) => r.c)].map((a) => `, ${a}`).join("")});`);
      launch.processes.push({ name, args: [...symArgs.map((c) => ({ c, kind: "symbol" as const })), ...used.map(([, r]) => ({ c: r.c, kind: "data" as const }))] });
    }
    this.w = saved.w;
    this.decls = saved.decls;
    if (cl) { this.launches.push(launch); return; }
    fw.comment(`state ${s.label}: ${df.processes.length} concurrent processes connected by ${fifos} FIFOs`);
    fw.block(`static void ${fn}(${[...symParams, ...outer.map((d) => this.paramOf(env.data.get(d)!, `${s.where}: ${d}`))].join(", ")})`, () => {
      if (this.d === "hls") fw.directive("#pragma HLS DATAFLOW");
      for (const r of streamRefs) {
        const name = r.c.replace(/^d_/, "");
        const names = Array.from({ length: r.stream!.count }, (_, k) => `"${name}[${k}]"`);
        fw.line(`${this.streamType(r)} ${r.c}[${r.stream!.count}] = {${names.join(", ")}};  // stream ${name}: buffer_size ${r.stream!.depth}`);
        if (this.d === "hls") fw.directive(`#pragma HLS STREAM variable=${r.c} depth=${r.stream!.depth}`);
      }
      fw.line("SDFG_DATAFLOW_BEGIN();");
      fw.many(calls);
      fw.line("SDFG_DATAFLOW_END();");
    });
    fw.line();
    this.w.line(`${fn}(${[...symArgs, ...outer.map((d) => env.data.get(d)!.c)].join(", ")});`);
  }

  /** The body of one process: its component (one PE of an unrolled map with its parameter fixed). */
  private process(s: PState, pr: ProcessInstance, env: Env): void {
    const inner = new Env(env.prog, env, env.prefix);
    for (const [k, v] of env.data) inner.data.set(k, v);
    for (const [name, ref] of env.data) {
      if (ref.processLocal !== pr.component) continue;
      const T = this.dataType(ref.desc, `${this.prog.file}: $.attributes._arrays.${name}`);
      const vector = lanesOf(ref.desc) > 1;
      if (ref.desc.kind === "scalar") { this.decls.line(`${T} ${ref.c}${vector ? (this.d === "opencl" ? ` = (${T})(0)` : "{}") : " = 0"};  // ${name}: this process's own`); continue; }
      const shape = ref.desc.shape.map((x) => this.evalSize(x, `${this.prog.file}: $.attributes._arrays.${name}.shape`));
      const elements = shape.reduce((a, b) => a * b, 1);
      if (elements * lanesOf(ref.desc) * PDTYPE_BYTES[ref.desc.dtype] > this.opts.onchipLimitBytes) throw new UserError(`${this.prog.file}: $.attributes._arrays.${name}`, `transient '${name}' (${elements} elements) is too large for on-chip memory in process '${pr.label}'`);
      this.decls.line(`${this.d === "opencl" ? "SDFG_ONCHIP" : "static"} ${T} ${ref.c}[${elements}];  // ${name}: this process's own (${ref.desc.storage})`);
      this.declaredInProcess.push(ref.c);
    }
    this.procConsts = {};
    this.inProcess = true;
    if (pr.unrolled) {
      const { param, value, map } = pr.unrolled;
      inner.syms.set(param, { c: String(value), t: "int64" });
      this.procConsts = { [param]: value };
      this.scope(s, map, inner);
    } else this.scope(s, null, inner, pr.nodes);
    this.procConsts = {};
    this.inProcess = false;
    // Arrays an unrolled loop indexes are read and written at once: registers, not a RAM's two ports.
    for (const c of this.declaredInProcess) if (this.lanesApart.has(c)) this.decls.directive(`#pragma HLS ARRAY_PARTITION variable=${c} complete`);
    this.declaredInProcess = [];
    this.lanesApart.clear();
  }

  private scopeCache = new WeakMap<PState, { children: Map<number | null, number[]>; deps: Map<number | null, [number, number][]> }>();
  /** Per scope of a state: its direct children (map exits belong to their entry) and the
   * dependencies between them that the state's edges imply, computed once per state. */
  private scopes(s: PState) {
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
  private scope(s: PState, entry: number | null, env: Env, only?: Set<number>): void {
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

  private node(s: PState, n: PNode, env: Env): void {
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

  private ref(name: string, env: Env, where: string): DataRef {
    const r = env.data.get(name);
    if (!r) throw new UserError(where, `memlet refers to '${name}', which is not a data container of this SDFG`);
    return r;
  }

  /** Flat index of `indices` in a container. */
  private flat(ref: DataRef, indices: PExpr[], env: Env, where: string, ctx?: StmtCtx): string {
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
  private element(ref: DataRef, indices: PExpr[], env: Env, where: string, ctx?: StmtCtx): string {
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

  private accessNode(s: PState, n: Extract<PNode, { kind: "access" }>, env: Env): void {
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
  private isViewEdge(s: PState, e: PEdge, env: Env): boolean {
    const src = this.nodeOf(s, e.src);
    const dst = this.nodeOf(s, e.dst);
    return (dst.kind === "access" && this.viewEdge(s, dst.id, env) === e) || (src.kind === "access" && this.viewEdge(s, src.id, env) === e);
  }

  private viewCache = new Map<PState, Map<number, PEdge | null>>();
  /** The edge that binds view access node `id` (DaCe: in-edge from an access node, else out-edge). */
  private viewEdge(s: PState, id: number, env: Env): PEdge | null {
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
  private pickViewEdge(s: PState, id: number, data: string): PEdge | null {
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

  private bindView(s: PState, n: Extract<PNode, { kind: "access" }>, ref: DataRef, env: Env): void {
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
  private declaredViews = new Set<string>();

  /** Elements of a subset: per dimension the range, and the dims that are not single elements. */
  private dims(sub: PRange[]): { r: PRange; single: boolean }[] {
    return sub.map((r) => ({ r, single: sameExpr(r.start, r.end) || evalPExpr({ kind: "binary", op: "-", left: r.end, right: r.start }, this.symValues) === 0 }));
  }

  private sizeText(r: PRange, env: Env): string {
    const step = evalPExpr(r.step, {});
    const span = `(${this.intText(r.end, env)}) - (${this.intText(r.start, env)})`;
    return step === 1 ? `(${span} + 1)` : `((${span}) / (${this.intText(r.step, env)}) + 1)`;
  }

  /**
   * An index, stride or size: an integer. A symbolic `/` (sympy's `N/4`, a vector array's shape
   * after DaCe's Vectorization) divides exactly there, so its quotient is taken as an integer.
   */
  private intText(e: PExpr, env: Env, ctx?: StmtCtx): string {
    const v = this.expr(e, env, ctx);
    return isIntegral(v.t) ? v.text : `(${this.idx()})(${v.text})`;
  }

  private copy(srcName: string, sref: DataRef, dstName: string, dref: DataRef, m: PMemlet, env: Env, where: string): void {
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
  private laneCopy(srcName: string, sref: DataRef, ssub: PRange[], dstName: string, dref: DataRef, dsub: PRange[], m: PMemlet, env: Env, where: string): void {
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
  private readText(ref: DataRef, indices: PExpr[], env: Env, where: string): string {
    const e = this.element(ref, indices, env, where);
    return ref.stream ? this.streamRead(e, ref.desc.dtype) : e;
  }

  /** Writes `val` to one element, combining with the old value under WCR. */
  private write(ref: DataRef, indices: PExpr[], val: Typed, wcr: Wcr | null, env: Env, where: string): void {
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

  private combine(wcr: Wcr, old: Typed, val: Typed, env: Env): Typed {
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

  private paren(s: string): string { return /^[A-Za-z0-9_.]+$/.test(s) || /^[A-Za-z_][A-Za-z0-9_]*\[[^\]]*\]$/.test(s) ? s : `(${s})`; }

  private minmax(op: "min" | "max", a: Typed, b: Typed): Typed {
    const t = promote(a.t, b.t);
    const x = this.conv(a, t);
    const y = this.conv(b, t);
    if (isFloat(t)) return { text: `${this.d === "opencl" ? "f" : "std::f"}${op}(${x}, ${y})`, t };
    return { text: `((${x}) ${op === "min" ? "<" : ">"} (${y}) ? (${x}) : (${y}))`, t };
  }

  private map(s: PState, n: Extract<PNode, { kind: "map_entry" }>, env: Env): void {
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

  /** A value known when the code is generated (program constants and symbol values). */
  private constantOf(): (e: PExpr) => number | undefined {
    return (e) => evalPExpr(e, this.symValues);
  }

  /** A WCR out of this map scope: successive iterations update the same location. */
  private carriedDependence(s: PState, n: Extract<PNode, { kind: "map_entry" }>): string {
    const wcr = s.edges.find((e) => e.dst === n.exit && e.memlet?.wcr) ?? s.edges.find((e) => e.src === n.exit && e.memlet?.wcr);
    return wcr ? wcr.memlet!.data : "";
  }

  private hasInnerLoops(s: PState, n: Extract<PNode, { kind: "map_entry" }>): boolean {
    return hasLoopsInside(s, n, this.constantOf(), this.inProcess);
  }

  private pipelinePragma(innerLoops: boolean, carried: string): void {
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

  // ---------------------------------------------------------------- tasklets

  private tasklet(s: PState, n: Extract<PNode, { kind: "tasklet" }>, env: Env): void {
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
  private vectorStreamStaging(n: Extract<PNode, { kind: "tasklet" }>, conns: Map<string, Conn>): void {
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
  private taskletLanes(n: Extract<PNode, { kind: "tasklet" }>, conns: Map<string, Conn>): number {
    const widths = new Set([...conns.values()].flatMap((v) => (v.w ? [v.w] : [])));
    if (widths.size > 1) throw new UserError(n.where, `tasklet '${n.label}' mixes vectors of ${[...widths].join(" and ")} lanes`);
    return widths.size === 1 ? [...widths][0]! : 1;
  }

  /**
   * A connector DaCe types `dace.vector(T, W)` over W consecutive scalars of the array's
   * contiguous axis (the Vectorization transformation's memlet `A[i:i+W]`): where lane k is.
   * Null when the connector is not such a vector.
   */
  private vectorSpan(ref: DataRef, sub: PRange[], w: number | undefined, where: string): { w: number; at: (k: number) => PExpr[] } | null {
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

  private stmts(list: PStmt[], ctx: StmtCtx): void {
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
  private underCondition(cond: PExpr, ctx: StmtCtx): StmtCtx {
    const g = ctx.lane === undefined ? undefined : this.laneVarying(cond, ctx);
    return g ? { ...ctx, laneGuard: g } : ctx;
  }

  /** A name in `e` whose value may differ between the lanes of a tasklet on vectors, if any. */
  private laneVarying(e: PExpr, ctx: StmtCtx): string | undefined {
    return collectNames(e).find((x) => ctx.varyingLocals?.has(x) || (!ctx.locals.has(x) && ctx.conns.get(x)?.w !== undefined));
  }

  /** An element of vector data inside a tasklet on vectors: its lane; scalar data: as it is. */
  private lanedElement(text: string, ref: DataRef, ctx: StmtCtx | undefined, where: string): string {
    if (lanesOf(ref.desc) === 1) return text;
    if (ctx?.lane === undefined) throw new UserError(where, "vector data is used where a scalar is needed (outside a tasklet on vectors)");
    return this.lane(text, ctx.lane);
  }

  /** Element of an array connector: indices relative to the memlet subset's start. */
  private connElement(arr: { ref: DataRef; sub: PRange[] }, indices: PExpr[], ctx: StmtCtx, where: string): string {
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

  // ---------------------------------------------------------------- nested SDFGs

  private nested(s: PState, n: Extract<PNode, { kind: "nested" }>, env: Env): void {
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

  private nestedValues(env: Env): Record<string, number> {
    const out: Record<string, number> = { ...this.symValues };
    void env;
    return out;
  }

  private assignedIn(p: Program, sym: string): boolean {
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

  private operand(s: PState, n: PNode, conn: string, dir: "in" | "out", env: Env): { ref: DataRef; dims: { r: PRange; single: boolean }[]; m: PMemlet; where: string } {
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
  private opElement(op: { ref: DataRef; dims: { r: PRange; single: boolean }[]; where: string }, vars: string[], env: Env): string {
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
  private gearbox(s: PState, n: Extract<PNode, { kind: "library" }>, env: Env): void {
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

  private library(s: PState, n: Extract<PNode, { kind: "library" }>, env: Env): void {
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

  private literal(v: number, t: PDType): Typed {
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

  private cond(e: PExpr, env: Env, ctx?: StmtCtx): string { return this.expr(e, env, ctx).text; }

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

  private call(fn: string, args: Typed[], where: string): Typed {
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

/** A tasklet connector in generated code; `w`: lanes of a vector connector. */
interface Conn {
  c: string;
  t: PDType;
  w?: number;
  arr?: { ref: DataRef; sub: PRange[]; wcr?: Wcr | null };
  direct?: { ref: DataRef; idx: PExpr[]; wcr: Wcr | null };
  out?: { ref: DataRef; idx: PExpr[]; wcr: Wcr | null };
  /** A vector whose lanes are combined (by `wcr`) and then combined into one scalar. */
  reduce?: { ref: DataRef; idx: PExpr[]; wcr: Wcr };
  /** A vector written back as W scalars (lane k to `at(k)`). */
  scatter?: { ref: DataRef; at: (k: number) => PExpr[]; wcr: Wcr | null };
  /** A dynamic read of a stream channel: a blocking read where the code names the connector. */
  streamIn?: string;
  /** A dynamic read of a vector stream in a tasklet on vectors: the variable of each use. */
  streamUse?: string[];
  /** A dynamic write to a vector stream in a tasklet on vectors: the flag that says it was written. */
  staged?: string;
}

interface StmtCtx {
  conns: Map<string, Conn>;
  locals: Map<string, { c: string; t: PDType }>;
  env: Env;
  where: string;
  /** In a tasklet on vectors: the lane this copy of its code computes (a constant or a loop variable). */
  lane?: number | string;
  /** In a tasklet on vectors: how many uses of each dynamic vector stream read this lane has made. */
  streamUses?: Map<string, number>;
  /** In a tasklet on vectors: locals whose value may differ between lanes. */
  varyingLocals?: Set<string>;
  /** Inside a branch whose condition may differ between lanes: the name that makes it so. */
  laneGuard?: string;
}

/** The refusal of a vector stream access that only some lanes might make. */
function laneGuardMessage(conn: string, verb: "reads" | "writes", guard: string): string {
  return `'${conn}' ${verb} a vector stream under a condition that may differ between lanes (it names '${guard}'): a FIFO moves whole vectors, so the lanes must agree whether it is accessed`;
}
