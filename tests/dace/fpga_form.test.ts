// FPGA-form SDFGs (DaCe's systolic samples: streams, unrolled PE maps) emitted as written: the
// Vitis kernel has one DATAFLOW process per PE with constant channel indices and the streams'
// buffer_size as FIFO depths, the Intel kernels one kernel per process with channel arrays of
// those depths; a stream nobody writes deadlocks with the blocked FIFOs named; report --json
// lists the kernel as streamed. (Emulation equal to NumPy: dace_fpga.test.ts.)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/platform.js";
import { loadSdfgBundle, sdfgIntelProject, sdfgVitisProject } from "../../src/targets/sdfg_program.js";
import { emulateSdfg } from "../../src/emulate/sdfg_emulate.js";
import type { PState } from "../../src/ir/program.js";
import { cli, SHARED } from "../helpers.js";

const DIR = join(SHARED, "peers", "dace-fpga", "matrix_multiplication_systolic");
const NAME = "matrix_multiplication_systolic";
/** The sample's P (specialised when DaCe built it). */
const P = 4;

/** The sample with the symbol values of its manifest.json (K = N = 16). */
function bundleFor(dir: string, name: string) {
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { symbols: Record<string, { value: number }> };
  return loadSdfgBundle(join(dir, `${name}.sdfg`), { symbols: Object.fromEntries(Object.entries(m.symbols).map(([k, v]) => [k, v.value])) });
}

/** The text of each `static void pe_…` process function of a generated kernel, by name. */
function processFunctions(kernel: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^static void (pe_\w+)\(.*\) \{\n([\s\S]*?)^\}$/gm;
  for (const m of kernel.matchAll(re)) out.set(m[1]!, m[2]!);
  return out;
}

describe("FPGA-form SDFGs emitted as written", () => {
  it("the Vitis kernel of the systolic matmul has one DATAFLOW process per PE, constant stream indices and buffer_size depths", () => {
    const kernel = sdfgVitisProject(bundleFor(DIR, NAME), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp") as string;
    // Same input, byte-identical output.
    expect(sdfgVitisProject(bundleFor(DIR, NAME), loadPlatform("u280")).get("kernel/sdfg_kernel.cpp")).toBe(kernel);
    // One dataflow region for the state 'mm', calling read_A, read_B, P PEs and the C writer.
    const region = /static void (dataflow_\w+_mm)\([^)]*\) \{\n#pragma HLS DATAFLOW\n([\s\S]*?)^\}$/m.exec(kernel);
    expect(region).not.toBeNull();
    const calls = [...region![2]!.matchAll(/SDFG_DATAFLOW_CALL\((\w+)/g)].map((m) => m[1]!);
    const pes = calls.filter((c) => /unroll_compute_\d+$/.test(c));
    expect(pes.map((c) => Number(/_(\d+)$/.exec(c)![1]))).toEqual([0, 1, 2, 3]);
    expect(calls.length).toBe(P + 3);
    // Depths: A_pipe's buffer_size is P, B_pipe's and C_pipe's 1; P+1, P+1 and P channels.
    expect(region![2]).toContain(`hls::stream<float, ${P}> d_A_pipe[${P + 1}]`);
    expect(region![2]).toContain(`#pragma HLS STREAM variable=d_A_pipe depth=${P}`);
    expect(region![2]).toContain(`hls::stream<float, 1> d_B_pipe[${P + 1}]`);
    expect(region![2]).toContain("#pragma HLS STREAM variable=d_B_pipe depth=1");
    expect(region![2]).toContain(`hls::stream<float, 1> d_C_pipe[${P}]`);
    expect(region![2]).toContain("#pragma HLS STREAM variable=d_C_pipe depth=1");
    // Every channel index in every process is a literal; PE p reads A_pipe[p], forwards to A_pipe[p+1].
    const fns = processFunctions(kernel);
    expect(new Set(fns.keys())).toEqual(new Set(calls));
    for (const [name, body] of fns) {
      for (const m of body.matchAll(/d_[ABC]_pipe\[([^\]]*)\]/g)) expect({ name, index: m[1] }).toEqual({ name, index: expect.stringMatching(/^-?\d+$/) });
    }
    for (let p = 0; p < P; p++) {
      const body = fns.get(pes[p]!)!;
      expect(body).toContain(`d_A_pipe[${p}].read()`);
      expect(body).toContain(`d_A_pipe[${p + 1}].write(`);
      expect(body).toContain(`d_B_pipe[${p}].read()`);
      expect(body).toContain(`d_C_pipe[${p}].write(`);
      // Each PE owns its C_buffer row and A register.
      expect(body).toMatch(/static float d_C_buffer\[16\];/);
      expect(body).toMatch(/float d_A_reg = 0;/);
    }
  });

  it("the Intel kernels of the systolic matmul: one kernel per process, channel arrays with buffer_size depths, constant channel indices", () => {
    const files = sdfgIntelProject(bundleFor(DIR, NAME), loadPlatform("520n"));
    const cl = files.get("kernel/kernels.cl") as string;
    const kernels = [...cl.matchAll(/^__kernel void (\w+)\(/gm)].map((m) => m[1]!);
    expect(kernels.filter((k) => /unroll_compute_\d+$/.test(k))).toHaveLength(P);
    expect(kernels).toHaveLength(P + 3);
    expect(cl).toContain(`channel float d_A_pipe[${P + 1}] __attribute__((depth(${P})));`);
    expect(cl).toContain(`channel float d_B_pipe[${P + 1}] __attribute__((depth(1)));`);
    expect(cl).toContain(`channel float d_C_pipe[${P}] __attribute__((depth(1)));`);
    for (const m of cl.matchAll(/(?:read|write)_channel_intel\(d_[ABC]_pipe\[([^\]]*)\]/g)) expect(m[1]).toMatch(/^-?\d+$/);
    // The host starts every process kernel on a queue of its own.
    const host = files.get("host/host.cpp") as string;
    for (const k of kernels) expect(host).toContain(`clCreateKernel(sdfg_kernels_program, "${k}", &err)`);
    expect(host.match(/clCreateCommandQueue\(/g)).toHaveLength(P + 3);
  });

  it("a stream nobody writes (read_B removed) deadlocks with the blocked FIFOs named", async () => {
    const b = bundleFor(DIR, NAME);
    const mm = b.program.root.blocks.find((x): x is PState => x.kind === "state" && x.label === "mm")!;
    const readB = mm.nodes.find((n) => n.kind === "map_entry" && n.label === "read_B")!;
    // read_B's component: its map, what is inside, and the access nodes it touches.
    const drop = new Set([readB.id, ...mm.nodes.filter((n) => mm.scope.get(n.id) === readB.id || (n.kind === "map_exit" && n.entry === readB.id)).map((n) => n.id)]);
    for (const e of mm.edges) if (drop.has(e.src) || drop.has(e.dst)) { drop.add(e.src); drop.add(e.dst); }
    mm.nodes = mm.nodes.filter((n) => !drop.has(n.id));
    mm.edges = mm.edges.filter((e) => !drop.has(e.src) && !drop.has(e.dst));
    const r = await emulateSdfg(b, "xilinx", loadPlatform("u280"));
    expect(r.ok).toBe(false);
    expect(r.outputs).toEqual([]);
    expect(r.failure).toMatch(/^deadlock in the CPU reference: .*B_pipe\[0\]: empty \(0\/1\), reader blocked/);
  }, 60_000);

  it("report --json lists the systolic matmul as streamed, emitted as written", async () => {
    const r = await cli(["report", join(DIR, `${NAME}.sdfg`), "--symbol", "K=16", "--symbol", "N=16", "--json"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    // read_A, read_B, P PEs, the C writer; A_pipe and B_pipe P+1 channels, C_pipe P.
    expect(j.kernels).toEqual([{ name: NAME, mapping: "streamed", pattern: "fpga-form", reason: `FPGA-form SDFG emitted as written (${P + 3} processes, ${3 * P + 2} FIFOs)` }]);
    // Its FIFOs have no memory-mapped form: --memory-mapped is refused in one line, exit 2.
    const mm = await cli(["report", join(DIR, `${NAME}.sdfg`), "--memory-mapped"]);
    expect(mm.exitCode).toBe(2);
    expect(mm.stderr.trim().split("\n")).toEqual([`--memory-mapped: '${NAME}' is an FPGA-form SDFG: its streams are FIFOs between concurrent processes and have no memory-mapped form`]);
  });
});
