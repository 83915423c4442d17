// A stencil-road ProgramBundle around an SDFG a pattern pass built: the inputs (with where their
// data is), the outputs, and each process's program text for the generated code's comments.

import type { ProgramBundle, ProgramInput } from "../../frontend/load_program.js";
import { processNodesInOrder, type SDFG } from "../../ir/sdfg.js";

export interface StreamBundleParts {
  file: string;
  name: string;
  sdfg: SDFG;
  inputs: ProgramInput[];
  outputs: string[];
  sources: Record<string, string>;
}

export function streamBundle(parts: StreamBundleParts): ProgramBundle {
  const processes = processNodesInOrder(parts.sdfg.states[0]!);
  const domain = processes[0]?.domain ?? [];
  return {
    file: parts.file, name: parts.name, sdfg: parts.sdfg, domain,
    iterators: ["i", "j", "k"].slice(3 - domain.length),
    inputs: parts.inputs, outputs: parts.outputs,
    stencils: processes.map((p) => p.label),
    sources: parts.sources,
  };
}
