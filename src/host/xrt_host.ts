// XRT native host for the Vitis kernel (design.md §3, hardware-context API). It reads every input
// from DIR/<name>.npy, runs the kernel, writes DIR/<output>.npy and can verify against reference
// files. Built with -DSDFG_FPGA_SIM it calls the kernel function directly on host buffers instead
// of going through XRT (hlslib's simulation mode), which is how we emulate without vendor tools.

import { CodeWriter } from "../codegen/code_writer.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { hasStepsArgument, KERNEL_NAME, STEPS_ARGUMENT, topArguments, vecType, type TopArgument } from "../hls/vitis_kernel.js";
import { emitCloseEnough, emitFinish, emitHostBuffers, emitOptionParsing, emitPasses } from "./host_common.js";
import { laneGroupType, NO_SPLITS, portNames, type PortSplits } from "../hls/port_parts.js";

export { shapeOfArgument, TOLERANCE } from "./host_common.js";

/** Where the kernel's memory arguments are connected (from the same placement as link.cfg). */
export interface XrtHostOptions {
  /**
   * By argument name: the banks it reaches (e.g. `u` → [`HBM[0]`, `HBM[1]`]) and, when its
   * buffer must go to one bank of several (ports that trade buffers), that bank.
   */
  connectivity: Record<string, { banks: string[]; bufferBank?: string }>;
  /** Arrays that travel as lane groups on several ports (port_parts.ts): the host splits and joins them. */
  splits?: PortSplits;
}

/**
 * The host variable of a kernel argument's device buffer: `u_port_` (`u_bo_`), or `u_port1_` for
 * lane group 1 of a split `u` (never a reserved double underscore, never another array's name).
 */
function bufferVariable(a: TopArgument, kind: "port" | "bo"): string {
  return a.part ? `${a.part.array}_${kind}${a.part.index}_` : `${a.name}_${kind}_`;
}

/** `split_lanes_` / `join_lanes_`: between a whole array of W-wide vectors and one lane group of it. */
function emitLaneGroupCopies(w: CodeWriter): void {
  w.comment([
    "An array split into lane groups for bandwidth: part k holds lanes [k * L, (k + 1) * L) of every",
    "W-wide vector, so part[v * L + l] is whole[v * W + k * L + l].",
  ].join("\n"));
  w.line("template <typename T>");
  w.block("static void split_lanes_(const T* whole, T* part, std::size_t vectors, int W, int L, int k)", () => {
    w.line("for (std::size_t v = 0; v < vectors; ++v) std::copy(whole + v * W + k * L, whole + v * W + (k + 1) * L, part + v * L);");
  });
  w.line("template <typename T>");
  w.block("static void join_lanes_(const T* part, T* whole, std::size_t vectors, int W, int L, int k)", () => {
    w.line("for (std::size_t v = 0; v < vectors; ++v) std::copy(part + v * L, part + (v + 1) * L, whole + v * W + k * L);");
  });
}

/** The memory group of a buffer: a named bank of the xclbin, else the group of its argument. */
function emitBankLookup(w: CodeWriter): void {
  w.comment([
    "The xclbin's memory bank called `tag` (e.g. \"HBM[1]\"), used by the design; where the xclbin",
    "names its banks otherwise, the memory group of kernel argument `arg` (XRT then picks the bank).",
  ].join("\n"));
  w.block("static xrt::memory_group bank_(const xrt::xclbin& xclbin, const xrt::kernel& kernel, const std::string& tag, int arg)", () => {
    w.block("for (const xrt::xclbin::mem& mem : xclbin.get_mems())", () => {
      w.line("if (mem.get_used() && mem.get_tag() == tag) return static_cast<xrt::memory_group>(mem.get_index());");
    });
    w.line("return kernel.group_id(arg);");
  });
}

export function emitXrtHost(p: Pipeline, options: XrtHostOptions): string {
  const w = new CodeWriter();
  const splits = options.splits ?? NO_SPLITS;
  // The program's arrays (the .npy files, host buffers) and the kernel's arguments (a split array's lane groups each one).
  const args = topArguments(p);
  const kernelArgs = topArguments(p, splits);
  const ports = kernelArgs.filter((a) => a.kind !== "scalar");
  const steps = hasStepsArgument(p) ? [STEPS_ARGUMENT] : [];
  const positions = new Map(kernelArgs.map((a, n) => [a.name, n]));
  const byName = new Map(kernelArgs.map((a) => [a.name, a]));
  const swapParts = (i: string, o: string, kind: "port" | "bo") => {
    const [ins, outs] = [portNames(i, splits), portNames(o, splits)];
    return ins.map((x, k) => `std::swap(${bufferVariable(byName.get(x)!, kind)}, ${bufferVariable(byName.get(outs[k]!)!, kind)});`).join(" ");
  };
  /** Host-side copy of a part: `whole` is the array's host vector, `part` a pointer to the part's elements. */
  const partCopy = (a: (typeof ports)[number], whole: string, part: string) => {
    const x = a.part!;
    const T = DTYPE_INFO[a.dtype].cType;
    const vectors = `${a.elements / x.lanes}`;
    // W as a number: the XRT build does not include the kernel header that defines W_.
    return a.kind === "input"
      ? `split_lanes_<${T}>(${whole}.data(), ${part}, ${vectors}, ${p.vectorWidth}, ${x.lanes}, ${x.index});`
      : `join_lanes_<${T}>(${part}, ${whole}.data(), ${vectors}, ${p.vectorWidth}, ${x.lanes}, ${x.index});`;
  };
  const index = (name: string) => positions.get(name)!;
  w.comment([
    `Host program for '${p.name}' (generated by sdfg-fpga).`,
    "Usage: host [--xclbin FILE] [--inputs DIR] [--outputs DIR] [--verify DIR]",
    "Reads DIR/<input>.npy, runs the kernel, writes DIR/<output>.npy; with --verify compares",
    "every output with DIR/<output>.npy and exits 1 on a mismatch. The time printed is that of the",
    "kernel runs alone (not opening the device, loading the xclbin or moving data).",
  ].join("\n"));
  for (const h of ["algorithm", "chrono", "cmath", "cstdio", "cstring", "filesystem", "stdexcept", "string", "utility", "vector"]) w.directive(`#include <${h}>`);
  w.directive('#include "sdfg_npy.h"');
  w.directive("#ifdef SDFG_FPGA_SIM");
  w.comment("Emulation: the kernel itself (hls::vector types) and a model of XRT's bank connectivity.");
  w.directive(`#include "${KERNEL_NAME}.h"`);
  w.directive('#include "sdfg_xrt_memory.h"');
  w.directive("#else");
  for (const h of ["xrt/xrt_device.h", "xrt/xrt_kernel.h", "xrt/xrt_bo.h", "xrt/xrt_hw_context.h"]) w.directive(`#include <${h}>`);
  w.directive("#if __has_include(<xrt/experimental/xrt_xclbin.h>)");
  w.directive("#include <xrt/experimental/xrt_xclbin.h>");
  w.directive("#else");
  w.comment("Older XRT installs keep it outside xrt/.");
  w.directive("#include <experimental/xrt_xclbin.h>");
  w.directive("#endif");
  w.directive("#endif");
  w.line();
  emitCloseEnough(w);
  if (splits.size > 0) {
    w.line();
    emitLaneGroupCopies(w);
  }
  if (ports.some((a) => options.connectivity[a.name]?.bufferBank)) {
    w.line();
    w.directive("#ifndef SDFG_FPGA_SIM");
    emitBankLookup(w);
    w.directive("#endif");
  }
  w.line();
  const timed = (run: () => void) => {
    w.line("const auto run_start_ = std::chrono::steady_clock::now();");
    run();
    w.line("kernel_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start_).count();");
  };
  w.block("int main(int argc, char** argv)", () => {
    emitOptionParsing(w, [{ flag: "--xclbin", variable: "xclbin_", value: `${KERNEL_NAME}.xclbin` }]);
    w.block("try", () => {
      w.comment("Host buffers, in the order of the kernel's arguments.");
      emitHostBuffers(w, p, args);
      w.line("double kernel_seconds_ = 0;");
      w.line();
      w.directive("#ifdef SDFG_FPGA_SIM");
      w.line("(void)xclbin_;");
      w.comment([
        "Emulation: the kernel is an ordinary function; its dataflow processes run as fibers. Device",
        "buffers are host vectors that remember their banks: each argument reaches only the banks",
        "link.cfg connects it to, as on the board, and a buffer passed to an argument that cannot",
        "reach it stops the run (XRT would silently work on a stale copy).",
      ].join("\n"));
      const table = kernelArgs.map((a) => `{"${a.name}", {${(a.kind === "scalar" ? [] : options.connectivity[a.name]?.banks ?? []).map((b) => `"${b}"`).join(", ")}}}`);
      w.line(`const sdfg_xrt_sim::Connectivity connectivity_("${KERNEL_NAME}", {${table.join(", ")}});`);
      const elementsOf = (port: string, a: (typeof ports)[number]) => `static_cast<${a.kind === "input" ? "" : "const "}${DTYPE_INFO[a.dtype].cType}*>(static_cast<${a.kind === "input" ? "" : "const "}void*>(${port}.data()))`;
      for (const a of ports) {
        const vt = a.part ? laneGroupType(a.dtype, a.part.lanes) : a.wide ? vecType(a.dtype) : DTYPE_INFO[a.dtype].cType;
        const count = a.part ? `${a.elements / a.part.lanes}` : a.wide ? `${a.elements} / W_` : `${a.elements}`;
        const bank = options.connectivity[a.name]?.bufferBank;
        w.line(`sdfg_xrt_sim::Buffer<${vt}> ${bufferVariable(a, "port")}("${a.name}", ${count}, ${bank ? `{"${bank}"}` : `connectivity_.group(${index(a.name)})`});`);
        if (a.kind === "input" && a.part) w.line(partCopy(a, `${a.part.array}_host_`, elementsOf(`${bufferVariable(a, "port")}`, a)));
        else if (a.kind === "input") w.line(`std::memcpy(static_cast<void*>(${bufferVariable(a, "port")}.data()), ${a.name}_host_.data(), ${a.name}_host_.size() * sizeof(${DTYPE_INFO[a.dtype].cType}));`);
      }
      emitPasses(w, p, args, () => {
        for (const a of ports) w.line(`connectivity_.check(${index(a.name)}, ${bufferVariable(a, "port")});`);
        timed(() => w.line(`${KERNEL_NAME}(${[...kernelArgs.map((a) => (a.kind === "scalar" ? a.name : `${bufferVariable(a, "port")}.data()`)), ...steps].join(", ")});`));
      }, (i, o) => swapParts(i, o, "port"));
      for (const a of ports.filter((x) => x.kind === "output")) {
        if (a.part) w.line(partCopy(a, `${a.part.array}_host_`, elementsOf(`${bufferVariable(a, "port")}`, a)));
        else w.line(`std::memcpy(${a.name}_host_.data(), static_cast<const void*>(${bufferVariable(a, "port")}.data()), ${a.name}_host_.size() * sizeof(${DTYPE_INFO[a.dtype].cType}));`);
      }
      w.directive("#else");
      w.comment("XRT native API with a hardware context (design.md §3).");
      w.line("xrt::device device_(0);");
      w.line("const xrt::xclbin binary_{std::string(xclbin_)};");
      w.line("const xrt::uuid uuid_ = device_.register_xclbin(binary_);");
      w.line("xrt::hw_context context_(device_, uuid_);");
      w.line(`xrt::kernel kernel_(context_, "${KERNEL_NAME}");`);
      w.comment([
        "Each buffer in the memory group of its argument; ports that trade buffers between passes are",
        "connected to one bank range (link.cfg) and get a bank each in it, so either port reaches either buffer.",
      ].join("\n"));
      for (const a of ports) {
        const bytes = `${a.elements} * sizeof(${DTYPE_INFO[a.dtype].cType})`;
        const bank = options.connectivity[a.name]?.bufferBank;
        const group = bank ? `bank_(binary_, kernel_, "${bank}", ${index(a.name)})` : `kernel_.group_id(${index(a.name)})`;
        w.line(`xrt::bo ${bufferVariable(a, "bo")}(device_, ${bytes}, ${group});`);
        if (a.kind === "input") {
          if (a.part) w.line(partCopy(a, `${a.part.array}_host_`, `${bufferVariable(a, "bo")}.map<${DTYPE_INFO[a.dtype].cType}*>()`));
          else w.line(`${bufferVariable(a, "bo")}.write(${a.name}_host_.data());`);
          w.line(`${bufferVariable(a, "bo")}.sync(XCL_BO_SYNC_BO_TO_DEVICE);`);
        }
      }
      emitPasses(w, p, args, () => {
        timed(() => {
          w.line(`xrt::run run_ = kernel_(${[...kernelArgs.map((a) => (a.kind === "scalar" ? a.name : `${bufferVariable(a, "bo")}`)), ...steps].join(", ")});`);
          w.line("run_.wait();");
        });
      }, (i, o) => swapParts(i, o, "bo"));
      for (const a of ports.filter((x) => x.kind === "output")) {
        w.line(`${bufferVariable(a, "bo")}.sync(XCL_BO_SYNC_BO_FROM_DEVICE);`);
        if (a.part) w.line(partCopy(a, `${a.part.array}_host_`, `${bufferVariable(a, "bo")}.map<const ${DTYPE_INFO[a.dtype].cType}*>()`));
        else w.line(`${bufferVariable(a, "bo")}.read(${a.name}_host_.data());`);
      }
      w.directive("#endif");
      emitFinish(w, p, args, "kernel_seconds_");
    }, "");
    w.block("catch (const std::exception& e_)", () => {
      w.line('std::fprintf(stderr, "error: %s\\n", e_.what());');
      w.line("return 2;");
    });
  });
  return w.toString();
}
