// The command line as a user meets it: generate, determinism, errors.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { cli, tree } from "../helpers.js";


describe("sdfg-fpga generate", () => {
  it("writes the complete Vitis project for hdiff on the U280, byte-identical on a rerun", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "gen-"));
    const a = await cli(["generate", "stencils/hdiff.json", "--target", "xilinx", "--platform", "u280", "-o", join(tmp, "a")]);
    expect(a.exitCode, a.stderr).toBe(0);
    const b = await cli(["generate", "stencils/hdiff.json", "--target", "xilinx", "--platform", "u280", "-o", join(tmp, "b")]);
    expect(b.exitCode).toBe(0);
    const ta = tree(join(tmp, "a"));
    const tb = tree(join(tmp, "b"));
    for (const f of ["kernel/top.cpp", "kernel/top.h", "kernel/sdfg_dataflow.h", "host/host.cpp", "host/sdfg_npy.h", "link.cfg", "Makefile", "README.md", "report.html", "hdiff.sdfg.json", "data/u.npy", "data/coeff.npy", "sim/include/hls_stream.h"]) {
      expect(ta.has(f), f).toBe(true);
    }
    expect([...ta.keys()]).toEqual([...tb.keys()]);
    for (const [k, v] of ta) expect(v.equals(tb.get(k)!), k).toBe(true);

    const link = ta.get("link.cfg")!.toString();
    expect(link).toMatch(/^\[connectivity\]$/m);
    expect(link).toMatch(/^nk=top:1:top_1$/m);
    expect(link).toMatch(/^sp=top_1\.u:HBM\[\d+\]$/m);
    expect(link).toMatch(/^sp=top_1\.out:HBM\[\d+\]$/m);
    const make = ta.get("Makefile")!.toString();
    for (const t of ["sw_emu", "hw_emu", "hw", "v++ -c", "v++ -l", "emconfigutil"]) expect(make).toContain(t);
    expect(make).toMatch(/^\tv\+\+ -c/m); // recipes start with a tab
  });

  it("generates a project whose kernel and host compile with g++ -Wall -Werror against its own sim/ and run", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "gen-"));
    const dir = join(tmp, "p");
    expect((await cli(["generate", "stencils/hdiff.json", "-o", dir])).exitCode).toBe(0);
    const r = await execa("make", ["-s", "sim"], { cwd: dir, reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(readFileSync(join(dir, "Makefile"), "utf8")).toMatch(/SIM_FLAGS := .*-Wall -Wextra -Werror/);
    expect(existsSync(join(dir, "out_sim", "out.npy"))).toBe(true);
    // The host's own verifier accepts its output and rejects a perturbed one.
    const ok = await execa(join(dir, "host_sim"), ["--inputs", join(dir, "data"), "--outputs", join(tmp, "o2"), "--verify", join(dir, "out_sim")], { reject: false, all: true });
    expect(ok.all).toMatch(/verification passed/);
  });

  it("at W = 8 puts every array on its own HBM pseudo-channel and moves wide memory words", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "gen-"));
    const r = await cli(["generate", "stencils/hdiff.json", "--target", "xilinx", "--platform", "u280", "-W", "8", "-o", join(tmp, "w8")]);
    expect(r.exitCode, r.stderr).toBe(0);
    const link = readFileSync(join(tmp, "w8", "link.cfg"), "utf8");
    const banks = [...link.matchAll(/^sp=top_1\.(\w+):(HBM\[\d+\])$/gm)].map((m) => [m[1], m[2]]);
    expect(banks.map((b) => b[0]).sort()).toEqual(["coeff", "out", "u"]);
    expect(new Set(banks.map((b) => b[1])).size).toBe(3);
    const header = readFileSync(join(tmp, "w8", "kernel", "top.h"), "utf8");
    expect(header).toMatch(/constexpr int W_ = 8;/);
    expect(header).toMatch(/typedef hls::vector<float, W_> float_vec_;/);
    expect(header).toMatch(/void top\(const float_vec_\* u, const float_vec_\* coeff, float_vec_\* out\)/);
  });

  it("writes a CPU project", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "gen-"));
    const r = await cli(["generate", "stencils/jacobi2d.json", "--target", "cpu", "-o", join(tmp, "cpu")]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(tmp, "cpu", "reference.cpp"))).toBe(true);
  });
});

describe("bad input", () => {
  const cases: [string, string[], RegExp][] = [
    ["a missing program file", ["generate", "nope.json", "-o", "OUT"], /^nope\.json: program file does not exist$/],
    ["an unknown platform", ["generate", "stencils/hdiff.json", "--platform", "vu9p", "-o", "OUT"], /^--platform: unknown platform 'vu9p'/],
    ["an Intel board for the Xilinx target", ["generate", "stencils/hdiff.json", "--platform", "520n", "-o", "OUT"], /^--platform: '520n' is an intel board; --target xilinx needs a Xilinx board$/],
    ["a Xilinx board for the Intel target", ["generate", "stencils/hdiff.json", "--target", "intel", "--platform", "u280", "-o", "OUT"], /^--platform: 'u280' is a xilinx board; --target intel needs an Intel board$/],
    ["a width without an OpenCL vector type", ["generate", "stencils/hdiff.json", "--target", "intel", "-W", "32", "-o", "OUT"], /^--vector-width: the intel target needs an OpenCL vector width \(1, 2, 4, 8 or 16\), got W=32$/],
    ["a vector width that does not divide the innermost extent", ["generate", "stencils/hdiff.json", "-W", "3", "-o", "OUT"], /^--vector-width: the innermost extent 64 is not a multiple of W=3$/],
    ["a bad target", ["generate", "stencils/hdiff.json", "--target", "asic", "-o", "OUT"], /argument 'asic' is invalid/],
  ];
  it.each(cases)("%s: one line, exit 2, nothing written", async (_n, args, message) => {
    const tmp = mkdtempSync(join(tmpdir(), "bad-"));
    const out = join(tmp, "out");
    const r = await cli(args.map((a) => (a === "OUT" ? out : a)));
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(3);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("a program error names file:line:col and leaves an existing output directory alone", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "bad-"));
    const prog = join(tmp, "p.json");
    writeFileSync(prog, JSON.stringify({
      inputs: { a: { data: "constant:1", data_type: "float32" } }, outputs: ["b"], dimensions: [8, 8],
      program: { b: { computation_string: "b = a[j,k] + q[j,k]", boundary_conditions: { a: { type: "constant", value: 0 } }, data_type: "float32" } },
    }, null, 2));
    const out = join(tmp, "out");
    writeFileSync(join(tmp, "marker"), "x");
    const r = await cli(["generate", prog, "-o", out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^${prog.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\\d+:\\d+: .*'q'`));
    expect(existsSync(out)).toBe(false);
  });
});

describe("sdfg-fpga platforms", () => {
  it("lists the six boards", async () => {
    const r = await cli(["platforms"]);
    expect(r.exitCode).toBe(0);
    for (const s of ["u250", "u280", "u55c", "u50", "520n", "a10gx"]) expect(r.stdout).toMatch(new RegExp(`^${s}\\s`, "m"));
  });
});
