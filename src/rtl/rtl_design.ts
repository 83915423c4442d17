// The files of an RTL design: SystemVerilog (shared modules, the top with its readers, one file
// per PE), the DPI-C operator models and the Verilator testbench, and the Tcl script that
// creates the Xilinx floating_point cores the operator models stand for.

import { callsAny } from "../codegen/c_expr.js";
import type { ProgramBundle } from "../frontend/load_program.js";
import { UserError } from "../ir/diagnostics.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { emitCommonModules } from "./common_modules.js";
import { emitFloatingPointTcl } from "./fp_ip_tcl.js";
import { emitPEModule } from "./pe_module.js";
import { emitDpiModels, emitTestbench, MODEL_PREFIX } from "./testbench.js";
import { emitReaderModules, emitTopModule, TOP_MODULE } from "./top_module.js";

export interface RtlDesign {
  /** Relative path → content. */
  files: Map<string, string>;
  /** SystemVerilog sources in compile order (the shared package first). */
  sv: string[];
  /** C++ sources of the simulation (testbench and DPI-C models). */
  cpp: string[];
  topModule: string;
  prefix: string;
}

/** Functions of the expression IR the RTL datapath has no operator for. */
const RTL_MISSING_FUNCTIONS = ["atan2", "tanh"];

/**
 * The RTL operators are floating point only (DPI-C models of the floating_point cores): integer
 * data is refused by name rather than computed with float operators.
 */
export function requireRtlTypes(p: Pipeline): void {
  const reduction = p.reductions?.[0];
  if (reduction) throw new UserError("--target rtl", `has no reduction PEs yet: '${reduction.node}' is a ${reduction.op} reduction (use --target xilinx, intel or cpu)`);
  const unsupported = p.pes.find((pe) => callsAny(pe.code, RTL_MISSING_FUNCTIONS));
  if (unsupported) throw new UserError("--target rtl", `has no ${RTL_MISSING_FUNCTIONS.join(" or ")} operator yet: stencil '${unsupported.stencil}' calls one (use --target xilinx, intel or cpu)`);
  const named = [
    ...p.pes.map((pe) => ({ what: `stencil '${pe.stencil}'`, dtype: pe.dtype })),
    ...p.readers.map((r) => ({ what: `input '${r.array}'`, dtype: r.dtype })),
    ...p.scalars.map((s) => ({ what: `scalar '${s.name}'`, dtype: s.dtype })),
  ];
  const integer = named.find((x) => DTYPE_INFO[x.dtype].integer);
  if (integer) {
    throw new UserError("--target rtl", `has no integer operators yet: ${integer.what} is ${integer.dtype} (use --target xilinx, intel, cpu or cuda for integer programs)`);
  }
}

export function rtlDesign(bundle: ProgramBundle, p: Pipeline): RtlDesign {
  requireRtlTypes(p);
  const files = new Map<string, string>();
  const sv: string[] = [];
  const add = (path: string, text: string, list?: string[]) => { files.set(path, text); list?.push(path); };
  for (const [path, text] of emitCommonModules()) add(path, text, sv);
  for (const [name, text] of emitReaderModules(p)) add(`rtl/${name}.sv`, text, sv);
  for (const pe of p.pes) add(`rtl/${pe.name}.sv`, emitPEModule(p, pe, bundle.sources[pe.stencil]).text, sv);
  add(`rtl/${TOP_MODULE}.sv`, emitTopModule(p), sv);
  const cpp: string[] = [];
  add("sim/tb.cpp", emitTestbench(p), cpp);
  add("sim/sdfg_dpi.cpp", emitDpiModels(), cpp);
  add("ip/floating_point.tcl", emitFloatingPointTcl(p));
  return { files, sv, cpp, topModule: TOP_MODULE, prefix: MODEL_PREFIX };
}
