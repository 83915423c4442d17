// The files of an RTL design: SystemVerilog (shared modules, the top with its readers, one file
// per PE; integer operators are native logic), the DPI-C models of the float operators and
// conversions and the Verilator testbench, and the Tcl script that creates the Xilinx
// floating_point cores the float operator models stand for.

import type { ProgramBundle } from "../frontend/load_program.js";
import type { Pipeline } from "../spatial/pipeline.js";
import { emitCommonModules } from "./common_modules.js";
import { emitFloatingPointTcl } from "./fp_ip_tcl.js";
import { emitPEModule } from "./pe_module.js";
import { requireStencilProcesses } from "./stencil_only.js";
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

export function rtlDesign(bundle: ProgramBundle, p: Pipeline): RtlDesign {
  requireStencilProcesses(p);
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

