// The printed bin search and merge (src/codegen/binning_code.ts), compiled with g++ once: the
// bin it finds equals the brute-force NumPy definition (rmax*i/npt <= r < rmax*(i+1)/npt) for
// azimint_naive's radii, every bin edge and the float64 values either side of it, r == rmax,
// negatives and NaN, at 8 bins and at 7 (edges not exact in binary); and the means of azimint's
// data over 4 interleaved copies merged in the printed order equal NumPy's __return.out.npy
// (NPBench tolerance) and, bit for bit, the same order computed here. The same text is plain C99.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBinMerge, writeBinSearch } from "../../src/codegen/binning_code.js";
import { CodeWriter } from "../../src/codegen/code_writer.js";
import { compareArrays } from "../../src/emulate/compare.js";
import { readInputValues } from "../../src/frontend/input_data.js";
import { SHARED } from "../helpers.js";

const DIR = join(SHARED, "peers", "npbench", "azimint_naive");
const npy = (name: string, n: number) => readInputValues({ name, dtype: "float64", axes: [0], shape: [n], source: { kind: "file", path: join(DIR, `${name}.npy`), format: "npy" } }, name);
const radius = npy("radius", 64);
const data = npy("data", 64);
const want = npy("__return.out", 8);
const COPIES = 4;

/** NumPy's definition, by brute force: the first i whose [r1, r2) holds r, else -1. */
function numpyBin(r: number, rmax: number, bins: number): number {
  for (let i = 0; i < bins; i++) if ((rmax * i) / bins <= r && r < (rmax * (i + 1)) / bins) return i;
  return -1;
}

function nextDown(x: number): number {
  const b = new Float64Array([x]);
  const u = new BigInt64Array(b.buffer);
  u[0] = x > 0 ? u[0]! - 1n : x < 0 ? u[0]! + 1n : -0x8000000000000000n | 1n;
  return b[0]!;
}

/** Probes around every edge of `bins` bins of [0, rmax), plus the awkward values. */
function probes(rmax: number, bins: number): number[] {
  const xs = [rmax, -rmax, -0, 0, -1e-300, Number.NaN, 2 * rmax, Number.POSITIVE_INFINITY];
  for (let i = 0; i <= bins; i++) {
    const e = (rmax * i) / bins;
    xs.push(e, nextDown(e), -nextDown(-e));
  }
  return xs;
}

const text = (x: number) => (Number.isNaN(x) ? "nan" : x === Number.POSITIVE_INFINITY ? "inf" : x === Number.NEGATIVE_INFINITY ? "-inf" : Object.is(x, -0) ? "-0.0" : x.toPrecision(17));

function harness(): string {
  const w = new CodeWriter();
  w.line("#include <cstdio>");
  w.line("#include <cstdlib>");
  for (const bins of [7, 8]) {
    w.block(`static int bin${bins}(double r, double rmax)`, () => {
      writeBinSearch(w, { key: "r", max: "rmax", bins, bin: "b" });
      w.line("return b;");
    });
  }
  w.comment("argv: mode (bins: B rmax values... | means: n radius... data...)");
  w.block("int main(int argc, char** argv)", () => {
    w.block('if (argv[1][0] == \'b\')', () => {
      w.line("const int B = std::atoi(argv[2]); const double rmax = std::strtod(argv[3], nullptr);");
      w.line('for (int a = 4; a < argc; a++) { const double r = std::strtod(argv[a], nullptr); std::printf("%d\\n", B == 7 ? bin7(r, rmax) : bin8(r, rmax)); }');
      w.line("return 0;");
    });
    w.line("const int n = std::atoi(argv[2]);");
    w.line("double rmax = std::strtod(argv[3], nullptr);");
    w.line("for (int t = 1; t < n; t++) { const double r = std::strtod(argv[3 + t], nullptr); rmax = r > rmax ? r : rmax; }");
    w.line(`double sum[${COPIES}][8] = {}; long count[${COPIES}][8] = {};`);
    w.block("for (int t = 0; t < n; t++)", () => {
      w.line("const int b = bin8(std::strtod(argv[3 + t], nullptr), rmax);");
      w.line(`if (b >= 0) { sum[t % ${COPIES}][b] += std::strtod(argv[3 + n + t], nullptr); count[t % ${COPIES}][b] += 1; }`);
    });
    w.block("for (int k = 0; k < 8; k++)", () => {
      writeBinMerge(w, { sum: "sum", count: "count", copies: COPIES, bin: "k", mean: "m" });
      w.line('std::printf("%.17g\\n", m);');
    });
  });
  return w.toString();
}

/** The bin search and merge as plain C99 (OpenCL C is C99 with extensions; no C++ in the printed text). */
function cSource(): string {
  const w = new CodeWriter();
  w.block("int bin7(double r, double rmax)", () => {
    writeBinSearch(w, { key: "r", max: "rmax", bins: 7, bin: "b" });
    w.line("return b;");
  });
  w.block(`double mean_of(double sum[${COPIES}][7], long count[${COPIES}][7], int k)`, () => {
    writeBinMerge(w, { sum: "sum", count: "count", copies: COPIES, bin: "k", mean: "m" });
    w.line("return m;");
  });
  return w.toString();
}

let dir = "";
const bin = () => join(dir, "binning");
const run = async (args: string[]) => (await execa(bin(), args)).stdout.trim().split("\n");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sdfg-binning-"));
  writeFileSync(join(dir, "binning.cpp"), harness());
  await execa("g++", ["-O2", "-std=c++17", "-Wall", "-Werror", join(dir, "binning.cpp"), "-o", bin()]);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("binning code (bin search and merge, compiled)", () => {
  it("is plain C99 as well (what OpenCL C builds on)", async () => {
    writeFileSync(join(dir, "binning.c"), cSource());
    const r = await execa("gcc", ["-std=c99", "-pedantic", "-Wall", "-Werror", "-fsyntax-only", join(dir, "binning.c")], { reject: false });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
  });

  it("finds NumPy's bin for azimint's radii, every edge and its neighbours, r == rmax, negatives, NaN (8 and 7 bins)", async () => {
    const rmax = Math.max(...radius);
    for (const [bins, max] of [[8, rmax], [7, rmax], [7, 0.7], [8, 0.1]] as const) {
      const xs = [...radius, ...probes(max, bins)];
      const got = (await run(["b", String(bins), text(max), ...xs.map(text)])).map(Number);
      expect(got, `${bins} bins of [0, ${max})`).toEqual(xs.map((r) => numpyBin(r, max, bins)));
    }
    // The probes reach every bin and both sides of the range.
    expect(new Set(probes(rmax, 8).map((r) => numpyBin(r, rmax, 8)))).toEqual(new Set([-1, 0, 1, 2, 3, 4, 5, 6, 7]));
  });

  it("azimint's means over 4 interleaved copies: NumPy's within tolerance, and the same order here bit for bit", async () => {
    const got = Float64Array.from(await run(["m", "64", ...[...radius].map(text), ...[...data].map(text)]), Number);
    expect(compareArrays("__return", "float64", got, want).mismatches).toBe(0);
    const rmax = Math.max(...radius);
    const sum = Array.from({ length: COPIES }, () => new Array<number>(8).fill(0));
    const count = Array.from({ length: COPIES }, () => new Array<number>(8).fill(0));
    radius.forEach((r, t) => {
      const b = numpyBin(r, rmax, 8);
      if (b >= 0) { sum[t % COPIES]![b]! += data[t]!; count[t % COPIES]![b]! += 1; }
    });
    const exact = Array.from({ length: 8 }, (_, b) => sum.map((s) => s[b]!).reduce((a, x) => a + x) / count.map((c) => c[b]!).reduce((a, x) => a + x));
    expect([...got]).toEqual(exact);
  });
});
