#!/usr/bin/env node
// sdfg-fpga command line: generate projects, emulate programs, list boards.

import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { loadProgram, type ProgramBundle } from "../frontend/load_program.js";
import { UserError } from "../ir/diagnostics.js";
import { listPlatforms, loadPlatform, requireVendor } from "../platform/platform.js";
import { emulate, referenceOutputs, type EmulationTarget } from "../emulate/emulate.js";
import { DEFAULT_DATA_OPTIONS, missingInputs, type DataOptions } from "../targets/program_data.js";
import { lowerToPipeline } from "../spatial/lower.js";
import type { SpatialOptions } from "../spatial/pipeline.js";
import { buildReport, formatReport } from "../report/report.js";
import { cpuProject } from "../targets/cpu_project.js";
import { writeProject } from "../targets/project_files.js";
import { vitisProject } from "../targets/vitis_project.js";
import { DEFAULT_INTEL_PLATFORM, intelProject } from "../targets/intel_project.js";

/** The board each FPGA target uses when --platform is not given. */
const DEFAULT_PLATFORM: Record<string, string> = { xilinx: "u280", intel: DEFAULT_INTEL_PLATFORM };

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

function stressLatency(v: string): number | "2x" {
  if (v === "2x") return v;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("--stress-latency must be a number of cycles (0 or more) or 2x");
  return n;
}

function spatialOptions(bundle: ProgramBundle, opts: { vectorWidth?: number; replicas?: number }): SpatialOptions {
  return { vectorWidth: opts.vectorWidth ?? bundle.vectorization ?? 1, replicas: opts.replicas ?? 1 };
}

const program = new Command()
  .name("sdfg-fpga")
  .description("FPGA stencil design generator: program → SDFG → spatial pipeline → Vitis HLS or Intel OpenCL project, emulation and reports")
  .version("0.1.0")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const targetOption = (choices: string[], dflt: string) => new Option("-t, --target <target>", "backend").choices(choices).default(dflt);
const widthOption = () => new Option("-W, --vector-width <n>", "vectorization width W (overrides the program's)").argParser(positiveInt("--vector-width"));
const replicasOption = () => new Option("-P, --replicas <n>", "temporal replication P: time steps per pass (needs a time_loop)").argParser(positiveInt("--replicas"));

program.command("generate")
  .description("write a complete project for PROGRAM")
  .argument("<program>", "stencil program (.json)")
  .addOption(targetOption(["xilinx", "intel", "cpu"], "xilinx"))
  .option("-p, --platform <name>", "board (see `sdfg-fpga platforms`; default u280 for xilinx, 520n for intel)")
  .addOption(widthOption())
  .addOption(replicasOption())
  .requiredOption("-o, --output <dir>", "output directory (replaced)")
  .option("--no-data", "leave the input data out of the project (the README says what to put in data/)")
  .addOption(new Option("--copy-limit <MiB>", "copy inputs up to this size into data/; larger ones are referenced, not copied").argParser(positiveInt("--copy-limit")).default(DEFAULT_DATA_OPTIONS.copyLimitBytes / 2 ** 20))
  .option("--with-reference", "ship the CPU reference's outputs in reference/ so `make run` and `make sim` verify")
  .addOption(new Option("--clock <MHz>", "kernel clock target (xilinx: v++ --kernel_frequency)").argParser(positiveInt("--clock")))
  .action(async (file: string, opts: { target: string; platform?: string; output: string; vectorWidth?: number; replicas?: number; data: boolean; copyLimit: number; withReference?: boolean; clock?: number }) => {
    const bundle = loadProgram(file);
    if (opts.clock !== undefined && opts.target !== "xilinx") throw new UserError("--clock", `the ${opts.target} target takes no clock target (only --target xilinx passes it to v++ --kernel_frequency)`);
    const data: DataOptions = {
      include: opts.data, copyLimitBytes: opts.copyLimit * 2 ** 20,
      ...(opts.withReference ? { reference: await referenceOutputs(bundle) } : {}),
    };
    if (opts.target === "cpu") {
      writeProject(opts.output, cpuProject(bundle, data));
    } else {
      const vendor = opts.target as "xilinx" | "intel";
      const platform = loadPlatform(opts.platform ?? DEFAULT_PLATFORM[vendor]!);
      requireVendor(platform, vendor);
      const pipeline = lowerToPipeline(bundle.sdfg, { ...spatialOptions(bundle, opts), uram: platform.resources.uram > 0 });
      const files = vendor === "intel"
        ? intelProject(bundle, pipeline, platform, data)
        : vitisProject(bundle, pipeline, platform, { data, ...(opts.clock !== undefined ? { clockMHz: opts.clock } : {}) });
      writeProject(opts.output, files);
    }
    for (const note of missingInputs(bundle, data)) process.stderr.write(`note: ${note}\n`);
    process.stdout.write(`wrote ${opts.target} project for '${bundle.name}' to ${opts.output}\n`);
  });

program.command("emulate")
  .description("generate, compile with g++ against sim/, run and compare with the CPU reference")
  .argument("<program>", "stencil program (.json)")
  .addOption(targetOption(["xilinx", "intel", "cpu"], "xilinx"))
  .addOption(widthOption())
  .addOption(replicasOption())
  .option("--inputs <dir>", "read <input>.npy from DIR (else the program's data)")
  .option("--outputs <dir>", "write <output>.npy to DIR")
  .option("--json", "print the result as JSON")
  .addOption(new Option("--stress-latency <cycles|2x>", "every PE holds back its last N outputs (a non-flushing pipeline N deep); 2x: twice its estimated depth").argParser(stressLatency))
  .action(async (file: string, opts: { target: EmulationTarget; inputs?: string; outputs?: string; json?: boolean; vectorWidth?: number; replicas?: number; stressLatency?: number | "2x" }) => {
    const bundle = loadProgram(file);
    const result = await emulate(bundle, {
      target: opts.target, spatial: spatialOptions(bundle, opts),
      ...(opts.stressLatency !== undefined ? { stressLatency: opts.stressLatency } : {}),
      ...(opts.inputs ? { inputsDir: opts.inputs } : {}), ...(opts.outputs ? { outputsDir: opts.outputs } : {}),
    });
    if (opts.json) {
      const { pipeline: _p, ...rest } = result;
      process.stdout.write(JSON.stringify(rest, null, 2) + "\n");
    } else if (result.connectivityError) {
      process.stdout.write(`${bundle.name}: emulation failed: ${result.connectivityError}\n`);
    } else if (result.deadlock) {
      process.stdout.write(`${bundle.name}: emulation deadlocked\n${result.deadlock}\n`);
    } else {
      for (const o of result.outputs) {
        const status = o.mismatches === 0 ? "matches the CPU reference" : `${o.mismatches} of ${o.elements} elements differ from the CPU reference (first at ${o.first?.index}: ${o.first?.got} vs ${o.first?.want})`;
        process.stdout.write(`${bundle.name}: ${o.name} (${o.elements} elements) ${status}, max abs error ${o.maxAbsError.toExponential(2)}\n`);
      }
      if (result.cellsPerSecond) process.stdout.write(`${opts.target === "cpu" ? "reference run" : "emulated kernel"}: ${result.kernelSeconds!.toFixed(3)} s, ${result.cellsPerSecond.toExponential(3)} cells/s${result.cached.kernel ? " (cached build)" : ""}\n`);
    }
    process.exitCode = result.ok ? 0 : 1;
  });

program.command("report")
  .description("estimate resources, run time and the roofline of PROGRAM on a board")
  .argument("<program>", "stencil program (.json)")
  .option("-p, --platform <name>", "board (see `sdfg-fpga platforms`)", "u280")
  .addOption(widthOption())
  .addOption(replicasOption())
  .addOption(new Option("--clock <MHz>", "clock frequency (default: the middle of the board's achieved range)").argParser(positiveInt("--clock")))
  .option("--json", "print as JSON")
  .action((file: string, opts: { platform: string; vectorWidth?: number; replicas?: number; clock?: number; json?: boolean }) => {
    const bundle = loadProgram(file);
    const platform = loadPlatform(opts.platform);
    const pipeline = lowerToPipeline(bundle.sdfg, { ...spatialOptions(bundle, opts), uram: platform.resources.uram > 0 });
    const report = buildReport(pipeline, platform, opts.clock);
    process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : formatReport(report, platform));
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
  });

// `sdfg-fpga … | head` closes the pipe early: that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof UserError) {
      process.stderr.write(`${e.message.split("\n").slice(0, 3).join("\n")}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

await main();
