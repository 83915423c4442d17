// NPBench's hdiff streamed: its arrays differ in shape (in_field 20x20x15, out_field and coeff
// 16x16x15), so the stencil-maps pattern streams them over in_field's domain with out_field and
// coeff as the box at (2, 2, 0) of it. The emulated kernel must equal the CPU reference on the
// whole domain (exactly) and NumPy's out_field.out.npy on the box (fp64 rtol 1e-9), on Xilinx
// (u280) and on Intel (520n) at W = 1 (Intel's widths 2, 4, 8, 16 divide no 15); Xilinx at
// W = 5 is emulated through the CLI in tests/cli/sdfg_streaming.test.ts. Manifest sizes:
// I = J = 16, K = 15.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { loadSdfgBundle } from "../../src/targets/sdfg_program.js";
import { SHARED } from "../helpers.js";

const DIR = join(SHARED, "peers", "npbench", "hdiff");

function hdiff() {
  const m = JSON.parse(readFileSync(join(DIR, "manifest.json"), "utf8")) as { symbols: Record<string, { value: number }> };
  const b = loadSdfgBundle(join(DIR, "hdiff.sdfg"), { symbols: Object.fromEntries(Object.entries(m.symbols).map(([k, v]) => [k, v.value])) });
  return { b, d: streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file }) };
}

describe.concurrent("NPBench hdiff streamed over its largest array's domain", () => {
  it("is streamed: every map, out_field as the 16x16x15 box at (2, 2, 0) of the 20x20x15 domain", ({ expect }) => {
    const { d } = hdiff();
    expect(d.streamed).toBe(true);
    if (!d.streamed) return;
    expect(d.kernels.length).toBe(20);
    expect(d.kernels.every((k) => k.mapping === "streamed")).toBe(true);
    expect(d.bundle.domain).toEqual([20, 20, 15]);
    expect(d.outputBoxes).toEqual({ out_field: { origin: [2, 2, 0], shape: [16, 16, 15] } });
    const coeff = d.bundle.inputs.find((i) => i.name === "coeff")!;
    expect(coeff.shape).toEqual([20, 20, 15]);
    expect(coeff.source).toMatchObject({ kind: "file", npyBox: { origin: [2, 2, 0], shape: [16, 16, 15] } });
  });

  it.for([["xilinx", 1], ["intel", 1]] as const)("emulated on %s at W=%i equals the CPU reference and out_field.out.npy", async ([target, W], { expect }) => {
    const { b, d } = hdiff();
    if (!d.streamed) throw new Error(`not streamed: ${d.kernels.map((k) => k.reason).join("; ")}`);
    const r = await emulateStreamedSdfg(b, d.bundle, target, { vectorWidth: W, replicas: 1 }, undefined, undefined, d.outputNames, d.outputBoxes);
    expect(r.failure).toBeUndefined();
    expect(r.outputs.map((o) => ({ name: o.name, elements: o.elements, vsReference: o.mismatchesVsReference, vsNumpy: o.mismatchesVsNumpy, first: o.first })))
      .toEqual([{ name: "out_field", elements: 16 * 16 * 15, vsReference: 0, vsNumpy: 0, first: undefined }]);
    expect(r.ok).toBe(true);
  });
});
