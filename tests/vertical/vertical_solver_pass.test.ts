// The vertical-solver pattern pass (spatial/streaming/vertical_solver.ts) and its lowering
// (spatial/linalg/lower_vertical.ts) on vadv: the IR it raises (sweeps, phases, taps, the
// recurrence kept on chip), the processes and FIFO depths it lowers to (hand-worked below), and
// refusals that name what does not fit.
import { describe, expect, it } from "vitest";
import { emitKernels } from "../../src/cuda/cuda_kernels.js";
import { UserError } from "../../src/ir/diagnostics.js";
import type { VerticalSolverNode } from "../../src/ir/sdfg.js";
import { requireStencilProcesses } from "../../src/rtl/stencil_only.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { decide, editedVadv, vadvBundle } from "./vadv_data.js";

function raised() {
  const d = decide(vadvBundle());
  if (!d.streamed) throw new Error(`not streamed: ${d.kernels.map((k) => k.reason).join("; ")}`);
  return { d, node: d.bundle.sdfg.states[0]!.nodes[0] as VerticalSolverNode };
}

function refusal(f: () => unknown): string {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as Error).message; }
  throw new Error("not refused");
}

describe("vertical-solver pass: vadv's five k loops become two sweeps", () => {
  it("raises the Thomas forward sweep (k upwards) and the back substitution (k downwards)", () => {
    const { d, node } = raised();
    expect(d.pattern).toBe("vertical-solver");
    expect(d.kernels.map((k) => [k.name, k.mapping, k.pattern])).toEqual(["for_18", "for_33", "for_56", "for_72", "for_77"].map((n) => [n, "streamed", "vertical-solver"]));
    expect(node.kind).toBe("vertical-solver");
    expect([node.columns, node.planes]).toEqual([[10, 10], 8]);
    expect(node.sweeps.map((s) => s.direction)).toEqual(["up", "down"]);
    // The peeled loops at k = 0 and k = K-1 are phases of the sweeps, in visiting order.
    expect(node.sweeps.map((s) => s.phases.map((p) => [p.from, p.to]))).toEqual([[[0, 0], [1, 6], [7, 7]], [[7, 7], [6, 0]]]);
    // The recurrence: ccol and dcol of plane k-1 upwards, data_col of plane k+1 downwards.
    expect(node.sweeps.map((s) => s.values.filter((v) => v.previous).map((v) => v.data))).toEqual([["ccol", "dcol"], ["data_col"]]);
    // u_stage is read at k-1, k and k+1; each tap exists on the planes where it is inside the array.
    const uStage = node.sweeps[0]!.taps.filter((t) => t.data === "u_stage").map((t) => [t.offset[2], t.planes]).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(uStage).toEqual([[-1, [1, 7]], [0, [0, 7]], [1, [0, 6]]]);
    // wcon (I+1 rows) at i and i+1.
    expect(node.sweeps[0]!.taps.filter((t) => t.data === "wcon").map((t) => t.offset.join()).sort()).toEqual(["0,0,0", "0,0,1", "1,0,0", "1,0,1"]);
    // The back substitution reads ccol, dcol and u_pos at k from the forward sweep (u_pos passed on, one reader per array).
    expect(node.sweeps[1]!.taps.map((t) => [t.data, t.offset.join()]).sort()).toEqual([["ccol", "0,0,0"], ["dcol", "0,0,0"], ["u_pos", "0,0,0"]]);
    expect(node.sweeps[0]!.results.map((r) => r.data).sort()).toEqual(["ccol", "dcol", "u_pos"]);
    // utens_stage is read by the forward sweep and overwritten by the backward one: written as utens_stage_out.
    expect(node.outputs).toEqual([{ data: "utens_stage", array: "utens_stage_out" }]);
    expect(d.outputNames).toEqual({ utens_stage_out: "utens_stage" });
    expect(node.scalars).toEqual(["dtr_stage"]);
  });

  it("lowers to plane readers, two sweep PEs, plane reversals and a writer, with FIFO depths from the taps' leads", () => {
    const p = lowerToPipeline(raised().d.bundle.sdfg, { vectorWidth: 1, replicas: 1 });
    const kinds = p.linalg!.processes.map((x) => x.kind);
    expect(kinds.filter((k) => k === "plane-reader").length).toBe(5); // u_pos, u_stage, utens, utens_stage, wcon
    expect(kinds.filter((k) => k === "column-sweep").length).toBe(2);
    expect(p.linalg!.processes.filter((x) => x.kind === "plane-reverse").map((x) => x.name).sort()).toEqual(["reverse_ccol_", "reverse_dcol_", "reverse_u_pos_"]);
    expect(p.writers.map((w) => w.array)).toEqual(["utens_stage_out"]);
    // Reader leads in reads (k innermost in memory, planes of R*S elements read in (i, j) order):
    // u_stage 10x10x8: k+1 leads by 100, k by 0, k-1 by -100, so the FIFOs lag 0, 100 and 200 reads.
    // wcon 11x10x8: (1,0,1) leads by 110+10 = 120, (0,0,1) by 110, (1,0,0) by 10, (0,0,0) by 0.
    const delays = (array: string) => {
      const r = p.linalg!.processes.find((x) => x.kind === "plane-reader" && x.array === array);
      if (r?.kind !== "plane-reader") throw new Error(array);
      return r.taps.map((t) => [t.offset.join(), p.linalg!.channels.find((c) => c.name === t.channel)!.delay]).sort();
    };
    expect(delays("u_stage")).toEqual([["0,0,-1", 200], ["0,0,0", 100], ["0,0,1", 0]]);
    expect(delays("wcon")).toEqual([["0,0,0", 120], ["0,0,1", 10], ["1,0,0", 110], ["1,0,1", 0]]);
    for (const c of p.linalg!.channels) expect(c.depth).toBeGreaterThan(c.delay);
  });

  it("refuses a W that does not divide J = 10 and P > 1 by option (W > 1: vadv_wide.test.ts)", () => {
    const sdfg = raised().d.bundle.sdfg;
    expect(refusal(() => lowerToPipeline(sdfg, { vectorWidth: 4, replicas: 1 }))).toBe("--vector-width: W=4 does not divide J=10, the 10 columns along j a vertical solver streams W at a time");
    expect(refusal(() => lowerToPipeline(sdfg, { vectorWidth: 1, replicas: 2 }))).toBe("--replicas: P=2: a vertical solver has no time loop or systolic chain to replicate (W > 1 runs its columns side by side)");
  });

  it("RTL and CUDA refuse the sweep by name", () => {
    const sdfg = raised().d.bundle.sdfg;
    expect(refusal(() => requireStencilProcesses(lowerToPipeline(sdfg, { vectorWidth: 1, replicas: 1 }))))
      .toBe("--target rtl: has no vertical-solver sweep PEs yet ('sweep0_'): use --target xilinx, intel or cpu for streamed vertical solvers");
    expect(refusal(() => emitKernels(sdfg))).toBe("--target cuda: has no vertical-solver kernels yet ('vertical_solver', 2 sweeps along k): use --target xilinx, intel or cpu for streamed vertical solvers");
  });
});

describe("vertical-solver pass: forms DaCe's passes may leave", () => {
  it("a single-iteration loop whose k was propagated into its memlets (wcon[…, 1] for k + 1 at k = 0) raises the same node", () => {
    const b = editedVadv((sdfg) => {
      const loop = sdfg.nodes[0]! as unknown as object;
      const text = JSON.stringify(loop).replaceAll("1 + symbol($k, dtype=dace.int64)", "1").replaceAll("symbol($k, dtype=dace.int64)", "0");
      expect(text).not.toContain("$k");
      sdfg.nodes[0] = JSON.parse(text);
    });
    const d = decide(b);
    if (!d.streamed) throw new Error(d.kernels.map((k) => k.reason).join("; "));
    expect(d.bundle.sdfg.states[0]!.nodes[0]).toEqual(raised().node);
  });
});

describe("vertical-solver pass: what it refuses, and why", () => {
  it("a read of the next plane of the sweep (ccol[k+1] while k walks upwards): not written yet, and ccol is no input", () => {
    const b = editedVadv((sdfg) => {
      // The middle loop's `ccol[:, :, k - 1]` read becomes `ccol[:, :, k + 1]`.
      for (const e of sdfg.nodes[1]!.nodes[0]!.edges) {
        const m = e.attributes.data.attributes;
        if (m.data === "ccol") for (const r of m.subset.ranges) if (r.start.startsWith("-1 + symbol($k")) { r.start = r.start.replace("-1 +", "1 +"); r.end = r.end.replace("-1 +", "1 +"); }
      }
    });
    const d = decide(b);
    expect(d.streamed).toBe(false);
    expect(d.kernels[0]!.reason).toContain("vertical-solver: loop 'for_33', map '_Compute_divided_9_map' reads the transient 'ccol' before any sweep wrote it");
  });

  it("a later sweep reading a transient on a plane the earlier sweep does not write", () => {
    const b = editedVadv((sdfg) => {
      // Without the k = K-1 loop of the forward sweep (and its edges).
      const json = sdfg as unknown as { nodes: { id: number }[]; edges: { src: string; dst: string }[] };
      json.nodes.splice(2, 1);
      json.nodes.forEach((n, i) => { n.id = i; });
      json.edges = json.edges.slice(0, json.nodes.length - 1).map((e, i) => ({ ...e, src: String(i), dst: String(i + 1) }));
    });
    const d = decide(b);
    expect(d.streamed).toBe(false);
    expect(d.kernels[0]!.reason).toContain("vertical-solver: loop 'for_72', map 'copy dcol_slice -> data_col' reads the transient 'dcol' on plane 7, which sweep 0 does not write");
  });
});
