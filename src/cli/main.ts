#!/usr/bin/env node
// sdfg-fpga command line: generate projects, emulate programs, list boards.

import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { loadProgram, type ProgramBundle } from "../frontend/load_program.js";
import { jsonPathLocation, UserError } from "../ir/diagnostics.js";
import { listPlatforms, loadPlatform, requireVendor, type Platform } from "../platform/platform.js";
import { platformWithShell } from "../platform/board_spec.js";
import { emulate, referenceOutputs, type EmulationTarget } from "../emulate/emulate.js";
import { DEFAULT_DATA_OPTIONS, missingInputs, type DataOptions } from "../targets/program_data.js";
import { lowerToPipeline } from "../spatial/lower.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { forcedPartsProblem } from "../hls/port_parts.js";
import type { SpatialOptions } from "../spatial/pipeline.js";
import { buildReport, formatReport, ROUTABLE_FRACTION } from "../report/report.js";
import { exploreDesigns, type AutoResult } from "../report/explore.js";
import { cpuProject } from "../targets/cpu_project.js";
import { checkOutputFolder, checkProjectTarget, writeProject } from "../targets/project_files.js";
import { VERSION } from "../package_root.js";
import { ProgressPrinter } from "./progress.js";
import { toJson } from "./json_output.js";
import { vitisProject } from "../targets/vitis_project.js";
import { DEFAULT_INTEL_PLATFORM, intelProject } from "../targets/intel_project.js";
import { cudaProject } from "../targets/cuda_project.js";
import { emulateCuda, formatCudaResult, NO_DEVICE_EXIT_CODE } from "../emulate/cuda_emulate.js";
import { findGpuPlatform, listGpuPlatforms } from "../platform/gpu_platform.js";
import { formatGpuRoofline, gpuRoofline } from "../report/gpu_roofline.js";
import { isSdfgProgram, sdfgEmulate, sdfgGenerate, sdfgReport, symbolOption } from "./sdfg_cli.js";
import { rtlProject } from "../rtl/rtl_project.js";
import { measuredRtlRun } from "../rtl/rtl_runs.js";
import { htmlReport } from "../report/html/html_report.js";
import { writeHtmlReport } from "../report/html/write_html_report.js";
import { readCsynthXml } from "../report/vendor/csynth_xml.js";
import { readAocReports } from "../report/vendor/aoc_reports.js";
import { compareWithEstimate, formatVendorComparison, kernelOnlyEstimate, type VendorComparison } from "../report/vendor/compare.js";
import { CodeWriter } from "../codegen/code_writer.js";

/** The board each FPGA target uses when --platform is not given. */
const DEFAULT_PLATFORM: Record<string, string> = { xilinx: "u280", intel: DEFAULT_INTEL_PLATFORM };

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

/** --max-util: a percentage in (0, 100]; the models use the fraction. */
function maxUtilOption(v: string): number {
  const n = Number(v);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || !(n > 0 && n <= 100)) throw new InvalidArgumentError("--max-util must be a percentage above 0 and at most 100");
  return n / 100;
}
const maxUtilOpt = () => new Option("--max-util <percent>", "with --auto: the most any resource may use, in percent").argParser(maxUtilOption).default(ROUTABLE_FRACTION, "80");

/** With --auto, W and P come from the exploration; -W/-P would contradict it. */
function autoSpatial(bundle: ProgramBundle, platform: Platform, opts: { auto?: boolean; vectorWidth?: number; replicas?: number; maxUtil: number; clock?: number }): { spatial: SpatialOptions; auto?: AutoResult } {
  if (!opts.auto) return { spatial: { ...spatialOptions(bundle, opts), uram: platform.resources.uram > 0 } };
  if (opts.vectorWidth !== undefined || opts.replicas !== undefined) throw new UserError(opts.vectorWidth !== undefined ? "--vector-width" : "--replicas", "--auto chooses W and P itself; leave out -W and -P");
  const auto = exploreDesigns(bundle.sdfg, platform, { maxUtil: opts.maxUtil, where: "--auto", ...(opts.clock !== undefined ? { clockMHz: opts.clock } : {}) });
  return { spatial: { vectorWidth: auto.best.vectorWidth, replicas: auto.best.replicas, uram: auto.best.storage !== undefined ? auto.best.storage === "uram" : platform.resources.uram > 0 }, auto };
}

function stressLatency(v: string): number | "2x" {
  if (v === "2x") return v;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("--stress-latency must be a number of cycles (0 or more) or 2x");
  return n;
}


/** W and P for a run: the options, else the program's vectorization, else 1. */
function spatialOptions(bundle: ProgramBundle, opts: { vectorWidth?: number; replicas?: number }): SpatialOptions {
  return { vectorWidth: opts.vectorWidth ?? bundle.vectorization ?? 1, replicas: opts.replicas ?? 1 };
}

/**
 * Runs `f`; an error about the vector width that came from the program's `vectorization` (not
 * from -W) is located there instead of at `--vector-width`.
 */
function withWidthFrom<T>(bundle: ProgramBundle, opts: { vectorWidth?: number }, f: () => T): T {
  const relocate = (e: unknown): never => {
    if (e instanceof UserError && e.where === "--vector-width" && opts.vectorWidth === undefined && bundle.vectorization !== undefined) {
      throw new UserError(jsonPathLocation(bundle.file, ["vectorization"]), e.detail);
    }
    throw e;
  };
  try {
    const r = f();
    // emulate's errors arrive as a rejected promise.
    return (r instanceof Promise ? r.catch(relocate) : r) as T;
  } catch (e) {
    return relocate(e);
  }
}

/** Files the program reads: a project folder must never hold them. */
function programFilesRead(bundle: ProgramBundle): string[] {
  return [bundle.file, ...bundle.inputs.flatMap((i) => (i.source.kind === "file" ? [i.source.path] : []))];
}

const program = new Command()
  .name("sdfg-fpga")
  .description("FPGA stencil design generator: program → SDFG → spatial pipeline → Vitis HLS or Intel OpenCL project, emulation and reports")
  .version(VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const targetOption = (choices: string[], dflt: string) => new Option("-t, --target <target>", "backend").choices(choices).default(dflt);
const widthOption = () => new Option("-W, --vector-width <n>", "vectorization width W (overrides the program's)").argParser(positiveInt("--vector-width"));
const symbolOpt = () => new Option("--symbol <NAME=VALUE>", "value of a symbol of a .sdfg program (repeatable; else inferred from the inputs' shapes)").argParser(symbolOption);
const memoryMappedOption = () => new Option("--memory-mapped", ".sdfg: keep the memory-mapped kernel even when a streaming pattern applies");
const hbmPartsOption = () => new Option("--hbm-parts <K>", "xilinx HBM boards: every streamed array in K lane groups on K ports and pseudo-channels (default: only arrays one channel cannot feed at W)").argParser(positiveInt("--hbm-parts"));
/** `--hbm-parts K` checked against the pipeline and board: a UserError naming the option when it cannot apply. */
function checkHbmParts(parts: number | undefined, pipeline: Pipeline, platform: Platform): void {
  const problem = parts === undefined ? undefined : forcedPartsProblem(pipeline, platform, parts);
  if (problem) throw new UserError("--hbm-parts", problem);
}
const replicasOption = () => new Option("-P, --replicas <n>", "temporal replication P: time steps per pass (needs a time_loop)").argParser(positiveInt("--replicas"));

program.command("generate")
  .description("write a complete project for PROGRAM")
  .argument("<program>", "stencil program (.json) or DaCe program (.sdfg)")
  .addOption(targetOption(["xilinx", "intel", "cpu", "cuda", "rtl"], "xilinx"))
  .option("-p, --platform <name>", "board (see `sdfg-fpga platforms`; default u280 for xilinx, 520n for intel; rtl: a Xilinx board adds the Vitis RTL kernel)")
  .addOption(widthOption())
  .addOption(replicasOption())
  .requiredOption("-o, --output <dir>", "output folder: new, empty, or an earlier project of sdfg-fpga (replaced)")
  .option("--force", "replace a non-empty output folder that is not an earlier project")
  .option("--json", "print what was written as JSON")
  .addOption(symbolOpt())
  .addOption(memoryMappedOption())
  .option("--inputs <dir>", ".sdfg: where <arg>.npy are (default: next to the program)")
  .option("--no-data", "leave the input data out of the project (the README says what to put in data/)")
  .addOption(new Option("--copy-limit <MiB>", "copy inputs up to this size into data/; larger ones are referenced, not copied").argParser(positiveInt("--copy-limit")).default(DEFAULT_DATA_OPTIONS.copyLimitBytes / 2 ** 20))
  .option("--with-reference", "ship the CPU reference's outputs in reference/ so `make run` and `make sim` verify")
  .addOption(new Option("--clock <MHz>", "kernel clock target (xilinx: v++ --kernel_frequency)").argParser(positiveInt("--clock")))
  .option("--auto", "xilinx/intel: choose W, P and delay-line storage that maximise the predicted GOp/s under --max-util (says which it chose)")
  .addOption(maxUtilOpt())
  .addOption(hbmPartsOption())
  .action(async (file: string, opts: { target: string; platform?: string; output: string; force?: boolean; json?: boolean; vectorWidth?: number; replicas?: number; symbol?: Record<string, number>; inputs?: string; data: boolean; copyLimit: number; withReference?: boolean; clock?: number; auto?: boolean; maxUtil: number; memoryMapped?: boolean; hbmParts?: number }) => {
    if (opts.auto && opts.target !== "xilinx" && opts.target !== "intel") throw new UserError("--auto", `chooses W and P for the xilinx and intel targets, not ${opts.target}`);
    if (opts.hbmParts !== undefined && (opts.target !== "xilinx" || opts.auto || isSdfgProgram(file))) throw new UserError("--hbm-parts", opts.target !== "xilinx" ? `splits arrays over HBM ports of the xilinx target, not ${opts.target}` : opts.auto ? "--auto chooses W itself; give -W with --hbm-parts" : "takes stencil programs (.json); a streamed DaCe program splits only where one HBM channel is too slow");
    if (isSdfgProgram(file)) {
      if (opts.auto) throw new UserError("--auto", "explores spatial pipelines of stencil programs (.json); for a streamed DaCe program give -W and -P");
      if (opts.target === "cuda") throw new UserError(file, "--target cuda takes stencil programs (.json); DaCe programs go to xilinx, intel or cpu");
      if (opts.target === "rtl") throw new UserError(file, "--target rtl takes stencil programs (.json); DaCe programs go to xilinx, intel or cpu");
      return sdfgGenerate(file, opts.target, opts.platform ?? DEFAULT_PLATFORM[opts.target] ?? "u280", opts.output, opts);
    }
    const bundle = loadProgram(file);
    const write = { force: opts.force ?? false, protect: programFilesRead(bundle) };
    // Before any real work: a refused or unwritable folder is reported at once.
    checkProjectTarget(opts.output, write);
    if (opts.clock !== undefined && opts.target !== "xilinx") throw new UserError("--clock", `the ${opts.target} target takes no clock target (only --target xilinx passes it to v++ --kernel_frequency)`);
    const data: DataOptions = {
      include: opts.data, copyLimitBytes: opts.copyLimit * 2 ** 20,
      ...(opts.withReference ? { reference: await referenceOutputs(bundle) } : {}),
    };
    let files;
    let platformName: string | undefined;
    let chosen: AutoResult | undefined;
    if (opts.target === "cpu") {
      files = cpuProject(bundle, data);
    } else if (opts.target === "cuda") {
      files = cudaProject(bundle);
    } else if (opts.target === "rtl") {
      const platform = opts.platform ? loadPlatform(opts.platform) : undefined;
      if (platform) requireVendor(platform, "xilinx");
      const pipeline = withWidthFrom(bundle, opts, () => lowerToPipeline(bundle.sdfg, { ...spatialOptions(bundle, opts), uram: (platform?.resources.uram ?? 0) > 0 }));
      files = rtlProject(bundle, pipeline, platform);
      platformName = platform?.shortName;
    } else {
      const vendor = opts.target as "xilinx" | "intel";
      const platform = loadPlatform(opts.platform ?? DEFAULT_PLATFORM[vendor]!);
      platformName = platform.shortName;
      requireVendor(platform, vendor);
      files = withWidthFrom(bundle, opts, () => {
        const { spatial, auto } = autoSpatial(bundle, platform, opts);
        if (auto) {
          chosen = auto;
          process.stderr.write(`auto: chose W=${auto.best.vectorWidth} P=${auto.best.replicas}${auto.best.storage ? ` (long delay lines in ${auto.best.storage})` : ""}, ${auto.best.gops.toFixed(1)} GOp/s predicted: ${auto.best.why}\n`);
        }
        const pipeline = lowerToPipeline(bundle.sdfg, spatial);
        checkHbmParts(opts.hbmParts, pipeline, platform);
        const project = vendor === "intel"
          ? intelProject(bundle, pipeline, platform, data)
          : vitisProject(bundle, pipeline, platform, { data, ...(opts.clock !== undefined ? { clockMHz: opts.clock } : {}), ...(opts.hbmParts !== undefined ? { hbmParts: opts.hbmParts } : {}) });
        // The report of this very design (at the clock the project asks for, if one was given).
        const report = buildReport(pipeline, platform, opts.clock, undefined, opts.maxUtil, opts.hbmParts);
        if (auto) report.auto = auto;
        project.set("report.html", htmlReport({ report, pipeline, platform, sources: bundle.sources }));
        return project;
      });
    }
    writeProject(opts.output, files, write);
    for (const note of missingInputs(bundle, data)) process.stderr.write(`note: ${note}\n`);
    if (opts.json) {
      const list = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, c]) => ({ path, bytes: Buffer.byteLength(c) }));
      process.stdout.write(toJson({
        version: VERSION, program: bundle.file, name: bundle.name, target: opts.target, ...(platformName ? { platform: platformName } : {}),
        output: opts.output, files: list, totalBytes: list.reduce((a, f) => a + f.bytes, 0),
        ...(chosen ? { auto: chosen } : {}),
      }) + "\n");
    } else {
      process.stdout.write(`wrote ${opts.target} project for '${bundle.name}' to ${opts.output}\n`);
    }
  });

program.command("emulate")
  .description(`generate, compile with g++ against sim/, run and compare with the CPU reference (cuda: nvcc, and a GPU when there is one; exit ${NO_DEVICE_EXIT_CODE} when none ran it)`)
  .argument("<program>", "stencil program (.json) or DaCe program (.sdfg)")
  .addOption(targetOption(["xilinx", "intel", "cpu", "cuda", "rtl"], "xilinx"))
  .addOption(widthOption())
  .addOption(replicasOption())
  .addOption(symbolOpt())
  .addOption(memoryMappedOption())
  .addOption(new Option("--backpressure <seed>", "rtl: random input bubbles and output stalls, seeded").argParser(positiveInt("--backpressure")))
  .option("--trace <file>", "rtl: write an FST waveform to FILE")
  .option("--inputs <dir>", "read every <input>.npy from DIR (else the program's data)")
  .option("--outputs <dir>", "write <output>.npy to DIR")
  .option("--json", "print the result as JSON")
  .addOption(new Option("--stress-latency <cycles|2x>", "every PE holds back its last N outputs (a non-flushing pipeline N deep); 2x: twice its estimated depth").argParser(stressLatency))
  .option("-q, --quiet", "print no progress and no input sources on stderr")
  .option("--progress", "print progress on stderr even when it is not a terminal")
  .addOption(hbmPartsOption())
  .action(async (file: string, opts: { target: EmulationTarget | "cuda"; inputs?: string; outputs?: string; json?: boolean; quiet?: boolean; progress?: boolean; vectorWidth?: number; replicas?: number; stressLatency?: number | "2x"; symbol?: Record<string, number>; backpressure?: number; trace?: string; memoryMapped?: boolean; hbmParts?: number }) => {
    if (opts.hbmParts !== undefined && (opts.target !== "xilinx" || isSdfgProgram(file))) throw new UserError("--hbm-parts", opts.target !== "xilinx" ? `splits arrays over HBM ports of the xilinx target, not ${opts.target}` : "takes stencil programs (.json); a streamed DaCe program splits only where one HBM channel is too slow");
    if (opts.target !== "rtl" && (opts.backpressure !== undefined || opts.trace !== undefined)) {
      throw new UserError(opts.backpressure !== undefined ? "--backpressure" : "--trace", "applies only to --target rtl");
    }
    if (opts.target === "rtl" && opts.stressLatency !== undefined) {
      throw new UserError("--stress-latency", "does not apply to --target rtl, whose PEs have their real pipeline latencies");
    }
    if (isSdfgProgram(file)) {
      if (opts.target === "rtl") throw new UserError(file, "--target rtl takes stencil programs (.json); DaCe programs go to xilinx, intel or cpu");
      if (opts.target === "cuda") throw new UserError(file, "--target cuda takes stencil programs (.json); DaCe programs go to xilinx, intel or cpu");
      process.exitCode = (await sdfgEmulate(file, opts.target, DEFAULT_PLATFORM[opts.target] ?? "u280", opts)) ? 0 : 1;
      return;
    }
    const bundle = loadProgram(file);
    if (opts.outputs) checkOutputFolder(opts.outputs, "--outputs");
    if (opts.target === "cuda") {
      const r = await emulateCuda(bundle, { ...(opts.inputs ? { inputsDir: opts.inputs } : {}), ...(opts.outputs ? { outputsDir: opts.outputs } : {}) });
      process.stdout.write(opts.json ? toJson({ version: VERSION, program: bundle.file, name: bundle.name, ...r }) + "\n" : formatCudaResult(bundle.name, r));
      process.exitCode = !r.hostSimulation.ok || (r.ran && !r.ok) ? 1 : r.ran ? 0 : NO_DEVICE_EXIT_CODE;
      return;
    }
    const spatial = spatialOptions(bundle, opts);
    const progress = new ProgressPrinter(!opts.quiet && (opts.progress || process.stderr.isTTY === true));
    const notes = !opts.quiet && !opts.json;
    const target = opts.target;
    if (opts.hbmParts !== undefined) withWidthFrom(bundle, opts, () => checkHbmParts(opts.hbmParts, lowerToPipeline(bundle.sdfg, spatial), loadPlatform(DEFAULT_PLATFORM.xilinx!)));
    const result = await withWidthFrom(bundle, opts, () => emulate(bundle, {
      target, spatial,
      ...(opts.hbmParts !== undefined ? { hbmParts: opts.hbmParts } : {}),
      ...(opts.stressLatency !== undefined ? { stressLatency: opts.stressLatency } : {}),
      ...(opts.inputs ? { inputsDir: opts.inputs } : {}), ...(opts.outputs ? { outputsDir: opts.outputs } : {}),
      ...(opts.target === "rtl" ? { rtl: { ...(opts.backpressure !== undefined ? { backpressure: opts.backpressure } : {}), ...(opts.trace ? { trace: opts.trace } : {}) } } : {}),
      onEvent: (e) => {
        if (e.kind === "input") { if (notes) process.stderr.write(`input ${e.name}: ${e.from}\n`); } else progress.event(e);
      },
    }));
    progress.done();
    if (opts.json) {
      const { pipeline: _p, rtl, ...rest } = result;
      // RTL: the cycle figures at the top level (ok, cycles, ideal_cycles, efficiency, fifos).
      process.stdout.write(toJson({ version: VERSION, program: bundle.file, name: bundle.name, W: spatial.vectorWidth, P: spatial.replicas, ...rest, ...(rtl ?? {}) }) + "\n");
    } else if (result.connectivityError) {
      process.stdout.write(`${bundle.name}: emulation failed: ${result.connectivityError}\n`);
    } else if (result.deadlock) {
      process.stdout.write(`${bundle.name}: emulation deadlocked\n${result.deadlock}\n`);
    } else {
      for (const o of result.outputs) {
        const status = o.mismatches === 0 ? "matches the CPU reference" : `${o.mismatches} of ${o.elements} elements differ from the CPU reference (first at ${o.first?.index}: ${o.first?.got} vs ${o.first?.want})`;
        process.stdout.write(`${bundle.name}: ${o.name} (${o.elements} elements) ${status}, max abs error ${o.maxAbsError.toExponential(2)}\n`);
      }
      if (result.rtl) process.stdout.write(`rtl: ${result.rtl.cycles} cycles (ideal ${result.rtl.ideal_cycles}, efficiency ${(result.rtl.efficiency * 100).toFixed(1)} %)${result.rtl.backpressure ? " with random backpressure" : ""}\n`);
      if (result.cellsPerSecond) process.stdout.write(`${opts.target === "cpu" ? "reference run" : opts.target === "rtl" ? "RTL simulation" : "emulated kernel"}: ${result.kernelSeconds!.toFixed(3)} s, ${result.cellsPerSecond.toExponential(3)} cells/s${result.cached.kernel ? " (cached build)" : ""}\n`);
    }
    process.exitCode = result.ok ? 0 : 1;
  });

program.command("report")
  .description("estimate resources, run time and the roofline of PROGRAM on a board")
  .argument("<program>", "stencil program (.json) or DaCe program (.sdfg)")
  .option("-p, --platform <name>", "board (see `sdfg-fpga platforms`); a GPU (h100, h200, a100) gives the CUDA roofline beside the U280 estimate", "u280")
  .addOption(widthOption())
  .addOption(replicasOption())
  .addOption(symbolOpt())
  .addOption(memoryMappedOption())
  .option("--inputs <dir>", ".sdfg: where <arg>.npy are (default: next to the program)")
  .addOption(new Option("--clock <MHz>", "clock frequency (default: the middle of the board's achieved range)").argParser(positiveInt("--clock")))
  .option("--rtl-cycles", "use the cycles an earlier `emulate --target rtl` of the same pipeline measured (kept in the build cache)")
  .option("--auto", "explore W, P and delay-line storage; report the design with the most predicted GOp/s under --max-util")
  .addOption(maxUtilOpt())
  .option("--html <file>", "also write the report as one self-contained HTML file: roofline, resources and the pipeline drawn")
  .option("--hls-report <csynth.xml>", "Vitis HLS's C-synthesis report of this kernel: measured resources, clock and II beside the estimate")
  .option("--aoc-report <dir>", "aoc's reports/ folder (its lib/json/*.json) for this kernel: measured resources, clock and II beside the estimate")
  .option("--board-spec <board_spec.xml>", "Intel boards: the BSP's board_spec.xml, whose <used_resources> (the board shell) the estimate then includes")
  .option("--json", "print as JSON")
  .addOption(hbmPartsOption())
  .action((file: string, opts: { platform: string; vectorWidth?: number; replicas?: number; clock?: number; json?: boolean; symbol?: Record<string, number>; inputs?: string; rtlCycles?: boolean; auto?: boolean; maxUtil: number; html?: string; hlsReport?: string; aocReport?: string; memoryMapped?: boolean; hbmParts?: number; boardSpec?: string }) => {
    if (opts.hbmParts !== undefined && (opts.auto || isSdfgProgram(file) || findGpuPlatform(opts.platform))) throw new UserError("--hbm-parts", opts.auto ? "--auto chooses W itself; give -W with --hbm-parts" : isSdfgProgram(file) ? "takes stencil programs (.json); a streamed DaCe program splits only where one HBM channel is too slow" : `splits arrays over the HBM of an FPGA board; --platform ${opts.platform} is a GPU`);
    if (opts.auto && (isSdfgProgram(file) || findGpuPlatform(opts.platform))) throw new UserError("--auto", isSdfgProgram(file) ? "explores spatial pipelines of stencil programs (.json); for a streamed DaCe program give -W and -P" : "explores FPGA designs; the GPU roofline has no W or P to choose");
    const drawnOrMeasured = opts.html !== undefined ? "--html" : opts.hlsReport !== undefined ? "--hls-report" : opts.aocReport !== undefined ? "--aoc-report" : undefined;
    if (isSdfgProgram(file)) {
      const measured = opts.hlsReport !== undefined ? "--hls-report" : opts.aocReport !== undefined ? "--aoc-report" : undefined;
      if (measured) throw new UserError(measured, "takes stencil programs (.json) only: DaCe programs are not compared with vendor reports yet");
      return sdfgReport(file, opts.platform, opts);
    }
    const bundle = loadProgram(file);
    const gpu = findGpuPlatform(opts.platform);
    if (gpu) {
      if (drawnOrMeasured ?? (opts.boardSpec !== undefined ? "--board-spec" : undefined)) throw new UserError((drawnOrMeasured ?? "--board-spec")!, `applies to FPGA boards; --platform ${opts.platform} is a GPU`);
      const board = loadPlatform(DEFAULT_PLATFORM.xilinx!);
      const fpga = buildReport(lowerToPipeline(bundle.sdfg, { ...spatialOptions(bundle, opts), uram: board.resources.uram > 0 }), board, opts.clock);
      const roofline = gpuRoofline(bundle.sdfg, gpu);
      process.stdout.write(opts.json ? JSON.stringify({ gpu: roofline, fpga }, null, 2) + "\n" : formatGpuRoofline(roofline, gpu, { report: fpga, boardName: board.name }));
      return;
    }
    const platform = platformWithShell(loadPlatform(opts.platform), opts.boardSpec);
    if (opts.hlsReport !== undefined && platform.vendor !== "xilinx") throw new UserError("--hls-report", `a Vitis HLS report goes with a Xilinx board; --platform ${platform.shortName} is ${platform.vendor}`);
    if (opts.aocReport !== undefined && platform.vendor !== "intel") throw new UserError("--aoc-report", `an aoc report goes with an Intel board; --platform ${platform.shortName} is ${platform.vendor}`);
    const { spatial, auto } = withWidthFrom(bundle, opts, () => autoSpatial(bundle, platform, opts));
    const pipeline = withWidthFrom(bundle, opts, () => lowerToPipeline(bundle.sdfg, spatial));
    checkHbmParts(opts.hbmParts, pipeline, platform);
    const report = buildReport(pipeline, platform, opts.clock, opts.rtlCycles ? measuredRtlRun(pipeline) : undefined, opts.maxUtil, opts.hbmParts);
    if (auto) report.auto = auto;
    const measurements = [
      ...(opts.hlsReport !== undefined ? [readCsynthXml(opts.hlsReport)] : []),
      ...(opts.aocReport !== undefined ? [readAocReports(opts.aocReport)] : []),
    ];
    const vendor: VendorComparison[] = measurements.map((m) => compareWithEstimate(m, report, kernelOnlyEstimate(pipeline, platform, opts.clock)));
    if (opts.html !== undefined) writeHtmlReport(opts.html, htmlReport({ report, pipeline, platform, vendor, sources: bundle.sources }));
    if (opts.json) {
      process.stdout.write(JSON.stringify(vendor.length ? { ...report, vendor } : report, null, 2) + "\n");
      return;
    }
    let text = formatReport(report, platform);
    for (const v of vendor) {
      const w = new CodeWriter();
      w.line();
      formatVendorComparison(w, v);
      text += w.toString();
    }
    process.stdout.write(text);
  });

program.command("platforms")
  .description("list the boards")
  .option("--json", "print as JSON")
  .action((opts: { json?: boolean }) => {
    const all = listPlatforms();
    if (opts.json) { process.stdout.write(JSON.stringify(all, null, 2) + "\n"); return; }
    for (const p of all) {
      const mem = p.memory.map((m) => `${m.count}x${m.kind}`).join(" + ");
      process.stdout.write(`${p.shortName.padEnd(6)} ${p.name.padEnd(36)} ${p.vendor.padEnd(7)} ${p.platform.padEnd(40)} ${mem}\n`);
    }
    for (const g of listGpuPlatforms()) process.stdout.write(`${g.shortName.padEnd(6)} ${g.name.padEnd(36)} ${g.vendor.padEnd(7)} ${`GPU, -arch=${g.arch}, ${g.sms} SMs`.padEnd(40)} ${g.memory.capacityGB} GB ${g.memory.kind} ${g.memory.bandwidthGBs} GB/s\n`);
  });

// `sdfg-fpga … | head` closes the pipe early: that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  internalError(e);
});

/** Control characters (a newline or U+202E in a user's name or path) are escaped: always one line. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A bug of ours: one line, never a stack trace unless SDFG_FPGA_DEBUG is set. */
function internalError(e: unknown): void {
  if (process.env.SDFG_FPGA_DEBUG) process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  const first = oneLine((e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e)).split("\n")[0]!.slice(0, 400));
  process.stderr.write(`sdfg-fpga: ${first} (internal error, please report; SDFG_FPGA_DEBUG=1 shows details)\n`);
  process.exitCode = 70;
}

function report(e: unknown): void {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof UserError) {
    process.stderr.write(`${oneLine(e.message)}\n`);
    process.exitCode = 2;
  } else {
    internalError(e);
  }
}

process.on("uncaughtException", (e) => { report(e); process.exit(); });
process.on("unhandledRejection", (e) => { report(e); process.exit(); });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  report(e);
}
