// IR in, IR out: linear-algebra nodes lowered to the spatial pipeline's process kinds (the
// systolic chain's wiring, the matrix FIFO whose depth atax needs), the schedule options it
// refuses, and the backends that refuse the new kinds by name.
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/ir/diagnostics.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { topArguments } from "../../src/hls/vitis_kernel.js";
import { rtlDesign } from "../../src/rtl/rtl_design.js";
import { cudaSources } from "../../src/targets/cuda_project.js";
import { join } from "node:path";
import { cli } from "../helpers.js";
import { NPBENCH, streamed } from "./helpers.js";

const refusal = (f: () => unknown): string => {
  try { f(); } catch (e) { if (e instanceof UserError) return e.message; throw e; }
  return "no error";
};

describe("systolic chain of gemm at P=4, W=4", () => {
  const { bundle } = streamed("gemm");
  const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 4, replicas: 4 });
  const l = p.linalg!;
  const pes = l.processes.filter((x) => x.kind === "systolic-pe");

  it("has P separate PEs, each passing A, B and the drained rows to the next through FIFOs", () => {
    expect(pes.map((x) => x.kind === "systolic-pe" && [x.index, x.count, x.rows, x.inner, x.cols])).toEqual([0, 1, 2, 3].map((i) => [i, 4, 40, 48, 44]));
    for (let i = 0; i + 1 < pes.length; i++) {
      const [a, b] = [pes[i]!, pes[i + 1]!];
      if (a.kind !== "systolic-pe" || b.kind !== "systolic-pe") throw new Error("not systolic");
      expect([a.aOut, a.bOut, a.cOut]).toEqual([b.aIn, b.bIn, b.cIn]);
      const ch = l.channels.filter((c) => c.from === a.name && c.to === b.name);
      expect(ch.map((c) => c.wide)).toEqual([false, true, true]);
    }
    const last = pes[3]!;
    expect(l.channels.find((c) => last.kind === "systolic-pe" && c.name === last.cOut)?.to).toBe("drain_C_");
  });

  it("feeds A column by column in tiles of P rows, re-reads B once per tile, adds beta · C in the drain", () => {
    expect(l.processes.filter((x) => x.kind === "matrix-reader").map((x) => x.kind === "matrix-reader" && [x.array, x.order, x.tileRows, x.repeat])).toEqual([
      ["A", "tile-columns", 4, 1], ["B", "rows", 1, 10], ["C_in", "rows", 1, 1],
    ]);
    expect(l.processes.find((x) => x.kind === "scale-add")).toMatchObject({ vectors: 440, alpha: { scalar: "alpha" }, beta: { scalar: "beta" } });
    expect(l.multiplyAdds).toBe(40 * 44 * 48);
  });

  it("gives the kernel one memory port per array, A element-wide and the rest W-wide, alpha and beta as scalars", () => {
    expect(topArguments(p).map((a) => [a.name, a.kind, a.elements, a.wide])).toEqual([
      ["A", "input", 1920, false], ["B", "input", 2112, true], ["C_in", "input", 1760, true], ["C", "output", 1760, true],
      ["alpha", "scalar", 1, false], ["beta", "scalar", 1, false],
    ]);
  });
});

describe("matrix FIFO depths", () => {
  it("atax at W=2: the Aᵀ PE lags the A x PE by W rows of A plus the interleave minus one (2·25 + 8 − 1 = 57 vectors)", () => {
    const p = lowerToPipeline(streamed("atax").bundle.sdfg, { vectorWidth: 2, replicas: 1 });
    const ch = p.linalg!.channels.find((c) => c.name === "A_to_pe___return_")!;
    expect(ch.delay).toBe(57);
    expect(ch.depth).toBeGreaterThan(57);
    // The other edges do not reconverge: slack only.
    expect(p.linalg!.channels.filter((c) => c.delay === 0).map((c) => c.depth)).toEqual([4, 4, 4, 4]);
  });
});

describe("gemver at W=4: a rank-update PE feeding two matrix-vector PEs", () => {
  const p = lowerToPipeline(streamed("gemver").bundle.sdfg, { vectorWidth: 4, replicas: 1 });
  const l = p.linalg!;

  it("streams A once: the rank-update PE sends A' to the A'ᵀ y PE, the A' x PE and A's writer; x + z is a scale-add", () => {
    expect(l.processes.filter((x) => x.kind !== "matrix-reader").map((x) => [x.kind, x.name])).toEqual([
      ["rank-update", "pe_A_"], ["scale-add", "sum_x_addend_"], ["matrix-vector", "pe_x_"], ["matrix-vector", "pe_w_"],
      ["matrix-writer", "write_A_"], ["matrix-writer", "write_x_"], ["matrix-writer", "write_w_"],
    ]);
    expect(l.channels.filter((c) => c.from === "pe_A_").map((c) => c.to)).toEqual(["pe_x_", "pe_w_", "write_A_"]);
    expect(l.processes.find((x) => x.kind === "matrix-reader" && x.array === "A_in")).toMatchObject({ repeat: 1 });
    // 2 rank-one terms and 2 matrix-vector products over 64 x 64.
    expect(l.multiplyAdds).toBe(4 * 64 * 64);
  });

  it("keeps A' on chip: the A' x PE needs all of x, i.e. all of A' through the other PE first (64 rows · 64/4 vectors = 1024)", () => {
    const ch = l.channels.find((c) => c.name === "A_to_pe_w_")!;
    expect(ch.delay).toBe(1024);
    expect(ch.depth).toBeGreaterThan(1024);
    expect(l.channels.filter((c) => c.name !== "A_to_pe_w_").every((c) => c.delay === 0)).toBe(true);
  });

  it("RTL and CUDA refuse the rank-update by name", () => {
    expect(refusal(() => rtlDesign(streamed("gemver").bundle, p))).toBe("--target rtl: has no rank-update processes yet ('pe_A_'): use --target xilinx, intel or cpu for streamed linear algebra");
    expect(refusal(() => cudaSources(streamed("gemver").bundle))).toBe("--target cuda: has no rank-update kernels yet ('A'): use --target xilinx, intel or cpu for streamed linear algebra");
  });

  it("report --json says every kernel of gemver is streamed", async () => {
    const r = await cli(["report", join(NPBENCH, "gemver", "gemver.sdfg"), "--json", "-W", "4"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as { kind: string; kernels: { name: string; mapping: string; reason: string }[] };
    expect(j.kind).toBe("streamed");
    expect(j.kernels.map((k) => [k.name, k.mapping])).toEqual([["A", "streamed"], ["x_addend", "streamed"], ["x", "streamed"], ["w", "streamed"]]);
    expect(j.kernels[0]!.reason).toMatch(/^A = A \+ outer\(u1, v1\) \+ outer\(u2, v2\): .*rank|^A = A \+ outer\(u1, v1\) \+ outer\(u2, v2\): the 64 x 64 matrix streamed row by row and updated/);
  });
});

describe("schedules and backends that are refused", () => {
  it("W must divide every streamed row; P the rows of a product; P only applies to matrix products", () => {
    expect(refusal(() => lowerToPipeline(streamed("gemm").bundle.sdfg, { vectorWidth: 8, replicas: 1 }))).toBe("--vector-width: 'B' has 44 elements per row, not a multiple of W=8");
    expect(refusal(() => lowerToPipeline(streamed("gemm").bundle.sdfg, { vectorWidth: 1, replicas: 3 }))).toBe("--replicas: the systolic chain of P=3 PEs takes C's 40 rows P at a time: 40 is not a multiple of 3");
    expect(refusal(() => lowerToPipeline(streamed("atax").bundle.sdfg, { vectorWidth: 1, replicas: 2 }))).toBe("--replicas: P=2 sets the length of a systolic matrix-product chain; 'atax' has no matrix product");
  });

  it("RTL and CUDA refuse the linear-algebra kinds by name, in one line", () => {
    const { bundle } = streamed("gemm");
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 1, replicas: 2 });
    expect(refusal(() => rtlDesign(bundle, p))).toBe("--target rtl: has no systolic-pe processes yet ('pe_C_0_'): use --target xilinx, intel or cpu for streamed linear algebra");
    expect(refusal(() => cudaSources(streamed("atax").bundle))).toBe("--target cuda: has no matrix-vector kernels yet ('A_matmul_x'): use --target xilinx, intel or cpu for streamed linear algebra");
  });
});

describe("projects of a streamed program", () => {
  it("the Vitis and Intel projects of gemm carry the systolic kernel and are the same bytes when generated again", async () => {
    const { vitisProject } = await import("../../src/targets/vitis_project.js");
    const { intelProject } = await import("../../src/targets/intel_project.js");
    const { loadPlatform } = await import("../../src/platform/platform.js");
    const { bundle } = streamed("gemm");
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 2, replicas: 2 });
    const vitis = vitisProject(bundle, p, loadPlatform("u280"));
    expect(String(vitis.get("kernel/top.cpp"))).toContain("// Systolic PE 1 of 2: row 1 of every tile of 2 rows of the 40 x 44 product (inner dimension 48).");
    expect(String(vitis.get("README.md"))).toContain("linear algebra (systolic-pe, scale-add), W = 2, P = 2, 7 process(es)");
    expect(vitisProject(bundle, lowerToPipeline(bundle.sdfg, { vectorWidth: 2, replicas: 2 }), loadPlatform("u280"))).toEqual(vitis);
    const intel = intelProject(bundle, p, loadPlatform("520n"));
    expect(String(intel.get("kernel/kernels.cl"))).toContain("__kernel void pe_C_1_()");
    expect(intelProject(bundle, lowerToPipeline(bundle.sdfg, { vectorWidth: 2, replicas: 2 }), loadPlatform("520n"))).toEqual(intel);
  });
});
