// What the model knows of a DaCe program that stays a memory-mapped kernel: why it was not
// streamed (each kernel's reason), its arguments with their ports and sizes, and the device
// memory they take. No run time, roofline or resource estimate: the performance model covers
// streamed pipelines only, so none is given (and none is invented) for these kernels.

import { ProgramCodeGen } from "../codegen/program_code.js";
import { PDTYPE_BYTES } from "../ir/program.js";
import type { Platform } from "../platform/platform.js";
import type { KernelMapping } from "../spatial/streaming/patterns.js";
import { ONCHIP_LIMIT_BYTES, type SdfgBundle } from "../targets/sdfg_program.js";

export interface MemoryMappedArgument {
  name: string;
  dtype: string;
  /** A vector argument (dace.vector(T, W)): its lanes; `elements` and `bytes` count its scalars. */
  lanes?: number;
  elements: number;
  bytes: number;
  /** A scalar passed by value goes through the control port; arrays through a memory port. */
  port: "s_axilite" | "m_axi";
  deviceTransient: boolean;
}

/** `report --json` of a memory-mapped DaCe program. */
export interface MemoryMappedReport {
  program: string;
  /** The board's full name. */
  platform: string;
  symbols: Record<string, number>;
  /** "fpga-form": an FPGA-form SDFG (streams, processes) emitted as written, whose figures are as unknown to the model. */
  kind: "memory-mapped" | "fpga-form";
  kernels: KernelMapping[];
  arguments: MemoryMappedArgument[];
  /** Bytes of every argument that lives in device memory. */
  globalBytes: number;
}

export function buildMemoryMappedReport(b: SdfgBundle, kernels: KernelMapping[], platform: Platform): MemoryMappedReport {
  const gen = new ProgramCodeGen(b.program, { dialect: platform.vendor === "intel" ? "opencl" : "hls", symbols: b.symbols, onchipLimitBytes: ONCHIP_LIMIT_BYTES });
  gen.body();
  const args = gen.args.map((a): MemoryMappedArgument => ({ name: a.name, dtype: a.desc.dtype, ...(a.lanes > 1 ? { lanes: a.lanes } : {}), elements: a.elements, bytes: a.elements * PDTYPE_BYTES[a.desc.dtype], port: a.byValue ? "s_axilite" : "m_axi", deviceTransient: a.deviceTransient }));
  return { program: b.name, platform: platform.name, symbols: b.symbols, kind: "memory-mapped", kernels, arguments: args, globalBytes: args.filter((a) => a.port === "m_axi").reduce((s, a) => s + a.bytes, 0) };
}

/** A memory-mapped program's symbols, "N=64, M=32" or "none". */
export function symbolList(symbols: Record<string, number>): string {
  return Object.entries(symbols).map(([k, v]) => `${k}=${v}`).join(", ") || "none";
}
