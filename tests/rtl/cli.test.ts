// The RTL target through the command line: emulate --json figures, a byte-identical project,
// and refusals of options that do not apply.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tree } from "../helpers.js";

describe("sdfg-fpga --target rtl", () => {
  it("emulate --json prints ok, cycles, ideal_cycles, efficiency and per-FIFO stall figures", async () => {
    const r = await cli(["emulate", "stencils/jacobi2d.json", "--target", "rtl", "--json", "--backpressure", "3"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(true);
    expect(j.target).toBe("rtl");
    expect(j.ideal_cycles).toBeGreaterThan(128 * 128);
    expect(j.cycles).toBeGreaterThan(j.ideal_cycles); // random stalls cost cycles
    expect(j.efficiency).toBeCloseTo(j.ideal_cycles / j.cycles, 10);
    expect(j.fifos.map((f: { name: string }) => f.name)).toEqual(["a_to_b_", "b_to_memory_"]);
    for (const f of j.fifos) {
      expect(f.depth).toBeGreaterThan(0);
      expect(f.full_stall_cycles + f.empty_cycles).toBeLessThanOrEqual(j.cycles);
    }
    // Output stalls back up into the FIFO that feeds the writer.
    expect(j.fifos[1].full_stall_cycles).toBeGreaterThan(0);
  });

  it("generate writes the project, with the Vitis RTL kernel for a Xilinx board, byte-identical on a rerun", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "rtl-gen-"));
    for (const d of ["a", "b"]) {
      const r = await cli(["generate", "stencils/hdiff.json", "--target", "rtl", "--platform", "u280", "-o", join(tmp, d)]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const a = tree(join(tmp, "a"));
    const b = tree(join(tmp, "b"));
    for (const f of ["rtl/pipeline_top.sv", "rtl/pe_lap_.sv", "rtl/sdfg_fifo.sv", "sim/tb.cpp", "sim/sdfg_dpi.cpp", "ip/floating_point.tcl",
      "kernel/top.sv", "kernel/kernel.xml", "kernel/package_xo.tcl", "kernel/link.cfg", "Makefile", "data/u.npy"]) expect(a.has(f), f).toBe(true);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
    const tcl = a.get("ip/floating_point.tcl")!.toString();
    expect(tcl).toMatch(/create_ip -name floating_point .* -module_name fp32_add_l5/);
    expect(tcl).toMatch(/CONFIG\.C_Latency \{5\}/);
    const make = a.get("Makefile")!.toString();
    expect(make).toMatch(/^\t\$\(VERILATOR\) --lint-only -Wall/m);
    expect(make).toMatch(/^\tv\+\+ -l /m);
  });

  it.each([
    [["emulate", "stencils/jacobi2d.json", "--target", "xilinx", "--backpressure", "3"], /--backpressure: applies only to --target rtl/],
    [["emulate", "stencils/jacobi2d.json", "--target", "cpu", "--trace", "x.fst"], /--trace: applies only to --target rtl/],
    [["generate", "stencils/jacobi2d.json", "--target", "rtl", "--platform", "520n", "-o", "/tmp/never-written-rtl"], /520n/],
  ])("refuses %j in one line, exit 2", async (args, message) => {
    const r = await cli(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe("sdfg-fpga emulate --target rtl --trace", () => {
  it("writes an FST waveform of the simulation", async () => {
    const { existsSync, readFileSync } = await import("node:fs");
    const file = join(mkdtempSync(join(tmpdir(), "rtl-trace-")), "sim.fst");
    const r = await cli(["emulate", "../shared/peers/stencilflow/simulator.json", "--target", "rtl", "--trace", file]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    // FST files start with a header block (type 0) of 329 bytes.
    const bytes = readFileSync(file);
    expect(bytes[0]).toBe(0);
    expect(bytes.readBigUInt64BE(1)).toBe(329n);
  });
});
