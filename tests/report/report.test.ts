import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadProgram, parseProgram } from "../../src/frontend/load_program.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { buildReport, formatReport } from "../../src/report/report.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { emitVitisKernel } from "../../src/hls/vitis_kernel.js";
import { estimateResources } from "../../src/report/resources.js";
import { bram36Blocks, uramBlocks } from "../../src/spatial/storage.js";

const u280 = loadPlatform("u280");
const hdiff = loadProgram("stencils/hdiff.json");
const report = (W: number, P = 1, bundle = hdiff, platform = u280) =>
  buildReport(lowerToPipeline(bundle.sdfg, { vectorWidth: W, replicas: P, uram: platform.resources.uram > 0 }), platform);
const used = (r: ReturnType<typeof report>, k: string) => r.resources.find((x) => x.resource === k)!.used;

describe("resource and roofline report", () => {
  it("hdiff fits the U280 and is bound by its one-vector-per-cycle pipeline at W = 1", () => {
    const r = report(1);
    expect(r.fits).toBe(true);
    expect(r.performance.bound).toBe("pipeline");
    // 64 x 64 x 16 cells, one per cycle plus the pipeline fill.
    expect(r.performance.cyclesPerPass).toBeGreaterThan(65536);
    expect(r.performance.cyclesPerPass).toBeLessThan(65536 + 400);
  });

  it("scales arithmetic with W and run time inversely", () => {
    const r1 = report(1);
    const r8 = report(8);
    expect(used(r8, "dsp")).toBe(8 * used(r1, "dsp"));
    expect(r8.performance.seconds).toBeLessThan(r1.performance.seconds / 6);
    expect(r8.performance.gops).toBeGreaterThan(6 * r1.performance.gops);
  });

  it("becomes memory-bound when a port needs more than its HBM pseudo-channel gives", () => {
    // W = 16 floats at 280 MHz is 17.9 GB/s per port; a U280 pseudo-channel gives 14.4 GB/s.
    // One port per array (--hbm-parts 1):
    const r = buildReport(lowerToPipeline(hdiff.sdfg, { vectorWidth: 16, replicas: 1, uram: true }), u280, undefined, undefined, undefined, 1);
    expect(r.performance.bound).toBe("memory");
    for (const p of r.performance.ports) expect(p.demandGBs).toBeLessThanOrEqual(p.bankGBs + 1e-9);
    expect(formatReport(r, u280)).toMatch(/bound by: memory bandwidth/);
    // By default each array gets two ports on two channels (port_parts.ts): 8.9 GB/s each, the pipeline bounds it.
    const split = report(16);
    expect(split.performance.ports.length).toBe(2 * r.performance.ports.length);
    expect(split.performance.bound).toBe("pipeline");
  });

  it("says when a design does not fit", () => {
    const prog = JSON.parse(readFileSync("stencils/hdiff.json", "utf8"));
    prog.time_loop = { steps: 24, feedback: { out: "u" } };
    for (const i of Object.values(prog.inputs) as { data: unknown }[]) i.data = "constant:1";
    const big = parseProgram(JSON.stringify(prog), "big.json", ".");
    const r = report(16, 24, big, loadPlatform("u50"));
    expect(r.fits).toBe(false);
    expect(formatReport(r, loadPlatform("u50"))).toMatch(/does NOT fit: DSP/);
  });

  it("counts passes of a time loop", () => {
    const t7 = loadProgram("stencils/hdiff_t7.json");
    expect(report(8, 3, t7).performance.passes).toBe(3);
    expect(report(8, 7, t7).performance.passes).toBe(1);
  });
});

describe("report counts the storage the generated kernel declares", () => {
  // Reads the Vitis kernel text only: every delay line and FIFO with its declared size and the
  // storage its pragma binds it to; the report's block-RAM / UltraRAM figures must match them.
  const declared = (src: string, width: (type: string) => number) => {
    let bram = 0;
    let uram = 0;
    const kinds: string[] = [];
    for (const m of src.matchAll(/^\s*(\w+) (\w+_line\d+_)\[(\d+)\];\n(?:.*\n)?(?:\s*\/\/.*\n)*#pragma HLS (BIND_STORAGE variable=\2 type=ram_s2p impl=(\w+)|ARRAY_PARTITION variable=\2 type=complete dim=1)$/gm)) {
      const impl = m[5] ?? "srl";
      kinds.push(impl);
      if (impl === "bram") bram += bram36Blocks(width(m[1]!), Number(m[3]));
      if (impl === "uram") uram += uramBlocks(width(m[1]!), Number(m[3]));
    }
    for (const m of src.matchAll(/hls::stream<(\w+), (\d+)> (\w+)\(.*\n#pragma HLS STREAM.*\n#pragma HLS BIND_STORAGE variable=\3 type=fifo impl=(\w+)$/gm)) {
      kinds.push(m[4]!);
      if (m[4] === "bram") bram += bram36Blocks(width(m[1]!), Number(m[2]));
      if (m[4] === "uram") uram += uramBlocks(width(m[1]!), Number(m[2]));
    }
    return { bram, uram, kinds };
  };
  const cases: [string, number, number[]][] = [["stencils/hdiff.json", 1, [64, 64, 16]], ["stencils/jacobi3d.json", 1, [8, 128, 128]], ["stencils/jacobi3d.json", 4, [32, 32, 32]], ["stencils/jacobi3d.json", 1, [32, 32, 32]]];
  it.each(cases)("%s at W=%i (domain %j)", (file, W, dims) => {
    const prog = JSON.parse(readFileSync(file, "utf8"));
    prog.dimensions = dims;
    for (const i of Object.values(prog.inputs) as { data: unknown }[]) i.data = "constant:1";
    const bundle = parseProgram(JSON.stringify(prog), "p.json", ".");
    const platform = { ...u280, shellOverhead: undefined };
    const pipeline = lowerToPipeline(bundle.sdfg, { vectorWidth: W, replicas: 1, uram: true });
    const src = emitVitisKernel(pipeline, { sources: bundle.sources, programFile: "p.json" });
    const d = declared(src, (t) => (t.startsWith("double") ? 64 : 32) * W);
    // Every delay line and every FIFO was found in the text.
    const lines = pipeline.pes.flatMap((pe) => pe.inputs.flatMap((i) => i.parts.filter((x) => x.kind === "delay")));
    expect(d.kinds).toHaveLength(lines.length + pipeline.channels.length);
    const r = estimateResources(pipeline, platform);
    const ports = pipeline.readers.length + pipeline.writers.length;
    const onChip = pipeline.readers.filter((x) => x.onChip).length;
    expect(onChip).toBe(0);
    expect(r.bram - 2 * ports).toBe(d.bram);
    expect(r.uram).toBe(d.uram);
    if (file.includes("jacobi") && W === 1) expect(d.bram + d.uram).toBeGreaterThan(0);
  });
});
