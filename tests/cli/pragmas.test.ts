// Vendor pragma forms: every `#pragma HLS` in generated Vitis kernels is one of the forms Vitis
// HLS documents (design.md §3), with the deprecated RESOURCE pragma never used; every Intel
// attribute and pragma is one the SDK documents (§4).
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/frontend/load_program.js";
import { emitVitisKernel } from "../../src/hls/vitis_kernel.js";
import { emitOpenclKernels } from "../../src/intel/opencl_kernel.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { join } from "node:path";
import { PEERS } from "../helpers.js";

const ID = "[A-Za-z_][A-Za-z0-9_]*";
const HLS_FORMS = [
  new RegExp(`^#pragma HLS INTERFACE m_axi port=${ID} offset=slave bundle=gmem\\d+ depth=\\d+$`),
  new RegExp(`^#pragma HLS INTERFACE s_axilite port=(${ID}|return)$`),
  /^#pragma HLS DATAFLOW$/,
  /^#pragma HLS PIPELINE II=1$/,
  /^#pragma HLS PIPELINE II=1 style=frp$/,
  /^#pragma HLS UNROLL$/,
  /^#pragma HLS INLINE$/,
  new RegExp(`^#pragma HLS STREAM variable=${ID} depth=\\d+$`),
  // UG1399 (2022.2+) spellings: `type=complete`, BIND_STORAGE with a storage type and impl, and
  // DEPENDENCE only as a true dependence with its distance (never `false`, which is wrong here).
  new RegExp(`^#pragma HLS ARRAY_PARTITION variable=${ID} type=complete dim=1$`),
  new RegExp(`^#pragma HLS BIND_STORAGE variable=${ID} type=ram_2p impl=bram$`),
  new RegExp(`^#pragma HLS BIND_STORAGE variable=${ID} type=ram_s2p impl=(bram|uram|lutram)$`),
  new RegExp(`^#pragma HLS BIND_STORAGE variable=${ID} type=fifo impl=(bram|uram|lutram|srl)$`),
  new RegExp(`^#pragma HLS DEPENDENCE variable=${ID} type=inter direction=RAW dependent=true distance=\\d+$`),
];

const configs: [string, number, number, boolean][] = [
  ["stencils/hdiff.json", 1, 1, true],
  ["stencils/hdiff_t7.json", 8, 3, true],
  ["stencils/jacobi3d.json", 4, 1, false],
  [join(PEERS, "varying_dimensionality.json"), 2, 1, true],
];

describe.each(configs)("%s (W=%i, P=%i)", (file, W, P, uram) => {
  const bundle = loadProgram(file);
  const pipeline = lowerToPipeline(bundle.sdfg, { vectorWidth: W, replicas: P, uram });

  it("uses only documented Vitis HLS pragma forms", () => {
    const src = emitVitisKernel(pipeline, { sources: bundle.sources, programFile: file });
    const pragmas = src.split("\n").filter((l) => l.trim().startsWith("#pragma"));
    expect(pragmas.length).toBeGreaterThan(10);
    for (const p of pragmas) expect(HLS_FORMS.some((f) => f.test(p)), p).toBe(true);
    expect(src).not.toMatch(/RESOURCE\s+core=/);
    // One DATAFLOW region, one bundle per memory port, every stream's depth stated.
    expect(src.match(/#pragma HLS DATAFLOW/g)).toHaveLength(1);
    // Every PE loop, and only those (readers and writers use m_axi, which frp does not allow),
    // is a flushable pipeline.
    expect(src.match(/#pragma HLS PIPELINE II=1 style=frp/g)).toHaveLength(pipeline.pes.length);
    const streams = src.match(/hls::stream<\w+, (\d+)> (\w+)\(/g) ?? [];
    expect(streams).toHaveLength(pipeline.channels.length);
    for (const c of pipeline.channels) expect(src).toContain(`#pragma HLS STREAM variable=${c.name} depth=${c.depth}`);
    for (const c of pipeline.channels) expect(src).toContain(`#pragma HLS BIND_STORAGE variable=${c.name} type=fifo impl=${c.storage}`);
  });

  it("declares each RAM delay line's true read-after-write distance (its length), and no false dependence", () => {
    const src = emitVitisKernel(pipeline, { sources: bundle.sources, programFile: file });
    expect(src).not.toMatch(/DEPENDENCE.*\bfalse\b/);
    expect(src).not.toMatch(/DEPENDENCE variable=\w+ inter /);
    for (const pe of pipeline.pes) {
      for (const input of pe.inputs) {
        let n = 0;
        for (const part of input.parts) {
          if (part.kind !== "delay") continue;
          const name = `${input.field}_line${n++}_`;
          if (part.storage === "srl") {
            expect(src).toContain(`#pragma HLS ARRAY_PARTITION variable=${name} type=complete dim=1`);
            expect(src).not.toContain(`DEPENDENCE variable=${name} `);
          } else {
            expect(src).toContain(`#pragma HLS BIND_STORAGE variable=${name} type=ram_s2p impl=${part.storage}`);
            expect(src).toContain(`#pragma HLS DEPENDENCE variable=${name} type=inter direction=RAW dependent=true distance=${part.count}`);
          }
        }
      }
    }
  });

  it("uses only documented Intel OpenCL attributes and pragmas", () => {
    const src = emitOpenclKernels(pipeline, { sources: bundle.sources, programFile: file });
    const pragmas = src.split("\n").filter((l) => l.trim().startsWith("#pragma"));
    for (const p of pragmas) expect(p.trim(), p).toMatch(/^#pragma (OPENCL EXTENSION (cl_intel_channels|cl_khr_fp64) : enable|unroll|ivdep( safelen\(\d+\))?)$/);
    const attributes = [...src.matchAll(/__attribute__\(\((\w+)/g)].map((m) => m[1]);
    for (const a of attributes) expect(["depth", "autorun", "max_global_work_dim", "register", "memory"]).toContain(a);
    for (const m of src.matchAll(/__attribute__\(\(memory\(([^)]*)\)\)\)/g)) expect(m[1]).toMatch(/^"(MLAB|BLOCK_RAM)"$/);
    for (const c of pipeline.channels) expect(src).toMatch(new RegExp(`channel \\w+ ${c.name} __attribute__\\(\\(depth\\(${c.depth}\\)\\)\\);`));
  });
});
