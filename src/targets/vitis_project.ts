// The complete Vitis project for a program on a Xilinx board: HLS kernel, XRT host, link.cfg
// with memory-bank mapping, Makefile (sw_emu / hw_emu / hw, plus `sim` with g++ and no vendor
// tools), the IR, the input data and a README.

import { emitLinalgVitisKernel } from "../hls/vitis_linalg.js";
import { quoteUserText } from "../codegen/user_text.js";
import { basename, join } from "node:path";
import { CodeWriter } from "../codegen/code_writer.js";
import type { ProgramBundle } from "../frontend/load_program.js";
import { emitKernelHeader, emitVitisKernel, KERNEL_NAME, topArguments } from "../hls/vitis_kernel.js";
import { emitXrtHost } from "../host/xrt_host.js";
import { SIM_DIR } from "../package_root.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import { UserError } from "../ir/diagnostics.js";
import type { Platform } from "../platform/platform.js";
import { bankSpan, formatBytes, placeMemory, type MemoryPlacement, type MemoryPort } from "../platform/placement.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { filesFromDirectory, type ProjectFiles } from "./project_files.js";
import { NO_SPLITS, portSplits, type PortSplits } from "../hls/port_parts.js";
import { dataReadme, DEFAULT_DATA_OPTIONS, programFiles, type DataOptions } from "./program_data.js";

/**
 * The g++ optimization level of every emulation build. -O1, not -O2: an emulation is compiled
 * once per design and run once, so g++ time dominates. Measured on hdiff (4 M cells, W=1 and
 * W=8) and diffusion3d_t7 (1 M cells, W=4, P=7): -O1 compiles in 20-35 % less time and runs as
 * fast as -O2 (the processes are simple loops over FIFOs), with byte-identical outputs.
 */
export const EMULATION_OPTIMIZATION = "-O1";

// -fwrapv: integer overflow wraps in two's complement, as it does in hardware and in NumPy (C
// leaves signed overflow undefined, and the optimizer would otherwise assume it never happens).
export const EMULATION_FLAGS = ["-std=c++17", EMULATION_OPTIMIZATION, "-fwrapv", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas", "-pthread", "-DSDFG_FPGA_SIM"];

/**
 * The kernel's memory ports in argument order (a split array's lane groups each a port), and the
 * [input, output] pairs a time loop swaps (part k of the output becomes part k of the input).
 */
export function vitisMemoryPorts(p: Pipeline, splits: PortSplits = NO_SPLITS): { ports: MemoryPort[]; pairs: [string, string][] } {
  const args = topArguments(p, splits);
  const ports = args.flatMap((a, argIndex): MemoryPort[] => (a.kind === "scalar" ? [] : [{
    name: a.name, argIndex, bytes: a.elements * DTYPE_INFO[a.dtype].bytes,
    ...(a.part ? { part: { array: a.part.array, index: a.part.index, count: a.part.count } } : {}),
  }]));
  const arrays = new Set(args.map((a) => a.part?.array ?? a.name));
  const pairs = Object.entries(p.feedback).filter(([o, i]) => arrays.has(o) && arrays.has(i)).flatMap(([o, i]) => {
    const [ins, outs] = [portNamesOf(args, i), portNamesOf(args, o)];
    return ins.map((x, k) => [x, outs[k]!] as [string, string]);
  });
  return { ports, pairs };
}

function portNamesOf(args: ReturnType<typeof topArguments>, array: string): string[] {
  return args.filter((a) => (a.part?.array ?? a.name) === array).map((a) => a.name);
}

/** Which arrays a stencil pipeline splits over several HBM ports at the kernel clock `clockMHz` (the board's target by default). */
export function vitisSplits(p: Pipeline, platform: Platform, clockMHz?: number, forcedParts?: number): PortSplits {
  return portSplits(p, platform, clockMHz ?? platform.clockMHz, forcedParts);
}

/**
 * Test-only: replaces the banks of the named ports (e.g. the old `u` → HBM[0], `out` → HBM[2]
 * for a time loop) after placement, in link.cfg and in the emulation's connectivity model alike.
 */
export type ConnectivityOverride = Record<string, string[]>;

/** Where every memory port of the kernel is connected and its buffer lives (link.cfg, host, report). */
export function vitisPlacement(p: Pipeline, platform: Platform, override?: ConnectivityOverride, splits: PortSplits = NO_SPLITS): MemoryPlacement {
  const { ports, pairs } = vitisMemoryPorts(p, splits);
  const placement = placeMemory(ports, pairs, platform);
  for (const [name, banks] of Object.entries(override ?? {})) {
    const port = placement.ports.find((x) => x.name === name);
    if (!port) throw new Error(`no memory port '${name}'`);
    port.banks = banks;
    port.bufferBanks = banks;
    port.sp = banks.join(" ");
  }
  return placement;
}

/** The placement, or a UserError naming the program when its arrays do not fit the board's memory. */
function requirePlacement(bundle: ProgramBundle, p: Pipeline, platform: Platform, override: ConnectivityOverride | undefined, splits: PortSplits): MemoryPlacement {
  const placement = vitisPlacement(p, platform, override, splits);
  if (placement.problem) throw new UserError(bundle.file, `does not fit the ${platform.name}: ${placement.problem}`);
  return placement;
}

/** Kernel and host sources only: what emulation compiles. */
export function vitisSources(bundle: ProgramBundle, p: Pipeline, platform: Platform, override?: ConnectivityOverride, splits: PortSplits = NO_SPLITS): ProjectFiles {
  const placement = requirePlacement(bundle, p, platform, override, splits);
  const connectivity = Object.fromEntries(placement.ports.map((x) => [x.name,
    x.banks.length > 1 && x.bufferBanks.length === 1 ? { banks: x.banks, bufferBank: x.bufferBanks[0]! } : { banks: x.banks }]));
  return new Map<string, string | Buffer>([
    [`kernel/${KERNEL_NAME}.cpp`, (p.linalg ? emitLinalgVitisKernel : emitVitisKernel)(p, { sources: bundle.sources, programFile: basename(bundle.file), ...(splits.size > 0 ? { splits } : {}) })],
    [`kernel/${KERNEL_NAME}.h`, emitKernelHeader(p, splits)],
    ["host/host.cpp", emitXrtHost(p, { connectivity, splits })],
  ]);
}

/** The sim/include headers a Vitis project needs for `make sim` (no Intel header). */
const SIM_HEADERS = ["ap_int.h", "hls_stream.h", "hls_vector.h", "sdfg_dataflow.h", "sdfg_npy.h", "sdfg_sim/fifo.h", "sdfg_sim/progress.h", "sdfg_xrt_memory.h"];

export interface VitisProjectOptions {
  data?: DataOptions;
  /** Kernel clock target in MHz (`v++ --kernel_frequency`); the board's default when absent. */
  clockMHz?: number;
  /** `--hbm-parts K`: split every streamed array into K lane groups (else only where one channel is too slow). */
  hbmParts?: number;
}

export function vitisProject(bundle: ProgramBundle, p: Pipeline, platform: Platform, opts: VitisProjectOptions = {}): ProjectFiles {
  const data = opts.data ?? DEFAULT_DATA_OPTIONS;
  const clockMHz = opts.clockMHz ?? platform.clockMHz;
  const splits = vitisSplits(p, platform, clockMHz, opts.hbmParts);
  const placement = requirePlacement(bundle, p, platform, undefined, splits);
  const files = vitisSources(bundle, p, platform, undefined, splits);
  const sim = filesFromDirectory(join(SIM_DIR, "include"), "");
  for (const h of SIM_HEADERS) files.set(`sim/include/${h}`, sim.get(h)!);
  files.set("kernel/sdfg_dataflow.h", sim.get("sdfg_dataflow.h")!);
  files.set("host/sdfg_npy.h", sim.get("sdfg_npy.h")!);
  files.set("link.cfg", linkConfig(p, platform, placement));
  files.set("hls_config.cfg", hlsConfig(clockMHz));
  files.set("Makefile", makefile(p, platform, clockMHz, data.reference !== undefined));
  files.set("README.md", readme(bundle, p, platform, placement, data, clockMHz));
  for (const [path, content] of programFiles(bundle, data)) files.set(path, content);
  return files;
}

/** Where the compute unit goes: the SLR of all its banks, or (banks in several SLRs) the linker's choice. */
export function computeUnitSlr(platform: Platform, placement: MemoryPlacement): number | undefined {
  if (platform.slrs <= 1) return undefined;
  const slrs = new Set(placement.ports.map((x) => x.slr));
  return slrs.size === 1 ? placement.ports[0]?.slr : undefined;
}

function linkConfig(p: Pipeline, platform: Platform, placement: MemoryPlacement): string {
  const w = new CodeWriter();
  w.comment(`Vitis link configuration for '${p.name}' on ${platform.name} (generated by sdfg-fpga).`, "#");
  w.comment([
    "One compute unit; every array on banks of its own so their bandwidths add up. Ports that trade",
    "buffers between the passes of a time loop share one bank range: each must reach both buffers.",
  ].join("\n"), "#");
  const parted = placement.ports.filter((x) => x.part);
  if (parted.length > 0) {
    w.comment([
      "Arrays split into lane groups for bandwidth: one AXI master per group, each on a pseudo-channel of",
      "its own (a range HBM[a:b] on one port gives capacity, not bandwidth: UG1393 \"HBM Configuration and Use\").",
    ].join("\n"), "#");
  }
  w.line("[connectivity]");
  w.line(`nk=${KERNEL_NAME}:1:${KERNEL_NAME}_1`);
  for (const b of placement.ports) w.line(`sp=${KERNEL_NAME}_1.${b.name}:${b.sp}`);
  const slr = computeUnitSlr(platform, placement);
  if (slr !== undefined) w.line(`slr=${KERNEL_NAME}_1:SLR${slr}`);
  else if (platform.slrs > 1) w.comment("The banks sit in several SLRs: the linker places the compute unit.", "#");
  return w.toString();
}

/** `v++ -c --mode hls` configuration for C synthesis alone (`make csynth`, UG1399 "v++ Mode HLS"). */
function hlsConfig(clockMHz: number): string {
  const w = new CodeWriter();
  w.comment("C synthesis of the kernel alone: make csynth (generated by sdfg-fpga).", "#");
  w.line("[hls]");
  w.line("flow_target=vitis");
  w.line(`syn.file=kernel/${KERNEL_NAME}.cpp`);
  w.line(`syn.file_cflags=kernel/${KERNEL_NAME}.cpp,-Ikernel`);
  w.line(`syn.top=${KERNEL_NAME}`);
  w.comment(`The clock (${clockMHz} MHz unless CLOCK_MHZ says otherwise) comes from the Makefile: --hls.clock.`, "#");
  return w.toString();
}

function makefile(p: Pipeline, platform: Platform, clockMHz: number, reference: boolean): string {
  const w = new CodeWriter("\t");
  const rule = (head: string, recipe: string[]) => { w.line(head); w.indent(); w.many(recipe); w.dedent(); w.line(); };
  const verify = reference ? " --verify reference" : "";
  w.comment(`Build '${p.name}' for ${platform.name} with Vitis (generated by sdfg-fpga).`, "#");
  w.comment("make sw_emu | hw_emu | hw   build the xclbin and the XRT host for that target", "#");
  w.comment(`make run TARGET=...          run it on data/${reference ? " and verify against reference/" : ""} (see README)`, "#");
  w.comment("make csynth                  C synthesis of the kernel only (v++ -c --mode hls; minutes, not hours)", "#");
  w.comment("make sim                     g++ emulation with sim/ headers, no vendor tools needed", "#");
  w.line(`PLATFORM ?= ${platform.platform}`);
  w.line("TARGET ?= hw");
  w.line(`CLOCK_MHZ ?= ${clockMHz}`);
  w.line(`KERNEL := ${KERNEL_NAME}`);
  w.line("BUILD := build_$(TARGET)");
  w.line("XCLBIN := $(BUILD)/$(KERNEL).xclbin");
  w.line("VPP_FLAGS := --platform $(PLATFORM) -t $(TARGET) --kernel_frequency $(CLOCK_MHZ) --save-temps --temp_dir $(BUILD)/tmp");
  w.line("HOST_FLAGS := -std=c++17 -O2 -Wall -Wextra -Werror -Wno-unknown-pragmas");
  w.line(`SIM_FLAGS := ${EMULATION_FLAGS.join(" ")}`);
  w.line();
  w.line(".PHONY: all sw_emu hw_emu hw xclbin host run csynth sim clean");
  w.line("all: hw");
  w.line();
  rule("sw_emu hw_emu hw:", ["$(MAKE) TARGET=$@ xclbin host"]);
  rule("xclbin: $(XCLBIN)", []);
  rule(`$(BUILD)/$(KERNEL).xo: kernel/${KERNEL_NAME}.cpp kernel/${KERNEL_NAME}.h kernel/sdfg_dataflow.h`, [
    "mkdir -p $(BUILD)",
    "v++ -c $(VPP_FLAGS) -k $(KERNEL) -I kernel -o $@ $<",
  ]);
  rule("$(XCLBIN): $(BUILD)/$(KERNEL).xo link.cfg", ["v++ -l $(VPP_FLAGS) --config link.cfg -o $@ $<"]);
  rule(`csynth: kernel/${KERNEL_NAME}.cpp kernel/${KERNEL_NAME}.h hls_config.cfg`, [
    "v++ -c --mode hls --platform $(PLATFORM) --config hls_config.cfg --hls.clock $(CLOCK_MHZ)MHz --work_dir build_csynth",
    "@echo \"C synthesis reports: build_csynth/hls/syn/report/\"",
  ]);
  rule("emconfig.json:", ["emconfigutil --platform $(PLATFORM)"]);
  rule("host_xrt: host/host.cpp host/sdfg_npy.h", [
    "$(if $(XILINX_XRT),,$(error XILINX_XRT is not set: source the XRT setup script (e.g. /opt/xilinx/xrt/setup.sh) first))",
    "g++ $(HOST_FLAGS) -isystem $(XILINX_XRT)/include -I host $< -o $@ -L$(XILINX_XRT)/lib -lxrt_coreutil -pthread",
  ]);
  rule("host: host_xrt", []);
  rule("run: xclbin host_xrt emconfig.json", [
    "mkdir -p out_$(TARGET)",
    `if [ "$(TARGET)" != hw ]; then export XCL_EMULATION_MODE=$(TARGET); fi; ./host_xrt --xclbin $(XCLBIN) --inputs data --outputs out_$(TARGET)${verify}`,
  ]);
  rule(`host_sim: kernel/${KERNEL_NAME}.cpp kernel/${KERNEL_NAME}.h host/host.cpp`, [
    "g++ $(SIM_FLAGS) -I sim/include -I kernel -I host kernel/top.cpp host/host.cpp -o $@",
  ]);
  rule("sim: host_sim", ["mkdir -p out_sim", `./host_sim --inputs data --outputs out_sim${verify}`]);
  rule("clean:", ["rm -rf build_sw_emu build_hw_emu build_hw build_csynth host_xrt host_sim out_* emconfig.json .run _x *.log"]);
  return w.toString();
}

function readme(bundle: ProgramBundle, p: Pipeline, platform: Platform, placement: MemoryPlacement, data: DataOptions, clockMHz: number): string {
  const w = new CodeWriter();
  w.line(`# ${p.name} on ${platform.name} (Vitis)`);
  w.line();
  const shape = p.linalg
    ? `linear algebra (${p.linalg.processes.map((x) => x.kind).filter((k, n, all) => all.indexOf(k) === n && k !== "matrix-reader" && k !== "matrix-writer").join(", ")}), W = ${p.vectorWidth}, P = ${p.replicas}, ${p.linalg.processes.length} process(es)`
    : `a ${p.domain.slice(3 - p.rank).join(" x ")} domain, W = ${p.vectorWidth}, ${p.pes.length} processing element(s)`;
  w.line(`Generated by sdfg-fpga from ${quoteUserText(basename(bundle.file))}: ${shape}, kernel clock target ${clockMHz} MHz.`);
  w.line();
  w.line("```sh");
  w.line("make sim                 # g++ emulation with the bundled sim/ headers (no vendor tools)");
  w.line("make csynth              # C synthesis of the kernel only: latency and resource reports in minutes");
  w.line("make sw_emu && make run TARGET=sw_emu");
  w.line("make hw_emu && make run TARGET=hw_emu");
  w.line("make hw && make run TARGET=hw");
  w.line("```");
  w.line();
  w.line("The XRT host needs `XILINX_XRT` set (source XRT's setup script); `make sim` needs only g++.");
  w.line();
  w.line("| file | what |");
  w.line("|---|---|");
  w.line(`| \`kernel/${KERNEL_NAME}.cpp\` | HLS kernel: readers, ${p.linalg ? "matrix-vector / systolic PEs" : "one PE per stencil"}, writers in a DATAFLOW region |`);
  w.line("| `host/host.cpp` | XRT host: `--inputs DIR --outputs DIR [--verify DIR]`, .npy files named after the fields; prints the time of the kernel runs alone |");
  w.line("| `link.cfg` | compute unit and memory-bank mapping |");
  w.line("| `hls_config.cfg` | `make csynth` configuration |");
  w.line(`| \`${p.name}.sdfg.json\` | the SDFG the project was generated from |`);
  w.line("| `data/` | the program's input data as .npy |");
  if (data.reference) w.line("| `reference/` | the CPU reference's outputs on data/ |");
  w.line();
  w.line("## Memory ports");
  w.line();
  w.line("| port | size | banks (`sp=`) | buffer in | why |");
  w.line("|---|---|---|---|---|");
  for (const b of placement.ports) w.line(`| \`${b.name}\` | ${formatBytes(b.bytes)} | ${b.sp} | ${bankSpan(b.bufferBanks)} | ${b.why ?? "own bank"} |`);
  const slr = computeUnitSlr(platform, placement);
  w.line();
  if (slr !== undefined) w.line(`The compute unit sits in SLR${slr}, where its banks are.`);
  else if (platform.slrs > 1) w.line("The banks sit in several SLRs, so link.cfg leaves the compute unit's placement to the linker.");
  w.line();
  dataReadme(w, bundle, data);
  w.line();
  w.line("## FIFOs");
  w.line();
  w.line("| channel | from | to | delay (vectors) | depth |");
  w.line("|---|---|---|---|---|");
  for (const c of [...p.channels, ...p.linalg?.channels ?? []]) w.line(`| \`${c.name}\` | ${c.from} | ${c.to} | ${c.delay} | ${c.depth} |`);
  return w.toString();
}
