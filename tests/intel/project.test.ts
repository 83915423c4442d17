// `generate --target intel`: the Intel FPGA SDK for OpenCL project for the Bittware 520N as a user
// meets it — deterministic, complete, its Makefile's `sim` target builds and verifies, bad boards
// and widths are one-line errors — and `emulate --target intel` through the CLI.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, tree } from "../helpers.js";


describe("sdfg-fpga generate --target intel", () => {
  let tmp: string;
  let files: Map<string, Buffer>;
  const text = (f: string) => files.get(f)!.toString();

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "gen-intel-"));
    const a = await cli(["generate", "stencils/hdiff.json", "--target", "intel", "--platform", "520n", "-o", join(tmp, "a")]);
    expect(a.exitCode, a.stderr).toBe(0);
    files = tree(join(tmp, "a"));
  });

  it("writes the same tree byte for byte on a rerun", async () => {
    const b = await cli(["generate", "stencils/hdiff.json", "--target", "intel", "--platform", "520n", "-o", join(tmp, "b")]);
    expect(b.exitCode, b.stderr).toBe(0);
    const tb = tree(join(tmp, "b"));
    expect([...files.keys()]).toEqual([...tb.keys()]);
    for (const [k, v] of files) expect(v.equals(tb.get(k)!), k).toBe(true);
  });

  it("has the kernels, host, Makefile, README, HTML report, SDFG, data and sim headers", () => {
    for (const f of ["kernel/kernels.cl", "host/host.cpp", "host/sdfg_npy.h", "Makefile", "README.md", "report.html", "hdiff.sdfg.json", "data/u.npy", "data/coeff.npy",
      "sim/include/intel_channels.h", "sim/include/sdfg_sim/fifo.h", "sim/include/sdfg_npy.h"]) {
      expect(files.has(f), f).toBe(true);
    }
  });

  it("the .cl declares every channel with its depth, autorun PEs and single work-item memory kernels", () => {
    const cl = text("kernel/kernels.cl");
    expect(cl).toMatch(/^#pragma OPENCL EXTENSION cl_intel_channels : enable$/m);
    expect(cl).toMatch(/^channel float u_to_lap_ __attribute__\(\(depth\(\d+\)\)\);/m);
    // delay 128 + 2 x (lap 23 + flx 15) + 4, as in tests/spatial/hdiff_pipeline.test.ts
    expect(cl).toMatch(/^channel float u_to_out_ __attribute__\(\(depth\(208\)\)\);/m);
    expect(cl.match(/^channel float \w+ __attribute__\(\(depth\(\d+\)\)\);/gm)!.length).toBe(10);
    expect(cl).toMatch(/__attribute__\(\(max_global_work_dim\(0\)\)\)\n__kernel void read_u_\(__global const float\* restrict u\)/);
    expect(cl).toMatch(/__attribute__\(\(max_global_work_dim\(0\)\)\)\n__kernel void write_out_\(__global float\* restrict out\)/);
    expect(cl).toMatch(/__attribute__\(\(autorun\)\)\n__attribute__\(\(max_global_work_dim\(0\)\)\)\n__kernel void pe_lap_\(\)/);
    expect(cl).toMatch(/#define SDFG_AUTORUN_LOOP while \(1\)/);
    expect(cl).toContain("read_channel_intel(u_to_lap_)");
    expect(cl).toContain("write_channel_intel(lap_to_flx_, out_);");
    expect(cl).toMatch(/^#pragma unroll$/m);
    // OpenCL C has no functional casts: conversions are C casts.
    expect(cl).not.toMatch(/[^(\w]float\(/);
    expect(cl).toContain("(float)(4.0)");
  });

  it("the Makefile builds for the emulator, the board, the report, the host and the g++ sim", () => {
    const make = text("Makefile");
    expect(make).toContain("-board=p520_max_sg280l");
    expect(make).toMatch(/^\taoc -march=emulator /m);
    expect(make).toMatch(/^\taoc \$\(AOC_BOARD\) \$\(AOC_HW_FLAGS\)/m);
    // Issue 7 item 8: the 21.3+ spellings, not the deprecated -fp-relaxed / -fpc.
    expect(make).toMatch(/^AOC_HW_FLAGS := -ffp-reassoc -ffp-contract=fast$/m);
    expect(make).not.toMatch(/-fp-relaxed|-fpc\b/);
    expect(make).toMatch(/^\taoc -rtl -report /m);
    expect(make).toContain("aocl compile-config");
    expect(make).toContain("aocl link-config");
    for (const t of ["emulator:", "hardware:", "report:", "host:", "sim:"]) expect(make).toMatch(new RegExp(`^${t}`, "m"));
  });

  it("the host spreads the arrays over the DDR banks, except in the emulator (no bank flags there)", () => {
    const host = text("host/host.cpp");
    expect(host).toContain("cl::Buffer u_buffer_(context_, CL_MEM_READ_ONLY | (emulator_ ? 0 : CL_CHANNEL_1_INTELFPGA),");
    expect(host).toContain("cl::Buffer coeff_buffer_(context_, CL_MEM_READ_ONLY | (emulator_ ? 0 : CL_CHANNEL_2_INTELFPGA),");
    expect(host).toContain("cl::Buffer out_buffer_(context_, CL_MEM_WRITE_ONLY | (emulator_ ? 0 : CL_CHANNEL_3_INTELFPGA),");
    expect(host).toContain('emulator_ = name_.find("Emulation") != std::string::npos;');
    expect(host).toContain("cl::Program program_(context_, devices_, binaries_);");
  });

  it("the host times the kernel runs alone, not programming the device or moving data", () => {
    const host = text("host/host.cpp");
    const hw = host.slice(host.indexOf("#else", host.indexOf("DataflowRegion")));
    const timed = hw.slice(hw.indexOf("const auto start_"), hw.indexOf("kernel_seconds_ = "));
    expect(timed).toMatch(/enqueueNDRangeKernel/);
    expect(timed).not.toMatch(/enqueueWriteBuffer|enqueueReadBuffer|cl::Program|cl::Buffer/);
    expect(host).toContain("const double seconds_ = kernel_seconds_;");
  });

  it("the README says the hardware build rounds differently and by how much --verify allows", () => {
    const readme = text("README.md");
    expect(readme).toMatch(/compile with `-ffp-reassoc -ffp-contract=fast`/);
    expect(readme).toMatch(/round differently from the CPU reference/);
    expect(readme).toContain("|got - want| <= atol + rtol * |want|, with rtol = 0.00001, atol = 0.000001 for float32.");
  });

  it("the README names the board and lists every FIFO", () => {
    const readme = text("README.md");
    expect(readme).toContain("Bittware 520N");
    expect(readme).toContain("p520_max_sg280l");
    expect(readme).toMatch(/^\| `u_to_out_` \| read_u_ \| pe_out_ \| 128 \| \d+ \|$/m);
  });

  it("`make sim` builds the kernels and host with g++ and the result verifies against the CPU reference", async () => {
    const dir = join(tmp, "a");
    const ref = join(tmp, "ref");
    const cpu = await cli(["emulate", "stencils/hdiff.json", "--target", "cpu", "--outputs", ref]);
    expect(cpu.exitCode, cpu.stderr).toBe(0);
    const make = await execa("make", ["-s", "host_sim"], { cwd: dir, reject: false, all: true });
    expect(make.exitCode, make.all).toBe(0);
    const run = await execa("./host_sim", ["--inputs", "data", "--outputs", "out_sim", "--verify", ref], { cwd: dir, reject: false, all: true });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toContain("verification passed");
    expect(existsSync(join(dir, "out_sim", "out.npy"))).toBe(true);
  });

  // The hardware host (CL/opencl.hpp): only where OpenCL C++ headers are installed
  // (Debian: opencl-clhpp-headers), or SDFG_FPGA_OPENCL_INCLUDE names their directory.
  const openclInclude = process.env.SDFG_FPGA_OPENCL_INCLUDE ?? (existsSync("/usr/include/CL/opencl.hpp") ? "/usr/include" : undefined);
  it.skipIf(openclInclude === undefined)("the hardware host compiles against the OpenCL C++ headers with -Wall -Werror", () => {
    // /usr/include is searched already; naming it again with -isystem breaks libstdc++'s #include_next.
    const include = openclInclude === "/usr/include" ? [] : [`-isystem${openclInclude}`];
    execFileSync("g++", ["-std=c++17", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas", "-fsyntax-only", ...include, "-I", join(tmp, "a", "host"), join(tmp, "a", "host", "host.cpp")]);
  });
});

describe("generate --target intel defaults and errors", () => {
  it("uses the 520N when no platform is given", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "gen-intel-"));
    const r = await cli(["generate", "stencils/jacobi2d.json", "--target", "intel", "-o", join(tmp, "p")]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(tmp, "p", "Makefile"), "utf8")).toContain("-board=p520_max_sg280l");
  });

  // Its bad-input cases (a Xilinx board, a width without an OpenCL vector type) are in tests/cli/cli.test.ts.
});

describe("sdfg-fpga emulate --target intel", () => {
  it("emulates jacobi2d and reports the match", async () => {
    const r = await cli(["emulate", "stencils/jacobi2d.json", "--target", "intel"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/jacobi2d: b \(\d+ elements\) matches the CPU reference/);
  });
});
