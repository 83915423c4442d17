// More of DaCe's FPGA samples, beyond the six of ../shared/peers/dace-fpga: their SDFGs written
// as DaCe serializes them by tests/dace/programs/fpga_samples/derive.py (there is no DaCe here),
// with NumPy's results. matrix_multiplication_stream: whole arrays copied into and out of FIFOs
// and an output buffer copied into a FIFO through its map's exit; matrix_multiplication_pipelined:
// a nested SDFG whose states branch on a map parameter, inside three maps. Each emulates equal to
// NumPy on both vendors.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/platform.js";
import { emulateSdfg } from "../../src/emulate/sdfg_emulate.js";
import { sdfgVitisProject } from "../../src/targets/sdfg_program.js";
import { bundleFor } from "./sdfg_bundles.js";

const DIR = join(process.cwd(), "tests", "dace", "programs", "fpga_samples");
const SAMPLES = ["matrix_multiplication_stream", "matrix_multiplication_pipelined"];

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
});

describe.concurrent("DaCe FPGA samples built by derive.py emulate equal to NumPy", () => {
  it.for(SAMPLES.flatMap((s) => (["xilinx", "intel"] as const).map((t) => [`${s} on ${t}`, s, t] as const)))("%s", async ([, name, target], { expect: check }) => {
    const r = await emulateSdfg(bundleFor(join(DIR, name), name), target, loadPlatform(target === "intel" ? "520n" : "u280"));
    check(r.failure).toBeUndefined();
    check(r.outputs.map((o) => [o.name, o.elements, o.mismatchesVsReference, o.mismatchesVsNumpy, o.first])).toEqual([["C", 32, 0, 0, undefined]]);
    check(r.ok).toBe(true);
  });
});
