// DaCe's vectorized systolic GEMM (samples/fpga/gemm_systolic_vectorized.py's layout on the
// dace-fpga systolic matmul, derived by tests/dace/programs/vector/derive_systolic.py): B and C
// travel as vectors of W floats through the vector streams B_pipe and C_pipe, each PE keeps a
// vector C_buffer, and its tasklets multiply a scalar A element by a B vector and add vectors;
// the sample's write_C stage adds each vector from C_pipe to C's (C = A @ B + C, C random);
// at W=2 that vector first goes through a scalar array, as DaCe's Gearbox expansion copies it.
// The kernels move one vector per stream access (a dynamic read: one vector per use, not one
// per lane) and emulate equal to NumPy on both vendors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/ir/diagnostics.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { emulateSdfg } from "../../src/emulate/sdfg_emulate.js";
import { loadSdfgBundle, sdfgIntelProject, sdfgVitisProject } from "../../src/targets/sdfg_program.js";
import { cli } from "../helpers.js";

const DIR = join(process.cwd(), "tests", "dace", "programs", "vector");
const file = (w: number) => join(DIR, `gemm_systolic_vec${w}`, `gemm_systolic_vec${w}.sdfg`);
/** The sample's P and M (specialised); N = K = 16 from A.npy. */
const P = 4;
const M = 16;
/** N and K (the fixture's A.npy sets them; a program written elsewhere gets them here). */
const SYMBOLS = { N: 16, K: 16 };

const tmp = mkdtempSync(join(tmpdir(), "sdfg-vecsys-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The W=4 program with write_c's condition `(p > 0) and (n1 > 0)` replaced by `cond`. */
function withWriteCondition(cond: string): string {
  const text = readFileSync(file(4), "utf8");
  const old = "c_out = (forward_in if ((p > 0) and (n1 > 0)) else buffer_in)";
  expect(text).toContain(old);
  const f = join(mkdtempSync(join(tmp, "w-")), "gemm.sdfg");
  writeFileSync(f, text.replace(old, `c_out = (forward_in if (${cond}) else buffer_in)`));
  return f;
}

/** The text of each `static void pe_…unroll_compute_<p>` process function, by p. */
function peFunctions(kernel: string): string[] {
  const out: string[] = [];
  for (const m of kernel.matchAll(/^static void pe_\w+_unroll_compute_(\d+)\(.*\) \{\n([\s\S]*?)^\}$/gm)) out[Number(m[1])] = m[2]!;
  return out;
}

describe("the vectorized systolic GEMM's kernels", () => {
  it("Vitis: vector streams and buffers; each PE reads one B vector per step and forwards it once, C_pipe read once per use", () => {
    const kernel = sdfgVitisProject(loadSdfgBundle(file(4)), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    expect(kernel).toContain(`hls::stream<hls::vector<float, 4>, 1> d_B_pipe[${P + 1}]`);
    expect(kernel).toContain(`hls::stream<hls::vector<float, 4>, 1> d_C_pipe[${P}]`);
    expect(kernel).toContain(`hls::stream<float, ${P}> d_A_pipe[${P + 1}]`);
    const pes = peFunctions(kernel);
    expect(pes.length).toBe(P);
    pes.forEach((body, p) => {
      // C_buffer holds M/W vectors.
      expect(body).toContain(`static hls::vector<float, 4> d_C_buffer[${M / 4}];`);
      // Every B_pipe / C_pipe access is a whole vector: never a lane of a stream.
      expect(body).not.toMatch(/d_[BC]_pipe\[\d+\]\[/);
      expect(body.match(new RegExp(`d_B_pipe\\[${p}\\]\\.read\\(\\)`, "g"))?.length).toBe(1);
      expect(body.match(new RegExp(`d_B_pipe\\[${p + 1}\\]\\.write\\(out_b_out\\)`, "g"))?.length).toBe(1);
      // write_c's forward_in (a dynamic read of C_pipe[p - 1]) reads in lane 0 only, one vector.
      const forward = body.match(/d_C_pipe\[\d+\]\.read\(\)/g) ?? [];
      expect(forward).toEqual(p === 0 ? [] : [`d_C_pipe[${p - 1}].read()`]);
      if (p > 0) expect(body).toMatch(/\(sdfg_lane\d+ == 0 \? \(in_forward_in_use0 = d_C_pipe\[\d+\]\.read\(\)\) : in_forward_in_use0\)/);
      expect(body).toMatch(new RegExp(`if \\(out_c_out_written\\) d_C_pipe\\[${p}\\]\\.write\\(out_c_out\\);`));
    });
  });

  it("W=2: write_C copies one vector from C_pipe[P - 1] into its scalar array C_unpack (the Gearbox copy), lane by lane", () => {
    const kernel = sdfgVitisProject(loadSdfgBundle(file(2)), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    const body = /^static void pe_\w+_write_C\(.*\) \{\n([\s\S]*?)^\}$/m.exec(kernel)![1]!;
    expect(body).toContain("static float d_C_unpack[2];");
    const read = /const hls::vector<float, 2> (sdfg_vec\d+) = d_C_pipe\[3\]\.read\(\);/.exec(body);
    expect(read).not.toBeNull();
    expect(body.match(/d_C_pipe\[\d+\]\.read\(\)/g)).toEqual(["d_C_pipe[3].read()"]);
    expect(body).toMatch(new RegExp(`d_C_unpack\\[.*\\] = ${read![1]}\\[0\\];`));
    expect(body).toMatch(new RegExp(`d_C_unpack\\[.*\\] = ${read![1]}\\[1\\];`));
  });

  it("Intel: float4 channels and buffers; the lane-0 block reads forward_in's vector, the others take their lane of it", () => {
    const cl = sdfgIntelProject(loadSdfgBundle(file(4)), loadPlatform("520n")).get("kernel/kernels.cl") as string;
    expect(cl).toContain(`channel float4 d_B_pipe[${P + 1}] __attribute__((depth(1)));`);
    expect(cl).toContain(`channel float4 d_C_pipe[${P}] __attribute__((depth(1)));`);
    expect(cl).toContain(`SDFG_ONCHIP float4 d_C_buffer[${M / 4}];`);
    expect(cl).not.toMatch(/d_[BC]_pipe\[\d+\]\)?\.s\d/);
    const reads = [...cl.matchAll(/read_channel_intel\(d_C_pipe\[(\d+)\]\)/g)].map((m) => Number(m[1]));
    // PEs 1..3 forward C_pipe[p - 1]; write_C reads C_pipe[P - 1].
    expect(reads).toEqual([0, 1, 2, 3]);
    expect(cl).toContain("(in_forward_in_use0 = read_channel_intel(d_C_pipe[0]))).s0");
    expect(cl).toContain("in_forward_in_use0.s3");
  });
});

describe("vector streams accessed by only some lanes are refused", () => {
  it("a dynamic read of a vector stream under a condition on a vector names the file, the code position and the lane-varying name", () => {
    const f = withWriteCondition("buffer_in > 0");
    let err: unknown;
    try { sdfgVitisProject(loadSdfgBundle(f, { symbols: SYMBOLS }), loadPlatform("u280")); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg.startsWith(`${f}: $.nodes[1].nodes[`)).toBe(true);
    expect(msg.slice(f.length)).toMatch(/^: \$\.nodes\[1\]\.nodes\[\d+\]\.attributes\.code: line 2 col \d+: 'forward_in' reads a vector stream under a condition that may differ between lanes \(it names 'buffer_in'\)/);
  });

  it("the CLI refuses a vector stream written under a condition on a vector in one line, exit 2", async () => {
    const f = join(mkdtempSync(join(tmp, "w-")), "gemm.sdfg");
    const text = readFileSync(file(4), "utf8");
    expect(text).toContain("if (n1 <= p):");
    writeFileSync(f, text.replace("if (n1 <= p):", "if (buffer_in > 0):").replace("c_out = (forward_in if ((p > 0) and (n1 > 0)) else buffer_in)", "c_out = buffer_in"));
    const r = await cli(["generate", f, "--target", "xilinx", "--symbol", "N=16", "--symbol", "K=16", "-o", join(tmp, "out-w")]);
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines.length).toBe(1);
    expect(lines[0]!.slice(f.length)).toMatch(/^: \$\.nodes\[1\]\.nodes\[\d+\]\.attributes\.code: line 2 col \d+: 'c_out' writes a vector stream under a condition that may differ between lanes \(it names 'buffer_in'\)/);
  });

  it("a condition on scalars only (the PE index and a map parameter) is accepted", () => {
    expect(() => sdfgIntelProject(loadSdfgBundle(withWriteCondition("n1 > 1"), { symbols: SYMBOLS }), loadPlatform("520n"))).not.toThrow();
  });
});

describe.concurrent("the vectorized systolic GEMM emulates equal to NumPy", () => {
  const cases = [[4, "xilinx"], [4, "intel"], [2, "xilinx"]] as const;
  it.for(cases)("W=%i on %s", async ([w, target], { expect: check }) => {
    const r = await emulateSdfg(loadSdfgBundle(file(w)), target, loadPlatform(target === "intel" ? "520n" : "u280"));
    check(r.outputs.map((o) => ({ name: o.name, elements: o.elements, ref: o.mismatchesVsReference, numpy: o.mismatchesVsNumpy })))
      .toEqual([{ name: "C", elements: 256, ref: 0, numpy: 0 }]);
    check(r.ok).toBe(true);
  });
});
