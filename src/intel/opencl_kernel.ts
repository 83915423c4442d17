// Intel FPGA SDK for OpenCL kernels for a spatial pipeline (design.md §4): one `.cl` file with a
// channel per pipeline FIFO (`channel float8 c __attribute__((depth(N)))`), memory readers and
// writers as single work-item kernels with `__global` pointers that the host launches, and one
// kernel per processing element. A PE without scalar inputs is an autorun kernel: it starts with
// the bitstream, has no arguments, and processes one whole domain per iteration of its outer
// `while (1)`, so the host may launch the readers and writers any number of times (once per pass
// of a time loop). A PE that reads scalar inputs, or (with temporal replication P > 1) takes the
// pass's step count `steps_` to forward its input unchanged in replicas past it, cannot be
// autorun (autorun kernels take no arguments): it is an ordinary single work-item kernel taking
// them as arguments, launched by the host with the readers and writers.
//
// Windows (register runs shifted by fully unrolled loops, delay lines as circular buffers in
// private arrays that aoc maps to M20K) and the per-element arithmetic come from the
// vendor-neutral helpers in src/hls/. The same file compiles as C++17 with g++ against
// sim/include/intel_channels.h under SDFG_FPGA_SIM, which is how it is emulated.

import { quoteUserText } from "../codegen/user_text.js";
import { channelsOf, emitAdvance, emitReaderPasses, readerAddressing, readerSummary, STEPS_ARGUMENT } from "../hls/memory_code.js";
import { CodeWriter } from "../codegen/code_writer.js";
import { UserError } from "../ir/diagnostics.js";
import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import { castTo, openclTypeName } from "../codegen/c_expr.js";
import { emitOpenclReduction } from "./opencl_reduction.js";
import { emitOpenclColumnReduction } from "./opencl_column_reduction.js";
import { cellFunction, emitCellFunction, emitIntegerHelpers, II_ONE_COMMENT, laneArguments, withWriteRegion } from "../hls/pe_code.js";
import { delayLines, emitWindowShift, isShiftRegister, tapElement, windowNames, type LaneAccess } from "../hls/window_code.js";
import type { HostArgument } from "../host/host_common.js";
import { registerIndex, writtenElements, type Channel, type MemoryReader, type MemoryWriter, type Pipeline, type ProcessingElement } from "../spatial/pipeline.js";
import type { Storage } from "../spatial/storage.js";
import { isComputeProcess, scalarsOf } from "../spatial/linalg_pipeline.js";

/** Memory-attribute macro per storage kind (Intel has no UltraRAM: M20K like BRAM). */
const INTEL_MEMORY_MACRO: Record<Storage, string> = { srl: "SDFG_REGISTERS_", lutram: "SDFG_MLAB_", bram: "SDFG_BLOCK_RAM_", uram: "SDFG_BLOCK_RAM_" };

/** Base name of the kernel source and binary: `kernel/kernels.cl` → `kernels.aocx`. */
export const CL_NAME = "kernels";

/** Vector widths with an OpenCL vector type (float, float2, …, float16). */
export const OPENCL_WIDTHS = [1, 2, 4, 8, 16] as const;

export interface OpenclSourceInfo {
  /** Stencil program text for comments, by stencil name. */
  sources: Record<string, string>;
  programFile: string;
}

export function checkOpenclWidth(W: number): void {
  if (!(OPENCL_WIDTHS as readonly number[]).includes(W)) {
    throw new UserError("--vector-width", `the intel target needs an OpenCL vector width (1, 2, 4, 8 or 16), got W=${W}`);
  }
}

/** `float8` (or `float` for W = 1): the type of channels and wide memory words. */
export function clVecType(dtype: DType, W: number): string {
  return W === 1 ? DTYPE_INFO[dtype].clType : `${DTYPE_INFO[dtype].clType}${W}`;
}

/** Lane `l` of an OpenCL vector: `v.s3` (`v` itself for W = 1). */
export function clLane(W: number): LaneAccess {
  return (vector, lane) => (W === 1 ? vector : `${vector}.s${"0123456789abcdef"[lane]}`);
}

/** An all-zero vector literal, valid OpenCL C and (through intel_channels.h) C++. */
function zeroVector(dtype: DType, W: number): string {
  const zero = DTYPE_INFO[dtype].integer ? "0" : dtype === "float64" ? "0.0" : "0.0f";
  return W === 1 ? zero : `(${clVecType(dtype, W)})(${zero})`;
}

export interface KernelParam {
  name: string;
  /** `steps`: the time steps of the current pass (int), for PEs that can forward their input. */
  kind: "input" | "output" | "scalar" | "steps";
  /** Element type (meaningless for `steps`). */
  dtype: DType;
  /** Whether the pointer moves W-wide vectors (else single elements, broadcast on chip). */
  wide: boolean;
  /** OpenCL C parameter declaration, e.g. `__global const float8* restrict u`. */
  cl: string;
  /** The same parameter as plain C++ (the emulation's prototypes), e.g. `const float8* u`. */
  cpp: string;
}

export interface OpenclKernel {
  name: string;
  role: "reader" | "pe" | "writer";
  /** Autorun kernels start with the FPGA and are never launched by the host. */
  autorun: boolean;
  params: KernelParam[];
}

/** Every kernel of the pipeline in launch order: readers, PEs, writers. */
export function openclKernels(p: Pipeline): OpenclKernel[] {
  const W = p.vectorWidth;
  const scalarType = (name: string) => p.scalars.find((s) => s.name === name)!.dtype;
  const kernels: OpenclKernel[] = [];
  for (const r of p.readers) {
    const wide = r.axes.includes(2);
    const t = wide ? clVecType(r.dtype, W) : DTYPE_INFO[r.dtype].clType;
    kernels.push({
      name: r.name, role: "reader", autorun: false,
      params: [{ name: r.array, kind: "input", dtype: r.dtype, wide, cl: `__global const ${t}* restrict ${r.array}`, cpp: `const ${t}* ${r.array}` }],
    });
  }
  for (const pe of p.pes) {
    const params: KernelParam[] = pe.scalars.map((s) => {
      const t = DTYPE_INFO[scalarType(s)].clType;
      return { name: s, kind: "scalar" as const, dtype: scalarType(s), wide: false, cl: `const ${t} ${s}`, cpp: `${t} ${s}` };
    });
    if (pe.bypass) params.push({ name: STEPS_ARGUMENT, kind: "steps", dtype: "float32", wide: false, cl: `const int ${STEPS_ARGUMENT}`, cpp: `int ${STEPS_ARGUMENT}` });
    kernels.push({ name: pe.name, role: "pe", autorun: params.length === 0, params });
  }
  // Linear-algebra PEs (linalg_kernel.ts): launched by the host, alpha and beta as arguments.
  for (const x of (p.linalg?.processes ?? []).filter(isComputeProcess)) {
    const params = scalarsOf(x).map((s): KernelParam => {
      const t = DTYPE_INFO[scalarType(s)].clType;
      return { name: s, kind: "scalar", dtype: scalarType(s), wide: false, cl: `const ${t} ${s}`, cpp: `${t} ${s}` };
    });
    kernels.push({ name: x.name, role: "pe", autorun: false, params });
  }
  // Reduction PEs take no arguments: autorun.
  for (const r of p.reductions ?? []) kernels.push({ name: r.name, role: "pe", autorun: true, params: [] });
  for (const wr of p.writers) {
    const wide = wr.rowVectors === undefined;
    const t = wide ? clVecType(wr.dtype, W) : DTYPE_INFO[wr.dtype].clType;
    kernels.push({
      name: wr.name, role: "writer", autorun: false,
      params: [{ name: wr.array, kind: "output", dtype: wr.dtype, wide, cl: `__global ${t}* restrict ${wr.array}`, cpp: `${t}* ${wr.array}` }],
    });
  }
  return kernels;
}

/** The arrays and scalars the host provides: inputs, outputs, scalars (each once). */
export function openclHostArguments(p: Pipeline): (HostArgument & { wide: boolean })[] {
  return [
    ...p.readers.map((r) => ({ name: r.array, kind: "input" as const, dtype: r.dtype, elements: r.shape.reduce((a, b) => a * b, 1), wide: r.axes.includes(2) })),
    ...p.writers.map((w) => ({ name: w.array, kind: "output" as const, dtype: w.dtype, elements: writtenElements(p, w), wide: w.rowVectors === undefined })),
    ...p.scalars.map((s) => ({ name: s.name, kind: "scalar" as const, dtype: s.dtype, elements: 1, wide: false })),
  ];
}

export function emitOpenclKernels(p: Pipeline, info: OpenclSourceInfo): string {
  const W = p.vectorWidth;
  checkOpenclWidth(W);
  const [I, J, K] = p.domain;
  const w = new CodeWriter();
  const kernels = openclKernels(p);
  const autorun = kernels.filter((k) => k.autorun).map((k) => k.name);
  const launched = kernels.filter((k) => !k.autorun).map((k) => k.name);
  // By name, so that emission stays linear in the number of kernels.
  const kernelNamed = new Map(kernels.map((k) => [k.name, k]));
  const peNames = new Set(p.pes.map((pe) => pe.name));
  w.comment([
    `Intel FPGA SDK for OpenCL kernels for '${p.name}' (from ${quoteUserText(info.programFile)}), generated by sdfg-fpga.`,
    `Domain ${p.domain.slice(3 - p.rank).join(" x ")}, W = ${W}: ${p.vectors} vectors per field, one per cycle.`,
    `${p.readers.length} memory reader(s), ${p.pes.length} processing element(s), ${p.writers.length} writer(s), ${p.channels.length} channel(s).`,
    "",
    "Launched by the host (single work-item kernels): " + (launched.join(", ") || "none") + ".",
    "Autorun (start with the FPGA, one whole domain per iteration of while (1)): " + (autorun.join(", ") || "none") + ".",
    ...(launched.some((n) => peNames.has(n)) ? [
      "PEs that read scalar inputs or the pass's step count (steps_) take them as kernel arguments,",
      "which autorun kernels cannot have, so the host launches them with the readers and writers.",
    ] : []),
    "",
    "Build: aoc -board=<bsp> kernels.cl. Under -DSDFG_FPGA_SIM the file compiles as C++17 with g++",
    "against sim/include/intel_channels.h (channels become bounded FIFOs of the same depths).",
  ].join("\n"));
  w.directive("#pragma OPENCL EXTENSION cl_intel_channels : enable");
  const dtypes = new Set<DType>([...p.readers.map((r) => r.dtype), ...p.writers.map((x) => x.dtype), ...p.channels.map((c) => c.dtype), ...p.pes.map((x) => x.dtype), ...p.scalars.map((s) => s.dtype)]);
  if (dtypes.has("float64")) w.directive("#pragma OPENCL EXTENSION cl_khr_fp64 : enable");
  w.line();
  w.directive("#ifdef SDFG_FPGA_SIM");
  w.directive('#include "intel_channels.h"');
  w.directive("#else");
  w.directive("#define SDFG_AUTORUN_LOOP while (1)");
  w.directive("#endif");
  w.comment("Where delay lines live (aoc memory attributes; g++ ignores them): registers for shift");
  w.comment("registers, MLABs for short circular buffers, M20K block RAM for long ones.");
  w.directive("#ifdef SDFG_FPGA_SIM");
  for (const m of new Set(Object.values(INTEL_MEMORY_MACRO))) w.directive(`#define ${m}`);
  w.directive("#else");
  w.directive(`#define ${INTEL_MEMORY_MACRO.srl} __attribute__((register))`);
  w.directive(`#define ${INTEL_MEMORY_MACRO.lutram} __attribute__((memory("MLAB")))`);
  w.directive(`#define ${INTEL_MEMORY_MACRO.bram} __attribute__((memory("BLOCK_RAM")))`);
  w.directive("#endif");
  w.line();
  w.comment("Domain, padded to three axes; vectors per row and per field.");
  w.directive(`#define I_ ${I}`);
  w.directive(`#define J_ ${J}`);
  w.directive(`#define K_ ${K}`);
  w.directive(`#define W_ ${W}`);
  w.directive("#define KV_ (K_ / W_)");
  w.directive(`#define V_ ${p.vectors}`);
  w.line();
  emitIntegerHelpers(w, p, openclTypeName, (d) => DTYPE_INFO[d].unsignedCl!);
  emitChannels(w, p);
  for (const r of p.readers) emitReader(w, p, r, kernelNamed.get(r.name)!);
  for (const pe of p.pes) emitPE(w, p, pe, info, kernelNamed.get(pe.name)!);
  for (const r of p.reductions ?? []) (r.columns ? emitOpenclColumnReduction : emitOpenclReduction)(w, p, r, (d) => clVecType(d, W), clLane(W));
  for (const wr of p.writers) emitWriter(w, p, wr, kernelNamed.get(wr.name)!);
  return w.toString();
}

function emitChannels(w: CodeWriter, p: Pipeline): void {
  const W = p.vectorWidth;
  w.comment("Channels (FIFOs between kernels); depths in vectors: the delay of the path plus slack.");
  w.directive("#ifndef SDFG_FPGA_SIM");
  for (const c of p.channels) w.line(`channel ${clVecType(c.dtype, W)} ${c.name} __attribute__((depth(${c.depth}))); // ${c.from} -> ${c.to}, delay ${c.delay}`);
  w.directive("#else");
  for (const c of p.channels) w.line(`SDFG_SIM_CHANNEL(${clVecType(c.dtype, W)}, ${c.name}, ${c.depth});`);
  w.directive("#endif");
  w.line();
}


function kernelHead(w: CodeWriter, k: OpenclKernel): void {
  if (k.autorun) w.line("__attribute__((autorun))");
  w.line("__attribute__((max_global_work_dim(0)))");
}


function emitReader(w: CodeWriter, p: Pipeline, r: MemoryReader, k: OpenclKernel): void {
  const outs = channelsOf(p, r.outputs);
  const at = readerAddressing(p, r);
  const vt = clVecType(r.dtype, p.vectorWidth);
  w.comment(readerSummary(p, r));
  kernelHead(w, k);
  w.block(`__kernel void ${r.name}(${k.params.map((x) => x.cl).join(", ")})`, () => {
    let source = r.array;
    if (r.onChip) {
      source = "local_";
      w.comment(`'${r.array}' is small: read it once into on-chip memory (M20K) and broadcast it from there.`);
      w.line(`${at.wide ? vt : DTYPE_INFO[r.dtype].clType} local_[${at.words}];`);
      w.block(`for (int n_ = 0; n_ < ${at.words}; ++n_)`, () => w.line(`local_[n_] = ${r.array}[n_];`));
    }
    const pass = (targets: Channel[], counters: string) => {
      w.line(counters);
      w.block("for (int v_ = 0; v_ < V_; ++v_)", () => {
        if (at.wide) w.line(`const ${vt} x_ = ${source}[${at.index}];`);
        else w.line(`const ${vt} x_ = (${vt})(${source}[${at.index}]); // broadcast along k`);
        for (const c of targets) w.line(`write_channel_intel(${c.name}, x_);`);
        emitAdvance(w);
      });
    };
    emitReaderPasses(w, outs, channelsOf(p, r.secondPass ?? []), pass);
  });
  w.line();
}

function emitWriter(w: CodeWriter, p: Pipeline, wr: MemoryWriter, k: OpenclKernel): void {
  const input = channelsOf(p, [wr.input])[0]!;
  w.comment(`Memory writer: streams '${wr.array}' back to memory.`);
  kernelHead(w, k);
  w.block(`__kernel void ${wr.name}(${k.params.map((x) => x.cl).join(", ")})`, () => {
    if (wr.rowVectors !== undefined) w.line("int k_ = 0, row_ = 0; // one element per reduced row (a reduction's result, repeated over its row)");
    w.block("for (int v_ = 0; v_ < V_; ++v_)", () => {
      if (wr.rowVectors !== undefined) {
        w.line(`const ${clVecType(wr.dtype, p.vectorWidth)} x_ = read_channel_intel(${input.name});`);
        w.line(`if (k_ == 0) ${wr.array}[row_++] = ${clLane(p.vectorWidth)("x_", 0)};`);
        w.line(`if (++k_ == ${wr.rowVectors}) k_ = 0;`);
      } else {
        w.line(`${wr.array}[v_] = read_channel_intel(${input.name});`);
      }
      w.directive("#ifdef SDFG_FPGA_SIM");
      w.line("SDFG_SIM_PROGRESS(); // emulation progress (sdfg_sim/progress.h)");
      w.directive("#endif");
    });
  });
  w.line();
}

function emitPE(w: CodeWriter, p: Pipeline, pe: ProcessingElement, info: OpenclSourceInfo, k: OpenclKernel): void {
  const W = p.vectorWidth;
  const T = DTYPE_INFO[pe.dtype].clType;
  const vt = clVecType(pe.dtype, W);
  const lane = clLane(W);
  const cell = cellFunction(p, pe, "", { cast: "c", typeName: openclTypeName });
  const src = info.sources[pe.stencil];
  emitCellFunction(w, p, pe, cell, src, "");

  const ins = pe.inputs;
  const outs = channelsOf(p, pe.outputs);
  const replica = p.replicas > 1 ? ` (time step ${pe.replica + 1} of ${p.replicas} in a pass)` : "";
  w.comment(`Processing element of '${pe.stencil}'${replica}: latency ${pe.latency} vector(s), first output at cycle ${pe.arrival}.`);
  if (k.autorun) w.comment("Autorun: no arguments; every iteration of SDFG_AUTORUN_LOOP (while (1) under aoc) is one whole domain.");
  else w.comment(`Launched by the host with its argument(s) ${k.params.map((x) => x.name).join(", ")}; one whole domain per launch.`);
  kernelHead(w, k);
  w.block(`__kernel void ${pe.name}(${k.params.map((x) => x.cl).join(", ")})`, () => {
    if (pe.bypass) w.line(`const bool active_ = ${pe.replica} < ${STEPS_ARGUMENT}; // else forward '${pe.bypass}' unchanged`);
    const lines: number[] = [];
    for (const input of ins) {
      const names = windowNames(input);
      const regs = registerIndex(input).size;
      const dl = delayLines(input);
      const ivt = clVecType(input.dtype, W);
      w.comment(`Window of '${input.field}': ${input.vectors} vector(s) covering linear offsets ${input.lo}..${input.hi}; ${regs} in registers${dl.length > 0 ? `, delay line(s) of ${dl.map((l) => l.count).join(", ")}` : ""}.`);
      w.line(`${ivt} ${names.registers}[${regs}];`);
      // Registers start at zero (what the taps read before the stream fills them is out of the
      // domain and never used, but zeros keep every run deterministic); delay lines are left
      // uninitialised so that aoc can map them to M20K.
      w.directive("#pragma unroll");
      w.line(`for (int s_ = 0; s_ < ${regs}; ++s_) ${names.registers}[s_] = ${zeroVector(input.dtype, W)};`);
      dl.forEach((line, n) => {
        if (isShiftRegister(line)) {
          w.line(`${ivt} ${INTEL_MEMORY_MACRO.srl} ${names.line(n)}[${line.count}]; // shift register`);
          return;
        }
        lines.push(line.count);
        w.line(`${ivt} ${INTEL_MEMORY_MACRO[line.storage]} ${names.line(n)}[${line.count}]; // circular buffer: ${line.storage === "lutram" ? "MLAB" : "M20K"}`);
        w.line(`int ${names.pointer(n)} = 0;`);
      });
    }
    const body = () => {
      w.line("int i_ = 0, j_ = 0, kv_ = 0; // position of the next output vector");
      // Delay-line slots are rewritten after exactly `count` iterations, never sooner.
      if (lines.length > 0) w.directive(`#pragma ivdep safelen(${Math.min(...lines)})`);
      // No pipeline-style pragma exists for aoc (Vitis PEs say style=frp): what covers a loop
      // pipeline deeper than estimated here is the channel depth margin (twice the estimated
      // arithmetic depths plus slack, src/spatial/lower.ts), checked by
      // `emulate --target intel --stress-latency 2x`.
      w.comment(II_ONE_COMMENT);
      w.block(`for (int t_ = 0; t_ < V_ + ${pe.latency}; ++t_)`, () => {
        for (const input of ins) {
          const start = pe.latency - input.lead;
          const reading = start === 0 ? "t_ < V_" : `t_ >= ${start} && t_ < V_ + ${start}`;
          const ivt = clVecType(input.dtype, W);
          // Read while this input's stream lasts; afterwards shift in zeros that no tap uses.
          w.line(`const ${ivt} ${input.field}_in_ = (${reading}) ? read_channel_intel(${input.channel}) : ${zeroVector(input.dtype, W)};`);
          emitWindowShift(w, input, `${input.field}_in_`, "#pragma unroll", "before");
        }
        w.block(`if (t_ >= ${pe.latency})`, () => {
          const values = [];
          const bypass = pe.inputs.find((i) => i.field === pe.bypass);
          for (let l = 0; l < W; l++) {
            const value = withWriteRegion(p, pe, cell, l, `${cell.name}(${laneArguments(p, pe, cell, l, lane).join(", ")})`, lane);
            if (!bypass) { values.push(value); continue; }
            const centre = tapElement(bypass, 0, l, W, lane);
            values.push(`active_ ? ${value} : ${bypass.dtype === pe.dtype ? centre : castTo(T, centre, "c")}`);
          }
          if (values.some((c) => /\bk0_(?![A-Za-z0-9_])/.test(c))) w.line("const int k0_ = kv_ * W_; // innermost index of lane 0");
          if (W === 1) {
            w.line(`const ${vt} out_ = ${values[0]};`);
          } else {
            w.line(`${vt} out_;`);
            values.forEach((v, l) => w.line(`${lane("out_", l)} = ${v};`));
          }
          for (const c of outs) w.line(`write_channel_intel(${c.name}, out_);`);
          emitAdvance(w);
        });
      });
    };
    if (k.autorun) w.block("SDFG_AUTORUN_LOOP", body);
    else body();
  });
  w.line();
}
