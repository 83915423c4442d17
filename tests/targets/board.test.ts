// Issue 7, "on the board": what a generated Vitis / Intel project does on real hardware that no
// g++ run shows — bank connectivity of time loops (item 1), the XRT host (6), SLR placement (7),
// Intel flags and estimates (8), memory capacity (9) and the project's data and targets (18).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadProgram, parseProgram } from "../../src/frontend/load_program.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { GIB, placeMemory } from "../../src/platform/placement.js";
import { buildReport, formatReport } from "../../src/report/report.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { vitisProject } from "../../src/targets/vitis_project.js";
import { cli } from "../helpers.js";

const u280 = loadPlatform("u280");
const u250 = loadPlatform("u250");

function project(file: string, platform = u280, W = 8, P = 1) {
  const bundle = loadProgram(file);
  const p = lowerToPipeline(bundle.sdfg, { vectorWidth: W, replicas: P, uram: platform.resources.uram > 0 });
  const files = vitisProject(bundle, p, platform);
  return (path: string) => files.get(path)!.toString();
}

/** A one-stencil program over `dims` with constant input data. */
function bigProgram(dims: number[], dir = mkdtempSync(join(tmpdir(), "big-"))): string {
  const file = join(dir, "big.json");
  writeFileSync(file, JSON.stringify({
    inputs: { a: { data: "constant:1", data_type: "float32" } }, outputs: ["b"], dimensions: dims,
    program: { b: { computation_string: "b = a[i,j,k] + 1.0", boundary_conditions: { a: { type: "constant", value: 0 } }, data_type: "float32" } },
  }));
  return file;
}

describe("item 1: ports that trade buffers in a time loop", () => {
  it("share one bank range in link.cfg, and the host puts each buffer in a bank of it", () => {
    const text = project("stencils/hdiff_t7.json", u280, 8, 2);
    const link = text("link.cfg");
    const sp = Object.fromEntries([...link.matchAll(/^sp=top_1\.(\w+):(\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(sp.u).toBe("HBM[0:1]");
    expect(sp.out).toBe("HBM[0:1]");
    expect(sp.coeff).toBe("HBM[2]");
    const host = text("host/host.cpp");
    expect(host).toContain('xrt::bo u_bo_(device_, 65536 * sizeof(float), bank_(binary_, kernel_, "HBM[0]", 0));');
    expect(host).toContain('xrt::bo out_bo_(device_, 65536 * sizeof(float), bank_(binary_, kernel_, "HBM[1]", 2));');
    expect(host).toContain("std::swap(u_bo_, out_bo_);");
    // The emulation models the same connectivity (the failing run is in tests/emulate/xrt_connectivity.test.ts).
    expect(host).toContain('const sdfg_xrt_sim::Connectivity connectivity_("top", {{"u", {"HBM[0]", "HBM[1]"}}, {"coeff", {"HBM[2]"}}, {"out", {"HBM[0]", "HBM[1]"}}});');
  });
});

describe("item 6: the XRT host", () => {
  const host = project("stencils/hdiff_t7.json", u280, 8, 2)("host/host.cpp");

  it("includes top.h and hls_vector.h only in the emulation branch: it preprocesses with just XRT's headers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xrt-"));
    for (const h of ["xrt_device.h", "xrt_kernel.h", "xrt_bo.h", "xrt_hw_context.h", "experimental/xrt_xclbin.h"]) {
      mkdirSync(join(dir, "xrt", "experimental"), { recursive: true });
      writeFileSync(join(dir, "xrt", h), "// stand-in for an XRT header\n");
    }
    writeFileSync(join(dir, "host.cpp"), host);
    writeFileSync(join(dir, "sdfg_npy.h"), readFileSync("sim/include/sdfg_npy.h"));
    // No -I kernel and no sim/include: top.h or hls_vector.h outside the emulation branch fails.
    const r = await execa("g++", ["-std=c++17", "-E", "-I", dir, join(dir, "host.cpp"), "-o", "/dev/null"], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
  });

  it("times the kernel runs alone, not the device, xclbin or transfers", () => {
    const hw = host.slice(host.indexOf("xrt::device device_(0);"), host.indexOf("#endif", host.indexOf("xrt::device device_(0);")));
    const timed = [...hw.matchAll(/const auto run_start_ = std::chrono::steady_clock::now\(\);\n([\s\S]*?)\n\s*kernel_seconds_ \+=/g)].map((m) => m[1]!.trim().split("\n").map((l) => l.trim()));
    expect(timed).toEqual([["xrt::run run_ = kernel_(u_bo_, coeff_bo_, out_bo_, steps_);", "run_.wait();"]]);
    expect(host).toContain("const double seconds_ = kernel_seconds_;");
    expect(host).not.toMatch(/\bstart_ = /);
  });

  it("uses the hardware-context API", () => {
    expect(host).toContain("const xrt::uuid uuid_ = device_.register_xclbin(binary_);");
    expect(host).toContain("xrt::hw_context context_(device_, uuid_);");
    expect(host).toContain('xrt::kernel kernel_(context_, "top");');
    expect(host).not.toMatch(/load_xclbin/);
  });

  it("`make host_xrt` stops with a clear message when XILINX_XRT is unset", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gen-"));
    expect((await cli(["generate", "stencils/jacobi2d.json", "-o", join(dir, "p")])).exitCode).toBe(0);
    const env = { ...process.env };
    delete env.XILINX_XRT;
    const r = await execa("make", ["host_xrt"], { cwd: join(dir, "p"), env, extendEnv: false, reject: false, all: true });
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/XILINX_XRT is not set/);
    expect(r.all).not.toMatch(/-I\/include/);
    expect(readFileSync(join(dir, "p", "Makefile"), "utf8")).toMatch(/-isystem \$\(XILINX_XRT\)\/include/);
  });
});

describe("item 7: compute-unit placement", () => {
  it("U280: every HBM bank is in SLR0, so the compute unit goes there", () => {
    expect(project("stencils/hdiff.json", u280)("link.cfg")).toMatch(/^slr=top_1:SLR0$/m);
  });

  it("U250: ports on DDR[0..2] sit in three SLRs, so the linker places the compute unit (no SLR0 pin)", () => {
    const link = project("stencils/hdiff.json", u250)("link.cfg");
    expect([...link.matchAll(/^sp=top_1\.\w+:(DDR\[\d\])$/gm)].map((m) => m[1])).toEqual(["DDR[0]", "DDR[1]", "DDR[2]"]);
    expect(link).not.toMatch(/^slr=/m);
    expect(link).toMatch(/linker places the compute unit/);
  });
});

describe("item 9: memory capacity", () => {
  const MiB = 1024 ** 2;
  it("spreads a 1 GiB array over four 256 MiB pseudo-channels (HBM[a:b]) and the next array after them", () => {
    const pl = placeMemory([{ name: "a", argIndex: 0, bytes: GIB }, { name: "b", argIndex: 1, bytes: GIB }, { name: "c", argIndex: 2, bytes: 3 * MiB }], [], u280);
    expect(pl.problem).toBeUndefined();
    expect(pl.ports.map((x) => [x.name, x.sp, x.bufferBanks.length])).toEqual([["a", "HBM[0:3]", 4], ["b", "HBM[4:7]", 4], ["c", "HBM[8]", 1]]);
    expect(pl.ports[0]!.why).toMatch(/1\.00 GiB is more than one bank holds \(256 MiB\)/);
  });

  it("refuses arrays that do not fit the board's memory at all (9 GiB on the U280's 8 GiB of HBM)", () => {
    const pl = placeMemory([{ name: "a", argIndex: 0, bytes: 9 * GIB }], [], u280);
    expect(pl.problem).toMatch(/the arrays need 9\.00 GiB \('a' 9\.00 GiB\), more than the u280's HBM holds \(32 x 256 MiB\)/);
    expect(placeMemory([{ name: "a", argIndex: 0, bytes: 20 * GIB }], [], u250).problem).toMatch(/'a' needs 20\.00 GiB, more than one bank of the u250's DDR holds \(16\.00 GiB\); one buffer cannot span DDR banks/);
  });

  it("report: a 1 GiB array is shown on its channel range, and arrays over the board's memory do NOT fit", () => {
    const big = loadProgram(bigProgram([512, 512, 1024]));
    const r = buildReport(lowerToPipeline(big.sdfg, { vectorWidth: 8, replicas: 1, uram: true }), u280);
    expect(r.memory.ports.map((x) => x.sp)).toEqual(["HBM[0:3]", "HBM[4:7]"]);
    expect(formatReport(r, u280)).toMatch(/^ {2}a +1\.00 GiB {2}HBM\[0:3\] +buffer in HBM\[0\]-HBM\[3\]/m);
    expect(formatReport(r, u280)).toMatch(/spread over 4 banks for capacity/);
    expect(r.fits).toBe(true);
    const huge = loadProgram(bigProgram([2048, 1024, 1024]));
    const h = buildReport(lowerToPipeline(huge.sdfg, { vectorWidth: 8, replicas: 1, uram: true }), u280);
    expect(h.fits).toBe(false);
    expect(formatReport(h, u280)).toMatch(/does NOT fit: the arrays need 16\.00 GiB \('a' 8\.00 GiB, 'b' 8\.00 GiB\), more than the u280's HBM holds \(32 x 256 MiB\)/);
  });

  it("generate refuses a program whose arrays do not fit: one line naming the program, exit 2, nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "big-"));
    const file = bigProgram([2048, 1024, 1024], dir);
    const r = await cli(["generate", file, "-o", join(dir, "out")]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: does not fit the Alveo U280: the arrays need 16\\.00 GiB`));
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

describe("item 8: Intel resource estimate", () => {
  it("counts block RAM as M20K, has no URAM row, and says when the board shell is not recorded", () => {
    const n520 = loadPlatform("520n");
    const r = buildReport(lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 8, replicas: 1, uram: false }), n520);
    expect(r.resources.map((x) => x.unit)).toEqual(["ALM", "FF", "DSP", "M20K"]);
    const text = formatReport(r, n520);
    expect(text).not.toMatch(/BRAM|URAM/);
    expect(text).toMatch(/board shell is NOT included: platforms\/520n\.json records no shellOverhead/);
    expect(formatReport(buildReport(lowerToPipeline(loadProgram("stencils/hdiff.json").sdfg, { vectorWidth: 8, replicas: 1, uram: true }), u280), u280)).toMatch(/board shell included/);
  });
});

describe("item 18: generated projects", () => {
  it("--no-data leaves the input data out and says so; the README lists what to put in data/", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gen-"));
    const r = await cli(["generate", "stencils/hdiff.json", "--no-data", "-o", join(dir, "p")]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(dir, "p", "data"))).toBe(false);
    expect(r.stderr).toMatch(/^note: data\/u\.npy left out \(`--no-data`\); the program takes it from `data\/hdiff_u_16x64x64_fp32\.dat` \(dat, relative to the program file\)$/m);
    expect(readFileSync(join(dir, "p", "README.md"), "utf8")).toMatch(/\| `u` \| float32, 16 x 64 x 64 \| left out/);
  });

  it("copies inputs up to the copy limit and references larger ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gen-"));
    const file = bigProgram([8, 256, 256], dir); // 2 MiB
    const r = await cli(["generate", file, "--copy-limit", "1", "-o", join(dir, "p")]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(dir, "p", "data", "a.npy"))).toBe(false);
    expect(r.stderr).toMatch(/note: data\/a\.npy not copied: 2 MiB is over the 1 MiB copy limit; the program takes it from "constant:1"/);
    const r2 = await cli(["generate", file, "--copy-limit", "4", "-o", join(dir, "q")]);
    expect(r2.exitCode, r2.stderr).toBe(0);
    expect(readFileSync(join(dir, "q", "data", "a.npy")).length).toBe(8 * 256 * 256 * 4 + 128);
  });

  it("--with-reference ships the CPU reference's outputs and `make sim` verifies against them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gen-"));
    const r = await cli(["generate", "stencils/jacobi2d.json", "--with-reference", "-o", join(dir, "p")]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "p", "reference", "b.npy")).subarray(1, 6).toString()).toBe("NUMPY");
    const make = readFileSync(join(dir, "p", "Makefile"), "utf8");
    expect(make).toMatch(/--outputs out_\$\(TARGET\) --verify reference$/m);
    const sim = await execa("make", ["-s", "sim"], { cwd: join(dir, "p"), reject: false, all: true });
    expect(sim.exitCode, sim.all).toBe(0);
    expect(sim.all).toMatch(/verification passed/);
    // And a wrong reference is caught: the shipped outputs are what the host checks against.
    const ref = readFileSync(join(dir, "p", "reference", "b.npy"));
    ref.writeFloatLE(ref.readFloatLE(ref.length - 4) + 1, ref.length - 4);
    writeFileSync(join(dir, "p", "reference", "b.npy"), ref);
    const bad = await execa("make", ["-s", "sim"], { cwd: join(dir, "p"), reject: false, all: true });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.all).toMatch(/verification FAILED/);
  }, 240_000);

  it("has a csynth-only target, passes --clock to v++ --kernel_frequency, and carries no Intel header", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gen-"));
    const r = await cli(["generate", "stencils/hdiff.json", "--clock", "250", "-o", join(dir, "p")]);
    expect(r.exitCode, r.stderr).toBe(0);
    const p = join(dir, "p");
    const dry = (target: string) => execa("make", ["-n", target], { cwd: p, reject: false, all: true });
    const xo = await dry("build_hw/top.xo");
    expect(xo.all).toMatch(/^v\+\+ -c --platform \S+ -t hw --kernel_frequency 250 .* -k top /m);
    const csynth = await dry("csynth");
    expect(csynth.all).toMatch(/^v\+\+ -c --mode hls --platform \S+ --config hls_config\.cfg --hls\.clock 250MHz --work_dir build_csynth$/m);
    expect(readFileSync(join(p, "hls_config.cfg"), "utf8")).toMatch(/^syn\.top=top$/m);
    expect(existsSync(join(p, "sim", "include", "intel_channels.h"))).toBe(false);
    expect(existsSync(join(p, "sim", "include", "hls_stream.h"))).toBe(true);
    const bad = await cli(["generate", "stencils/hdiff.json", "--target", "intel", "--clock", "250", "-o", join(dir, "i")]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^--clock: the intel target takes no clock target/);
  });

  it("the CPU project gets a README", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gen-"));
    expect((await cli(["generate", "stencils/jacobi2d.json", "--target", "cpu", "-o", join(dir, "c")])).exitCode).toBe(0);
    const readme = readFileSync(join(dir, "c", "README.md"), "utf8");
    expect(readme).toMatch(/^# jacobi2d: CPU reference$/m);
    expect(readme).toMatch(/make run/);
  });
});
