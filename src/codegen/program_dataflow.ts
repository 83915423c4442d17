// The dataflow layer of the program code generator (see program_code.ts): an FPGA-form state
// with streams becomes a dataflow region of process functions connected by FIFOs (HLS), or
// process kernels with channels that the host launches (Intel); unrolled PEs become one process
// per instance with their constant channel indices.

import { CodeWriter } from "./code_writer.js";
import type { DataflowState, ProcessInstance } from "./fpga_processes.js";
import { UserError } from "../ir/diagnostics.js";
import { lanesOf, PDTYPE_BYTES, type PExpr, type PState } from "../ir/program.js";
import { type DataflowLaunch, type DataRef, Env } from "./program_code_context.js";
import { ProgramLibraryCode } from "./program_library_nodes.js";

export abstract class ProgramDataflowCode extends ProgramLibraryCode {
  // Defined by a later layer (the generator recurses through all of them).
  protected abstract scope(s: PState, entry: number | null, env: Env, only?: Set<number>): void;

  /** Processes and FIFOs of the dataflow states (after `body()`): what the report says. */
  dataflowSummary(): { states: number; processes: number; fifos: number } {
    const dfs = [...this.dataflow.values()];
    let fifos = 0;
    for (const df of dfs) for (const st of df.streams) fifos += this.evalSize(this.prog.arrays[st]!.shape.reduce<PExpr>((a, x) => ({ kind: "binary", op: "*", left: a, right: x }), { kind: "number", value: 1, integer: true }), st);
    return { states: dfs.length, processes: dfs.reduce((a, d) => a + d.processes.length, 0), fifos };
  }

  /** Process and dataflow-region functions (after `body()`), to be emitted before the kernel. */
  functions(): string { return this.functionsOut.toString(); }

  protected streamType(ref: DataRef): string {
    return `hls::stream<${this.dataType(ref.desc, "")}, ${ref.stream!.depth}>`;
  }

  /** A parameter declaration passing `ref` (by its own C name) to a process function. */
  protected paramOf(ref: DataRef, where: string): string {
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
  protected dataflowState(df: DataflowState, env: Env): void {
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
  protected process(s: PState, pr: ProcessInstance, env: Env): void {
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
}
