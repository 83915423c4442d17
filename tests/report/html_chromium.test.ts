// The HTML report checked in a real browser (Debian's headless Chromium): every SVG element has
// a non-empty box, no text leaves its box or its picture or overlaps another, no two pipeline
// nodes overlap, no table cell overflows — for hdiff with a Vitis report beside it, and for a
// 100-stencil program. Screenshots are written to out/report-html/ (named in the output).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/platform.js";
import { buildReport } from "../../src/report/report.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { htmlReport } from "../../src/report/html/html_report.js";
import { cli } from "../helpers.js";
import { CHROMIUM, pngSize, renderInChromium, type LayoutCheck } from "./chromium.js";
import { manyStencilsProgram } from "./many_stencils.js";
import { writeFileSync } from "node:fs";

const OUT = join("out", "report-html");

function expectClean(c: LayoutCheck): void {
  expect(c.zeroBoxes).toEqual([]);
  expect(c.textOverflows).toEqual([]);
  expect(c.textOverlaps).toEqual([]);
  expect(c.nodeOverlaps).toEqual([]);
  expect(c.htmlOverflows).toEqual([]);
  expect(c.svgs.map((s) => s.id)).toEqual(["roofline", "resources", "pipeline"]);
  for (const s of c.svgs) {
    expect(s.width * s.height, s.id).toBeGreaterThan(0);
    expect(s.texts, s.id).toBeGreaterThan(3);
  }
}

describe("HTML report in Chromium", () => {
  beforeAll(async () => {
    const v = await execa(CHROMIUM, ["--version"], { reject: false }).catch(() => undefined);
    if (!v || v.exitCode !== 0) throw new Error(`no Chromium (${CHROMIUM}): run tools/install-deps.sh as root, or set CHROMIUM`);
    mkdirSync(OUT, { recursive: true });
  });

  it("hdiff with a Vitis HLS report beside the estimate renders with nothing empty, cut off or overlapping", async () => {
    const file = join(OUT, "hdiff.html");
    const r = await cli(["report", "stencils/hdiff.json", "-W", "8", "--hls-report", "tests/report/fixtures/top_csynth.xml", "--html", file]);
    expect(r.exitCode, r.stderr).toBe(0);
    const shot = join(OUT, "hdiff.png");
    const c = await renderInChromium(file, shot, [1280, 2200]);
    expectClean(c);
    // 2 readers, 4 PEs, 1 writer, 10 FIFOs.
    expect(c.nodes).toBe(17);
    expect(pngSize(shot)).toEqual([1280, 2200]);
    console.log(`screenshot: ${shot}`);
  });

  it("a 100-stencil pipeline stays readable: same font, no overlapping boxes, the page scrolls", async () => {
    const bundle = manyStencilsProgram(100);
    const u280 = loadPlatform("u280");
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 4, replicas: 1, uram: true });
    const file = join(OUT, "stencils100.html");
    // As auto had chosen W = 8: its point is drawn too.
    const report = { ...buildReport(p, u280), auto: { maxUtil: 0.8, candidates: [], best: { vectorWidth: 8, replicas: 1, gops: 2 * buildReport(p, u280).performance.gops, bound: "pipeline", maxFraction: 0.4, fits: true } } };
    writeFileSync(file, htmlReport({ report, pipeline: p, platform: u280, sources: bundle.sources }));
    const shot = join(OUT, "stencils100.png");
    const c = await renderInChromium(file, shot, [1600, 1800]);
    expectClean(c);
    expect(c.nodes).toBe(p.readers.length + p.pes.length + p.writers.length + p.channels.length);
    const pipeline = c.svgs.find((s) => s.id === "pipeline")!;
    expect(pipeline.width).toBeGreaterThan(100 * 100); // a hundred layers of boxes side by side
    expect(pngSize(shot)).toEqual([1600, 1800]);
    console.log(`screenshot: ${shot}`);
  });
});
