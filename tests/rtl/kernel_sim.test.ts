// The Vitis RTL kernel works, not only lints: simulated with its AXI4 masters on a simulated
// memory and driven over AXI4-Lite like XRT does (argument registers, ap_start, ap_done polling,
// buffers swapped between the passes of a time loop), hdiff_t7 at W = 4 (128-bit AXI words) and
// P = 3 (passes of 3, 3 and 1 steps) equals the CPU reference bit for bit, also with random gaps
// on the memory side.
import { describe, expect, it } from "vitest";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";

describe("Vitis RTL kernel simulation", () => {
  it.each([[undefined], [5]])("hdiff_t7 at W = 4, P = 3, memory backpressure seed %s", async (seed) => {
    const bundle = loadProgram("stencils/hdiff_t7.json");
    const r = await emulate(bundle, { target: "rtl", spatial: { vectorWidth: 4, replicas: 3 }, rtl: { kernel: true, ...(seed !== undefined ? { backpressure: seed } : {}) } });
    expect(r.deadlock).toBeUndefined();
    for (const o of r.outputs) expect({ name: o.name, mismatches: o.mismatches, maxAbsError: o.maxAbsError }).toEqual({ name: o.name, mismatches: 0, maxAbsError: 0 });
    expect(r.ok).toBe(true);
    expect(r.rtl!.passes).toBe(3);
    expect(r.rtl!.cycles).toBeGreaterThanOrEqual(r.pipeline!.vectors * 3);
  });
});
