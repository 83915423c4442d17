// The CLI on DaCe programs: report/emulate/generate try the streaming patterns first and say
// which road each kernel took; -W/-P apply to streamed programs (and are refused, one line, where
// they cannot); --memory-mapped keeps the old road; emulate compares with <arg>.out.npy and
// fails when NumPy's result differs.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, SHARED } from "../helpers.js";

const NPBENCH = join(SHARED, "peers", "npbench");
const sdfg = (name: string) => join(NPBENCH, name, `${name}.sdfg`);

describe.concurrent("sdfg-fpga on .sdfg programs: streamed or memory-mapped, and why", () => {
  it.for(["jacobi_1d", "jacobi_2d", "heat_3d"])("report --json states that %s is streamed, with the stencil road's report", async (name, { expect: check }) => {
    const r = await cli(["report", sdfg(name), "--json"]);
    check(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as { kind: string; kernels: { name: string; mapping: string; reason: string }[]; timeSteps: number; vectorWidth: number; resources: unknown[] };
    check(j.kind).toBe("streamed");
    check(j.kernels.length).toBeGreaterThan(0);
    for (const k of j.kernels) check(k).toMatchObject({ mapping: "streamed", reason: expect.any(String), name: expect.any(String) });
    check(j.timeSteps).toBe(name === "jacobi_1d" ? 15 : 9);
    check(j.resources.length).toBeGreaterThan(0);
  });

  it("hdiff (arrays of two shapes): report --json says streamed; emulate at W=5 stores out_field's 16x16x15 box, equal to out_field.out.npy", async () => {
    const r = await cli(["report", sdfg("hdiff"), "--json"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as { kind: string; kernels: { mapping: string; reason: string }[] };
    expect(j.kind).toBe("streamed");
    expect(j.kernels).toHaveLength(20);
    for (const k of j.kernels) expect(k.mapping).toBe("streamed");
    expect(j.kernels.at(-1)!.reason).toMatch(/stencil 'out_field' \(its 16x16x15 array is the box at \(2, 2, 0\) of the 20x20x15 domain/);
    const out = mkdtempSync(join(tmpdir(), "sdfg-hdiff-"));
    const e = await cli(["emulate", sdfg("hdiff"), "-t", "xilinx", "-W", "5", "--outputs", out]);
    expect(e.stderr).toBe("");
    expect(e.exitCode).toBe(0);
    expect(e.stdout).toContain("hdiff: out_field (3840 elements) matches the CPU reference, matches out_field.out.npy");
    // The stored output is the program's array: byte for byte NumPy's (same shape and values).
    const got = readFileSync(join(out, "out_field.npy"));
    const want = readFileSync(join(NPBENCH, "hdiff", "out_field.out.npy"));
    expect(got.subarray(got.length - 3840 * 8).equals(want.subarray(want.length - 3840 * 8))).toBe(true);
    expect(got.toString("latin1", 0, 128)).toMatch(/'shape': \(16, 16, 15\)/);
    // A generated project carries coeff padded to the domain and says where the arrays are.
    const g = await cli(["generate", sdfg("hdiff"), "-o", join(out, "p")]);
    expect(g.exitCode).toBe(0);
    expect(g.stderr.trim().split("\n")).toEqual([
      "note: input 'coeff' travels as the 20x20x15 domain, its array the 16x16x15 box at (2, 2, 0), zeros elsewhere",
      "note: output 'out_field' is stored as the 20x20x15 domain; the program's array is its 16x16x15 box at (2, 2, 0)",
    ]);
    expect(readFileSync(join(out, "p", "data", "coeff.npy")).toString("latin1", 0, 128)).toMatch(/'shape': \(20, 20, 15\)/);
  });

  it("report --json keeps what no pattern takes memory-mapped, with the reason", async () => {
    for (const [name, reason] of [["floyd_warshall", /reads the loop variable 'k'/]] as const) {
      const r = await cli(["report", sdfg(name), "--json"]);
      expect(r.exitCode).toBe(0);
      const j = JSON.parse(r.stdout) as { kind: string; kernels: { mapping: string; reason: string }[] };
      expect(j.kind).toBe("memory-mapped");
      expect(j.kernels).toEqual([expect.objectContaining({ mapping: "memory-mapped", reason: expect.stringMatching(reason) })]);
    }
    const forced = await cli(["report", sdfg("jacobi_1d"), "--json", "--memory-mapped"]);
    expect(JSON.parse(forced.stdout)).toMatchObject({ kind: "memory-mapped", kernels: [{ mapping: "memory-mapped", reason: "--memory-mapped was given" }] });
  });

  it("refuses -W that does not divide the innermost extent, and -W/-P on a memory-mapped program, in one line", async () => {
    const bad = await cli(["report", sdfg("jacobi_1d"), "-W", "3"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split("\n")).toEqual(["--vector-width: the innermost extent 64 is not a multiple of W=3"]);
    // gemm streams since stream-linalg, fdtd_2d since stream-fdtd: floyd_warshall is the
    // memory-mapped program here.
    const mm = await cli(["emulate", sdfg("floyd_warshall"), "-P", "2"]);
    expect(mm.exitCode).toBe(2);
    expect(mm.stderr.trim().split("\n")).toHaveLength(1);
    expect(mm.stderr).toMatch(/^--replicas: applies to streamed programs; 'floyd_warshall' stays a memory-mapped kernel \(stencil-maps: .*reads the loop variable 'k'/);
    const rtl = await cli(["generate", sdfg("jacobi_1d"), "-t", "rtl", "-o", join(mkdtempSync(join(tmpdir(), "sdfg-rtl-")), "p")]);
    expect(rtl.exitCode).toBe(2);
    expect(rtl.stderr.trim().split("\n")).toEqual([`${sdfg("jacobi_1d")}: --target rtl takes stencil programs (.json); DaCe programs go to xilinx, intel or cpu`]);
    const stress = await cli(["emulate", sdfg("floyd_warshall"), "--stress-latency", "2x"]);
    expect(stress.exitCode).toBe(2);
    expect(stress.stderr.trim().split("\n")).toEqual(["--stress-latency: applies to streamed pipelines; 'floyd_warshall' is a memory-mapped kernel"]);
  });

  it("emulate says it streamed and compares with the CPU reference and <arg>.out.npy (every PE twice as deep as estimated: no deadlock)", async () => {
    // The configuration tests/dace/npbench_streamed.test.ts builds too: one g++ build for both.
    const r = await cli(["emulate", sdfg("jacobi_1d"), "-t", "xilinx", "-W", "4", "-P", "2", "--stress-latency", "2x"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("jacobi_1d: streamed (pattern stencil-maps, W=4, P=2): 2 stencil PE(s) per time step, 15 time steps");
    for (const a of ["A", "B"]) expect(r.stdout).toContain(`jacobi_1d: ${a} (64 elements) matches the CPU reference, matches ${a}.out.npy`);
  });

  it("emulate fails (exit 1) when NumPy's output differs, naming the element", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sdfg-stream-"));
    for (const f of readdirSync(join(NPBENCH, "jacobi_1d"))) copyFileSync(join(NPBENCH, "jacobi_1d", f), join(dir, f));
    const out = readFileSync(join(dir, "B.out.npy"));
    out.writeDoubleLE(out.readDoubleLE(out.length - 8 * 10) + 1e-3, out.length - 8 * 10); // element 54 of 64
    writeFileSync(join(dir, "B.out.npy"), out);
    const r = await cli(["emulate", join(dir, "jacobi_1d.sdfg"), "-t", "cpu", "--json"]);
    expect(r.exitCode).toBe(1);
    const j = JSON.parse(r.stdout) as { ok: boolean; road: string; outputs: { name: string; mismatchesVsNumpy: number; first?: string }[] };
    expect(j.road).toBe("streamed");
    expect(j.outputs.find((o) => o.name === "A")!.mismatchesVsNumpy).toBe(0);
    expect(j.outputs.find((o) => o.name === "B")).toMatchObject({ mismatchesVsNumpy: 1, first: expect.stringMatching(/^vs B\.out\.npy at 54: /) });
  });

  it.for(["xilinx", "intel"])("generate --target %s writes the stencil road's full project for a streamed .sdfg", async (target, { expect: check }) => {
    const out = join(mkdtempSync(join(tmpdir(), "sdfg-stream-gen-")), "project");
    const r = await cli(["generate", sdfg("jacobi_2d"), "-t", target, "-W", "2", "-P", "2", "-o", out]);
    check(r.exitCode).toBe(0);
    check(r.stdout).toContain("(jacobi_2d: streamed (pattern stencil-maps, W=2, P=2)");
    for (const f of ["Makefile", "README.md", "host/host.cpp", "data/A_in.npy", "data/B_in.npy", "jacobi_2d.sdfg.json"]) check(existsSync(join(out, f)), f).toBe(true);
    const kernel = target === "xilinx" ? readFileSync(join(out, "kernel", "top.cpp"), "utf8") : readdirSync(join(out, "kernel")).filter((f) => f.endsWith(".cl")).map((f) => readFileSync(join(out, "kernel", f), "utf8")).join("");
    // Two stencils per time step, two time steps per pass: four PEs, each quoting its stencil.
    for (const pe of ["pe_B_r0_", "pe_A_r0_", "pe_B_r1_", "pe_A_r1_"]) check(kernel).toContain(`${pe}(`);
    check(kernel).toContain("B = 0.2 * (A_in[j, k] + A_in[j, k-1] + A_in[j, k+1] + A_in[j+1, k] + A_in[j-1, k]) where 1 <= j <= 28, 1 <= k <= 28, else B_in[j, k]");
  });
});
