// Emits the on-chip window of one PE input: register runs (fully partitioned) holding the
// vectors that taps read, and delay lines over the gaps between them: shift registers (SRL) when
// short, circular buffers in LUTRAM/BRAM/URAM otherwise (the choice is spatial/storage.ts's). Each cycle the whole window shifts by one vector; shared by the Vitis and the
// Intel emitters, which differ only in how they spell declarations and pragmas.

import type { CodeWriter } from "../codegen/code_writer.js";
import { domainChecks, regionChecks, registerIndex, windowSlot, type PEInput, type ProcessingElement, type WindowPart } from "../spatial/pipeline.js";

export interface WindowNames {
  /** Register array of the input (compact: only register vectors). */
  registers: string;
  /** Delay line `n` and its position counter. */
  line(n: number): string;
  pointer(n: number): string;
}

export function windowNames(input: PEInput): WindowNames {
  return {
    registers: `${input.field}_win_`,
    line: (n) => `${input.field}_line${n}_`,
    pointer: (n) => `${input.field}_ptr${n}_`,
  };
}

/** Whether a delay line is a shifted register array (SRL) rather than a circular buffer in RAM. */
export function isShiftRegister(line: Extract<WindowPart, { kind: "delay" }>): boolean {
  return line.storage === "srl";
}

export function delayLines(input: PEInput): Extract<WindowPart, { kind: "delay" }>[] {
  return input.parts.filter((p): p is Extract<WindowPart, { kind: "delay" }> => p.kind === "delay");
}

/** How one lane of a vector-typed expression is spelled in the target language. */
export type LaneAccess = (vector: string, lane: number) => string;

/** C++ element access: `v[lane]` (hls::vector, arrays). */
export const subscriptLane: LaneAccess = (vector, lane) => `${vector}[${lane}]`;

/** `win[c][lane]` for the element at linear offset `linear` of output lane `lane`. */
export function tapElement(input: PEInput, linear: number, lane: number, W: number, laneOf: LaneAccess = subscriptLane): string {
  const slot = windowSlot(input, linear, lane, W);
  const c = registerIndex(input).get(slot.vector);
  if (c === undefined) throw new Error(`tap ${linear} of ${input.field} is not in a register`);
  return laneOf(`${windowNames(input).registers}[${c}]`, slot.lane);
}

/**
 * Writes the per-cycle shift: oldest to newest, so every register reads its neighbour's old value;
 * a delay line hands its oldest vector to the register before it and takes the register after it.
 * The newest register receives `incoming`. The register loop is fully unrolled by `unrollPragma`,
 * written as the loop body's first line (`#pragma HLS UNROLL`) or, with `placement` "before", in
 * front of the loop (OpenCL's `#pragma unroll`).
 */
export function emitWindowShift(w: CodeWriter, input: PEInput, incoming: string, unrollPragma: string, placement: "body" | "before" = "body"): void {
  const names = windowNames(input);
  const index = registerIndex(input);
  let line = 0;
  const parts = input.parts;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    if (part.kind === "delay") { line++; continue; }
    const first = index.get(part.first)!;
    const last = index.get(part.first + part.count - 1)!;
    if (last > first) {
      if (placement === "before") w.directive(unrollPragma);
      w.block(`for (int s_ = ${first}; s_ < ${last}; ++s_)`, () => {
        if (placement === "body") w.directive(unrollPragma);
        w.line(`${names.registers}[s_] = ${names.registers}[s_ + 1];`);
      });
    }
    const next = parts[p + 1];
    if (!next) {
      w.line(`${names.registers}[${last}] = ${incoming};`);
    } else if (next.kind === "delay") {
      const n = line;
      const after = index.get(next.first + next.count)!;
      if (isShiftRegister(next)) {
        // A shift register (SRL): oldest at index 0, every element moves down by one.
        w.line(`${names.registers}[${last}] = ${names.line(n)}[0];`);
        if (next.count > 1) {
          if (placement === "before") w.directive(unrollPragma);
          w.block(`for (int s_ = 0; s_ < ${next.count - 1}; ++s_)`, () => {
            if (placement === "body") w.directive(unrollPragma);
            w.line(`${names.line(n)}[s_] = ${names.line(n)}[s_ + 1];`);
          });
        }
        w.line(`${names.line(n)}[${next.count - 1}] = ${names.registers}[${after}];`);
      } else {
        // A circular buffer in RAM: the slot read now was written `count` iterations ago.
        w.line(`${names.registers}[${last}] = ${names.line(n)}[${names.pointer(n)}];`);
        w.line(`${names.line(n)}[${names.pointer(n)}] = ${names.registers}[${after}];`);
        w.line(`${names.pointer(n)} = ${names.pointer(n)} == ${next.count - 1} ? 0 : ${names.pointer(n)} + 1;`);
      }
    } else {
      throw new Error("two register runs without a delay line between them");
    }
  }
}

/** A C condition that output lane `lane` is inside the PE's write region; null when always. */
export function inRegionCondition(pe: ProcessingElement, domain: readonly number[], lane: number, W: number): string | null {
  if (!pe.region) return null;
  const names = ["i_", "j_", "k0_"];
  const terms = regionChecks(pe.region, domain, lane, W).map((c) => `${names[c.axis]} ${c.op} ${c.bound}`);
  return terms.length === 0 ? null : terms.join(" && ");
}

/** A C condition that offset `offset` from output point (i_, j_, k) stays inside the domain. */
export function inDomainCondition(offset: readonly number[], domain: readonly number[], lane: number, W: number): string | null {
  const names = ["i_", "j_", "k0_"];
  const terms = domainChecks(offset, domain, lane, W).map((c) => `${names[c.axis]} ${c.op} ${c.bound}`);
  return terms.length === 0 ? null : terms.join(" && ");
}
