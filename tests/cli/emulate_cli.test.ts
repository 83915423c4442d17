// `sdfg-fpga emulate` as a user meets it (issue 7, items 11, 12, 13, 17): inputs from --inputs or
// nowhere, where each came from, Inf/NaN comparison in emulate and in the generated host's
// --verify, JSON without nulls, progress on stderr, Ctrl-C cleanup and the sweep of stale files.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { toJson } from "../../src/cli/json_output.js";
import { encodeNpy } from "../../src/data/npy.js";
import { emulate, type EmulateEvent } from "../../src/emulate/emulate.js";
import { compareArrays } from "../../src/emulate/compare.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { CLI, cli } from "../helpers.js";

const JACOBI = resolve("stencils/jacobi2d.json");
const HDIFF = resolve("stencils/hdiff.json");
const INFINITIES = resolve("tests/cli/programs/infinities.json");

/** DIR/<input>.npy for every input of `program` (all ones), or only those named. */
function writeInputs(program: string, dir: string, only?: string[]): string[] {
  mkdirSync(dir, { recursive: true });
  const bundle = loadProgram(program);
  const names = bundle.inputs.map((i) => i.name).filter((n) => !only || only.includes(n));
  for (const i of bundle.inputs) {
    if (names.includes(i.name)) writeFileSync(join(dir, `${i.name}.npy`), encodeNpy(i.dtype, i.shape, new Float64Array(i.shape.reduce((a, b) => a * b, 1)).fill(1)));
  }
  return names;
}

describe("emulate --inputs (item 11)", () => {
  it("a missing folder or a missing <input>.npy is an error naming it; nothing runs", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "emu-"));
    const missing = await cli(["emulate", HDIFF, "--inputs", join(tmp, "nope"), "--outputs", join(tmp, "out")]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim()).toBe(`--inputs ${join(tmp, "nope")}: folder does not exist`);
    const inputs = loadProgram(HDIFF).inputs.map((i) => i.name);
    expect(inputs.length).toBeGreaterThan(1);
    writeInputs(HDIFF, join(tmp, "in"), inputs.slice(1));
    const partial = await cli(["emulate", HDIFF, "--inputs", join(tmp, "in"), "--outputs", join(tmp, "out")]);
    expect(partial.exitCode).toBe(2);
    expect(partial.stderr.trim().split("\n")).toHaveLength(1);
    expect(partial.stderr).toMatch(new RegExp(`^${join(tmp, "in", `${inputs[0]}.npy`)}: input '${inputs[0]}' is missing`));
    expect(existsSync(join(tmp, "out"))).toBe(false);
  });

  it("says where every input came from on stderr, unless --quiet or --json", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "emu-"));
    const names = writeInputs(HDIFF, join(tmp, "in"));
    const r = await cli(["emulate", HDIFF, "--inputs", join(tmp, "in")]);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const n of names) expect(r.stderr.split("\n")).toContain(`input ${n}: ${join(tmp, "in", `${n}.npy`)}`);
    const own = await cli(["emulate", HDIFF]);
    expect(own.exitCode).toBe(0);
    for (const n of names) expect(own.stderr).toMatch(new RegExp(`^input ${n}: .*\\(the program's data\\)$`, "m"));
    expect((await cli(["emulate", HDIFF, "--quiet"])).stderr).toBe("");
    const json = await cli(["emulate", HDIFF, "--json"]);
    expect(json.stderr).toBe("");
    const j = JSON.parse(json.stdout) as Record<string, unknown>;
    // Item 17: the result says what ran.
    expect({ program: j.program, W: j.W, P: j.P, version: j.version, ok: j.ok }).toEqual({
      program: HDIFF, W: 1, P: 1, version: JSON.parse(readFileSync("package.json", "utf8")).version, ok: true,
    });
  });
});

describe("Inf and NaN (item 12)", () => {
  it("compareArrays: NaN equals NaN, an infinity only the same infinity", () => {
    const same = Float64Array.from([Infinity, -Infinity, NaN, 1]);
    expect(compareArrays("x", "float32", same, Float64Array.from(same)).mismatches).toBe(0);
    expect(compareArrays("x", "float32", same, Float64Array.from(same)).maxAbsError).toBe(0);
    const cases: [number, number][] = [[Infinity, -Infinity], [Infinity, 3.4e38], [3.4e38, Infinity], [NaN, 1], [1, NaN], [NaN, Infinity]];
    for (const [got, want] of cases) {
      const c = compareArrays("x", "float32", Float64Array.of(got), Float64Array.of(want));
      expect({ got, want, mismatches: c.mismatches, maxAbsError: c.maxAbsError }).toEqual({ got, want, mismatches: 1, maxAbsError: Infinity });
    }
  });

  it("--json writes non-finite numbers as strings, never null", () => {
    const text = toJson({ maxAbsError: Infinity, first: { got: NaN, want: -Infinity }, n: 2 });
    expect(text).not.toContain("null");
    expect(JSON.parse(text)).toEqual({ maxAbsError: "Infinity", first: { got: "NaN", want: "-Infinity" }, n: 2 });
  });

  it("emulate and the generated host's --verify accept equal infinities and NaNs and reject others", async () => {
    const r = await cli(["emulate", INFINITIES, "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toEqual([{ name: "q", elements: 8, mismatches: 0, maxAbsError: 0 }]);

    const tmp = mkdtempSync(join(tmpdir(), "emu-"));
    const dir = join(tmp, "p");
    expect((await cli(["generate", INFINITIES, "-o", dir])).exitCode).toBe(0);
    const make = await execa("make", ["-s", "sim"], { cwd: dir, reject: false, all: true });
    expect(make.exitCode, make.all).toBe(0);
    const q = loadProgram(INFINITIES);
    expect(q.inputs.map((i) => i.name)).toEqual(["a", "c"]);
    const verify = (values: number[]) => {
      const ref = join(tmp, `ref${Math.random().toString(36).slice(2)}`);
      mkdirSync(ref);
      writeFileSync(join(ref, "q.npy"), encodeNpy("float32", [2, 4], Float64Array.from(values)));
      return execa(join(dir, "host_sim"), ["--inputs", join(dir, "data"), "--outputs", join(tmp, "o"), "--verify", ref], { reject: false, all: true });
    };
    // a / 0 for a = [[1, -1, 0, 2], [-3, 0, 4, -5]]
    const want = [Infinity, -Infinity, NaN, Infinity, -Infinity, NaN, Infinity, -Infinity];
    expect((await verify(want)).all).toMatch(/verification passed/);
    for (const [index, wrong] of [[0, -Infinity], [0, 3.4e38], [2, 0], [1, NaN]] as const) {
      const bad = [...want];
      bad[index] = wrong;
      const v = await verify(bad);
      expect(v.exitCode, `${index} = ${wrong}`).toBe(1);
      expect(v.all).toMatch(/verification FAILED/);
    }
  });
});

describe("progress (item 17)", () => {
  it("the emulated writers report how far the kernel is; the CLI prints the stages with --progress and nothing with --quiet", async () => {
    const events: EmulateEvent[] = [];
    const bundle = loadProgram("stencils/hdiff.json");
    const r = await emulate(bundle, { target: "xilinx", spatial: { vectorWidth: 1, replicas: 1 }, onEvent: (e) => events.push(e) });
    expect(r.ok).toBe(true);
    const percents = events.flatMap((e) => (e.kind === "progress" ? [e.percent] : []));
    // From the writers (sim/include/sdfg_sim/progress.h), then 100 at the end.
    expect(percents.some((p) => p > 0 && p < 100), JSON.stringify(percents)).toBe(true);
    expect(percents.every((p, i) => i === 0 || p >= percents[i - 1]!)).toBe(true);
    expect(percents[percents.length - 1]).toBe(100);
    expect(events.filter((e) => e.kind === "stage").map((e) => (e as { stage: string }).stage)).toEqual(
      ["generating", "compiling", "running", "compiling", "running", "comparing"]);

    const shown = await cli(["emulate", "stencils/hdiff.json", "--progress"]);
    expect(shown.exitCode).toBe(0);
    expect(shown.stderr).toMatch(/^compiling the emulation(: cached| with g\+\+)$/m);
    expect(shown.stderr).toMatch(/^running: 100%$/m);
    expect(shown.stderr).toMatch(/^comparing with the CPU reference$/m);
    const quiet = await cli(["emulate", "stencils/hdiff.json", "--progress", "--quiet"]);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toBe("");
  });
});

describe("no stack traces, no leftovers (item 13)", () => {
  it("an unwritable --outputs folder is refused before anything is compiled", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "emu-"));
    writeFileSync(join(tmp, "file"), "x");
    for (const out of ["/proc/sdfg-fpga-test", join(tmp, "file"), join(tmp, "file", "sub")]) {
      const r = await cli(["emulate", JACOBI, "--outputs", out, "--progress"]);
      expect(r.exitCode, out).toBe(2);
      expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^--outputs ${out}: `));
    }
  });

  it("an internal failure is one line asking for a report", async () => {
    const r = await execa("node", [CLI, "emulate", JACOBI], { reject: false, env: { SDFG_FPGA_CACHE: "/dev/null/cache" } });
    expect(r.exitCode).toBe(70);
    expect(r.stderr.trim().split("\n").filter((l) => !l.startsWith("input "))).toHaveLength(1);
    expect(r.stderr).toMatch(/internal error, please report/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("Ctrl-C removes the work folder and the cache entry being built; the next run sweeps those of killed runs", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "emu-"));
    const work = join(tmp, "tmp"), cache = join(tmp, "cache");
    mkdirSync(work);
    mkdirSync(cache);
    // Left by runs that were killed (pid 4194305 is above any Linux pid_max) and one that still runs.
    const dead = 4194305;
    mkdirSync(join(work, `sdfg-fpga-emu-${dead}-abc`));
    mkdirSync(join(cache, `${"0".repeat(32)}.tmp-${dead}-xyz`));
    mkdirSync(join(work, `sdfg-fpga-emu-${process.pid}-live`));
    // Killed an hour ago: younger entries of dead-looking pids may be another PID namespace's.
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(join(work, `sdfg-fpga-emu-${dead}-abc`), hourAgo, hourAgo);
    utimesSync(join(cache, `${"0".repeat(32)}.tmp-${dead}-xyz`), hourAgo, hourAgo);
    mkdirSync(join(cache, `${"1".repeat(32)}.tmp-${dead}-recent`));
    const env = { TMPDIR: work, SDFG_FPGA_CACHE: cache };
    const child = execa("node", [CLI, "emulate", JACOBI, "--quiet"], { reject: false, env });
    const building = new RegExp(`^[0-9a-f]{32}\\.tmp-${child.pid}-`);
    const deadline = Date.now() + 60_000;
    while (!readdirSync(cache).some((n) => building.test(n)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(cache).some((n) => building.test(n))).toBe(true);
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // (g++ may leave its own temporary files in TMPDIR when it is killed: not ours to judge.)
    expect(readdirSync(work).filter((n) => n.startsWith("sdfg-fpga-")).sort()).toEqual([`sdfg-fpga-emu-${process.pid}-live`]);
    expect(readdirSync(cache)).toEqual([`${"1".repeat(32)}.tmp-${dead}-recent`]);
  });
});
