// The HTML report without a browser: self-contained, byte-identical for the same input, names
// escaped, the same file in generated projects as from `report --html`, and the pipeline graph's
// layered layout at 100 stencils (no overlapping boxes, FIFOs next to their consumers).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/frontend/load_program.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { buildReport } from "../../src/report/report.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { htmlReport } from "../../src/report/html/html_report.js";
import { pipelineSvg } from "../../src/report/html/pipeline_svg.js";
import { cli } from "../helpers.js";
import { manyStencilsProgram } from "./many_stencils.js";

const u280 = loadPlatform("u280");

describe("HTML report", () => {
  it("is byte-identical from two runs, and generate puts the same file in Xilinx and Intel projects", async () => {
    const dir = mkdtempSync(join(tmpdir(), "html-"));
    const a = await cli(["report", "stencils/hdiff.json", "-W", "8", "--html", join(dir, "a.html")]);
    expect(a.exitCode, a.stderr).toBe(0);
    const html = readFileSync(join(dir, "a.html"), "utf8");
    writeFileSync(join(dir, "a.html"), html.replace("<h1>", "<h1>edited "));
    const again = await cli(["report", "stencils/hdiff.json", "-W", "8", "--html", join(dir, "a.html")]); // replaces its own report
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readFileSync(join(dir, "a.html"), "utf8")).toBe(html);
    const gen = await cli(["generate", "stencils/hdiff.json", "-W", "8", "--no-data", "-o", join(dir, "xilinx")]);
    expect(gen.exitCode, gen.stderr).toBe(0);
    expect(readFileSync(join(dir, "xilinx", "report.html"), "utf8")).toBe(html);
    const intel = await cli(["generate", "stencils/hdiff.json", "--target", "intel", "--no-data", "-o", join(dir, "intel")]);
    expect(intel.exitCode, intel.stderr).toBe(0);
    expect(readFileSync(join(dir, "intel", "report.html"), "utf8")).toMatch(/<h1>hdiff on Bittware 520N/);
    // Self-contained: no script, no link, no URL; the policy forbids loading anything.
    expect(html).not.toMatch(/<script|<link|<img|https?:|url\((?!#)/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html.match(/<svg /g)).toHaveLength(3);
  });

  it("never overwrites a file it did not write", async () => {
    const dir = mkdtempSync(join(tmpdir(), "html-"));
    writeFileSync(join(dir, "mine.html"), "<p>my notes</p>");
    const r = await cli(["report", "stencils/hdiff.json", "--html", join(dir, "mine.html")]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`${join(dir, "mine.html")}: exists and is not a report sdfg-fpga wrote: not overwritten (remove it or choose another --html file)\n`.trimEnd());
    expect(readFileSync(join(dir, "mine.html"), "utf8")).toBe("<p>my notes</p>");
  });

  it("escapes every name it prints", () => {
    const p = lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 1, replicas: 1, uram: true });
    const hostile = `<img src=x onerror="alert(1)">&\u202e`;
    const first = p.pes[0]!.name;
    const rename = (n: string) => (n === first ? hostile : n);
    const named = { ...p, name: hostile, pes: p.pes.map((x) => ({ ...x, name: rename(x.name) })), channels: p.channels.map((c) => ({ ...c, from: rename(c.from), to: rename(c.to) })) };
    const html = htmlReport({ report: { ...buildReport(p, u280), program: hostile }, pipeline: named, platform: u280, sources: { lap: `lap = u[i,j,k] </title><script>x</script>` } });
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).toContain("<title>lap: lap = u[i,j,k] &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>");
    expect(html).not.toContain("\u202e");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#x202E;");
  });

  it("shows cycles an RTL simulation measured and a memory placement problem", () => {
    const p = lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 1, replicas: 1, uram: true });
    const r = buildReport(p, u280, 280);
    // 280 000 cycles at 280 MHz are 1 ms.
    const html = htmlReport({ report: { ...r, measured: { cycles: 280000, idealCycles: 262144, efficiency: 0.9362 }, memory: { ...r.memory, problem: "'u' needs 2 GiB" } }, pipeline: p, platform: u280 });
    expect(html).toContain("<tr><td>RTL simulation measured</td><td>280000 cycles (ideal 262144, efficiency 93.6%): 1.000 ms</td></tr>");
    expect(html).toContain("<p><strong>Memory:</strong> &#39;u&#39; needs 2 GiB</p>");
  });

  it("draws the --auto choice on the roofline: one point when it is the design, two when not", () => {
    const p = lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 8, replicas: 1, uram: true });
    const r = buildReport(p, u280);
    const candidate = (W: number) => ({ vectorWidth: W, replicas: 1, gops: 60, bound: "memory", maxFraction: 0.2, fits: true });
    const same = htmlReport({ report: { ...r, auto: { maxUtil: 0.8, candidates: [], best: candidate(8) }, warnings: ["clock outside the board's range"] }, pipeline: p, platform: u280 });
    expect(same.match(/<circle /g)).toHaveLength(1);
    expect(same).toContain(`>--auto chose W=8 P=1: ${r.performance.gops.toFixed(1)} GOp/s</text>`);
    expect(same).toContain("<p class=\"note\">warning: clock outside the board&#39;s range</p>");
    const other = htmlReport({ report: { ...r, auto: { maxUtil: 0.8, candidates: [], best: candidate(16) } }, pipeline: p, platform: u280 });
    expect(other.match(/<circle /g)).toHaveLength(2);
    expect(other).toContain(">auto W=16 P=1: 60.0 GOp/s</text>");
  });

  it("lays out 100 stencils left to right in layers with no overlapping boxes", () => {
    const bundle = manyStencilsProgram(100);
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 1, replicas: 1 });
    expect(p.pes).toHaveLength(100);
    const picture = pipelineSvg(p);
    if ("refused" in picture) throw new Error(picture.refused);
    const { layout } = picture;
    const at = new Map(layout.nodes.map((n) => [n.id, n]));
    // Every channel goes right, through its FIFO, which sits in the layer just before its consumer.
    for (const c of p.channels) {
      const fifo = at.get(`fifo:${c.name}`)!;
      expect(at.get(c.from)!.layer).toBeLessThan(fifo.layer);
      expect(fifo.layer).toBe(at.get(c.to)!.layer - 1);
    }
    // The chain s0 → … → s99 needs a layer per PE and per FIFO between them.
    expect(layout.layers).toBeGreaterThanOrEqual(2 * 100 + 1);
    const boxes = layout.nodes;
    let overlaps = 0;
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const x = boxes[a]!;
        const y = boxes[b]!;
        if (x.x < y.x + y.width && y.x < x.x + x.width && x.y < y.y + y.height && y.y < x.y + x.height) overlaps++;
      }
    }
    expect(overlaps).toBe(0);
    for (const n of boxes) expect(n.x + n.width <= layout.width && n.y + n.height <= layout.height).toBe(true);
  });
});
