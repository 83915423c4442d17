// The CLI's actions for DaCe `.sdfg` programs (memory-mapped kernels). main.ts decides by the
// file's extension, in one place (`isSdfgProgram`), which road a program takes.

import { InvalidArgumentError } from "commander";
import { ProgramCodeGen } from "../codegen/program_code.js";
import { PDTYPE_BYTES } from "../ir/program.js";
import { loadPlatform, requireVendor } from "../platform/platform.js";
import { checkProjectTarget, writeProject, type WriteOptions } from "../targets/project_files.js";
import { toJson } from "./json_output.js";
import { loadSdfgBundle, ONCHIP_LIMIT_BYTES, sdfgCpuProject, sdfgIntelProject, sdfgVitisProject } from "../targets/sdfg_program.js";
import { emulateSdfg, type SdfgTarget } from "../emulate/sdfg_emulate.js";

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

export interface SdfgOptions { symbol?: Record<string, number>; inputs?: string }

function bundleOf(file: string, opts: SdfgOptions) {
  return loadSdfgBundle(file, { ...(opts.symbol ? { symbols: opts.symbol } : {}), ...(opts.inputs ? { inputsDir: opts.inputs } : {}) });
}

export function sdfgGenerate(file: string, target: string, platformName: string, output: string, opts: SdfgOptions & { force?: boolean }): void {
  // The program and its inputs are never inside what is replaced; a refused folder fails at once.
  const write: WriteOptions = { force: opts.force ?? false, protect: [file] };
  checkProjectTarget(output, write);
  const b = bundleOf(file, opts);
  if (target === "cpu") writeProject(output, sdfgCpuProject(b), write);
  else {
    const platform = loadPlatform(platformName);
    requireVendor(platform, target as "xilinx" | "intel");
    writeProject(output, target === "intel" ? sdfgIntelProject(b, platform) : sdfgVitisProject(b, platform), write);
  }
  process.stdout.write(`wrote ${target} project for '${b.name}' to ${output}\n`);
}

export async function sdfgEmulate(file: string, target: SdfgTarget, platformName: string, opts: SdfgOptions & { outputs?: string; json?: boolean }): Promise<boolean> {
  const b = bundleOf(file, opts);
  const r = await emulateSdfg(b, target, loadPlatform(platformName), opts.outputs);
  if (opts.json) process.stdout.write(toJson(r) + "\n");
  else {
    for (const o of r.outputs) {
      const parts: string[] = [];
      if (o.mismatchesVsReference !== undefined) parts.push(o.mismatchesVsReference === 0 ? "matches the CPU reference" : `${o.mismatchesVsReference} elements differ from the CPU reference`);
      if (o.mismatchesVsNumpy !== undefined) parts.push(o.mismatchesVsNumpy === 0 ? `matches ${o.name}.out.npy (max rel. error ${o.maxRelErrorVsNumpy!.toExponential(2)})` : `${o.mismatchesVsNumpy} elements differ from ${o.name}.out.npy`);
      if (parts.length === 0) parts.push("computed (no reference to compare with)");
      process.stdout.write(`${b.name}: ${o.name} (${o.elements} elements) ${parts.join(", ")}${o.first ? ` (first: ${o.first})` : ""}\n`);
    }
  }
  return r.ok;
}

/** What the memory-mapped kernel needs: ports, on-chip buffers, device buffers. */
export function sdfgReport(file: string, platformName: string, opts: SdfgOptions & { json?: boolean }): void {
  const b = bundleOf(file, opts);
  const platform = loadPlatform(platformName);
  const gen = new ProgramCodeGen(b.program, { dialect: platform.vendor === "intel" ? "opencl" : "hls", symbols: b.symbols, onchipLimitBytes: ONCHIP_LIMIT_BYTES });
  gen.body();
  const args = gen.args.map((a) => ({ name: a.name, dtype: a.desc.dtype, elements: a.elements, bytes: a.elements * PDTYPE_BYTES[a.desc.dtype], port: a.byValue ? "s_axilite" : "m_axi", deviceTransient: a.deviceTransient }));
  const report = { program: b.name, platform: platform.name, symbols: b.symbols, kind: "memory-mapped", arguments: args, globalBytes: args.filter((a) => a.port === "m_axi").reduce((s, a) => s + a.bytes, 0) };
  if (opts.json) { process.stdout.write(JSON.stringify(report, null, 2) + "\n"); return; }
  process.stdout.write(`${b.name} on ${platform.name}: memory-mapped kernel (symbols ${Object.entries(b.symbols).map(([k, v]) => `${k}=${v}`).join(", ") || "none"})\n`);
  for (const a of args) process.stdout.write(`  ${a.port.padEnd(9)} ${a.name.padEnd(24)} ${a.dtype.padEnd(10)} ${String(a.elements).padStart(10)} elements${a.deviceTransient ? " (transient in device memory)" : ""}\n`);
  process.stdout.write(`  device memory footprint: ${report.globalBytes} bytes\n`);
}
