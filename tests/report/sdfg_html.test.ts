// `report --html` for DaCe programs (issue 12 items 2 and 5): streamed gemm (a systolic chain,
// P = 4), softmax (reduction PEs) and jacobi_2d (stencil PEs) and memory-mapped trisolv, measured
// in one Chromium launch with the checks of html_chromium.test.ts; the figures in the page are
// those `report --json` prints; generated projects carry the same page; same input, same bytes.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/report/html/escape.js";
import { htmlReport } from "../../src/report/html/html_report.js";
import { pipelineSvg } from "../../src/report/html/pipeline_svg.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { buildReport } from "../../src/report/report.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { loadSdfgBundle } from "../../src/targets/sdfg_program.js";
import { cli, SHARED } from "../helpers.js";
import { CHROMIUM, measureInChromium, type LayoutCheck } from "./chromium.js";

const sdfg = (name: string) => name === "vadv" ? join("tests", "data", "vadv", "vadv.sdfg") : join(SHARED, "peers", "npbench", name, `${name}.sdfg`);

interface Case { name: string; args: string[]; nodes: number }
/** vadv's vertical-solver pipeline: every process and every FIFO is a box of the picture. */
function vadvBoxes(): number {
  const b = loadSdfgBundle(sdfg("vadv"));
  const d = streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
  if (!d.streamed) throw new Error("vadv is not streamed");
  const l = lowerToPipeline(d.bundle.sdfg, { vectorWidth: 1, replicas: 1 }).linalg!;
  return l.processes.length + l.channels.length;
}
const STREAMED: Case[] = [
  // 3 matrix readers, 4 systolic PEs, the drain, 1 writer; 14 FIFOs (A and B into each PE, C between PEs and out).
  { name: "gemm", args: ["-P", "4"], nodes: 9 + 14 },
  // 1 reader, 3 map PEs, 2 reduction PEs, 1 writer; 8 FIFOs.
  { name: "softmax", args: [], nodes: 7 + 8 },
  // 2 readers, 2 stencil PEs, 2 writers; 6 FIFOs.
  { name: "jacobi_2d", args: [], nodes: 6 + 6 },
  // plane readers, column sweeps, plane reversals, plane writers and their FIFOs.
  { name: "vadv", args: [], nodes: vadvBoxes() },
];

let dir = "";
const html: Record<string, string> = {};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json: Record<string, any> = {};

async function reportHtml(name: string, args: string[], file = join(dir, `${name}.html`)): Promise<void> {
  const r = await cli(["report", sdfg(name), ...args, "--html", file, "--json"]);
  expect(r.exitCode, r.stderr).toBe(0);
  json[name] = JSON.parse(r.stdout);
  html[name] = readFileSync(file, "utf8");
}

function expectClean(c: LayoutCheck, name: string): void {
  expect(c.zeroBoxes, name).toEqual([]);
  expect(c.textOverflows, name).toEqual([]);
  expect(c.textOverlaps, name).toEqual([]);
  expect(c.nodeOverlaps, name).toEqual([]);
  expect(c.htmlOverflows, name).toEqual([]);
}

/** The value cell of a row of the roofline table. */
function figure(page: string, row: string): string {
  const m = new RegExp(`<tr><td>${row}</td><td>([^<]*)</td></tr>`).exec(page);
  if (!m) throw new Error(`no row '${row}'`);
  return m[1]!;
}

describe("HTML report of DaCe programs", () => {
  beforeAll(async () => {
    const v = await execa(CHROMIUM, ["--version"], { reject: false }).catch(() => undefined);
    if (!v || v.exitCode !== 0) throw new Error(`no Chromium (${CHROMIUM}): run tools/install-deps.sh as root, or set CHROMIUM`);
    dir = mkdtempSync(join(tmpdir(), "sdfg-html-"));
    await Promise.all([...STREAMED.map((c) => reportHtml(c.name, c.args)), reportHtml("trisolv", [])]);
  });

  it("streamed gemm, softmax, jacobi_2d and vadv and memory-mapped trisolv render in Chromium with nothing empty, cut off or overlapping", async () => {
    const checks = await measureInChromium([...STREAMED.map((c) => join(dir, `${c.name}.html`)), join(dir, "trisolv.html")], [1400, 2000]);
    STREAMED.forEach((c, k) => {
      const check = checks[k]!;
      expectClean(check, c.name);
      expect(check.svgs.map((s) => s.id), c.name).toEqual(["roofline", "resources", "pipeline"]);
      for (const s of check.svgs) expect(s.width * s.height, `${c.name} ${s.id}`).toBeGreaterThan(0);
      expect(check.nodes, c.name).toBe(c.nodes);
    });
    const mm = checks[STREAMED.length]!;
    expectClean(mm, "trisolv");
    expect(mm.svgs).toEqual([]); // no figures the model does not have
  });

  it("shows the figures report --json gives, the road every kernel took, and the new process kinds", () => {
    for (const c of STREAMED) {
      const page = html[c.name]!;
      const perf = json[c.name].performance;
      expect(figure(page, "throughput"), c.name).toBe(`${perf.gops.toFixed(1)} GOp/s, ${perf.gbs.toFixed(1)} GB/s off chip`);
      expect(figure(page, "operational intensity"), c.name).toBe(`${perf.intensity.toFixed(2)} op/B`);
      expect(figure(page, "pipeline ceiling"), c.name).toBe(`${perf.computeCeiling.toFixed(1)} GOp/s`);
      expect(figure(page, "bandwidth ceiling"), c.name).toBe(`${perf.bandwidthCeilingGBs.toFixed(1)} GB/s`);
      expect(figure(page, "run time"), c.name).toBe(`${(perf.seconds * 1e3).toFixed(3)} ms (${perf.passes} pass(es) of ${perf.cyclesPerPass} cycles)`);
      for (const r of json[c.name].resources) {
        const pct = `${((r.used / r.available) * 100).toFixed(1)}%`;
        expect(page, `${c.name} ${r.unit}`).toContain(`>${r.used.toLocaleString("en-US")} / ${r.available.toLocaleString("en-US")} (${pct})</text>`);
      }
      for (const k of json[c.name].kernels) expect(page, c.name).toContain(`<tr><td>${escapeHtml(k.name)}</td><td>streamed</td><td class="code">${escapeHtml(k.reason)}</td></tr>`);
      expect(page).not.toMatch(/<script|<link|<img|https?:|url\((?!#)/i);
    }
    // gemm, 40 x 48 x 44 on a chain of 4 PEs (W = 1): the last PE's loop is the longest,
    // 40/4 tiles x (4 - 3 + 48 x 44 + 4 x 44) = 22890 cycles, plus the fill; 2 op x 4 lanes x 280 MHz.
    const gemm = html.gemm!;
    expect(gemm.match(/<td>systolic-pe<\/td>/g)).toHaveLength(4);
    expect(gemm).toContain("<tr><td>pe_C_3_</td><td>systolic-pe</td><td>float64</td><td>22890</td>");
    expect(gemm).toContain(`slowest process, pe_C_3_ (22890 cycles), plus the chain's fill (${json.gemm.performance.fillCycles} cycles): ${json.gemm.performance.cyclesPerPass} cycles.`);
    expect(json.gemm.performance.cyclesPerPass).toBe(22890 + json.gemm.performance.fillCycles);
    expect(json.gemm.performance.computeCeiling).toBeCloseTo(2 * 4 * 0.28, 12);
    expect(gemm).toContain(">systolic PE 4 of 4: 40 x 48 x 44</text>");
    // softmax: a max and a sum over rows of 16, each a reduction PE box of its own.
    const softmax = html.softmax!;
    expect(softmax.match(/<g class="node reduction">/g)).toHaveLength(2);
    expect(softmax).toContain(">max over rows of 16 vector(s)</text>");
    expect(softmax).toContain(">sum over rows of 16 vector(s)</text>");
    // jacobi_2d: the delay lines of its windows, as the JSON lists them.
    for (const d of json.jacobi_2d.delayBuffers) expect(html.jacobi_2d).toContain(`<tr><td>${d.pe}</td><td>${d.field}</td><td>${d.vectors}</td><td>${d.storage.join(" + ")}</td></tr>`);
  });

  it("a memory-mapped program's page says so and why, with its arguments and nothing the model does not know", () => {
    const page = html.trisolv!;
    const j = json.trisolv;
    expect(j.kind).toBe("memory-mapped");
    expect(page).toContain("<p>A memory-mapped kernel (symbols N=64)");
    for (const k of j.kernels) expect(page).toContain(`<td class="code">${escapeHtml(k.reason)}</td>`);
    for (const a of j.arguments) expect(page).toContain(`<tr><td>${escapeHtml(a.name)}</td><td>${a.port}</td><td>${a.dtype}</td><td>${a.elements}</td><td>${a.bytes}</td>`);
    expect(page).toContain(`<p>Device memory footprint: ${j.globalBytes} bytes.</p>`);
    expect(page).not.toMatch(/<svg|GOp\/s|GB\/s/);
  });

  it("generate puts the same page in Xilinx and Intel projects, streamed or not, and the same input gives the same bytes", async () => {
    const project = (name: string, target: string, args: string[] = []) => cli(["generate", sdfg(name), ...args, "--target", target, "--no-data", "-o", join(dir, `${name}-${target}`)]);
    const runs = await Promise.all([
      project("gemm", "xilinx", ["-P", "4"]),
      project("trisolv", "xilinx"),
      project("softmax", "intel"),
      project("trisolv", "intel"),
      cli(["report", sdfg("softmax"), "-p", "520n", "--html", join(dir, "softmax-520n.html")]),
      cli(["report", sdfg("trisolv"), "-p", "520n", "--html", join(dir, "trisolv-520n.html")]),
      cli(["report", sdfg("softmax"), "--html", join(dir, "softmax.html")]), // replaces its own page
    ]);
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
    const page = (path: string) => readFileSync(join(dir, path), "utf8");
    expect(page("gemm-xilinx/report.html")).toBe(html.gemm);
    expect(page("trisolv-xilinx/report.html")).toBe(html.trisolv);
    expect(page("softmax-intel/report.html")).toMatch(/<h1>softmax on Bittware 520N/);
    expect(page("softmax-intel/report.html")).toBe(page("softmax-520n.html"));
    expect(page("trisolv-intel/report.html")).toMatch(/<h1>trisolv on Bittware 520N/);
    expect(page("trisolv-intel/report.html")).toBe(page("trisolv-520n.html"));
    expect(page("softmax.html")).toBe(html.softmax);
  });

  it("draws gemver's rank-update and matrix-vector PEs with their loops' cycles, each FIFO between its two processes", () => {
    const { d, p } = streamed("gemver", 4);
    const picture = pipelineSvg(p, d.bundle.sources, true);
    if ("refused" in picture) throw new Error(picture.refused);
    const svg = picture.svg.join("\n");
    // 64 x 64 at W = 4: 65 rows of 16 vectors (the first row's wait included); the
    // untransposed matrix-vector PE also drains its 8 interleaved partial sums.
    expect(svg).toContain(">rank-2 update 64 x 64</text>");
    expect(svg).toContain(">matrix-vector 64 x 64 transposed, 8 partial sum(s)</text>");
    expect(svg).toContain(">matrix-vector 64 x 64, 8 partial sum(s)</text>");
    expect(svg.match(/>float64, 1040 cycles<\/text>/g)).toHaveLength(2);
    expect(svg).toContain(">float64, 1048 cycles</text>");
    const at = new Map(picture.layout.nodes.map((n) => [n.id, n]));
    expect(at.size).toBe(p.linalg!.processes.length + p.linalg!.channels.length);
    for (const c of p.linalg!.channels) {
      const fifo = at.get(`fifo:${c.name}`)!;
      expect(at.get(c.from)!.layer, c.name).toBeLessThan(fifo.layer);
      expect(fifo.layer, c.name).toBe(at.get(c.to)!.layer - 1);
    }
  });

  it("escapes the names of reduction PEs and linear-algebra processes", () => {
    const hostile = `<img src=x onerror="alert(1)">`;
    const u280 = loadPlatform("u280");
    const { p: softmax } = streamed("softmax", 1);
    const r0 = softmax.reductions![0]!;
    const renamed = { ...softmax, reductions: softmax.reductions!.map((r) => (r === r0 ? { ...r, name: hostile, node: hostile } : r)), channels: softmax.channels.map((c) => ({ ...c, from: c.from === r0.name ? hostile : c.from, to: c.to === r0.name ? hostile : c.to })) };
    const { p: gemm } = streamed("gemm", 1);
    const first = gemm.linalg!.processes[0]!;
    const linalg = { ...gemm.linalg!, processes: gemm.linalg!.processes.map((x) => (x === first ? { ...x, name: hostile } : x)), channels: gemm.linalg!.channels.map((c) => ({ ...c, name: `${hostile}${c.name}`, from: c.from === first.name ? hostile : c.from })) };
    for (const p of [renamed, { ...gemm, linalg }]) {
      const page = htmlReport({ report: buildReport(p, u280), pipeline: p, platform: u280 });
      expect(page).not.toContain("<img");
      expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    }
  });
});

/** A streamed npbench program's pipeline at W (P = 1), on a board with UltraRAM. */
function streamed(name: string, W: number) {
  const b = loadSdfgBundle(sdfg(name));
  const d = streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
  if (!d.streamed) throw new Error(`${name} is not streamed`);
  return { d, p: lowerToPipeline(d.bundle.sdfg, { vectorWidth: W, replicas: 1, uram: true }) };
}
