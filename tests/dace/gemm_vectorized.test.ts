// DaCe's samples/fpga/gemm_systolic_vectorized.py as its builder makes it (written by
// tests/dace/programs/vector/build_gemm_vectorized.py): TN x TM tiles, 512-bit device arrays
// (vectors of 16 floats), A transposed through the stream array `transpose` (16 channels written
// by an unrolled map, popped with a run-time index), a feeder with an on-chip buffer, PEs with a
// double-buffered A_buffer and a nested SDFG write_C, and at W=4 the two Gearbox expansions
// (16 <-> 4 lanes) inlined into the state. Both vendors emulate it equal to NumPy (C = A @ B + C),
// and so does the W=4 SDFG before its Gearbox library nodes are expanded (Intel).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/platform.js";
import { emulateSdfg } from "../../src/emulate/sdfg_emulate.js";
import { sdfgIntelProject, sdfgVitisProject } from "../../src/targets/sdfg_program.js";
import { UserError } from "../../src/ir/diagnostics.js";
import type { PNode, PRegion, PState } from "../../src/ir/program.js";
import { bundleFor } from "./sdfg_bundles.js";

const DIR = join(process.cwd(), "tests", "dace", "programs", "vector");
const fixture = (w: number | string) => bundleFor(join(DIR, `gemm_vectorized_w${w}`), `gemm_vectorized_w${w}`);
/** The builder's specialised P, TN, TM per W (N = K = 16 or 32, M = 64 or 32 from the manifest). */
const SIZES = { 4: { P: 4, TN: 8, TM: 16 }, 16: { P: 2, TN: 8, TM: 32 } } as const;

/** Names of the `static void pe_…` process functions a dataflow region calls, in order. */
function processCalls(kernel: string): string[] {
  return [...kernel.matchAll(/SDFG_DATAFLOW_CALL\((pe_\w+)/g)].map((m) => m[1]!.replace(/^pe_\d+_/, ""));
}

describe("the vectorized systolic GEMM's kernels", () => {
  it("Vitis, W=4: the Gearbox expansions are processes of their own between 16-lane memory vectors and 4-lane PE vectors", () => {
    const kernel = sdfgVitisProject(fixture(4), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    const { P, TN, TM } = SIZES[4];
    expect(processCalls(kernel)).toEqual([
      "read_A", "transpose_A", "read_B", "convert_B", "feed_B",
      ...Array.from({ length: P }, (_, p) => `unroll_processing_elements_${p}`), "convert_C", "write_C",
    ]);
    // transpose: 16 channels of buffer_size 2 * TN; the 512-bit and the kernel's vector streams.
    expect(kernel).toContain(`hls::stream<float, ${2 * TN}> d_transpose[16]`);
    expect(kernel).toContain("hls::stream<hls::vector<float, 16>, 8> d_B_to_converter[1]");
    expect(kernel).toContain("hls::stream<hls::vector<float, 4>, 8> d_B_to_feeder[1]");
    expect(kernel).toContain(`hls::stream<hls::vector<float, 16>, ${TM / 16}> d_C_from_converter[1]`);
    // Each PE owns its double buffer of A (2 * (TN//P) floats) and its tile of C (TN/P x TM/W vectors).
    const pe = /^static void pe_\w+_unroll_processing_elements_1\(.*\) \{\n([\s\S]*?)^\}$/m.exec(kernel)![1]!;
    expect(pe).toMatch(new RegExp(`float d_A_buffer\\[${2 * (TN / P)}\\]`));
    expect(pe).toMatch(new RegExp(`hls::vector<float, 4> d_C_buffer\\[${(TN / P) * (TM / 4)}\\]`));
    // Same input, byte-identical output.
    expect(sdfgVitisProject(fixture(4), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp")).toBe(kernel);
  });

  it("Vitis, W=4: read_A and both Gearboxes pipeline at II=1, their lane loops unrolled over registers, their states guarded blocks", () => {
    const kernel = sdfgVitisProject(fixture(4), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    const body = (name: string) => new RegExp(`^static void pe_\\d+_${name}\\(.*\\) \\{\\n([\\s\\S]*?)^\\}$`, "m").exec(kernel)![1]!;
    for (const name of ["read_A", "convert_B", "convert_C"]) {
      const b = body(name);
      // One pipelined loop nest; the loops inside it (unpack_A, the Gearbox's elementwise maps) unrolled.
      expect({ name, pipelined: b.match(/#pragma HLS PIPELINE II=1/g)?.length }).toEqual({ name, pipelined: 1 });
      expect(b).not.toContain("not pipelined");
      expect(b.indexOf("#pragma HLS UNROLL")).toBeGreaterThan(b.indexOf("#pragma HLS PIPELINE II=1"));
      // No state machine inside the pipelined iteration.
      expect(b).not.toMatch(/\bwhile\b|\bswitch\b/);
    }
    expect(body("read_A")).toContain("#pragma HLS ARRAY_PARTITION variable=d_transpose_reg complete");
    expect(body("convert_B")).toContain("#pragma HLS ARRAY_PARTITION variable=d_convert_B_buffer complete");
    // convert_B reads a 512-bit vector only when _convert_B_w == 0 (its start state's first edge).
    expect(body("convert_B")).toMatch(/if \(\(\w+__convert_B_w == \(int64_t\)\(0\)\)\) \{\n\s*(sdfg_reached\d+) = true;/);
  });

  it("Vitis, W=4, with the unpack Gearbox's branch raised into a ConditionalBlock (as DaCe 2 does): still one pipelined iteration", () => {
    const b = fixture(4);
    const gemm = b.program.root.blocks.find((x): x is PState => x.kind === "state" && x.label === "gemm")!;
    const nested = gemm.nodes.find((n): n is Extract<PNode, { kind: "nested" }> => n.kind === "nested" && n.label === "convert_B_nested")!;
    const r = nested.sdfg.root;
    // start -(w == 0)-> read -> write, start -(w != 0)-> write  becomes  start -> if (w == 0) { read } -> write.
    const [read, write, start] = ["convert_B_read", "convert_B_write", "convert_B_start"].map((l) => r.blocks.findIndex((x) => x.label === l));
    const toRead = r.edges.find((e) => e.src === start && e.dst === read)!;
    expect(r.edges).toHaveLength(3);
    const branch: PRegion = { kind: "region", label: "read", blocks: [r.blocks[read]!], edges: [], start: 0, where: r.where };
    r.blocks = [r.blocks[start]!, { kind: "conditional", label: "if_w0", branches: [{ condition: toRead.condition, body: branch }], where: r.where }, r.blocks[write]!];
    r.edges = [{ src: 0, dst: 1, condition: null, assignments: [], where: r.where }, { src: 1, dst: 2, condition: null, assignments: [], where: r.where }];
    r.start = 0;
    const kernel = sdfgVitisProject(b, loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    const body = /^static void pe_\d+_convert_B\(.*\) \{\n([\s\S]*?)^\}$/m.exec(kernel)![1]!;
    expect(body.match(/#pragma HLS PIPELINE II=1/g)).toHaveLength(1);
    expect(body).not.toMatch(/\bwhile\b|\bswitch\b|not pipelined/);
    expect(body).toMatch(/if \(\(\w+__convert_B_w == \(int64_t\)\(0\)\)\) \{\n\s*\/\/ state convert_B_read\n[^\n]*\n\s*const hls::vector<float, 16> \w+ = d_B_to_converter\[0\]\.read\(\);/);
  });

  it("Intel, W=16: every channel access names a constant channel (transpose[k1] is chosen among the 16)", () => {
    const cl = sdfgIntelProject(fixture(16), loadPlatform("520n")).get("kernel/kernels.cl") as string;
    expect(cl).toContain(`channel float d_transpose[16] __attribute__((depth(${2 * SIZES[16].TN})));`);
    expect(cl).toContain("channel float16 d_B_pipe[3] __attribute__((depth(8)));");
    const accesses = [...cl.matchAll(/(?:read|write)_channel_intel\((d_\w+)\[([^\]]*)\]/g)];
    expect(accesses.length).toBeGreaterThan(0);
    for (const [, name, index] of accesses) expect({ name, index }).toEqual({ name, index: expect.stringMatching(/^\d+$/) });
    // transpose_A pops transpose[k1]: one read per channel, the index choosing which runs.
    const pop = /^\s*const float in_from_transpose = (.*);  \/\/ blocking read$/m.exec(cl)![1]!;
    expect([...pop.matchAll(/read_channel_intel\(d_transpose\[(\d+)\]\)/g)].map((m) => Number(m[1]))).toEqual([...Array(16).keys()]);
  });
});

describe("the Gearbox library node, unexpanded", () => {
  it("Vitis: each Gearbox is one loop of size x gear pipelined at II=1 over a partitioned register array", () => {
    const kernel = sdfgVitisProject(fixture("4_gearbox"), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    for (const [name, from, to] of [["convert_B", "B_to_converter (16 lanes)", "B_to_feeder (4 lanes)"], ["convert_C", "C_pipe (4 lanes)", "C_from_converter (16 lanes)"]]) {
      const body = new RegExp(`^static void pe_\\d+_${name}\\(.*\\) \\{\\n([\\s\\S]*?)^\\}$`, "m").exec(kernel)![1]!;
      expect(body).toContain(`// Gearbox ${name}: ${from} -> ${to}, 4 narrow vectors per wide one`);
      expect(body).toMatch(/#pragma HLS ARRAY_PARTITION variable=sdfg_gearbox\d+ complete/);
      expect(body.match(/#pragma HLS PIPELINE II=1/g)).toHaveLength(1);
      expect(body.match(/\.read\(\)/g)).toHaveLength(1);
      expect(body.match(/\.write\(/g)).toHaveLength(1);
    }
  });

  it("a Gearbox between widths that do not divide is refused in one line naming the node", () => {
    const b = fixture("4_gearbox");
    b.program.arrays.B_to_feeder!.veclen = 3;
    let err: unknown;
    try { sdfgVitisProject(b, loadPlatform("u280")); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/gemm_vectorized_w4_gearbox\.sdfg: \$\.nodes\[1\]\.nodes\[\d+\]: Gearbox 'convert_B' converts vectors of 16 lanes to vectors of 3: one width must be a multiple \(> 1\) of the other$/);
  });
});

describe.concurrent("the vectorized systolic GEMM emulates equal to NumPy", () => {
  // W=16 on Intel adds no code path W=4 lacks there (its 512-bit arrays are float16 already): not run, to save test time.
  const cases = [[4, "xilinx"], [4, "intel"], [16, "xilinx"], ["4_gearbox", "intel"]] as const;
  it.for(cases)("W=%s on %s", async ([w, target], { expect: check }) => {
    const r = await emulateSdfg(fixture(w), target, loadPlatform(target === "intel" ? "520n" : "u280"));
    check(r.outputs.map((o) => ({ name: o.name, elements: o.elements, ref: o.mismatchesVsReference, numpy: o.mismatchesVsNumpy })))
      .toEqual([{ name: "C", elements: 512 * (w === 16 ? 2 : 1), ref: 0, numpy: 0 }]);
    check(r.ok).toBe(true);
  });
});
