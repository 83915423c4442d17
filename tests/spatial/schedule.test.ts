// Schedule choices of the spatial layer: replication, storage of delay lines, on-chip inputs.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { loadProgram, parseProgram } from "../../src/frontend/load_program.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { chooseStorage } from "../../src/spatial/storage.js";
import { PEERS } from "../helpers.js";
import { join } from "node:path";

describe("temporal replication", () => {
  const bundle = loadProgram("stencils/hdiff_t7.json");

  it("chains P copies of the PE chain, feeding each copy's output to the next copy's input", () => {
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 8, replicas: 3 });
    expect(p.pes.map((x) => `${x.stencil}@${x.replica}`)).toEqual(["lap@0", "flx@0", "fly@0", "out@0", "lap@1", "flx@1", "fly@1", "out@1", "lap@2", "flx@2", "fly@2", "out@2"]);
    // Replica 1 reads u from replica 0's 'out' PE; coeff comes from memory for every replica.
    const uInto1 = p.channels.filter((c) => c.field === "u" && c.to.endsWith("_r1_"));
    expect(new Set(uInto1.map((c) => c.from))).toEqual(new Set(["pe_out_r0_"]));
    expect(p.channels.filter((c) => c.field === "coeff").map((c) => c.from)).toEqual(["read_coeff_", "read_coeff_", "read_coeff_"]);
    // Only the last replica writes to memory; the 'out' PEs can bypass for a short last pass.
    expect(p.writers.map((w) => p.channels.find((c) => c.name === w.input)!.from)).toEqual(["pe_out_r2_"]);
    expect(p.pes.filter((x) => x.bypass).map((x) => x.name)).toEqual(["pe_out_r0_", "pe_out_r1_", "pe_out_r2_"]);
    // coeff waits for the whole chain ahead of it: its FIFO into replica 2 is the longest.
    const coeff = p.channels.filter((c) => c.field === "coeff").map((c) => c.delay);
    expect(coeff[0]).toBeLessThan(coeff[1]!);
    expect(coeff[1]).toBeLessThan(coeff[2]!);
  });

  it("refuses P > 1 without a time loop", () => {
    expect(() => lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 1, replicas: 2 })).toThrow(/no time_loop/);
  });
});

describe("delay-line storage", () => {
  const sdfg = loadProgram("stencils/jacobi3d.json").sdfg; // 32x32x32: an i offset is 1024 elements
  const lines = (uram: boolean) => lowerToPipeline(sdfg, { vectorWidth: 1, replicas: 1, uram }).pes[0]!.inputs[0]!.parts.filter((p) => p.kind === "delay");

  it("puts short gaps in shift registers and long ones in BRAM (cheapest by depth and width)", () => {
    // jacobi3d taps: i±1 (±1024), j±1 (±32), k±1 → gaps of 991, 30, 30, 991 elements of 32 bits.
    // 30 deep: SRL 32 LUTs. 991 deep: SRL 992 LUTs, LUTRAM 5×8×16 + 32×5 = 800, one BRAM36 (645).
    expect(lines(false).map((l) => [l.count, l.storage])).toEqual([[991, "bram"], [30, "srl"], [30, "srl"], [991, "bram"]]);
    // URAM (4096 × 72) would hold 991 × 32 bits too, but costs 1355 LUT-equivalents.
    expect(lines(true).map((l) => l.storage)).toEqual(["bram", "srl", "srl", "bram"]);
  });

  it("uses URAM for plane-sized delay lines on boards with URAM, LUTRAM for medium ones", () => {
    const prog = JSON.parse(readFileSync("stencils/jacobi3d.json", "utf8"));
    prog.dimensions = [8, 128, 128];
    for (const i of Object.values(prog.inputs) as { data: unknown }[]) i.data = "constant:1";
    const big = parseProgram(JSON.stringify(prog), "big.json", ".").sdfg;
    const parts = (uram: boolean) => lowerToPipeline(big, { vectorWidth: 1, replicas: 1, uram }).pes[0]!.inputs[0]!.parts.filter((p) => p.kind === "delay");
    // i±1 gaps: 16384 - 128 - 1 = 16255 elements: 4 URAM (5420) < 16 BRAM36 at 4096×9 (10320).
    // j±1 gaps: 126 elements: LUTRAM 5×8×2 + 32 = 112 LUTs < SRL 128 < BRAM36 645.
    expect(parts(true).map((l) => [l.count, l.storage])).toEqual([[16255, "uram"], [126, "lutram"], [126, "lutram"], [16255, "uram"]]);
    expect(parts(false).map((l) => l.storage)).toEqual(["bram", "lutram", "lutram", "bram"]);
  });

  it("weighs the width: wide short lines stay out of BRAM, wide long ones go in", () => {
    // hdiff at W=8 (256-bit vectors): its j±1 gaps are 6–7 vectors: 256 SRL LUTs, not 4 BRAM36.
    const p = lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 8, replicas: 1, uram: true });
    const delays = p.pes.flatMap((pe) => pe.inputs.flatMap((i) => i.parts)).filter((x) => x.kind === "delay");
    expect(delays.length).toBeGreaterThan(0);
    for (const d of delays) expect([d.count, d.storage]).toEqual([d.count, "srl"]);
    expect(chooseStorage(10, 256, true)).toBe("srl");
    expect(chooseStorage(100, 512, false)).toBe("lutram");
    expect(chooseStorage(500, 512, false)).toBe("bram"); // 8 BRAM36 (5160) < LUTRAM 8×74×8 + 512×3 (6272)
    expect(chooseStorage(2000, 512, true)).toBe("uram");
    expect(chooseStorage(2000, 512, false)).toBe("bram");
  });

  it("gives every FIFO a storage kind the kernel binds it to", () => {
    const p = lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 1, replicas: 1 });
    // Depth 168 × 32 bit: LUTRAM (5×8×3 + 32 = 152 LUTs); depth 2: SRL.
    const by = Object.fromEntries(p.channels.map((c) => [c.name, [c.depth, c.storage]]));
    for (const c of p.channels) expect(c.storage).toBe(chooseStorage(c.depth, 32, false));
    expect(Object.values(by).filter(([d]) => d === 2).every(([, s]) => s === "srl")).toBe(true);
    expect(Object.values(by).some(([, s]) => s === "lutram")).toBe(true);
  });
});

describe("lower-dimensional inputs", () => {
  it("holds small ones on chip and streams full fields from memory", () => {
    const p = lowerToPipeline(loadProgram(join(PEERS, "varying_dimensionality.json")).sdfg, { vectorWidth: 1, replicas: 1 });
    const onChip = Object.fromEntries(p.readers.map((r) => [r.array, r.onChip]));
    expect(onChip).toEqual({ in1d: true, in2d: true, in3d: false });
    // in0d is a scalar argument (in1d[k+42] on a 32-wide axis folds to its boundary value).
    expect(p.scalars.map((s) => s.name)).toEqual(["in0d"]);
  });
});
