// Shared by the RTL simulation tests: simulate a program with Verilator (cached build) once in a
// perfect environment and once with random input bubbles and output stalls, and check both
// against the CPU reference, bit for bit.
import { expect } from "vitest";
import { emulate, type EmulateResult } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";

export const BACKPRESSURE_SEED = 7;

function expectBitEqual(r: EmulateResult): void {
  expect(r.deadlock).toBeUndefined();
  expect(r.outputs.length).toBeGreaterThan(0);
  for (const o of r.outputs) {
    // The DPI-C operator models perform the reference's operations: no error at all.
    expect({ name: o.name, mismatches: o.mismatches, maxAbsError: o.maxAbsError }).toEqual({ name: o.name, mismatches: 0, maxAbsError: 0 });
  }
  expect(r.ok).toBe(true);
}

export async function simulateBothWays(path: string, spatial?: { vectorWidth: number; replicas: number }): Promise<{ plain: EmulateResult; stalled: EmulateResult }> {
  const bundle = loadProgram(path);
  const options = { target: "rtl" as const, spatial: spatial ?? { vectorWidth: bundle.vectorization ?? 1, replicas: 1 } };
  const plain = await emulate(bundle, options);
  expectBitEqual(plain);
  const stalled = await emulate(bundle, { ...options, rtl: { backpressure: BACKPRESSURE_SEED } });
  expectBitEqual(stalled);
  const p = plain.rtl!;
  const s = stalled.rtl!;
  const vectors = plain.pipeline!.vectors;
  // At most one vector per cycle and pass; random stalls cost cycles.
  expect(p.cycles).toBeGreaterThanOrEqual(vectors * p.passes);
  expect(s.cycles).toBeGreaterThan(p.cycles);
  expect(s.backpressure).toBe(true);
  expect(p.fifos.map((f) => f.name)).toEqual(plain.pipeline!.channels.map((c) => c.name));
  return { plain, stalled };
}
