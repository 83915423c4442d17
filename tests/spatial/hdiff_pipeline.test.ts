// The delay buffers and FIFO depths of COSMO horizontal diffusion, worked out by hand.
//
// stencils/hdiff.json: domain 16 x 64 x 64 (i, j, k), so an offset of one in j is 64 elements,
// one in k is one element. With W = 1:
//   lap  reads u at j±1, k±1, centre      → linear -64..64, lead 64, window 129, arrival 0+64 = 64
//   flx  reads lap, u at centre and j+1   → 0..64, lead 64 each, arrival max(64+64, 0+64) = 128
//   fly  reads lap, u at centre and k+1   → 0..1, lead 1 each,   arrival max(64+1, 0+1)  = 65
//   out  reads u, coeff at centre, flx at centre and j-1, fly at centre and k-1
//                                          → leads 0, arrival max(0, 0, 128+0, 65+0) = 128
// Delay of an edge = consumer arrival - producer arrival - lead:
//   u→lap 0, u→flx 128-0-64 = 64, u→fly 65-0-1 = 64, u→out 128, coeff→out 128,
//   lap→flx 128-64-64 = 0, lap→fly 65-64-1 = 0, flx→out 0, fly→out 128-65 = 63, out→memory 0.
// Hardware depths: the same arrivals in cycles with twice each PE's estimated arithmetic depth
// (lap 23, flx 15, fly 15, out 27 cycles), plus CHANNEL_SLACK = 4:
//   lap leaves at 0+64 + 2*23 = 110; flx starts at max(110+64, 0+64) = 174, leaves at 174+30 = 204;
//   fly starts at max(110+1, 0+1) = 111, leaves at 141; out starts at max(0, 0, 204, 141) = 204.
//   u→flx 174-0-64 = 110 → 114, u→fly 111-0-1 = 110 → 114, u→out 204 → 208, coeff→out 204 → 208,
//   fly→out 204-141 = 63 → 67, the others 0 → 4.
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/frontend/load_program.js";
import { CHANNEL_SLACK, lowerToPipeline, PIPELINE_DEPTH_MARGIN } from "../../src/spatial/lower.js";

const pipeline = lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 1, replicas: 1 });
const pe = (name: string) => pipeline.pes.find((p) => p.stencil === name)!;
const input = (stencil: string, field: string) => pe(stencil).inputs.find((i) => i.field === field)!;

describe("hdiff spatial pipeline (W = 1)", () => {
  it("has one reader per input array, one PE per stencil, one writer", () => {
    expect(pipeline.readers.map((r) => r.array).sort()).toEqual(["coeff", "u"]);
    expect(pipeline.pes.map((p) => p.stencil)).toEqual(["lap", "flx", "fly", "out"]);
    expect(pipeline.writers.map((w) => w.array)).toEqual(["out"]);
  });

  it("sizes every window from the access offsets", () => {
    const expected: [string, string, number, number, number][] = [
      // stencil, field, lo, hi, window vectors
      ["lap", "u", -64, 64, 129],
      ["flx", "lap", 0, 64, 65],
      ["flx", "u", 0, 64, 65],
      ["fly", "lap", 0, 1, 2],
      ["fly", "u", 0, 1, 2],
      ["out", "flx", -64, 0, 65],
      ["out", "fly", -1, 0, 2],
      ["out", "u", 0, 0, 1],
      ["out", "coeff", 0, 0, 1],
    ];
    for (const [s, f, lo, hi, vectors] of expected) {
      const i = input(s, f);
      expect({ s, f, lo: i.lo, hi: i.hi, vectors: i.vectors }).toEqual({ s, f, lo, hi, vectors });
    }
  });

  it("keeps taps in registers and the gaps between them in delay lines", () => {
    // lap's window of u: taps at vectors 0, 63, 64, 65, 128 → registers {0}, {63,64,65}, {128}
    // and two delay lines of 62 vectors. 62 × 32 bit: an SRL needs 32 × 2 = 64 LUTs, LUTRAM
    // 5 RAM64M8 × 8 = 40 LUTs, BRAM a whole BRAM36 (645 LUT-equivalents): LUTRAM.
    expect(input("lap", "u").parts).toEqual([
      { kind: "registers", first: 0, count: 1 },
      { kind: "delay", first: 1, count: 62, storage: "lutram" },
      { kind: "registers", first: 63, count: 3 },
      { kind: "delay", first: 66, count: 62, storage: "lutram" },
      { kind: "registers", first: 128, count: 1 },
    ]);
  });

  it("computes latencies and arrivals", () => {
    expect(pipeline.pes.map((p) => [p.stencil, p.latency, p.arrival])).toEqual([
      ["lap", 64, 64], ["flx", 64, 128], ["fly", 1, 65], ["out", 0, 128],
    ]);
  });

  it("gives every FIFO the delay of its reconvergent path plus the fixed slack", () => {
    const delays = Object.fromEntries(pipeline.channels.map((c) => [`${c.field}->${c.to}`, c.delay]));
    expect(delays).toEqual({
      "u->pe_lap_": 0, "u->pe_flx_": 64, "u->pe_fly_": 64, "u->pe_out_": 128, "coeff->pe_out_": 128,
      "lap->pe_flx_": 0, "lap->pe_fly_": 0, "flx->pe_out_": 0, "fly->pe_out_": 63, "out->write_out_": 0,
    });
    for (const c of pipeline.channels) expect(c.depth).toBeGreaterThanOrEqual(c.delay + CHANNEL_SLACK);
  });

  it("adds twice the arithmetic pipeline depths of the longer path to hardware FIFO depths", () => {
    expect(pipeline.pes.map((p) => [p.stencil, p.pipelineDepth])).toEqual([["lap", 23], ["flx", 15], ["fly", 15], ["out", 27]]);
    expect(PIPELINE_DEPTH_MARGIN).toBe(2);
    expect(CHANNEL_SLACK).toBe(4);
    const depths = Object.fromEntries(pipeline.channels.map((c) => [`${c.field}->${c.to}`, c.depth]));
    expect(depths).toEqual({
      "u->pe_lap_": 4, "u->pe_flx_": 114, "u->pe_fly_": 114, "u->pe_out_": 208, "coeff->pe_out_": 208,
      "lap->pe_flx_": 4, "lap->pe_fly_": 4, "flx->pe_out_": 4, "fly->pe_out_": 67, "out->write_out_": 4,
    });
  });

  it("counts in vectors when W = 8", () => {
    const p8 = lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 8, replicas: 1 });
    const lap = p8.pes.find((p) => p.stencil === "lap")!;
    // hi = 64 elements = 8 vectors ahead; lo = -64 → window from vector -8 to +8: 17 vectors.
    expect(lap.inputs[0]!.lead).toBe(8);
    expect(lap.inputs[0]!.vectors).toBe(17);
    expect(p8.channels.find((c) => c.field === "u" && c.to === "pe_out_")!.delay).toBe(16);
  });
});
