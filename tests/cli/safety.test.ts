// The CLI is safe with users' files (issue 7, items 10, 13, 14, 15): generate never destroys a
// folder that is not one of its projects, never the program's own folder, cwd or home; it reads
// regular files only; errors are one located line with exit 2 and nothing written.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { cli, tree } from "../helpers.js";

const HDIFF = resolve("stencils/hdiff.json");
const JACOBI = resolve("stencils/jacobi2d.json");

/** One line on stderr, exit 2, no stack trace. */
function expectRefused(r: { exitCode?: number; stderr: string }, message: RegExp): void {
  expect(r.exitCode, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
}

/** A program file (and its data folder) copied into `dir`. */
function copyJacobi(dir: string): string {
  const prog = JSON.parse(readFileSync(JACOBI, "utf8"));
  for (const inp of Object.values(prog.inputs) as { data: unknown }[]) inp.data = "constant:1";
  const file = join(dir, "jacobi2d.json");
  writeFileSync(file, JSON.stringify(prog));
  return file;
}

describe("generate -o (item 10)", () => {
  it("refuses a non-empty folder that is not an earlier project, replaces it with --force, and replaces its own projects", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "safe-"));
    const out = join(tmp, "notes");
    mkdirSync(out);
    writeFileSync(join(out, "thesis.txt"), "a year of work");
    const r = await cli(["generate", JACOBI, "-o", out]);
    expectRefused(r, /^-o .*notes: is not empty and is not a project written by sdfg-fpga \(no \.sdfg-fpga-project\); give a new folder, or --force to replace it$/);
    expect(readdirSync(out)).toEqual(["thesis.txt"]);
    expect(readdirSync(tmp)).toEqual(["notes"]); // no staging folder left behind

    const forced = await cli(["generate", JACOBI, "-o", out, "--force"]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(existsSync(join(out, "thesis.txt"))).toBe(false);
    expect(readFileSync(join(out, ".sdfg-fpga-project"), "utf8")).toBe("sdfg-fpga\n");

    // An earlier project of ours is replaced without --force, atomically: nothing else remains.
    writeFileSync(join(out, "stale.txt"), "from an older run");
    const again = await cli(["generate", JACOBI, "-o", out]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(existsSync(join(out, "stale.txt"))).toBe(false);
    expect(readdirSync(tmp)).toEqual(["notes"]);
  });

  it("never replaces the folder holding the program, an ancestor of it, the working directory or home, even with --force", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "safe-"));
    const work = join(tmp, "work");
    mkdirSync(work);
    const prog = copyJacobi(work);
    const home = join(tmp, "home");
    mkdirSync(join(home, "sub"), { recursive: true });
    writeFileSync(join(home, "sub", "x"), "x");
    for (const [out, cwd, what] of [[".", work, "jacobi2d.json"], [work, tmp, "jacobi2d.json"], [tmp, tmp, "jacobi2d.json"], [home, tmp, "the home directory"]] as const) {
      const r = await execa("node", [resolve("dist/src/cli/main.js"), "generate", prog, "-o", out, "--force"], { cwd, reject: false, env: { HOME: home } });
      expectRefused(r, new RegExp(`holds (${what.replace(".", "\\.")}|'.*${what.replace(".", "\\.")}'|the working directory); it is never replaced`));
      expect(readFileSync(prog, "utf8")).toContain("computation_string");
    }
    // The working directory itself, even when the program lives elsewhere.
    const r = await cli(["generate", HDIFF, "-o", ".", "--force"], { cwd: home });
    expectRefused(r, /holds the (working|home) directory; it is never replaced/);
    expect(readFileSync(join(home, "sub", "x"), "utf8")).toBe("x");
  });

  it("refuses a file, a folder under a file and an unwritable place, before doing any work", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "safe-"));
    const file = join(tmp, "report.txt");
    writeFileSync(file, "keep me");
    expectRefused(await cli(["generate", JACOBI, "-o", file]), /^-o .*report\.txt: exists and is not a folder; give a folder for the project$/);
    expect(readFileSync(file, "utf8")).toBe("keep me");
    expectRefused(await cli(["generate", JACOBI, "-o", join(file, "sub")]), /report\.txt' is not a folder$/);
    expectRefused(await cli(["generate", JACOBI, "-o", "/proc/sdfg-fpga-test/out"]), /^-o \/proc\/sdfg-fpga-test\/out: cannot write in '\/proc'/);
    expectRefused(await cli(["generate", JACOBI, "-o", "/"]), /^-o \/: is the root folder/);
    expect(readdirSync(tmp)).toEqual(["report.txt"]);
  });

  it("--json lists every file written with its size", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "safe-"));
    const out = join(tmp, "p");
    const r = await cli(["generate", JACOBI, "--target", "cpu", "-o", out, "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { version: string; target: string; files: { path: string; bytes: number }[]; totalBytes: number };
    expect(j.version).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
    expect(j.target).toBe("cpu");
    const written = tree(out);
    written.delete(".sdfg-fpga-project");
    expect(j.files.map((f) => f.path)).toEqual([...written.keys()].sort((a, b) => (a < b ? -1 : 1)));
    for (const f of j.files) expect(f.bytes, f.path).toBe(written.get(f.path)!.length);
    expect(j.totalBytes).toBe(j.files.reduce((a, f) => a + f.bytes, 0));
  });
});

describe("program paths (item 14)", () => {
  it("refuses a FIFO, a device and a folder instead of reading them forever", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "safe-"));
    const fifo = join(tmp, "prog.json");
    await execa("mkfifo", [fifo]);
    expectRefused(await cli(["generate", fifo, "-o", join(tmp, "o")], { timeout: 20000 } as never), /prog\.json: is not a regular file \(a FIFO, socket or device\)/);
    expectRefused(await cli(["emulate", "/dev/zero"]), /^\/dev\/zero: is not a regular file/);
    expectRefused(await cli(["report", tmp]), /: is a folder, not a program file$/);
    expect(readdirSync(tmp)).toEqual(["prog.json"]);
  });

  it("the same program through a relative and an absolute path generates the same bytes", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "safe-"));
    for (const target of ["xilinx", "intel", "cpu", "cuda", "rtl"]) {
      const a = await cli(["generate", "stencils/hdiff.json", "-t", target, "-o", join(tmp, `${target}-rel`)]);
      const b = await cli(["generate", HDIFF, "-t", target, "-o", join(tmp, `${target}-abs`)]);
      expect(a.exitCode, a.stderr).toBe(0);
      expect(b.exitCode, b.stderr).toBe(0);
      const ta = tree(join(tmp, `${target}-rel`));
      const tb = tree(join(tmp, `${target}-abs`));
      expect([...ta.keys()]).toEqual([...tb.keys()]);
      for (const [k, v] of ta) expect(v.equals(tb.get(k)!), `${target}: ${k}`).toBe(true);
      for (const [k, v] of tb) expect(v.toString("latin1"), k).not.toContain(process.cwd());
    }
  });
});

describe("errors point to the right place (item 15)", () => {
  const program = (extra: object) => ({
    inputs: { a: { data: "constant:1", data_type: "float32" } }, outputs: ["b"], dimensions: [4, 6],
    program: { b: { computation_string: "b = a[j, k]", boundary_conditions: {}, data_type: "float32" } }, ...extra,
  });
  it("a vectorization the domain does not allow names the file and $.vectorization; -W names --vector-width", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "safe-"));
    const file = join(tmp, "v.json");
    writeFileSync(file, JSON.stringify(program({ vectorization: 4 })));
    expectRefused(await cli(["generate", file, "-o", join(tmp, "o")]), new RegExp(`^${file}: \\$\\.vectorization: the innermost extent 6 is not a multiple of W=4$`));
    expectRefused(await cli(["report", file]), /: \$\.vectorization: the innermost extent 6/);
    expectRefused(await cli(["emulate", file]), /: \$\.vectorization: the innermost extent 6/);
    expectRefused(await cli(["generate", file, "-W", "4", "-o", join(tmp, "o")]), /^--vector-width: the innermost extent 6 is not a multiple of W=4$/);
    writeFileSync(file, JSON.stringify(program({ vectorization: 3, dimensions: [4, 6] })));
    expectRefused(await cli(["generate", file, "-t", "intel", "-o", join(tmp, "o")]), /: \$\.vectorization: the intel target needs an OpenCL vector width/);
    expect(readdirSync(tmp)).toEqual(["v.json"]);
  });

  it("a .sdfg file goes to the DaCe frontend, which locates what is wrong; cuda refuses it by name", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "safe-"));
    writeFileSync(join(tmp, "prog.sdfg"), JSON.stringify({ type: "SDFG" }));
    expectRefused(await cli(["generate", join(tmp, "prog.sdfg"), "-o", join(tmp, "o")]), /prog\.sdfg: \$\.attributes: /);
    expectRefused(await cli(["emulate", join(tmp, "prog.sdfg"), "-t", "cuda"]), /prog\.sdfg: --target cuda takes stencil programs/);
    expect(readdirSync(tmp)).toEqual(["prog.sdfg"]);
  });

  it("a missing ']' says so, in JSON and in a computation string", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "safe-"));
    const file = join(tmp, "p.json");
    writeFileSync(file, '{"inputs": {}, "outputs": ["b"\n, "dimensions": [4]}');
    expectRefused(await cli(["report", file]), /p\.json:2:15: malformed JSON: expected ',' or '\]' \(the '\[' at 1:27 is not closed\)$/);
    writeFileSync(file, JSON.stringify(program({ program: { b: { computation_string: "b = a[j, k", data_type: "float32" } } })));
    expectRefused(await cli(["report", file]), /p\.json:1:\d+: expected '\]' to close the subscript of 'a', found end of input$/);
  });
});
