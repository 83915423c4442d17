// Compiles the small C++ programs in tests/sim against sim/include with the flags generated
// projects use and checks their behaviour: the bounded hls::stream dataflow emulation, the
// deadlock watchdog, .npy I/O, ap_uint packing and hls::vector.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execa } from "execa";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SRC = join(ROOT, "tests", "sim");
const CXXFLAGS = [
  "-std=c++17",
  "-O2",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-Wno-unknown-pragmas",
  "-pthread",
  "-I",
  join(ROOT, "sim", "include"),
];

let dir = "";
const bin = (name: string): string => join(dir, name);

// The child's environment without a deadlock timeout inherited from ours.
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!("SDFG_SIM_DEADLOCK_MS" in extra)) delete e.SDFG_SIM_DEADLOCK_MS;
  return e;
}

async function run(name: string, args: string[], extraEnv: Record<string, string> = {}) {
  const t0 = Date.now();
  const r = await execa(bin(name), args, { reject: false, env: env(extraEnv), extendEnv: false, timeout: 60_000 });
  return { ...r, seconds: (Date.now() - t0) / 1000 };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sdfg-sim-test-"));
  const builds: Array<[string, string, string[]]> = [
    ["pipeline", "pipeline.cpp", ["-DSDFG_FPGA_SIM"]],
    ["pipeline_seq", "pipeline.cpp", []],
    ["deadlock", "deadlock.cpp", ["-DSDFG_FPGA_SIM"]],
    ["npy", "npy.cpp", []],
    ["ap_int", "ap_int.cpp", []],
    ["vector", "vector.cpp", []],
  ];
  // Two at a time: the test machines have two cores.
  for (let i = 0; i < builds.length; i += 2) {
    await Promise.all(
      builds.slice(i, i + 2).map(([out, src, defs]) =>
        execa("g++", [...CXXFLAGS, ...defs, join(SRC, src), "-o", bin(out)]),
      ),
    );
  }
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("hls::stream dataflow emulation", () => {
  it("moves 1e6 elements through a 3-stage pipeline, one thread per stage", async () => {
    const r = await run("pipeline", ["1000000"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("pipeline ok: 1000000 elements");
  }, 60_000);

  it("expands SDFG_DATAFLOW_CALL to sequential calls without SDFG_FPGA_SIM", async () => {
    // Sequential calls only work while everything fits into the FIFOs (depths 64 and 16).
    const r = await run("pipeline_seq", ["2"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("pipeline ok: 2 elements");
  }, 30_000);

  it("reports a too-small reconvergent FIFO as a deadlock (exit code 3, default 1 s timeout)", async () => {
    const r = await run("deadlock", ["small"]);
    expect(r.exitCode).toBe(3);
    const lines = r.stderr.split("\n");
    expect(lines).toContain("deadlock detected:");
    expect(lines).toContain("  s_ac: full (4/4), writer blocked");
    expect(lines).toContain("  s_ab: empty (0/4), reader blocked");
    expect(lines).toContain("  s_bc: empty (0/4), reader blocked");
    expect(r.seconds).toBeGreaterThan(0.9);
    expect(r.seconds).toBeLessThan(20);
  }, 60_000);

  it("completes the same reconvergent design with a deep enough FIFO", async () => {
    const r = await run("deadlock", ["big"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("big: ok");
  }, 30_000);

  it("does not fire on a slow but progressing run", async () => {
    // Stage A sleeps 2 x SDFG_SIM_DEADLOCK_MS between its first elements while B and C wait.
    const r = await run("deadlock", ["slow"], { SDFG_SIM_DEADLOCK_MS: "300" });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("slow: ok");
  }, 30_000);

  it("detects a single thread reading an empty stream, with SDFG_SIM_DEADLOCK_MS", async () => {
    const r = await run("deadlock", ["single"], { SDFG_SIM_DEADLOCK_MS: "200" });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split("\n")).toEqual(["deadlock detected:", "  lonely: empty (0/2), reader blocked"]);
    expect(r.seconds).toBeLessThan(10);
  }, 30_000);
});

describe("support headers", () => {
  it("round-trips .npy files (f4, f8, conversions, scalars, v2.0) and rejects bad ones", async () => {
    const r = await run("npy", [dir]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("npy ok");
  }, 30_000);

  it("packs 16 floats into ap_uint<512> and back", async () => {
    const r = await run("ap_int", []);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("ap_int ok");
  }, 30_000);

  it("does element-wise hls::vector arithmetic", async () => {
    const r = await run("vector", []);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("vector ok");
  }, 30_000);
});
