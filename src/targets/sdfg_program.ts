// Projects for general DaCe programs (memory-mapped kernels): the CPU reference, the Vitis HLS
// kernel with an XRT host, the Intel OpenCL single work-item kernel with an OpenCL host, their
// Makefiles and link.cfg, and emulation (g++ against sim/, compared with the CPU reference and
// with <arg>.out.npy where it sits next to the inputs).

import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { CodeWriter } from "../codegen/code_writer.js";
import { ProgramCodeGen, type KernelArg } from "../codegen/program_code.js";
import type { Dialect } from "../codegen/dialect.js";
import { freeSymbols } from "../codegen/program_analysis.js";
import { NPY_DESCR, npyValues, readNpyHeader } from "../data/npy_any.js";
import { UserError } from "../ir/diagnostics.js";
import { type PDType, type PExpr, type Program } from "../ir/program.js";
import { loadSdfgFile } from "../frontend/dace/load_sdfg.js";
import { SIM_DIR } from "../package_root.js";
import { memoryBanks, type Platform } from "../platform/platform.js";
import type { ProjectFiles } from "./project_files.js";
import { sdfgIntelDataflowProject } from "./sdfg_intel_dataflow.js";
import { EMULATION_OPTIMIZATION } from "./vitis_project.js";

export const SDFG_KERNEL = "sdfg_kernel";

/** Transients up to this size go on chip (a fraction of a U280's BRAM or a 520N's M20K). */
export const ONCHIP_LIMIT_BYTES = 512 * 1024;

export interface SdfgBundle {
  file: string;
  /** Safe identifier from the file name. */
  name: string;
  program: Program;
  /** Values of the free symbols. */
  symbols: Record<string, number>;
  /** Where the inputs (<arg>.npy) are read from. */
  inputsDir: string;
}

/** Loads a `.sdfg` and settles its symbols: `--symbol` values, else inferred from the inputs. */
export function loadSdfgBundle(file: string, opts: { symbols?: Record<string, number>; inputsDir?: string } = {}): SdfgBundle {
  const program = loadSdfgFile(file);
  const inputsDir = resolve(opts.inputsDir ?? dirname(resolve(file)));
  const symbols = settleSymbols(program, opts.symbols ?? {}, inputsDir, file);
  const name = basename(file).replace(/\.sdfg$/i, "").replace(/[^A-Za-z0-9_]/g, "_").replace(/^([^A-Za-z])/, "p$1") || "program";
  return { file, name, program, symbols, inputsDir };
}

/** `N` of a vector extent `N/W` or `N//W` (W the lanes), else null. */
function vectorExtentSymbol(e: PExpr, lanes: number): PExpr | null {
  const isW = (x: PExpr) => x.kind === "number" && x.value === lanes;
  if (e.kind === "binary" && (e.op === "/" || e.op === "//") && e.left.kind === "name" && isW(e.right)) return e.left;
  if (e.kind === "call" && e.fn === "floordiv" && e.args[0]?.kind === "name" && isW(e.args[1]!)) return e.args[0];
  return null;
}

function settleSymbols(p: Program, given: Record<string, number>, dir: string, file: string): Record<string, number> {
  const out: Record<string, number> = {};
  const free = freeSymbols(p).filter((s) => !Object.hasOwn(p.constants, s));
  for (const [k, v] of Object.entries(given)) {
    if (!Object.hasOwn(p.symbols, k)) throw new UserError(`--symbol ${k}`, `the program has no symbol '${k}' (symbols: ${Object.keys(p.symbols).join(", ") || "none"})`);
    out[k] = v;
  }
  for (const s of free) {
    if (Object.hasOwn(out, s)) continue;
    const f = join(dir, `${s}.npy`);
    if (existsSync(f)) {
      const h = readNpyHeader(readFileSync(f), f);
      if (h.shape.length === 0 && /^[<|][iu]/.test(h.descr)) { out[s] = npyValues(h, f)[0]!; continue; }
    }
  }
  // Shapes of the array inputs: a dimension that is a plain symbol takes the file's size.
  for (const a of p.argNames) {
    const desc = p.arrays[a]!;
    if (desc.kind === "scalar") continue;
    const f = join(dir, `${a}.npy`);
    if (!existsSync(f)) continue;
    const h = readNpyHeader(readFileSync(f), f);
    if (h.shape.length !== desc.shape.length) continue;
    // A vector array's .npy is its scalar array: the last axis holds W lanes per vector.
    const lanes = desc.veclen ?? 1;
    desc.shape.forEach((dim, i) => {
      const last = i === desc.shape.length - 1;
      // The last axis of a vector array written N/W or N//W (DaCe's Vectorization, the vectorized
      // samples): the scalar file's axis is N itself.
      const perLanes = last && lanes > 1 ? vectorExtentSymbol(dim, lanes) : null;
      const e: PExpr = perLanes ?? dim;
      if (e.kind === "name" && free.includes(e.name)) {
        const size = last && !perLanes ? h.shape[i]! / lanes : h.shape[i]!;
        if (!Number.isInteger(size)) throw new UserError(f, `has size ${h.shape[i]} on axis ${i}, not a multiple of the ${lanes} lanes of '${a}''s vectors`);
        if (Object.hasOwn(out, e.name) && out[e.name] !== size) {
          throw new UserError(f, `has size ${h.shape[i]} on axis ${i}, but symbol ${e.name} = ${out[e.name]}${lanes > 1 ? ` (${lanes}-lane vectors)` : ""}`);
        }
        out[e.name] = size;
      }
    });
  }
  for (const s of free) {
    if (!Object.hasOwn(out, s)) throw new UserError(`${file}: $.attributes.symbols.${s}`, `no value for symbol '${s}': give --symbol ${s}=VALUE, ${s}.npy (0-d) or an input whose shape sets it`);
  }
  return out;
}

const CPP_ELEM: Record<PDType, string> = {
  bool: "bool", int8: "int8_t", int16: "int16_t", int32: "int32_t", int64: "int64_t", uint8: "uint8_t", uint16: "uint16_t", uint32: "uint32_t", uint64: "uint64_t",
  float32: "float", float64: "double", complex64: "std::complex<float>", complex128: "std::complex<double>",
};
/** Host element type: OpenCL kernels keep bool as uchar. */
const hostElem = (t: PDType, d: Dialect) => (d === "opencl" && t === "bool" ? "uint8_t" : CPP_ELEM[t]);

export interface Generated { gen: ProgramCodeGen; body: string; args: KernelArg[] }

/** Headers an FPGA-form program's streams and dataflow regions need (hls::stream, the dataflow macros). */
const STREAM_HEADERS = ["hls_stream.h", "sdfg_dataflow.h"];
const SIM_STREAM_FILES = ["hls_stream.h", "sdfg_dataflow.h", "sdfg_sim/fifo.h", "sdfg_sim/progress.h"];

/** The process and dataflow-region functions of an FPGA-form program, after the prelude. */
function emitFunctions(w: CodeWriter, g: Generated): void {
  const text = g.gen.functions().trimEnd();
  if (text) { w.many(text.split("\n")); w.line(); }
}

function simStreamFiles(files: ProjectFiles, g: Generated): void {
  if (!g.gen.usesStreams) return;
  for (const h of SIM_STREAM_FILES) files.set(`sim/include/${h}`, readFileSync(join(SIM_DIR, "include", h), "utf8"));
}

export function generate(b: SdfgBundle, dialect: Dialect, hostLaunch = false): Generated {
  const gen = new ProgramCodeGen(b.program, { dialect, symbols: b.symbols, onchipLimitBytes: ONCHIP_LIMIT_BYTES, ...(hostLaunch ? { hostLaunch } : {}) });
  const body = gen.body();
  return { gen, body, args: gen.args };
}

export function paramList(g: Generated, d: Dialect): string[] {
  return g.args.map((a) => {
    const T = g.gen.dataType(a.desc, `${a.name}`);
    if (a.byValue) return `${d === "opencl" ? "const " : ""}${T} ${a.cName}`;
    return d === "opencl" ? `__global ${T}* restrict ${a.cName}` : `${T}* ${a.cName}`;
  });
}

/** Reads every argument, calls the kernel, writes what it wrote: the host's core, shared by all. */
export function emitHostIo(w: CodeWriter, g: Generated, d: Dialect, call: (args: string[]) => void): void {
  for (const a of g.args) {
    const T = hostElem(a.desc.dtype, d);
    const shape = `{${a.shape.join(", ")}}`;
    const descr = NPY_DESCR[a.desc.dtype];
    if (a.deviceTransient) { w.line(`std::vector<${T}> ${a.cName}_host(${a.elements});  // transient in device memory`); continue; }
    const file = `in_dir + "/${a.name}.npy"`;
    if (a.read && !a.written) {
      w.line(`std::vector<${T}> ${a.cName}_host = sdfg_npy_raw::load<${T}>(${file}, "${descr}", ${shape});`);
    } else {
      w.line(`std::vector<${T}> ${a.cName}_host(${a.elements});`);
      w.line(`if (std::ifstream(in_dir + "/${a.name}.npy").good()) ${a.cName}_host = sdfg_npy_raw::load<${T}>(${file}, "${descr}", ${shape});`);
    }
  }
  call(g.args.map((a) => (a.byValue ? `${a.cName}_host[0]` : a.lanes > 1 ? `${a.cName}_vec.data()` : `${a.cName}_host.data()`)));
  for (const a of g.args) {
    if (!a.written || a.deviceTransient) continue;
    w.line(`sdfg_npy_raw::save<${hostElem(a.desc.dtype, d)}>(out_dir + "/${a.name}.npy", "${NPY_DESCR[a.desc.dtype]}", {${a.shape.join(", ")}}, ${a.cName}_host.data());`);
  }
}

/**
 * Vector arguments (`dace.vector(T, W)`): the host holds the scalar array as DaCe's host does,
 * and a kernel called directly gets a copy in an array of the kernel's vector type (aligned as
 * that type needs), copied back after the call. `call` runs between the two copies.
 */
function withVectorArgs(w: CodeWriter, g: Generated, call: () => void): void {
  const vec = g.args.filter((a) => a.lanes > 1);
  for (const a of vec) {
    const V = g.gen.dataType(a.desc, a.name);
    w.line(`std::vector<${V}> ${a.cName}_vec(${a.elements / a.lanes});  // ${a.lanes} lanes per element`);
    w.line(`std::memcpy(static_cast<void*>(${a.cName}_vec.data()), ${a.cName}_host.data(), ${a.cName}_host.size() * sizeof(${a.cName}_host[0]));`);
  }
  call();
  for (const a of vec) if (a.written) w.line(`std::memcpy(${a.cName}_host.data(), static_cast<const void*>(${a.cName}_vec.data()), ${a.cName}_host.size() * sizeof(${a.cName}_host[0]));`);
}

export function emitMainHead(w: CodeWriter, usage: string): void {
  w.line("std::string in_dir = \".\", out_dir = \".\", xclbin;");
  w.block("for (int i = 1; i + 1 < argc; i += 2)", () => {
    w.line("std::string k = argv[i];");
    w.line("if (k == \"--inputs\") in_dir = argv[i + 1];");
    w.line("else if (k == \"--outputs\") out_dir = argv[i + 1];");
    w.line("else if (k == \"--xclbin\" || k == \"--aocx\") xclbin = argv[i + 1];");
    w.line(`else { std::fprintf(stderr, "usage: ${usage}\\n"); return 2; }`);
  });
}

export const HOST_HEADERS = ["complex", "cstdint", "cstdio", "cstring", "fstream", "stdexcept", "string", "vector"];

export function header(w: CodeWriter, b: SdfgBundle, what: string): void {
  w.comment([`${what} for DaCe program '${b.program.name}' (${basename(b.file)}), generated by sdfg-fpga.`,
    `Symbols: ${Object.entries(b.symbols).map(([k, v]) => `${k}=${v}`).join(", ") || "none"}.`].join("\n"));
}

/** The CPU reference: sequential C++ and a main that reads and writes .npy files. */
export function emitSdfgCpu(b: SdfgBundle, g: Generated = generate(b, "cpp")): string {
  const w = new CodeWriter();
  header(w, b, "CPU reference (sequential, SDFG semantics)");
  for (const h of ["cmath", "memory", ...HOST_HEADERS]) w.directive(`#include <${h}>`);
  w.directive('#include "sdfg_npy_raw.h"');
  if (g.gen.usesStreams) {
    w.comment("Streams are bounded FIFOs and the dataflow processes fibers (build with -DSDFG_FPGA_SIM).");
    for (const h of STREAM_HEADERS) w.directive(`#include "${h}"`);
  }
  w.line();
  w.many(g.gen.prelude().trimEnd().split("\n"));
  w.line();
  emitFunctions(w, g);
  w.block(`static void program(${paramList(g, "cpp").join(", ")})`, () => w.many(g.body.trimEnd().split("\n")));
  w.line();
  w.block("int main(int argc, char** argv)", () => {
    emitMainHead(w, "reference --inputs DIR --outputs DIR");
    w.block("try", () => emitHostIo(w, g, "cpp", (args) => withVectorArgs(w, g, () => w.line(`program(${args.join(", ")});`))), "");
    w.block("catch (const std::exception& e)", () => { w.line("std::fprintf(stderr, \"%s\\n\", e.what());"); w.line("return 1;"); });
    w.line("return 0;");
  });
  return w.toString();
}

/** The Vitis HLS kernel: m_axi per array, s_axilite for scalars and control. */
export function emitSdfgVitisKernel(b: SdfgBundle, banks: Map<string, number>, g: Generated = generate(b, "hls")): { text: string; args: KernelArg[] } {
  const w = new CodeWriter();
  header(w, b, "Vitis HLS memory-mapped kernel");
  w.comment("Each array is an m_axi port with its own bundle (its own AXI master and bank); scalars and\nthe control registers are s_axilite. Map nests are pipelined loop nests (innermost loop);\ntransients that fit are on-chip static arrays (BRAM/URAM), larger ones are device buffers.");
  for (const h of ["cmath", "complex", "cstdint"]) w.directive(`#include <${h}>`);
  // hls::vector<T, W> (UG1399): vector data, one wide m_axi word per element.
  if (g.gen.usesVectors) w.directive('#include "hls_vector.h"');
  if (g.gen.usesStreams) {
    w.comment("FPGA-form SDFG: each stream is an hls::stream array, each dataflow state a DATAFLOW region\nwhose processes run concurrently (fibers in the g++ emulation, sdfg_dataflow.h).");
    for (const h of STREAM_HEADERS) w.directive(`#include "${h}"`);
  }
  w.line();
  w.many(g.gen.prelude().trimEnd().split("\n"));
  w.line();
  emitFunctions(w, g);
  w.block(`extern "C" void ${SDFG_KERNEL}(${paramList(g, "hls").join(", ")})`, () => {
    for (const a of g.args) {
      if (a.byValue) w.directive(`#pragma HLS INTERFACE s_axilite port=${a.cName}`);
      else {
        w.directive(`#pragma HLS INTERFACE m_axi port=${a.cName} offset=slave bundle=gmem${banks.get(a.name) ?? 0} depth=${a.elements / a.lanes}`);
        w.directive(`#pragma HLS INTERFACE s_axilite port=${a.cName}`);
      }
    }
    w.directive("#pragma HLS INTERFACE s_axilite port=return");
    w.many(g.body.trimEnd().split("\n"));
  });
  return { text: w.toString(), args: g.args };
}

/** What every generated .cl starts with: g++ (SDFG_FPGA_SIM) spellings, or aoc's. */
export function openclPreamble(w: CodeWriter): void {
  w.directive("#ifdef SDFG_FPGA_SIM");
  w.directive("#include <math.h>");
  w.directive("typedef unsigned char uchar;");
  w.directive("typedef unsigned short ushort;");
  w.directive("typedef unsigned int uint;");
  w.directive("typedef unsigned long ulong;");
  w.directive("#define SDFG_ONCHIP static");
  w.directive("#else");
  w.directive("#define SDFG_ONCHIP __local");
  w.directive("#pragma OPENCL EXTENSION cl_khr_fp64 : enable");
  w.directive("#endif");
  w.line();
}

/** The Intel OpenCL single work-item kernel with `__global` pointers. */
export function emitSdfgOpenclKernel(b: SdfgBundle, g: Generated = generate(b, "opencl")): { text: string; args: KernelArg[] } {
  const w = new CodeWriter();
  header(w, b, "Intel FPGA SDK for OpenCL single work-item kernel");
  w.comment("One single work-item kernel: every array is a __global pointer (a load/store unit on the\nboard's DDR), scalars are kernel arguments, map nests are loops aoc pipelines, transients\nthat fit are __local arrays (M20K). Under SDFG_FPGA_SIM it compiles as C++ with g++.");
  openclPreamble(w);
  w.many(g.gen.prelude().trimEnd().split("\n"));
  w.line();
  w.block(`__kernel void ${SDFG_KERNEL}(${paramList(g, "opencl").join(", ")})`, () => w.many(g.body.trimEnd().split("\n")));
  return { text: w.toString(), args: g.args };
}

function bankOf(args: KernelArg[], platform: Platform): Map<string, number> {
  const banks = memoryBanks(platform);
  const preferred = banks.filter((x) => x.kind === banks[0]!.kind);
  const m = new Map<string, number>();
  args.filter((a) => !a.byValue).forEach((a, i) => m.set(a.name, i % Math.max(1, preferred.length)));
  return m;
}

/** Vitis sources: kernel, XRT host (direct call under SDFG_FPGA_SIM), link.cfg, Makefile. */
export function sdfgVitisProject(b: SdfgBundle, platform: Platform): ProjectFiles {
  const pre = generate(b, "hls");
  const banks = bankOf(pre.args, platform);
  const k = emitSdfgVitisKernel(b, banks, pre);
  const all = memoryBanks(platform);
  const preferred = all.filter((x) => x.kind === all[0]!.kind);
  const files: ProjectFiles = new Map();
  files.set(`kernel/${SDFG_KERNEL}.cpp`, k.text);
  const w = new CodeWriter();
  header(w, b, "Host (XRT native API)");
  w.comment("Usage: host --xclbin FILE --inputs DIR --outputs DIR. Reads <arg>.npy, runs the kernel once,\nwrites every argument the program writes. With -DSDFG_FPGA_SIM it calls the kernel directly.");
  for (const h of ["cmath", ...HOST_HEADERS]) w.directive(`#include <${h}>`);
  w.directive('#include "sdfg_npy_raw.h"');
  w.directive("#ifdef SDFG_FPGA_SIM");
  w.directive(`#include "../kernel/${SDFG_KERNEL}.cpp"`);
  w.directive("#else");
  for (const h of ["xrt/xrt_device.h", "xrt/xrt_kernel.h", "xrt/xrt_bo.h"]) w.directive(`#include <${h}>`);
  w.directive("#endif");
  w.line();
  w.block("int main(int argc, char** argv)", () => {
    emitMainHead(w, "host --xclbin FILE --inputs DIR --outputs DIR");
    w.block("try", () => emitHostIo(w, k.args.length ? pre : pre, "hls", (args) => {
      w.directive("#ifdef SDFG_FPGA_SIM");
      withVectorArgs(w, pre, () => w.line(`${SDFG_KERNEL}(${args.join(", ")});`));
      w.directive("#else");
      w.line("xrt::device device(0);");
      w.line("const auto uuid = device.load_xclbin(xclbin);");
      w.line(`xrt::kernel kernel(device, uuid, "${SDFG_KERNEL}");`);
      w.line(`xrt::run run(kernel);`);
      const bos: string[] = [];
      k.args.forEach((a, i) => {
        if (a.byValue) { w.line(`run.set_arg(${i}, ${a.cName}_host[0]);`); return; }
        const bytes = `${a.cName}_host.size() * sizeof(${a.cName}_host[0])`;
        w.line(`xrt::bo ${a.cName}_bo(device, ${bytes}, kernel.group_id(${i}));`);
        w.line(`${a.cName}_bo.write(${a.cName}_host.data());`);
        w.line(`${a.cName}_bo.sync(XCL_BO_SYNC_BO_TO_DEVICE);`);
        w.line(`run.set_arg(${i}, ${a.cName}_bo);`);
        bos.push(a.cName);
      });
      w.line("run.start();");
      w.line("run.wait();");
      for (const a of k.args) if (a.written && !a.byValue) { w.line(`${a.cName}_bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE);`); w.line(`${a.cName}_bo.read(${a.cName}_host.data());`); }
      w.directive("#endif");
    }), "");
    w.block("catch (const std::exception& e)", () => { w.line("std::fprintf(stderr, \"%s\\n\", e.what());"); w.line("return 1;"); });
    w.line("return 0;");
  });
  files.set("host/host.cpp", w.toString());
  const cfg = new CodeWriter("");
  cfg.line("[connectivity]");
  cfg.line(`nk=${SDFG_KERNEL}:1:${SDFG_KERNEL}_1`);
  for (const a of k.args) if (!a.byValue) cfg.line(`sp=${SDFG_KERNEL}_1.${a.cName}:${preferred[banks.get(a.name) ?? 0]?.name ?? "DDR[0]"}`);
  files.set("link.cfg", cfg.toString());
  files.set("Makefile", [
    `# Vitis build of ${b.name} (memory-mapped kernel). make sim: g++ emulation without vendor tools.`,
    `PLATFORM ?= ${platform.platform}`,
    "TARGET ?= hw",
    "all: host/host build/$(TARGET)/kernel.xclbin",
    `build/$(TARGET)/${SDFG_KERNEL}.xo: kernel/${SDFG_KERNEL}.cpp`,
    `\tv++ -c -t $(TARGET) --platform $(PLATFORM) -k ${SDFG_KERNEL} -o $@ $<`,
    `build/$(TARGET)/kernel.xclbin: build/$(TARGET)/${SDFG_KERNEL}.xo link.cfg`,
    "\tv++ -l -t $(TARGET) --platform $(PLATFORM) --config link.cfg -o $@ $<",
    "host/host: host/host.cpp",
    "\tg++ -std=c++17 -O2 -Isim/include -I$(XILINX_XRT)/include -o $@ $< -L$(XILINX_XRT)/lib -lxrt_coreutil -pthread",
    "sim: host/host.cpp",
    `\tg++ -std=c++17 ${EMULATION_OPTIMIZATION} -DSDFG_FPGA_SIM -Wno-unknown-pragmas -Isim/include -o host/host_sim $<`,
    ".PHONY: all sim",
    "",
  ].join("\n"));
  files.set("sim/include/sdfg_npy_raw.h", readFileSync(join(SIM_DIR, "include", "sdfg_npy_raw.h"), "utf8"));
  simStreamFiles(files, pre);
  // v++ finds the dataflow macros next to the kernel (its quoted include), Vitis's own hls_stream.h.
  if (pre.gen.usesStreams) files.set("kernel/sdfg_dataflow.h", readFileSync(join(SIM_DIR, "include", "sdfg_dataflow.h"), "utf8"));
  return files;
}

/** Intel sources: kernels.cl, OpenCL host (direct call under SDFG_FPGA_SIM), Makefile. */
export function sdfgIntelProject(b: SdfgBundle, platform: Platform): ProjectFiles {
  const pre = generate(b, "opencl");
  if (pre.gen.usesStreams) return sdfgIntelDataflowProject(b, platform, pre);
  const k = emitSdfgOpenclKernel(b, pre);
  const files: ProjectFiles = new Map();
  files.set("kernel/kernels.cl", k.text);
  const w = new CodeWriter();
  header(w, b, "Host (OpenCL 1.2 API)");
  w.comment("Usage: host --aocx FILE --inputs DIR --outputs DIR. With -DSDFG_FPGA_SIM it calls the kernel\n(compiled as C++ against sim/include/intel_channels.h) directly.");
  for (const h of ["cmath", ...HOST_HEADERS]) w.directive(`#include <${h}>`);
  w.directive('#include "sdfg_npy_raw.h"');
  w.directive("#ifdef SDFG_FPGA_SIM");
  w.directive('#include "intel_channels.h"');
  w.directive('#include "../kernel/kernels.cl"');
  w.directive("#else");
  w.directive("#define CL_TARGET_OPENCL_VERSION 120");
  w.directive("#include <CL/cl.h>");
  w.directive("#endif");
  w.line();
  w.directive("#ifndef SDFG_FPGA_SIM");
  w.block("static void check(cl_int err, const char* what)", () => w.line("if (err != CL_SUCCESS) throw std::runtime_error(std::string(what) + \": OpenCL error \" + std::to_string(err));"));
  w.directive("#endif");
  w.block("int main(int argc, char** argv)", () => {
    emitMainHead(w, "host --aocx FILE --inputs DIR --outputs DIR");
    w.block("try", () => emitHostIo(w, pre, "opencl", (args) => {
      w.directive("#ifdef SDFG_FPGA_SIM");
      withVectorArgs(w, pre, () => w.line(`${SDFG_KERNEL}(${args.map((a, i) => (k.args[i]!.byValue ? a : `(${k.args[i]!.desc.dtype === "bool" ? "uchar" : pre.gen.dataType(k.args[i]!.desc, "")}*)${a}`)).join(", ")});`));
      w.directive("#else");
      w.line("cl_int err = CL_SUCCESS;");
      w.line("cl_platform_id platform; check(clGetPlatformIDs(1, &platform, nullptr), \"clGetPlatformIDs\");");
      w.line("cl_device_id device; check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, nullptr), \"clGetDeviceIDs\");");
      w.line("cl_context ctx = clCreateContext(nullptr, 1, &device, nullptr, nullptr, &err); check(err, \"clCreateContext\");");
      w.line("cl_command_queue q = clCreateCommandQueue(ctx, device, 0, &err); check(err, \"clCreateCommandQueue\");");
      w.line("std::ifstream f(xclbin, std::ios::binary); std::vector<unsigned char> bin((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());");
      w.line("const unsigned char* bins[] = {bin.data()}; size_t lens[] = {bin.size()};");
      w.line("cl_program prog = clCreateProgramWithBinary(ctx, 1, &device, lens, bins, nullptr, &err); check(err, \"clCreateProgramWithBinary\");");
      w.line("check(clBuildProgram(prog, 1, &device, \"\", nullptr, nullptr), \"clBuildProgram\");");
      w.line(`cl_kernel kern = clCreateKernel(prog, "${SDFG_KERNEL}", &err); check(err, "clCreateKernel");`);
      k.args.forEach((a, i) => {
        if (a.byValue) { w.line(`check(clSetKernelArg(kern, ${i}, sizeof(${a.cName}_host[0]), &${a.cName}_host[0]), "clSetKernelArg");`); return; }
        const bytes = `${a.cName}_host.size() * sizeof(${a.cName}_host[0])`;
        w.line(`cl_mem ${a.cName}_buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, ${bytes}, nullptr, &err); check(err, "clCreateBuffer");`);
        w.line(`check(clEnqueueWriteBuffer(q, ${a.cName}_buf, CL_TRUE, 0, ${bytes}, ${a.cName}_host.data(), 0, nullptr, nullptr), "clEnqueueWriteBuffer");`);
        w.line(`check(clSetKernelArg(kern, ${i}, sizeof(cl_mem), &${a.cName}_buf), "clSetKernelArg");`);
      });
      w.line("check(clEnqueueTask(q, kern, 0, nullptr, nullptr), \"clEnqueueTask\");");
      w.line("check(clFinish(q), \"clFinish\");");
      for (const a of k.args) if (a.written && !a.byValue) w.line(`check(clEnqueueReadBuffer(q, ${a.cName}_buf, CL_TRUE, 0, ${a.cName}_host.size() * sizeof(${a.cName}_host[0]), ${a.cName}_host.data(), 0, nullptr, nullptr), "clEnqueueReadBuffer");`);
      w.directive("#endif");
    }), "");
    w.block("catch (const std::exception& e)", () => { w.line("std::fprintf(stderr, \"%s\\n\", e.what());"); w.line("return 1;"); });
    w.line("return 0;");
  });
  files.set("host/host.cpp", w.toString());
  files.set("Makefile", intelSdfgMakefile(b, platform, "memory-mapped single work-item kernel"));
  for (const h of ["sdfg_npy_raw.h", "intel_channels.h"]) files.set(`sim/include/${h}`, readFileSync(join(SIM_DIR, "include", h), "utf8"));
  files.set("sim/include/sdfg_sim/fifo.h", readFileSync(join(SIM_DIR, "include", "sdfg_sim", "fifo.h"), "utf8"));
  return files;
}

export function sdfgCpuProject(b: SdfgBundle): ProjectFiles {
  const g = generate(b, "cpp");
  const files = new Map<string, string | Buffer>([
    ["reference.cpp", emitSdfgCpu(b, g)],
    ["sim/include/sdfg_npy_raw.h", readFileSync(join(SIM_DIR, "include", "sdfg_npy_raw.h"), "utf8")],
    // Streams: the processes run as fibers of the sim's scheduler (SDFG_FPGA_SIM).
    ["Makefile", `reference: reference.cpp\n\tg++ -std=c++17 -O2${g.gen.usesStreams ? " -DSDFG_FPGA_SIM" : ""} -Isim/include -o $@ $<\n`],
  ]);
  simStreamFiles(files, g);
  return files;
}

/** The aoc Makefile of an Intel `.sdfg` project: hardware, emulator and g++ simulation builds. */
export function intelSdfgMakefile(b: SdfgBundle, platform: Platform, what: string): string {
  return [
    `# Intel FPGA SDK for OpenCL build of ${b.name} (${what}) for ${platform.name}.`,
    `BOARD ?= ${platform.platform}`,
    "all: host/host kernels.aocx",
    "kernels.aocx: kernel/kernels.cl",
    "\taoc -board=$(BOARD) -o $@ $<",
    "emulator: kernel/kernels.cl",
    "\taoc -march=emulator -o kernels_emu.aocx $<",
    "host/host: host/host.cpp",
    "\tg++ -std=c++17 -O2 -Isim/include $$(aocl compile-config) -o $@ $< $$(aocl link-config)",
    "sim: host/host.cpp",
    `\tg++ -std=c++17 ${EMULATION_OPTIMIZATION} -DSDFG_FPGA_SIM -Wno-unknown-pragmas -Isim/include -o host/host_sim $<`,
    ".PHONY: all emulator sim",
    "",
  ].join("\n");
}
