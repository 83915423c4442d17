// Integer operators of the RTL datapath at their edge cases: tests/rtl/programs/int_edges.json
// (2x8 cells of hand-picked int32 operand pairs, used as int32 and as int64) simulated under Verilator, with and without
// random backpressure, writes exactly the CPU reference's bytes; a few cells are checked against
// hand-worked values of what the reference defines (the C++ it runs, built with -fwrapv, and
// c_expr.ts's integer helpers):
//  - + - * wrap modulo 2^32 (two's complement); unary -MIN = MIN;
//  - / truncates toward zero, % has the dividend's sign; x / 0 = x % 0 = 0, MIN / -1 = MIN
//    (also for int64), x % -1 = 0;
//  - << and >> (arithmetic) with a count outside 0..bits-1 give 0, or 0 / -1 by the sign for >>;
//  - float → int truncates toward zero (in-range values only: C++ leaves the rest undefined);
//    int → float rounds to nearest even.
// Plus tests/rtl/programs/int_division.json: the pipelined divider on 512 random operand pairs
// over the whole int64 and int32 ranges, byte-equal to the reference.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpyHeader, encodeNpy } from "../../src/data/npy.js";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import type { DType } from "../../src/ir/dtype.js";
import { buildDatapath } from "../../src/rtl/datapath.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { rtlDesign } from "../../src/rtl/rtl_design.js";
import { rtlProject } from "../../src/rtl/rtl_project.js";
import { lintDesign } from "../../src/rtl/verilator_build.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { BACKPRESSURE_SEED, simulateBothWays } from "./simulate.js";

const PROGRAM = "tests/rtl/programs/int_edges.json";
const MIN32 = -(2n ** 31n);
const MIN64 = -(2n ** 63n);

/** An output's values as exact integers (BigInt: int64 beyond 2^53 stays exact) or floats. */
function values(dir: string, name: string): (bigint | number)[] {
  const buf = readFileSync(join(dir, `${name}.npy`));
  const h = decodeNpyHeader(buf, name);
  const bytes = { "<i4": 4, "<i8": 8, "<f4": 4 }[h.descr]!;
  return Array.from({ length: (buf.length - h.dataOffset) / bytes }, (_, n) => {
    const o = h.dataOffset + n * bytes;
    return h.descr === "<i4" ? BigInt(buf.readInt32LE(o)) : h.descr === "<i8" ? buf.readBigInt64LE(o) : buf.readFloatLE(o);
  });
}

/** An .npy file of exact integers (encodeNpy takes numbers, which hold int64 only to 2^53). */
function integerNpy(dtype: DType, shape: number[], values: bigint[]): Buffer {
  const buf = encodeNpy(dtype, shape, values.map(() => 0));
  const bytes = dtype === "int64" ? 8 : 4;
  const start = buf.length - values.length * bytes;
  values.forEach((v, n) => (bytes === 8 ? buf.writeBigInt64LE(v, start + n * 8) : buf.writeInt32LE(Number(v), start + n * 4)));
  return buf;
}

/** Deterministic pseudo-random integers over the whole range of `bits` (xorshift64*). */
function randomIntegers(count: number, bits: number, seed: bigint): bigint[] {
  let x = seed;
  const mask = (1n << 64n) - 1n;
  return Array.from({ length: count }, () => {
    x ^= x >> 12n; x ^= (x << 25n) & mask; x ^= x >> 27n;
    const r = (x * 2685821657736338717n) & mask;
    return BigInt.asIntN(bits, r);
  });
}

describe("RTL integer operators at their edge cases", () => {
  it("int_edges.json: bit-equal to the CPU reference with and without backpressure, and the reference's defined cases", async () => {
    await simulateBothWays(PROGRAM);
    const bundle = loadProgram(PROGRAM);
    const options = { spatial: { vectorWidth: 1, replicas: 1 } };
    const tmp = mkdtempSync(join(tmpdir(), "rtl-int-"));
    const ref = join(tmp, "reference");
    expect((await emulate(bundle, { ...options, target: "cpu", outputsDir: ref })).ok).toBe(true);
    // Byte for byte (the comparison emulate makes goes through doubles, which hold int64 only to 2^53).
    for (const [dir, rtl] of [["plain", {}], ["stalled", { backpressure: BACKPRESSURE_SEED }]] as const) {
      const out = join(tmp, dir);
      expect((await emulate(bundle, { ...options, target: "rtl", rtl, outputsDir: out })).ok).toBe(true);
      for (const name of bundle.outputs) expect({ name, bytes: readFileSync(join(out, `${name}.npy`)) }).toEqual({ name, bytes: readFileSync(join(ref, `${name}.npy`)) });
    }
    // Cells (a, b): 0 (7, 0), 2 (MIN, -1), 3 (-7, 2), 4 (7, -2), 5 (-7, -2), 6 (MAX, 1), 7 (65536, 65536),
    // 8 (1, 32), 9 (-8, 33), 10 (5, -1), 11 (-1, 31), 12 (MIN, 31), 13 (16777217, 3), 14 (1 - 2^31, MIN).
    const got = (name: string, cells: number[]) => cells.map((c) => values(join(tmp, "plain"), name)[c]);
    expect(got("q", [0, 2, 3, 4, 5, 12])).toEqual([0n, MIN32, -3n, -3n, 3n, -69273666n]);
    expect(got("r", [0, 2, 3, 4, 5, 10, 12])).toEqual([0n, 0n, -1n, 1n, -1n, 0n, -2n]);
    expect(got("shl", [3, 8, 9, 10, 11])).toEqual([-28n, 0n, 0n, 0n, MIN32]);
    expect(got("shr", [3, 8, 9, 10, 11, 12])).toEqual([-2n, 0n, -1n, 0n, -1n, -1n]);
    expect(got("sum", [6, 14])).toEqual([MIN32, 1n]);
    expect(got("prod", [2, 7, 15])).toEqual([MIN32, 0n, 1410065408n]);
    expect(got("neg", [2, 0])).toEqual([MIN32, -7n]);
    // q64 = (a << 32) / b + (a << 32) % (b - 1) in int64: MIN64 / -1 = MIN64, x / 0 = 0 (+ x % -1 = 0).
    expect(got("q64", [2, 0, 3])).toEqual([MIN64, 0n, -15032385536n]);
    // sh64 = (a << (b + 32)) + (a >> (b + 32)) in int64: counts 64, 65 and negative ones shift everything
    // out; (-1 << 63) + (-1 >> 63) = MIN64 - 1 wraps to MAX64.
    expect(got("sh64", [3, 8, 9, 10, 11, 14])).toEqual([-120259084289n, 0n, -1n, 10737418240n, -MIN64 - 1n, -1n]);
    // trunc = f: -2.75, 2.75, -0.5, -1e9 truncated toward zero.
    expect(got("trunc", [0, 1, 2, 4])).toEqual([-2n, 2n, 0n, -1000000000n]);
    // back = a * 0.5 in float32: float(2^24 + 1) = 2^24 and float(MAX) = 2^31 (nearest even).
    expect(got("back", [13, 6])).toEqual([8388608, 1073741824]);
  });

  it("int_division.json: / and % of random int64 and int32 operands over their whole range equal the reference's bytes", async () => {
    // Divisors shifted right by a random count (small and large magnitudes alike), and every
    // 7th dividend MIN, every 11th divisor -1, every 13th 0.
    const tmp = mkdtempSync(join(tmpdir(), "rtl-div-"));
    const inputs = join(tmp, "in");
    mkdirSync(inputs);
    const n = 8 * 64;
    for (const [x, y, bits, dtype] of [["a", "b", 64, "int64"], ["c", "d", 32, "int32"]] as const) {
      const shifts = randomIntegers(n, 64, 99n + BigInt(bits)).map((s) => BigInt.asUintN(6, s) % BigInt(bits));
      const dividends = randomIntegers(n, bits, 1n + BigInt(bits)).map((v, i) => (i % 7 === 0 ? -(1n << BigInt(bits - 1)) : v));
      const divisors = randomIntegers(n, bits, 2n + BigInt(bits)).map((v, i) => (i % 13 === 0 ? 0n : i % 11 === 0 ? -1n : v >> shifts[i]!));
      writeFileSync(join(inputs, `${x}.npy`), integerNpy(dtype, [8, 64], dividends));
      writeFileSync(join(inputs, `${y}.npy`), integerNpy(dtype, [8, 64], divisors));
    }
    const bundle = loadProgram("tests/rtl/programs/int_division.json");
    const options = { spatial: { vectorWidth: 1, replicas: 1 }, inputsDir: inputs };
    const ref = join(tmp, "reference");
    const out = join(tmp, "rtl");
    expect((await emulate(bundle, { ...options, target: "cpu", outputsDir: ref })).ok).toBe(true);
    expect((await emulate(bundle, { ...options, target: "rtl", outputsDir: out })).ok).toBe(true);
    for (const name of bundle.outputs) expect({ name, bytes: readFileSync(join(out, `${name}.npy`)) }).toEqual({ name, bytes: readFileSync(join(ref, `${name}.npy`)) });
    // The operands did reach past 2^53 (int64) and both signs.
    const q = values(ref, "q64") as bigint[];
    expect(q.some((v) => v > 2n ** 53n) && q.some((v) => v < -(2n ** 53n))).toBe(true);
  });

  it("each PE's datapath is as deep as its operators' integer latencies say, and as the spatial pipeline's estimate (the FIFO depths) assumes", () => {
    const bundle = loadProgram(PROGRAM);
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 1, replicas: 1 });
    const depths = Object.fromEntries(p.pes.map((pe) => [pe.stencil, buildDatapath(p, pe).depth]));
    // Integer latencies: + - 1, * 3, / % 36 (the divider), << >> 1, min/max/compare/select/abs 1,
    // & | ^ ~ unary - 0; float32 * 4. q64: << (1), then / (36), then + (1); sh64: +, shifts, +; mix: the + chain after
    // a compare (1) and two + (1 each), then | (0).
    expect(depths).toEqual({ q: 36, r: 36, shl: 1, shr: 1, sum: 1, prod: 3, neg: 0, q64: 38, sh64: 3, trunc: 1, narrow: 1, back: 4, mix: 3 });
    expect(new Set(p.pes.map((pe) => pe.pipelineDepth - depths[pe.stencil]!)).size).toBe(1);
  });

  it("int_edges.json lints clean (verilator --lint-only -Wall), the divider included; only its float stencil asks for a floating_point core", async () => {
    const bundle = loadProgram(PROGRAM);
    const design = rtlDesign(bundle, lowerToPipeline(bundle.sdfg, { vectorWidth: 1, replicas: 1 }));
    expect(await lintDesign(design.files, design.sv, design.topModule)).toBe("");
    // back = a * 0.5 (float32) is the one float operator; integer compares are native, not cores.
    expect(design.files.get("ip/floating_point.tcl")!.match(/-module_name \S+/g)).toEqual(["-module_name fp32_mul_l4"]);
  });

  it("package_xo.tcl refuses only conversions involving floats: image_int.json's int32 → int64 is native logic, int_edges.json's float ↔ int32 a DPI-C model", () => {
    const refusal = (path: string) => {
      const bundle = loadProgram(path);
      const files = rtlProject(bundle, lowerToPipeline(bundle.sdfg, { vectorWidth: 1, replicas: 1 }), loadPlatform("u280"));
      return /^error "conversions involving floats/m.test(files.get("kernel/package_xo.tcl")!.toString());
    };
    expect([refusal("stencils/image_int.json"), refusal(PROGRAM)]).toEqual([false, true]);
  });
});
