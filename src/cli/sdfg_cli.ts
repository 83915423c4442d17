// The CLI's actions for DaCe `.sdfg` programs. main.ts decides by the file's extension, in one
// place (`isSdfgProgram`), that a program is a DaCe program; here the streaming patterns
// (src/spatial/streaming) decide whether it is streamed (the stencil road's pipeline, with -W and
// -P) or stays a memory-mapped kernel (or `--memory-mapped` forces that).

import { basename } from "node:path";
import { InvalidArgumentError } from "commander";
import { platformWithShell } from "../platform/board_spec.js";
import { loadPlatform, requireVendor, type Platform } from "../platform/platform.js";
import { checkProjectTarget, writeProject, type WriteOptions } from "../targets/project_files.js";
import { toJson } from "./json_output.js";
import { ProgramCodeGen } from "../codegen/program_code.js";
import { loadSdfgBundle, ONCHIP_LIMIT_BYTES, sdfgCpuProject, sdfgIntelProject, sdfgVitisProject, type SdfgBundle } from "../targets/sdfg_program.js";
import { emulateSdfg, emulateStreamedSdfg, type SdfgTarget } from "../emulate/sdfg_emulate.js";
import { UserError } from "../ir/diagnostics.js";
import { streamProgram, type StreamingDecision } from "../spatial/streaming/patterns.js";
import { lowerToPipeline } from "../spatial/lower.js";
import type { Pipeline, SpatialOptions } from "../spatial/pipeline.js";
import { referenceOutputs } from "../emulate/emulate.js";
import { cpuProject } from "../targets/cpu_project.js";
import { vitisProject } from "../targets/vitis_project.js";
import { intelProject } from "../targets/intel_project.js";
import { DEFAULT_DATA_OPTIONS, missingInputs, type DataOptions } from "../targets/program_data.js";
import { buildReport, formatReport, type Report } from "../report/report.js";
import { buildMemoryMappedReport, symbolList } from "../report/memory_mapped.js";
import { htmlReport } from "../report/html/html_report.js";
import { memoryMappedHtml } from "../report/html/memory_mapped_html.js";
import { writeHtmlReport } from "../report/html/write_html_report.js";
import type { ProgramBundle } from "../frontend/load_program.js";
import type { NpyBox } from "../frontend/input_data.js";

/** True for a DaCe program: the only place the two roads are told apart. */
export function isSdfgProgram(file: string): boolean {
  return /\.sdfg$/i.test(file);
}

/** `--symbol N=64`, repeatable: collected into one record. */
export function symbolOption(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(-?\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`--symbol must be NAME=INTEGER (got '${value}')`);
  return { ...previous, [m[1]!]: Number(m[2]) };
}

export interface SdfgOptions {
  symbol?: Record<string, number>;
  inputs?: string;
  vectorWidth?: number;
  replicas?: number;
  /** Keep the memory-mapped kernel even when a streaming pattern applies. */
  memoryMapped?: boolean;
}

function bundleOf(file: string, opts: SdfgOptions) {
  return loadSdfgBundle(file, { ...(opts.symbol ? { symbols: opts.symbol } : {}), ...(opts.inputs ? { inputsDir: opts.inputs } : {}) });
}

/**
 * An FPGA-form SDFG (streams, unrolled PE maps, as DaCe's FPGA samples build them) says how it is
 * streamed: it is emitted as written, its processes and FIFOs its own. Null for other programs.
 */
export function fpgaFormDecision(b: SdfgBundle): StreamingDecision | null {
  if (!Object.values(b.program.arrays).some((a) => a.kind === "stream")) return null;
  const gen = new ProgramCodeGen(b.program, { dialect: "cpp", symbols: b.symbols, onchipLimitBytes: ONCHIP_LIMIT_BYTES });
  gen.body();
  const s = gen.dataflowSummary();
  return { streamed: false, kernels: [{ name: b.name, mapping: "streamed", pattern: "fpga-form", reason: `FPGA-form SDFG emitted as written (${s.processes} processes, ${s.fifos} FIFOs)` }] };
}

/** Streamed or memory-mapped, and why; -W and -P shape streamed pipelines only. */
export function sdfgRoad(b: SdfgBundle, opts: SdfgOptions): StreamingDecision {
  const fpgaForm = fpgaFormDecision(b);
  if (fpgaForm && opts.memoryMapped) throw new UserError("--memory-mapped", `'${b.name}' is an FPGA-form SDFG: its streams are FIFOs between concurrent processes and have no memory-mapped form`);
  const d: StreamingDecision = fpgaForm ?? (opts.memoryMapped
    ? { streamed: false, kernels: [{ name: b.name, mapping: "memory-mapped", reason: "--memory-mapped was given" }] }
    : streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file }));
  if (!d.streamed) {
    const flag = (opts.vectorWidth ?? 1) !== 1 ? "--vector-width" : (opts.replicas ?? 1) !== 1 ? "--replicas" : undefined;
    if (flag && isFpgaForm(d)) throw new UserError(flag, `applies to pattern-streamed programs; '${b.name}' is emitted as written (${d.kernels.map((k) => k.reason).join("; ")}): its PEs and vector widths are the ones it gives`);
    if (flag) throw new UserError(flag, `applies to streamed programs; '${b.name}' stays a memory-mapped kernel (${d.kernels.map((k) => k.reason).join("; ")})`);
  }
  return d;
}

function spatialOf(opts: SdfgOptions): SpatialOptions {
  return { vectorWidth: opts.vectorWidth ?? 1, replicas: opts.replicas ?? 1 };
}

/** One line saying which road the program took. */
function roadLine(b: SdfgBundle, d: StreamingDecision, opts: SdfgOptions): string {
  if (d.streamed) {
    const s = spatialOf(opts);
    // Processes per kind (stencil, reduce, matvec, matmul) of the raised dataflow.
    const kinds = new Map<string, number>();
    for (const n of d.bundle.sdfg.states[0]?.nodes ?? []) if (n.kind !== "access" && n.kind !== "tasklet" && n.kind !== "map_entry" && n.kind !== "map_exit") kinds.set(n.kind, (kinds.get(n.kind) ?? 0) + 1);
    const label: Record<string, string> = { stencil: "stencil PE(s)", reduce: "reduction PE(s)", matvec: "matrix-vector PE(s)", matmul: "systolic matrix product(s)", "vertical-solver": "vertical solver(s)" };
    const processes = [...kinds].map(([k, n]) => `${n} ${label[k] ?? k}`).join(", ") || "no processes";
    return `${b.name}: streamed (pattern ${d.pattern}, W=${s.vectorWidth}, P=${s.replicas}): ${processes} per time step${d.bundle.timeLoop ? `, ${d.bundle.timeLoop.steps} time steps` : ""}`;
  }
  if (isFpgaForm(d)) return `${b.name}: ${d.kernels.map((k) => k.reason).join("; ")}`;
  return `${b.name}: memory-mapped kernel (${d.kernels.map((k) => k.reason).join("; ")})`;
}

type Streamed = Extract<StreamingDecision, { streamed: true }>;

/** The HTML report of a streamed program: the stencil road's page, with the road it took. */
function streamedHtml(d: Streamed, pipeline: Pipeline, platform: Platform, report: Report): string {
  return htmlReport({ report, pipeline, platform, sources: d.bundle.sources, mapping: { pattern: d.pattern, kernels: d.kernels } });
}

const isFpgaForm = (d: StreamingDecision) => !d.streamed && d.kernels.some((k) => k.pattern === "fpga-form");

export interface SdfgGenerateOptions extends SdfgOptions {
  force?: boolean;
  /** Commander's `--no-data` (false) and `--copy-limit` (MiB), `--with-reference`, `--clock`. */
  data?: boolean;
  copyLimit?: number;
  withReference?: boolean;
  clock?: number;
}

/** What a project streamed over a larger domain stores: its smaller arrays padded to the domain. */
function boxNotes(bundle: ProgramBundle, boxes: Record<string, NpyBox>): string[] {
  const box = (b: NpyBox) => `${b.shape.join("x")} box at (${b.origin.join(", ")})`;
  const domain = bundle.domain.join("x");
  return [
    ...bundle.inputs.flatMap((i) => (i.source.kind === "file" && i.source.npyBox ? [`input '${i.name}' travels as the ${domain} domain, its array the ${box(i.source.npyBox)}, zeros elsewhere`] : [])),
    ...Object.entries(boxes).map(([name, b]) => `output '${name}' is stored as the ${domain} domain; the program's array is its ${box(b)}`),
    ...bundle.inputs.flatMap((i) => (i.source.kind === "file" && i.source.npyRows ? [`input '${i.name}' is a step table of the ${domain} domain: row i holds element ${i.source.npyRows.first === 0 ? "i" : `${i.source.npyRows.first} + i`} of ${basename(i.source.path)} (the value of time step i)`] : [])),
  ];
}

export async function sdfgGenerate(file: string, target: string, platformName: string, output: string, opts: SdfgGenerateOptions): Promise<void> {
  // The program and its inputs are never inside what is replaced; a refused folder fails at once.
  const write: WriteOptions = { force: opts.force ?? false, protect: [file] };
  checkProjectTarget(output, write);
  const b = bundleOf(file, opts);
  const d = sdfgRoad(b, opts);
  if (d.streamed) {
    // The stencil road's full projects: readers, PEs and writers, host, Makefile, data.
    const bundle = d.bundle;
    const streamedWrite: WriteOptions = { ...write, protect: [file, ...bundle.inputs.flatMap((i) => (i.source.kind === "file" ? [i.source.path] : []))] };
    const data: DataOptions = {
      include: opts.data ?? true, copyLimitBytes: (opts.copyLimit ?? DEFAULT_DATA_OPTIONS.copyLimitBytes / 2 ** 20) * 2 ** 20,
      ...(opts.withReference ? { reference: await referenceOutputs(bundle) } : {}),
    };
    if (opts.clock !== undefined && target !== "xilinx") throw new UserError("--clock", `the ${target} target takes no clock target (only --target xilinx passes it to v++ --kernel_frequency)`);
    let files;
    if (target === "cpu") files = cpuProject(bundle, data);
    else {
      const platform = loadPlatform(platformName);
      requireVendor(platform, target as "xilinx" | "intel");
      const pipeline = lowerToPipeline(bundle.sdfg, { ...spatialOf(opts), uram: platform.resources.uram > 0 });
      files = target === "intel" ? intelProject(bundle, pipeline, platform, data) : vitisProject(bundle, pipeline, platform, { data, ...(opts.clock !== undefined ? { clockMHz: opts.clock } : {}) });
      // The report of this very design, at the clock the project asks for (as `report --html`).
      files.set("report.html", streamedHtml(d, pipeline, platform, buildReport(pipeline, platform, opts.clock)));
    }
    writeProject(output, files, streamedWrite);
    for (const note of missingInputs(bundle, data)) process.stderr.write(`note: ${note}\n`);
    for (const note of boxNotes(bundle, d.outputBoxes ?? {})) process.stderr.write(`note: ${note}\n`);
    process.stdout.write(`wrote ${target} project for '${b.name}' to ${output} (${roadLine(b, d, opts)})\n`);
    return;
  }
  if (target === "cpu") writeProject(output, sdfgCpuProject(b), write);
  else {
    const platform = loadPlatform(platformName);
    requireVendor(platform, target as "xilinx" | "intel");
    const files = target === "intel" ? sdfgIntelProject(b, platform) : sdfgVitisProject(b, platform);
    files.set("report.html", memoryMappedHtml(buildMemoryMappedReport(b, d.kernels, platform)));
    writeProject(output, files, write);
  }
  process.stdout.write(`wrote ${target} project for '${b.name}' to ${output} (${roadLine(b, d, opts)})\n`);
}

export async function sdfgEmulate(file: string, target: SdfgTarget, platformName: string, opts: SdfgOptions & { outputs?: string; json?: boolean; stressLatency?: number | "2x" }): Promise<boolean> {
  const b = bundleOf(file, opts);
  const d = sdfgRoad(b, opts);
  if (!d.streamed && opts.stressLatency !== undefined) throw new UserError("--stress-latency", `applies to streamed pipelines; '${b.name}' is ${isFpgaForm(d) ? "an FPGA-form SDFG (its FIFOs have the depths it gives)" : "a memory-mapped kernel"}`);
  const r = d.streamed
    ? await emulateStreamedSdfg(b, d.bundle, target, spatialOf(opts), opts.outputs, opts.stressLatency, d.outputNames, d.outputBoxes)
    : await emulateSdfg(b, target, loadPlatform(platformName), opts.outputs);
  if (opts.json) {
    const spatial = d.streamed ? { W: spatialOf(opts).vectorWidth, P: spatialOf(opts).replicas, pattern: d.pattern } : {};
    process.stdout.write(toJson({ ...r, ...spatial, kernels: d.kernels }) + "\n");
  } else {
    process.stdout.write(`${roadLine(b, d, opts)}\n`);
    if (r.failure) process.stdout.write(`${b.name}: emulation failed: ${r.failure}\n`);
    for (const o of r.outputs) {
      const parts: string[] = [];
      if (o.mismatchesVsReference !== undefined) parts.push(o.mismatchesVsReference === 0 ? "matches the CPU reference" : `${o.mismatchesVsReference} elements differ from the CPU reference`);
      const numpy = o.numpyFile ?? `${o.name}.out.npy`;
      if (o.mismatchesVsNumpy !== undefined) parts.push(o.mismatchesVsNumpy === 0 ? `matches ${numpy} (max rel. error ${o.maxRelErrorVsNumpy!.toExponential(2)})` : `${o.mismatchesVsNumpy} elements differ from ${numpy}`);
      if (parts.length === 0) parts.push("computed (no reference to compare with)");
      process.stdout.write(`${b.name}: ${o.name} (${o.elements} elements) ${parts.join(", ")}${o.first ? ` (first: ${o.first})` : ""}\n`);
    }
  }
  return r.ok;
}

/**
 * A streamed program's report is the stencil road's (with the mapping of every kernel); a
 * memory-mapped one's says what the kernel needs: ports, on-chip buffers, device buffers.
 * `html`: also written as one self-contained page (the same as a generated project's report.html).
 */
export function sdfgReport(file: string, platformName: string, opts: SdfgOptions & { json?: boolean; clock?: number; html?: string; boardSpec?: string }): void {
  const b = bundleOf(file, opts);
  const d = sdfgRoad(b, opts);
  const platform = platformWithShell(loadPlatform(platformName), opts.boardSpec);
  if (d.streamed) {
    const pipeline = lowerToPipeline(d.bundle.sdfg, { ...spatialOf(opts), uram: platform.resources.uram > 0 });
    const report = buildReport(pipeline, platform, opts.clock);
    if (opts.html !== undefined) writeHtmlReport(opts.html, streamedHtml(d, pipeline, platform, report));
    if (opts.json) {
      process.stdout.write(JSON.stringify({ ...report, symbols: b.symbols, kind: "streamed", pattern: d.pattern, kernels: d.kernels }, null, 2) + "\n");
      return;
    }
    process.stdout.write(`${roadLine(b, d, opts)}\n`);
    for (const k of d.kernels) process.stdout.write(`  ${k.mapping.padEnd(13)} ${k.name}: ${k.reason}\n`);
    process.stdout.write(formatReport(report, platform));
    return;
  }
  const report = { ...buildMemoryMappedReport(b, d.kernels, platform), kind: isFpgaForm(d) ? "fpga-form" as const : "memory-mapped" as const };
  if (opts.html !== undefined) writeHtmlReport(opts.html, memoryMappedHtml(report));
  if (opts.json) { process.stdout.write(JSON.stringify(report, null, 2) + "\n"); return; }
  process.stdout.write(`${b.name} on ${platform.name}: ${isFpgaForm(d) ? "FPGA-form kernel" : "memory-mapped kernel"} (symbols ${symbolList(b.symbols)})\n`);
  for (const k of d.kernels) process.stdout.write(`  ${k.mapping}: ${k.reason}\n`);
  for (const a of report.arguments) process.stdout.write(`  ${a.port.padEnd(9)} ${a.name.padEnd(24)} ${a.dtype.padEnd(10)} ${String(a.elements).padStart(10)} elements${a.lanes ? ` (vectors of ${a.lanes})` : ""}${a.deviceTransient ? " (transient in device memory)" : ""}\n`);
  process.stdout.write(`  device memory footprint: ${report.globalBytes} bytes\n`);
}
