// The .sdfg frontend: DaCe's sympy and Python code parsed into our AST, both DaCe versions'
// files load, symbols come from --symbol or the inputs, and malformed files are refused through
// the CLI with one located line, exit 2 and nothing written.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePyExpression, parsePyStatements, parseWcr } from "../../src/frontend/dace/python_code.js";
import { loadSdfgFile } from "../../src/frontend/dace/load_sdfg.js";
import { UserError } from "../../src/ir/diagnostics.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { loadSdfgBundle, sdfgCpuProject, sdfgIntelProject, sdfgVitisProject } from "../../src/targets/sdfg_program.js";
import { cli, SHARED } from "../helpers.js";

const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === "pos" ? undefined : v)));
const n = (v: number) => ({ kind: "number", value: v, integer: true });
const name = (s: string) => ({ kind: "name", name: s });

describe("DaCe code strings into the expression AST", () => {
  it("sympy: symbol($N, dtype=…), Min, int_floor, Mod, **", () => {
    expect(strip(parsePyExpression("symbol($NI, dtype=dace.int64, nonnegative=True)"))).toEqual(name("NI"));
    expect(strip(parsePyExpression("Min(N, 3*i) - int_floor(N, 2)"))).toEqual({
      kind: "binary", op: "-",
      left: { kind: "call", fn: "min", args: [name("N"), { kind: "binary", op: "*", left: n(3), right: name("i") }] },
      right: { kind: "call", fn: "floordiv", args: [name("N"), n(2)] },
    });
    expect(strip(parsePyExpression("Mod($i, 4) + R**(K - 1)"))).toEqual({
      kind: "binary", op: "+",
      left: { kind: "call", fn: "mod", args: [name("i"), n(4)] },
      right: { kind: "binary", op: "**", left: name("R"), right: { kind: "binary", op: "-", left: name("K"), right: n(1) } },
    });
  });

  it("tasklets: several statements, if/else, ternary, math calls and casts", () => {
    const code = parsePyStatements("t = math.exp(a) if a > 0 else 0.0\nif t >= 1:\n    out = dace.float32(t)\nelse:\n    out = int(b) // 2\n");
    expect(code.map((s) => s.kind)).toEqual(["assign", "if"]);
    expect(strip(code[0])).toMatchObject({ target: "t", value: { kind: "ternary", then: { kind: "call", fn: "exp" } } });
    expect(strip(code[1])).toMatchObject({ then: [{ target: "out", value: { kind: "cast", to: "float32" } }], otherwise: [{ value: { kind: "binary", op: "//", left: { kind: "cast", to: "int64" } } }] });
  });

  it("write-conflict lambdas: the common ones become operators, others stay lambdas", () => {
    expect(parseWcr("(lambda x, y: (x + y))")).toEqual({ op: "+" });
    expect(parseWcr("(lambda a, b: max(a, b))")).toEqual({ op: "max" });
    expect(strip(parseWcr("lambda a, b: a * 2 + b"))).toMatchObject({ op: "lambda", a: "a", b: "b" });
  });

  it("refuses what is not DaCe's tasklet subset with the line and column", () => {
    expect(() => parsePyStatements("x = 1\nfor i in range(3):\n    x = i")).toThrow(/line 2 col 1: 'for' statements are not supported/);
    expect(() => parsePyExpression("a + 'text'")).toThrow(/line 1 col 5: string literals are not supported/);
    expect(() => parsePyExpression("np.frobnicate(a)")).toThrow(/unknown function 'np.frobnicate'/);
  });
});

describe("DaCe files load", () => {
  const dirs = ["head", "alpha2"].map((v) => join(SHARED, "peers", "dace", v));
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".sdfg")).map((f) => join(d, f)));

  it.for(files)("%s loads", (f) => {
    const p = loadSdfgFile(f);
    expect(p.root.blocks.length).toBeGreaterThan(0);
    expect(Object.keys(p.arrays).length).toBeGreaterThan(0);
  });

  it.for(files.filter((f) => !f.endsWith("features.sdfg")))("%s generates code for all three targets", (f) => {
    const b = loadSdfgBundle(f, { symbols: Object.fromEntries(Object.keys(loadSdfgFile(f).symbols).map((s) => [s, 16])) });
    expect(sdfgCpuProject(b).get("reference.cpp")).toContain("static void program(");
    expect(sdfgVitisProject(b, loadPlatform("u280")).get("kernel/sdfg_kernel.cpp")).toContain("#pragma HLS INTERFACE m_axi");
    expect(sdfgIntelProject(b, loadPlatform("520n")).get("kernel/kernels.cl")).toContain("__kernel void sdfg_kernel(");
  });

  it("a Consume scope loads but is refused by name when generating", () => {
    const f = join(SHARED, "peers", "dace", "head", "features.sdfg");
    const b = loadSdfgBundle(f, { symbols: { N: 16, T: 2 } });
    expect(() => sdfgCpuProject(b)).toThrow(UserError);
  });
});

describe("symbols", () => {
  const gemm = join(SHARED, "peers", "npbench", "gemm", "gemm.sdfg");

  it("are inferred from the shapes of the .npy inputs", () => {
    expect(loadSdfgBundle(gemm).symbols).toEqual({ NI: 40, NJ: 44, NK: 48 });
  });

  it("a --symbol that contradicts an input's shape names the file and the axis", () => {
    expect(() => loadSdfgBundle(gemm, { symbols: { NI: 41 } })).toThrow(/C\.npy: has size 40 on axis 0, but symbol NI = 41/);
  });

  it("a scalar argument (a 0-d .npy) is an s_axilite value, arrays are m_axi ports", () => {
    const b = loadSdfgBundle(join(SHARED, "peers", "npbench", "jacobi_1d", "jacobi_1d.sdfg"));
    const k = sdfgVitisProject(b, loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    expect(k).toContain("void sdfg_kernel(int64_t d_TSTEPS, double* d_A, double* d_B)");
    expect(k).toMatch(/#pragma HLS INTERFACE s_axilite port=d_TSTEPS\n#pragma HLS INTERFACE m_axi port=d_A offset=slave bundle=gmem0/);
  });
});

describe("malformed .sdfg files are refused by the CLI: one located line, exit 2, nothing written", () => {
  const src = join(SHARED, "peers", "npbench", "gemm");
  const text = readFileSync(join(src, "gemm.sdfg"), "utf8");
  const doc = () => JSON.parse(text);
  const cases: [string, (dir: string) => string, RegExp][] = [
    ["truncated", () => text.slice(0, 5000), /^.*bad\.sdfg:\d+:\d+: not valid JSON/],
    ["wrong type", () => { const d = doc(); d.nodes[0].nodes[1].attributes.code.string_data = 5; return JSON.stringify(d); }, /bad\.sdfg: \$\.nodes\[0\]\.nodes\[1\]\.attributes\.code\.string_data: .*expected string/],
    ["unknown node type", () => { const d = doc(); d.nodes[0].nodes[3].type = "Teleporter"; return JSON.stringify(d); }, /bad\.sdfg: \$\.nodes\[0\]\.nodes\[3\]\.type: unknown or unsupported node type 'Teleporter'/],
    ["dangling edge", () => { const d = doc(); d.nodes[0].edges[0].dst = "99"; return JSON.stringify(d); }, /bad\.sdfg: \$\.nodes\[0\]\.edges\[0\]\.dst: edge destination 99 is not a node of this state/],
    ["unsupported tasklet code", () => { const d = doc(); d.nodes[0].nodes[1].attributes.code.string_data = "while True:\n    __out = 1"; return JSON.stringify(d); }, /bad\.sdfg: \$\.nodes\[0\]\.nodes\[1\]\.attributes\.code\.string_data: line 1 col 1: 'while' statements are not supported/],
  ];

  it.for(cases)("%s", async ([, make, message]) => {
    const dir = mkdtempSync(join(tmpdir(), "sdfg-bad-"));
    for (const f of readdirSync(src)) if (f.endsWith(".npy")) copyFileSync(join(src, f), join(dir, f));
    writeFileSync(join(dir, "bad.sdfg"), make(dir));
    const out = join(dir, "out");
    const r = await cli(["generate", join(dir, "bad.sdfg"), "-t", "xilinx", "-o", out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it("symbol never given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sdfg-bad-"));
    copyFileSync(join(src, "gemm.sdfg"), join(dir, "gemm.sdfg"));
    const out = join(dir, "out");
    const r = await cli(["generate", join(dir, "gemm.sdfg"), "-t", "intel", "-o", out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/gemm\.sdfg: \$\.attributes\.symbols\.NI: no value for symbol 'NI': give --symbol NI=VALUE/);
    expect(existsSync(out)).toBe(false);
  });
});
