// Streaming a DaCe program: each pattern pass (stencil maps, elementwise chains, reductions,
// matrix-vector, systolic matrix-matrix, …) is a small pure function that either raises the whole
// program onto the spatial road — a stencil-road ProgramBundle whose SDFG the spatial lowering
// turns into readers, PEs and writers — or says why it does not apply. A program no pattern
// takes stays a memory-mapped kernel, and the reasons are reported per kernel.

import type { ProgramBundle } from "../../frontend/load_program.js";
import { allStates, type Program } from "../../ir/program.js";
import type { NpyBox } from "../../frontend/input_data.js";
import { stencilMapsPattern } from "./stencil_maps.js";
import { MATRIX_VECTOR_PATTERN } from "./matrix_vector.js";
import { SYSTOLIC_MATMUL_PATTERN } from "./systolic_matmul.js";
import { elementwiseReducePattern } from "./elementwise_reduce.js";
import { diagonalReducePattern } from "./diagonal_reduce.js";
import { VERTICAL_SOLVER_PATTERN } from "./vertical_solver.js";
import { radialBinningPattern } from "./radial_binning.js";

/** How one kernel (a state's top-level map or library node) of the program is mapped. */
export interface KernelMapping {
  name: string;
  mapping: "streamed" | "memory-mapped";
  /** The pattern that streamed it, when streamed. */
  pattern?: string;
  /** Why it is streamed this way, or why it stayed memory-mapped. */
  reason: string;
}

/** What every pattern pass reads: the program, its symbol values, where its `<arg>.npy` inputs are. */
export interface StreamingInput {
  program: Program;
  symbols: Record<string, number>;
  inputsDir: string;
  /** Safe identifier of the program (the .sdfg file's basename). */
  name: string;
  file: string;
}

export type PatternResult =
  /**
   * `outputNames`: bundle output → the program's data it is (whose `<arg>.out.npy` it equals),
   * for outputs the pass renamed (unsafe identifiers such as `__return`, arrays updated in place).
   * `outputBoxes`: bundle output → the box of the domain-shaped output that is the program's
   * (smaller) array; the rest of the output is not the program's.
   */
  | { ok: true; bundle: ProgramBundle; kernels: KernelMapping[]; outputNames?: Record<string, string>; outputBoxes?: Record<string, NpyBox> }
  | { ok: false; reason: string };

export interface StreamPattern {
  name: string;
  raise: (input: StreamingInput) => PatternResult;
}

/** Pattern passes, tried in order; the first that takes the program wins. */
export const PATTERNS: StreamPattern[] = [stencilMapsPattern, MATRIX_VECTOR_PATTERN, SYSTOLIC_MATMUL_PATTERN, elementwiseReducePattern, diagonalReducePattern, VERTICAL_SOLVER_PATTERN, radialBinningPattern];

export type StreamingDecision =
  | { streamed: true; pattern: string; bundle: ProgramBundle; kernels: KernelMapping[]; outputNames?: Record<string, string>; outputBoxes?: Record<string, NpyBox> }
  | { streamed: false; kernels: KernelMapping[] };

/** Tries every pattern; a program none takes stays memory-mapped, with each pattern's reason. */
export function streamProgram(input: StreamingInput, patterns: readonly StreamPattern[] = PATTERNS): StreamingDecision {
  const vectors = vectorData(input.program);
  if (vectors) return { streamed: false, kernels: [{ name: input.name, mapping: "memory-mapped", reason: `${vectors} has a vector data type; the streaming patterns take scalar programs only` }] };
  const reasons: string[] = [];
  for (const p of patterns) {
    const r = p.raise(input);
    if (r.ok) return { streamed: true, pattern: p.name, bundle: r.bundle, kernels: r.kernels, ...(r.outputNames ? { outputNames: r.outputNames } : {}), ...(r.outputBoxes ? { outputBoxes: r.outputBoxes } : {}) };
    reasons.push(`${p.name}: ${r.reason}`);
  }
  return {
    streamed: false,
    kernels: [{ name: input.name, mapping: "memory-mapped", reason: reasons.length ? reasons.join("; ") : "no streaming pattern applies" }],
  };
}

/** The first container or tasklet connector of a vector dtype (`dace.vector`), or null. */
function vectorData(p: Program): string | null {
  const inside = (q: Program): string | null => {
    for (const [name, d] of Object.entries(q.arrays)) if (d.veclen !== undefined) return `'${name}'`;
    for (const s of allStates(q)) {
      for (const n of s.nodes) {
        if (n.kind === "tasklet" && n.vectorConns) return `connector '${Object.keys(n.vectorConns)[0]}' of tasklet '${n.label}'`;
        if (n.kind === "nested") { const r = inside(n.sdfg); if (r) return r; }
      }
    }
    return null;
  };
  return inside(p);
}
