// More of DaCe's FPGA samples, beyond the six of ../shared/peers/dace-fpga: their SDFGs written
// as DaCe serializes them by tests/dace/programs/fpga_samples/derive.py (there is no DaCe here),
// with NumPy's results. matrix_multiplication_stream: whole arrays copied into and out of FIFOs
// and an output buffer copied into a FIFO through its map's exit; matrix_multiplication_pipelined:
// a nested SDFG whose states branch on a map parameter (written as an if/else), inside three
// maps; spmv_fpga_stream: six processes that are nested SDFGs with loops bounded by row pointers
// read from FIFOs at run time, and scalar inputs of a nested SDFG bound to one FIFO element each
// (their innermost loops pipelined). Each emulates equal to NumPy (both vendors by hand, two
// emulations per vendor here). The RTL sample add_fortytwo is refused at its SystemVerilog tasklet.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/platform.js";
import { emulateSdfg } from "../../src/emulate/sdfg_emulate.js";
import { loadSdfgBundle, sdfgVitisProject } from "../../src/targets/sdfg_program.js";
import { bundleFor, manifestSymbols } from "./sdfg_bundles.js";

const DIR = join(process.cwd(), "tests", "dace", "programs", "fpga_samples");
/**
 * Two emulations per vendor (the test-time budget): spmv on both (FIFO reads into a nested SDFG's
 * scalars, OpenCL channels and HLS streams alike), the stream matmul's exit-path copy into a
 * channel on Intel, the pipelined matmul's if/else on Vitis. (All six pairs emulate equal; the
 * other two were checked by hand when the fixtures were made.)
 */
const CASES: [string, "xilinx" | "intel", string, number][] = [
  ["spmv_fpga_stream", "xilinx", "b", 4], ["spmv_fpga_stream", "intel", "b", 4],
  ["matrix_multiplication_stream", "intel", "C", 32], ["matrix_multiplication_pipelined", "xilinx", "C", 32],
];

describe("DaCe FPGA samples built by derive.py", () => {
  it("an access node inside a map copies out through the map's exit once per iteration (output_buffer -> C_pipe)", () => {
    const name = "matrix_multiplication_stream";
    const kernel = sdfgVitisProject(bundleFor(join(DIR, name), name), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    const fn = /^static void pe_\d+_outer_map\(.*\) \{\n([\s\S]*?)^\}$/m.exec(kernel)?.[1];
    expect(fn).toBeDefined();
    // Inside the outer map (over n), after the inner map: M (8) writes of the buffer into the FIFO.
    const after = fn!.slice(fn!.indexOf("// map inner_map"));
    expect(after).toMatch(/\/\/ copy output_buffer -> C_pipe\n\s*for \(int64_t (sdfg_c\d+) = 0; \1 < \(\(\(s_M - 1\)\) - \(0\) \+ 1\); \1\+\+\) \{/);
    expect(after).toMatch(/d_C_pipe\[0\]\.write\(d_output_buffer\[/);
  });

  it("matrix_multiplication_pipelined: the nested SDFG's branch on k (edges k == 0 / k != 0 meeting again) is an if/else, not a state machine", () => {
    const name = "matrix_multiplication_pipelined";
    const kernel = sdfgVitisProject(bundleFor(join(DIR, name), name), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    const m = kernel.slice(kernel.indexOf("// map Map_M[m]"));
    expect(m).toMatch(/if \(\(sn\d+_k == 0\)\) \{\n\s*\/\/ state then_state\n[\s\S]*?\}\n\s*else \{\n\s*\/\/ state else_state\n/);
    expect(kernel).not.toContain("switch (sdfg_state_");
  });

  it("in spmv's processes (nested SDFGs with loop regions) each innermost loop is pipelined, a loop around another is not", () => {
    const name = "spmv_fpga_stream";
    const kernel = sdfgVitisProject(bundleFor(join(DIR, name), name), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    const loops: Record<string, [string, boolean][]> = {};
    for (const f of kernel.matchAll(/^static void pe_\d+_(\w+)\(.*\) \{\n([\s\S]*?)^\}$/gm)) {
      // Each `while ((s…_h < …` / `while ((s…_c < …` header: its loop variable, and whether the pragma follows.
      loops[f[1]!] = [...f[2]!.matchAll(/while \(\(s\w+?_([a-z]+) < .*\{\n(.*)\n/g)].map((m) => [m[1]!, m[2]!.trim() === "#pragma HLS PIPELINE II=1"]);
    }
    const rowsThenCols: [string, boolean][] = [["h", false], ["c", true]];
    expect(loops).toEqual({ spmv_read_row: [["h", true]], spmv_read_col: rowsThenCols, spmv_read_val: rowsThenCols, spmv_read_x: rowsThenCols, spmv_compute: rowsThenCols, spmv_write: [["h", true]] });
  });

  it("the RTL sample add_fortytwo (a SystemVerilog tasklet) is refused at the tasklet's language", () => {
    const f = join(DIR, "add_fortytwo", "add_fortytwo.sdfg");
    expect(() => loadSdfgBundle(f, { symbols: { N: 16 } })).toThrow(`${f}: $.nodes[0].nodes[0].attributes.code.language: tasklet language 'SystemVerilog' is not supported (only Python tasklets are)`);
  });

  it("a nested SDFG's scalar bound to a stream through a dynamic memlet is refused at that edge", () => {
    const name = "spmv_fpga_stream";
    const doc = JSON.parse(readFileSync(join(DIR, name, `${name}.sdfg`), "utf8"));
    // The edge a_pipe -> spmv_compute_nested.a_in, wherever it is nested.
    const edges: { dst_connector?: string; attributes: { data: { attributes: { data?: string; dynamic?: boolean } } } }[] = [];
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === "object") {
        const e = o as (typeof edges)[number];
        if (e.dst_connector === "a_in" && e.attributes?.data?.attributes?.data === "a_pipe") edges.push(e);
        Object.values(o).forEach(walk);
      }
    };
    walk(doc);
    expect(edges).toHaveLength(1);
    edges[0]!.attributes.data.attributes.dynamic = true;
    const dir = mkdtempSync(join(tmpdir(), "spmv-dyn-"));
    try {
      const f = join(dir, `${name}.sdfg`);
      writeFileSync(f, JSON.stringify(doc));
      expect(() => sdfgVitisProject(loadSdfgBundle(f, { symbols: manifestSymbols(join(DIR, name)) }), loadPlatform("u280")))
        .toThrow(/spmv_fpga_stream\.sdfg: \$\.nodes\[1\]\.nodes\[\d+\]\.attributes\.sdfg\.nodes\[\d+\]\.nodes\[\d+\]\.nodes\[\d+\]\.edges\[\d+\]: nested SDFG 'spmv_compute_nested': scalar 'a_in' is bound to stream 'a_pipe' with a dynamic memlet; a scalar input reads exactly one element$/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe.concurrent("DaCe FPGA samples built by derive.py emulate equal to NumPy", () => {
  it.for(CASES.map(([s, t, out, n]) => [`${s} on ${t}`, s, t, out, n] as const))("%s", async ([, name, target, out, elements], { expect: check }) => {
    const r = await emulateSdfg(bundleFor(join(DIR, name), name), target, loadPlatform(target === "intel" ? "520n" : "u280"));
    check(r.failure).toBeUndefined();
    check(r.outputs.map((o) => [o.name, o.elements, o.mismatchesVsReference, o.mismatchesVsNumpy, o.first])).toEqual([[out, elements, 0, 0, undefined]]);
    check(r.ok).toBe(true);
  });
});
