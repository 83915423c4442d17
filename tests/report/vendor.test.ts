// Vendor reports read back: Vitis HLS's csynth.xml and aoc's reports/ JSON, written in the tools'
// documented layout (tests/report/fixtures), put beside the estimate; bad files refused in one line.
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/frontend/load_program.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { buildReport } from "../../src/report/report.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { parseCsynthXml, readCsynthXml } from "../../src/report/vendor/csynth_xml.js";
import { readAocReports } from "../../src/report/vendor/aoc_reports.js";
import { compareWithEstimate, kernelOnlyEstimate } from "../../src/report/vendor/compare.js";
import { cli } from "../helpers.js";

const FIX = join("tests", "report", "fixtures");
const CSYNTH = join(FIX, "top_csynth.xml");
const AOC = join(FIX, "aoc", "reports");

describe("Vitis HLS csynth.xml", () => {
  it("reads resources in the estimate's units, the clock, the latency and every loop's II", () => {
    const m = readCsynthXml(CSYNTH);
    expect(m.tool).toBe("Vitis HLS");
    expect(m.scope).toBe("kernel");
    // EstimatedClockPeriod 3.125 ns = 320 MHz; TargetClockPeriod 3.33 ns = 300.3 MHz.
    expect(m.clockMHz).toBeCloseTo(320, 9);
    expect(m.targetClockMHz).toBeCloseTo(300.3, 1);
    expect(m.latencyCycles).toBe(8312);
    const by = Object.fromEntries(m.resources.map((r) => [r.resource, r]));
    expect(by.lut!.used).toBe(35120);
    expect(by.ff!.used).toBe(41230);
    expect(by.dsp!.used).toBe(301);
    // 58 BRAM_18K halves = 29 BRAM36 blocks; the part's 4032 halves = the U280's 2016 BRAM36.
    expect(by.bram!.used).toBe(29);
    expect(by.bram!.available).toBe(2016);
    expect(by.bram!.asReported).toBe("BRAM_18K 58");
    // Nested loops keep their parent's name; "-" is a loop Vitis did not pipeline.
    expect(m.loops).toEqual([
      { name: "read_u_loop", ii: 1 }, { name: "pe_lap_loop", ii: 1 }, { name: "pe_out_loop", ii: 2 },
      { name: "write_out_outer", ii: null }, { name: "write_out_outer/write_out_inner", ii: 1 },
    ]);
  });

  it("is compared with the kernel-only estimate (the board shell left out)", () => {
    const u280 = loadPlatform("u280");
    const p = lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 8, replicas: 1, uram: true });
    const report = buildReport(p, u280);
    const c = compareWithEstimate(readCsynthXml(CSYNTH), report, kernelOnlyEstimate(p, u280));
    const withShell = (k: string) => report.resources.find((x) => x.resource === k)!.used;
    const lut = c.resources.find((x) => x.resource === "lut")!;
    expect(lut.estimated).toBe(withShell("lut") - u280.shellOverhead!.lut);
    expect(lut.measured).toBe(35120);
    expect(c.resources.find((x) => x.resource === "bram")!.estimated).toBe(withShell("bram") - u280.shellOverhead!.bram);
    expect(c.resources.find((x) => x.resource === "dsp")!.estimated).toBe(withShell("dsp"));
    expect(c.worstII).toBe(2);
    expect(c.clock.estimatedMHz).toBe(report.performance.clockMHz);
    expect(c.cycles).toEqual({ estimated: report.performance.cyclesPerPass, measured: 8312 });
  });

  it.each([
    ["{\"profile\": 1}", /x\.xml: not XML/],
    ["<report><a>1</a></report>", /x\.xml: not a Vitis HLS csynth\.xml: the root element is <report>, expected <profile>/],
    ["<profile><AreaEstimates/></profile>", /x\.xml: missing <PerformanceEstimates>/],
    ["<profile><PerformanceEstimates><SummaryOfTimingAnalysis><EstimatedClockPeriod>fast</EstimatedClockPeriod></SummaryOfTimingAnalysis></PerformanceEstimates></profile>",
      /x\.xml: <EstimatedClockPeriod> at SummaryOfTimingAnalysis\/EstimatedClockPeriod is "fast", not a number/],
    ["<profile><PerformanceEstimates><SummaryOfTimingAnalysis><EstimatedClockPeriod>3.1</EstimatedClockPeriod></SummaryOfTimingAnalysis></PerformanceEstimates><AreaEstimates><Resources><FF>1</FF><DSP>1</DSP><BRAM_18K>1</BRAM_18K></Resources></AreaEstimates></profile>",
      /x\.xml: missing <LUT> in <AreaEstimates\/Resources>/],
  ])("refuses %s in one line naming the file and the element", (text, message) => {
    expect(() => parseCsynthXml(text, "x.xml")).toThrow(message);
  });
});

describe("aoc reports/ JSON", () => {
  it("reads the fitted kernel system, the kernel clock and each loop's II", () => {
    const m = readAocReports(AOC);
    expect(m.tool).toBe("aoc");
    expect(m.file).toBe(join(AOC, "lib", "json", "quartus.json"));
    // The "Kernel System" row (kernel only), not "Total Used (Entire System)"; "61,200.5" ALMs.
    expect(m.scope).toBe("kernel");
    expect(Object.fromEntries(m.resources.map((r) => [r.resource, r.used]))).toEqual({ lut: 61200.5, ff: 118302, dsp: 296, bram: 171 });
    expect(m.clockMHz).toBe(287.5);
    // `data` leaves out the name column: II is data[1]; "n/a" is a kernel that is not pipelined.
    expect(m.loops).toEqual([
      { name: "Kernel: read_u", ii: 1 }, { name: "read_u.B1", ii: 1 },
      { name: "Kernel: pe_out", ii: 1 }, { name: "pe_out.B2", ii: 3 },
      { name: "Kernel: write_out", ii: null },
    ]);
  });

  it("falls back to the compiler's area estimate when no fit ran (quartus.json says TBD)", () => {
    const m = readAocReports(join(FIX, "aoc_no_fit"));
    expect(m.file).toBe(join(FIX, "aoc_no_fit", "area.json"));
    expect(m.clockMHz).toBeUndefined();
    // 118400 ALUTs = 59200 ALMs (two ALUTs per ALM).
    expect(Object.fromEntries(m.resources.map((r) => [r.resource, r.used]))).toEqual({ lut: 59200, ff: 236000, bram: 180, dsp: 288 });
  });

  it("refuses a folder that is no aoc report, and broken JSON, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "aoc-"));
    expect(() => readAocReports(dir)).toThrow(/holds no quartus\.json, area\.json or loops\.json/);
    mkdirSync(join(dir, "lib", "json"), { recursive: true });
    writeFileSync(join(dir, "lib", "json", "loops.json"), "{\"columns\": [\"\", \"Pipelined\"], \"children\": []}");
    writeFileSync(join(dir, "lib", "json", "quartus.json"), "{\"quartusFitResourceUsageSummary\": {\"nodes\": [{\"name\": \"Quartus Fitter: Kernel System\", \"alm\": \"lots\"}]}}");
    expect(() => readAocReports(dir)).toThrow(`${join(dir, "lib", "json", "quartus.json")}: $.quartusFitResourceUsageSummary.nodes[0].alm is "lots", not a number`);
    writeFileSync(join(dir, "lib", "json", "quartus.json"), "{\"quartusFitResourceUsageSummary\": {\"nodes\": [{\"name\": \"Quartus Fitter: Kernel System\", \"alm\": \"5\"}]}}");
    // A loops.json without an II column (the navigation tree of newer releases) is no error:
    // the IIs come from loops_attr.json, or the comparison says there are none.
    expect(readAocReports(dir).notes).toEqual(["no fitted kernel clock (quartus.json missing or TBD: no hardware compile yet)", "no initiation intervals (neither loops.json with an II column nor loops_attr.json)"]);
    writeFileSync(join(dir, "lib", "json", "loops_attr.json"), JSON.stringify({ nodes: [{ name: "pe_out", children: [{ name: "pe_out.B1", ii: "2", children: [{ name: "pe_out.B2", ii: 1 }] }] }] }));
    expect(readAocReports(dir).loops).toEqual([{ name: "pe_out.B1", ii: 2 }, { name: "pe_out.B2", ii: 1 }]);
    writeFileSync(join(dir, "lib", "json", "loops.json"), "{\"columns\": [");
    expect(() => readAocReports(dir)).toThrow(new RegExp(`^${join(dir, "lib", "json", "loops.json")}: not valid JSON`));
  });
});

describe("report --hls-report / --aoc-report", () => {
  it("prints measured beside estimated in text and JSON", async () => {
    const text = await cli(["report", "stencils/hdiff.json", "-W", "8", "--hls-report", CSYNTH]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/measured by Vitis HLS \(tests\/report\/fixtures\/top_csynth\.xml; kernel only, estimate without the shell\)/);
    expect(text.stdout).toMatch(/\n {2}BRAM36 +\d+ +29 {2}\(BRAM_18K 58\)\n/);
    expect(text.stdout).toMatch(/\n {2}MHz +\d+\.\d +320\.0 {2}\(target 300\.3\)\n/);
    expect(text.stdout).toMatch(/\n {2}II +1 +2 {2}\(worst over 5 loop\(s\), 1 not pipelined\)\n/);
    expect(text.stdout).toMatch(/loop pe_out_loop: II 2/);
    const intel = await cli(["report", "stencils/hdiff.json", "-p", "520n", "--aoc-report", AOC, "--json"]);
    expect(intel.exitCode, intel.stderr).toBe(0);
    const v = JSON.parse(intel.stdout).vendor[0];
    expect(v.clock.measuredMHz).toBe(287.5);
    expect(v.resources.find((r: { resource: string }) => r.resource === "dsp").measured).toBe(296);
    expect(v.worstII).toBe(3);
  });

  it("refuses a report of the other vendor's tool, a bad file, and a DaCe program: one line, exit 2", async () => {
    const wrong = await cli(["report", "stencils/hdiff.json", "-p", "520n", "--hls-report", CSYNTH]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toBe("--hls-report: a Vitis HLS report goes with a Xilinx board; --platform 520n is intel");
    const bad = await cli(["report", "stencils/hdiff.json", "--hls-report", "stencils/hdiff.json"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe("stencils/hdiff.json: not XML (a Vitis HLS csynth.xml starts with `<?xml` or `<profile>`)");
    const dace = await cli(["report", "prog.sdfg", "--hls-report", CSYNTH]);
    expect(dace.exitCode).toBe(2);
    expect(dace.stderr).toBe("--hls-report: takes stencil programs (.json) only: DaCe programs are not compared with vendor reports yet");
  });
});
