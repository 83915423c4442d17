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
    ["overflow", "overflow.cpp", ["-DSDFG_FPGA_SIM"]],
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
  it("moves 1e6 elements through a 3-stage pipeline, one fiber per stage", async () => {
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

  it("reports a too-small reconvergent FIFO as a deadlock at once (exit code 3, no timer)", async () => {
    // A huge SDFG_SIM_DEADLOCK_MS (the old watchdog's timeout) changes nothing: detection is
    // exact, when no process can run, not after a time without progress.
    const r = await run("deadlock", ["small"], { SDFG_SIM_DEADLOCK_MS: "600000" });
    expect(r.exitCode).toBe(3);
    const lines = r.stderr.split("\n");
    expect(lines).toContain("deadlock detected:");
    expect(lines).toContain("  s_ac: full (4/4), writer blocked");
    expect(lines).toContain("  s_ab: empty (0/4), reader blocked");
    expect(lines).toContain("  s_bc: empty (0/4), reader blocked");
  }, 60_000);

  it("completes the same reconvergent design with a deep enough FIFO", async () => {
    const r = await run("deadlock", ["big"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("big: ok");
  }, 30_000);

  it("holds back a named process's outputs under SDFG_SIM_HOLD_BACK (latency stress)", async () => {
    // stage_b emits output i after reading input i + 16; the direct FIFO holds 64. Holding 30
    // more of b's outputs back still fits (16 + 30 < 64); holding 60 back cannot (16 + 60 > 64).
    const fits = await run("deadlock", ["big"], { SDFG_SIM_HOLD_BACK: "stage_b=30" });
    expect(fits.stderr).toBe("");
    expect(fits.exitCode).toBe(0);
    const stuck = await run("deadlock", ["big"], { SDFG_SIM_HOLD_BACK: "stage_b=60" });
    expect(stuck.exitCode).toBe(3);
    expect(stuck.stderr.split("\n")).toContain("  s_ac: full (64/64), writer blocked");
    const bad = await run("deadlock", ["big"], { SDFG_SIM_HOLD_BACK: "stage_b" });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("SDFG_SIM_HOLD_BACK: bad entry");
  }, 30_000);

  it("schedules deterministically: the same run makes the same context switches", async () => {
    const a = await run("pipeline", ["100000", "--stats"]);
    const b = await run("pipeline", ["100000", "--stats"]);
    expect(a.exitCode).toBe(0);
    const switches = /context switches: (\d+)/.exec(a.stdout)?.[1];
    expect(Number(switches)).toBeGreaterThan(1000); // a 16-deep FIFO: a switch per <= 16 elements
    expect(/context switches: (\d+)/.exec(b.stdout)?.[1]).toBe(switches);
  }, 30_000);

  it("names the dataflow function whose frame overflows its fiber stack", async () => {
    const fits = await run("overflow", []);
    expect(fits.stdout).toContain("overflow: ok");
    const small = await run("overflow", [], { SDFG_SIM_STACK_MB: "4" });
    expect(small.exitCode).toBe(1);
    expect(small.stderr).toBe("sdfg_sim: stack overflow in dataflow function 'big_frame' (raise SDFG_SIM_STACK_MB)");
  }, 30_000);

  it("does not fire on a slow but progressing run", async () => {
    // Stage A sleeps 2 x SDFG_SIM_DEADLOCK_MS between its first elements while B and C wait.
    const r = await run("deadlock", ["slow"], { SDFG_SIM_DEADLOCK_MS: "300" });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("slow: ok");
  }, 30_000);

  it("detects the host thread reading an empty stream", async () => {
    const r = await run("deadlock", ["single"], { SDFG_SIM_DEADLOCK_MS: "600000" });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split("\n")).toEqual(["deadlock detected:", "  lonely: empty (0/2), reader blocked"]);
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
