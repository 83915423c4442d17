// RTL and CUDA have no reduction PEs (and RTL no tanh/atan2 operator): each refuses by name, in
// one line, rather than building something else.
import { describe, expect, it } from "vitest";
import { cudaStencils } from "../../src/cuda/cuda_kernels.js";
import { UserError } from "../../src/ir/diagnostics.js";
import { SDFGBuilder } from "../../src/ir/builder.js";
import { requireStencilProcesses } from "../../src/rtl/stencil_only.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { rowReductionBundle } from "./row_reduction.js";

function refusal(f: () => unknown): string {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as Error).message; }
  throw new Error("not refused");
}

describe("backends without reduction PEs refuse them by name", () => {
  const { sdfg } = rowReductionBundle().bundle;
  it("rtl", () => {
    expect(refusal(() => requireStencilProcesses(lowerToPipeline(sdfg, { vectorWidth: 1, replicas: 1 }))))
      .toBe("--target rtl: has no reduction PEs yet: 'rowmax' is a max reduction (use --target xilinx, intel or cpu)");
  });
  it("cuda", () => {
    expect(refusal(() => cudaStencils(sdfg))).toBe("--target cuda: has no reductions yet: 'rowmax' (use --target xilinx, intel or cpu)");
  });
  it("rtl: tanh", () => {
    const t = new SDFGBuilder("t").addArray("a", "float32", [8]).addArray("b", "float32", [8])
      .addStencil({ label: "th", dtype: "float32", iterators: ["k"], domain: [8], output: "b", inputs: { a: { data: "a", axes: [0], boundary: { type: "constant", value: 0 } } }, code: [{ target: "b", value: { kind: "call", fn: "tanh", args: [{ kind: "access", field: "a", offset: [0] }] } }] })
      .build();
    expect(refusal(() => requireStencilProcesses(lowerToPipeline(t, { vectorWidth: 1, replicas: 1 })))).toBe("--target rtl: has no atan2 or tanh operator yet: stencil 'th' calls one (use --target xilinx, intel or cpu)");
  });
  it("rtl: a stencil writing a sub-box of its domain", () => {
    const t = new SDFGBuilder("r").addArray("a", "float32", [8]).addArray("b", "float32", [8])
      .addStencil({
        label: "inner", dtype: "float32", iterators: ["k"], domain: [8], output: "b",
        inputs: { a: { data: "a", axes: [0], boundary: { type: "constant", value: 0 } } },
        code: [{ target: "b", value: { kind: "access", field: "a", offset: [1] } }],
        region: { lo: [1], hi: [6], keep: "a" },
      })
      .build();
    expect(refusal(() => requireStencilProcesses(lowerToPipeline(t, { vectorWidth: 1, replicas: 1 }))))
      .toBe("--target rtl: has no write regions yet: stencil 'inner' writes only part of its domain (use --target xilinx, intel or cpu)");
  });
});
