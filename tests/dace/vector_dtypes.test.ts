// DaCe vector data types (`dace.vector(T, W)`, serialized {"type": "vector", "dtype", "elements"})
// on the memory-mapped road. Programs: tests/dace/programs/vector (derived from the dace-fpga
// axpy and vadd samples by derive.py there; `.out.npy` computed by NumPy): vector arrays with a
// broadcast scalar (axpy_vec: Y = A * X + Y), Vectorization's strided map over scalar arrays
// with a local and a branch per lane (axpy_strided: Y = |A * X| + Y, X of both signs), a vector reduced with WCR into one scalar (axpy_sum: Y[0] += A * X, lanes first),
// host scalar arrays copied into device vector arrays (vadd_vec).
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/ir/diagnostics.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { emulateSdfg } from "../../src/emulate/sdfg_emulate.js";
import { loadSdfgBundle, sdfgIntelProject, sdfgVitisProject } from "../../src/targets/sdfg_program.js";
import { parseSdfgText } from "../../src/frontend/dace/load_sdfg.js";
import { cli, SHARED } from "../helpers.js";

const DIR = join(process.cwd(), "tests", "dace", "programs", "vector");
const file = (p: string) => join(DIR, p, `${p}.sdfg`);
const tmp = mkdtempSync(join(tmpdir(), "sdfg-vector-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** axpy_vec with `lanes` lanes instead of 4 (dtype, shapes, ranges), with its inputs, in a fresh folder. */
function axpyWithLanes(lanes: number, dtype = "float64"): string {
  const dir = mkdtempSync(join(tmp, `axpy${lanes}-`));
  const text = readFileSync(file("axpy_vec"), "utf8")
    .replaceAll('"elements": "4"', `"elements": "${lanes}"`)
    .replace(/"dtype": "float64",(\s*)"elements"/g, `"dtype": "${dtype}",$1"elements"`)
    .replaceAll("N/4", `N/${lanes}`)
    .replaceAll("int_floor(N, 4)", `int_floor(N, ${lanes})`);
  writeFileSync(join(dir, "axpy_vec.sdfg"), text);
  for (const f of readdirSync(join(DIR, "axpy_vec")).filter((x) => x.endsWith(".npy"))) copyFileSync(join(DIR, "axpy_vec", f), join(dir, f));
  return join(dir, "axpy_vec.sdfg");
}

describe("vector dtypes in .sdfg files", () => {
  it("the loader reads a vector dtype as its lane type and lanes, and vector connectors", () => {
    const p = parseSdfgText(readFileSync(file("axpy_vec"), "utf8"), "axpy_vec.sdfg");
    expect({ dtype: p.arrays.X!.dtype, veclen: p.arrays.X!.veclen }).toEqual({ dtype: "float64", veclen: 4 });
    expect(p.arrays.A!.veclen).toBeUndefined();
    const s = parseSdfgText(readFileSync(file("axpy_strided"), "utf8"), "axpy_strided.sdfg");
    expect(s.arrays.X!.veclen).toBeUndefined();
  });

  it("a symbolic vector length is refused at its field", () => {
    const text = readFileSync(file("axpy_vec"), "utf8").replace('"elements": "4"', '"elements": "W"');
    expect(() => parseSdfgText(text, "v.sdfg")).toThrow(/^v\.sdfg: \$\.attributes\._arrays\.X\.attributes\.dtype\.elements: a vector's length must be a whole number/);
  });

  it("the host passes the scalar array: N is read from X.npy (24 scalars = 6 vectors of 4), m_axi depth counts vectors", () => {
    const b = loadSdfgBundle(file("axpy_vec"));
    expect(b.symbols).toEqual({ N: 24 });
    const kernel = sdfgVitisProject(b, loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    expect(kernel).toContain("hls::vector<double, 4>* d_X");
    expect(kernel).toMatch(/m_axi port=d_X offset=slave bundle=gmem\d+ depth=6\n/);
    const cl = sdfgIntelProject(b, loadPlatform("520n")).get("kernel/kernels.cl") as string;
    expect(cl).toContain("__global double4* restrict d_X");
  });

  it("OpenCL refuses a vector width it cannot express (3 lanes), naming file and field", () => {
    const f = axpyWithLanes(3);
    const b = loadSdfgBundle(f);
    expect(b.symbols).toEqual({ N: 24 });
    let err: unknown;
    try { sdfgIntelProject(b, loadPlatform("520n")); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`${f}: $.attributes._arrays.X.attributes.dtype: a vector of 3 lanes cannot be mapped to Intel OpenCL (OpenCL C vectors have 2, 4, 8, 16 lanes)`);
  });

  it("the CLI refuses it with one line and exit 2", async () => {
    const f = axpyWithLanes(3);
    const r = await cli(["generate", f, "--target", "intel", "-o", join(tmp, "out3")]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([`${f}: $.attributes._arrays.X.attributes.dtype: a vector of 3 lanes cannot be mapped to Intel OpenCL (OpenCL C vectors have 2, 4, 8, 16 lanes)`]);
  });

  it("a stream's vector element type is read too; a scalar tasklet reading the vector stream is refused at its code", () => {
    const dir = join(SHARED, "peers", "dace-fpga", "matrix_multiplication_systolic");
    const doc = JSON.parse(readFileSync(join(dir, "matrix_multiplication_systolic.sdfg"), "utf8")) as { attributes: { _arrays: Record<string, { attributes: { dtype: unknown } }> } };
    doc.attributes._arrays.A_pipe!.attributes.dtype = { type: "vector", dtype: "float32", elements: "8" };
    const f = join(mkdtempSync(join(tmp, "mms-")), "mms.sdfg");
    writeFileSync(f, JSON.stringify(doc));
    const p = parseSdfgText(readFileSync(f, "utf8"), f);
    expect({ kind: p.arrays.A_pipe!.kind, dtype: p.arrays.A_pipe!.dtype, veclen: p.arrays.A_pipe!.veclen }).toEqual({ kind: "stream", dtype: "float32", veclen: 8 });
    expect(() => sdfgIntelProject(loadSdfgBundle(f, { symbols: { N: 16, K: 16, M: 16 } }), loadPlatform("520n"))).toThrow(/mms\.sdfg: \$\.nodes\[1\]\.nodes\[\d+\]\.attributes\.code: line \d+ col \d+: 'a_reg' is a scalar output of a tasklet on vectors/);
  });

  it("report --json counts a vector argument's scalars and says its lanes", async () => {
    const r = await cli(["report", file("axpy_vec"), "--json"]);
    expect(r.exitCode).toBe(0);
    const args = (JSON.parse(r.stdout) as { arguments: { name: string; lanes?: number; elements: number; bytes: number }[] }).arguments;
    expect(args.map((a) => [a.name, a.lanes, a.elements, a.bytes])).toEqual([["A", undefined, 1, 8], ["X", 4, 24, 192], ["Y", 4, 24, 192]]);
  });

  it("vectors of complex numbers are refused by name", () => {
    const b = loadSdfgBundle(axpyWithLanes(4, "complex128"));
    expect(() => sdfgVitisProject(b, loadPlatform("u280"))).toThrow(/_arrays\.X\.attributes\.dtype: a vector of complex128 cannot be mapped/);
  });
});

describe.concurrent("vector dtypes emulate equal to NumPy", () => {
  // Each form on both vendors once (the lane loop on Vitis, one block per lane on Intel), to keep
  // the g++ builds few.
  const cases = ([["axpy_vec", "xilinx"], ["axpy_vec", "intel"], ["vadd_vec", "xilinx"], ["vadd_vec", "intel"], ["axpy_strided", "xilinx"], ["axpy_sum", "intel"]] as const)
    .map(([p, t]) => [`${p} on ${t}`, p, t] as const);
  it.for(cases)("%s", async ([, name, target], { expect: check }) => {
    const r = await emulateSdfg(loadSdfgBundle(file(name)), target, loadPlatform(target === "intel" ? "520n" : "u280"));
    check(r.outputs.length).toBe(1);
    const o = r.outputs[0]!;
    check({ name: o.name, elements: o.elements, ref: o.mismatchesVsReference, numpy: o.mismatchesVsNumpy, first: o.first })
      .toEqual({ name: o.name, elements: name === "vadd_vec" ? 64 : 24, ref: 0, numpy: 0, first: undefined });
    check(r.ok).toBe(true);
  });

  it("3 lanes on Vitis (hls::vector<double, 3>: any width) equal NumPy", async ({ expect: check }) => {
    const r = await emulateSdfg(loadSdfgBundle(axpyWithLanes(3)), "xilinx", loadPlatform("u280"));
    check(r.outputs.map((o) => [o.name, o.elements, o.mismatchesVsReference, o.mismatchesVsNumpy])).toEqual([["Y", 24, 0, 0]]);
  });
});
