// Hostile programs (issue 7, items 13 and 14): nesting thousands deep, huge domains, and names that
// are Object.prototype members. Each refusal is one located line with exit 2 and nothing
// written; what is within the limits generates and emulates correctly (checked against NumPy).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/data/npy.js";
import { compareArrays } from "../../src/emulate/compare.js";
import { MAX_NESTING, MAX_TREE_DEPTH } from "../../src/frontend/expression_parser.js";
import { cli } from "../helpers.js";

const PY = "/usr/bin/python3";

/** A 2-D program b = <code> over input a (with a constant boundary). */
function program(code: string, extra: object = {}): object {
  return {
    inputs: { a: { data: "constant:1", data_type: "float32" } }, outputs: ["b"], dimensions: [4, 8],
    program: { b: { computation_string: code, boundary_conditions: { a: { type: "constant", value: 0 } }, data_type: "float32" } }, ...extra,
  };
}

const chain = (n: number) => `b = a[j, k]${" + a[j, k-1] * 0.5".repeat(n)}`;

const hostile: [string, string, RegExp][] = [
  ["5,000 nested parentheses", JSON.stringify(program(`b = ${"(".repeat(5000)}a[j, k]${")".repeat(5000)}`)), /:1:\d+: expression is nested too deeply \(more than 200 levels/],
  ["5,000 unary minus signs", JSON.stringify(program(`b = ${"-".repeat(5000)}a[j, k]`)), /:1:\d+: expression is nested too deeply/],
  ["5,000 'not's", JSON.stringify(program(`b = 1.0 if ${"not ".repeat(5000)}a[j, k] > 0 else 0.0`)), /:1:\d+: expression is nested too deeply/],
  ["a right-nested power tower of 5,000", JSON.stringify(program(`b = ${"a[j, k] ** ".repeat(5000)}1`)), /:1:\d+: expression is nested too deeply/],
  ["a chain of 20,000 additions", JSON.stringify(program(chain(20000))), /:1:\d+: expression is too deep \(more than 1000 levels of operations\); split it into temporaries$/],
  ["inline data nested 100,000 deep", JSON.stringify(program("b = a[j, k]")).replace('"constant:1"', `${"[".repeat(100000)}1${"]".repeat(100000)}`), /:1:\d+: JSON is nested too deeply \(more than 64 levels/],
  ["a domain of 10^15 cells", JSON.stringify({ ...program("b = a[i, j, k]"), dimensions: [100000, 100000, 100000] }), /: \$\.inputs\.a\.data: input 'a' \(shape 100000x100000x100000\) has 1,000,000,000,000,000 elements and needs 8,000,000,000,000,000 bytes in memory; at most [\d,]+ bytes can be allocated here|p\.json: does not fit the Alveo U280: the arrays need [\d.]+ GiB .* more than the u280's HBM holds/],
  ["a '__proto__' key", JSON.stringify(program("b = a[j, k]")).replace('"inputs":{', '"inputs":{"__proto__":{"data":"constant:1","data_type":"float32"},'), /:1:\d+: the key "__proto__" is not allowed$/],
  ["a name with a newline and U+202E", JSON.stringify(program("b = a[j, k]")).replace('"outputs":["b"]', '"outputs":["b\\n\\u202e"]'), /: \$\.outputs\[0\]: output 'b\\u000a\\u202e' is neither a stencil nor an input$/],
];

describe("hostile programs: one located line, exit 2, nothing written (item 13)", () => {
  it.each(hostile)("%s", async (_name, text, message) => {
    const tmp = mkdtempSync(join(tmpdir(), "hostile-"));
    const file = join(tmp, "p.json");
    writeFileSync(file, text);
    // A report allocates no data: a huge domain is only refused where data is read.
    const commands = [["generate", file, "-o", join(tmp, "out")], ["emulate", file, "--outputs", join(tmp, "emu")], ...(/bytes/.test(message.source) ? [] : [["report", file]])];
    for (const args of commands) {
      const r = await cli(args);
      expect(r.exitCode, `${args[0]}: ${r.stderr}`).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]!.startsWith(`${file}:`), lines[0]).toBe(true);
      expect(lines[0]).toMatch(message);
      expect(readdirSync(tmp)).toEqual(["p.json"]);
    }
  });
});

describe("within the limits, every pass copes (item 13)", () => {
  it(`a chain ${MAX_TREE_DEPTH} deep, ${MAX_NESTING - 5} nested parentheses and long sign and 'not' runs generate for every target; the chain emulates correctly`, async () => {
    const tmp = mkdtempSync(join(tmpdir(), "hostile-"));
    const programs = {
      chain: program(chain(MAX_TREE_DEPTH - 2)), // a + a*0.5 + ...: the tree is exactly MAX_TREE_DEPTH deep
      parens: program(`b = ${"(".repeat(MAX_NESTING - 5)}a[j, k+1]${" + 1)".repeat(MAX_NESTING - 5)}`),
      signs: program(`t = 1.0 if ${"not ".repeat(60)}a[j, k] > 0 else 2.0\nb = t * ${"-".repeat(61)}a[j-1, k]`),
    };
    for (const [name, prog] of Object.entries(programs)) {
      const file = join(tmp, `${name}.json`);
      writeFileSync(file, JSON.stringify(prog));
      for (const target of ["xilinx", "intel", "cpu"]) {
        const g = await cli(["generate", file, "-t", target, "-o", join(tmp, `${name}-${target}`)]);
        expect(g.exitCode, `${name} ${target}: ${g.stderr}`).toBe(0);
      }
      expect((await cli(["report", file])).exitCode).toBe(0);
      if (name !== "chain") continue; // one emulation (two g++ builds of deep code) is enough
      const e = await cli(["emulate", file, "--json"]);
      expect(e.exitCode, `${name}: ${e.stderr}`).toBe(0);
      expect(JSON.parse(e.stdout).ok).toBe(true);
    }
  });
});

describe("names that are Object.prototype members (item 14)", () => {
  it("valueOf, constructor, toString, hasOwnProperty, ... are ordinary names: emulation equals NumPy on both targets", async () => {
    const program = resolve("tests/frontend/prototype_names.json");
    const tmp = mkdtempSync(join(tmpdir(), "hostile-"));
    const npDir = join(tmp, "np");
    mkdirSync(npDir);
    const np = await execa(PY, ["tests/numpy_ref/evaluate.py", program, "--outputs", npDir], { reject: false, all: true });
    expect(np.exitCode, np.all).toBe(0);
    const outputs = (JSON.parse(readFileSync(program, "utf8")) as { outputs: string[] }).outputs;
    expect(outputs).toEqual(["toString", "isPrototypeOf"]);
    for (const target of ["xilinx", "intel"]) {
      const out = join(tmp, target);
      const r = await cli(["emulate", program, "-t", target, "--outputs", out]);
      expect(r.exitCode, r.stderr + r.stdout).toBe(0);
      for (const o of outputs) {
        const got = decodeNpy(readFileSync(join(out, `${o}.npy`)), o);
        const want = decodeNpy(readFileSync(join(npDir, `${o}.npy`)), o);
        expect(compareArrays(o, "float32", got.values, want.values).mismatches, `${target} ${o}`).toBe(0);
      }
      const g = await cli(["generate", program, "-t", target, "-o", join(tmp, `${target}-project`)]);
      expect(g.exitCode, g.stderr).toBe(0);
    }
    expect(existsSync(join(tmp, "xilinx-project", "kernel", "top.cpp"))).toBe(true);
  });

  it("an output that names an input is written, unchanged, by every target; one the time loop replaces is refused", async () => {
    const program = resolve("tests/frontend/returned_inputs.json");
    const prog = JSON.parse(readFileSync(program, "utf8")) as { outputs: string[]; inputs: { a: { data: number[][] } } };
    expect(prog.outputs).toEqual(["b", "a", "s", "unused"]);
    const a = prog.inputs.a.data.flat();
    const tmp = mkdtempSync(join(tmpdir(), "hostile-"));
    for (const target of ["xilinx", "intel", "cpu"]) {
      const out = join(tmp, target);
      const r = await cli(["emulate", program, "-t", target, "--outputs", out, "--quiet"]);
      expect(r.exitCode, r.stderr + r.stdout).toBe(0);
      expect(readdirSync(out).sort(), target).toEqual(["a.npy", "b.npy", "s.npy", "unused.npy"]);
      const read = (n: string) => decodeNpy(readFileSync(join(out, `${n}.npy`)), n);
      expect([...read("a").values]).toEqual(a);
      expect(read("a").shape).toEqual([8, 8]);
      expect({ shape: read("s").shape, values: [...read("s").values], descr: read("s").descr }).toEqual({ shape: [], values: [2.5], descr: "<f8" });
      expect([...read("unused").values]).toEqual(Array(8).fill(3));
      // b = a[j, k+1] * s with a copy boundary: the centre value at the last column.
      const b = a.map((_, n) => Math.fround(Math.fround(a[n % 8 === 7 ? n : n + 1]!) * 2.5));
      expect([...read("b").values]).toEqual(b);
    }
    const looped = join(tmp, "looped.json");
    writeFileSync(looped, JSON.stringify({ ...prog, time_loop: { steps: 2, feedback: { b: "a" } } }));
    const r = await cli(["emulate", looped]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(`${looped}: $.outputs[1]: output 'a' is an input the time_loop feeds back; returning it is not supported (return the output that feeds it)`);
  });
});
