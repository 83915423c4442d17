// IR in, match out: the radial-binning pass on NPBench's azimint_naive (no compiler). It reads
// DaCe's form (max of radius, a loop over bins computing r1 = rmax*i/npt and r2 = rmax*(i+1)/npt,
// a mask (r1 <= radius) and (radius < r2), a masked sum and count, res[i] = sum / count) back
// into the binning it is — one radial-bin node over radius and data into 8 means — and refuses
// edits that change the meaning, naming what differs. Lowering makes one binning PE that reads
// radius twice (its maximum, then the bins) and data once.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSdfgFile } from "../../src/frontend/dace/load_sdfg.js";
import type { PLoop, PNode, PState, Program } from "../../src/ir/program.js";
import { matchRadialBinning, raiseRadialBinning } from "../../src/spatial/streaming/radial_binning.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { SHARED } from "../helpers.js";

const NPBENCH = join(SHARED, "peers", "npbench");
const azimint = () => loadSdfgFile(join(NPBENCH, "azimint_naive", "azimint_naive.sdfg"));
const input = (program: Program, symbols: Record<string, number> = { N: 64, npt: 8 }) => ({ program, symbols, inputsDir: "/data", name: "azimint_naive", file: "azimint_naive.sdfg" });
const edgesState = (p: Program) => (p.root.blocks[1] as PLoop).body.blocks[0] as PState;
const tasklet = (s: PState, label: string, nth = 0) => s.nodes.filter((n): n is Extract<PNode, { kind: "tasklet" }> => n.kind === "tasklet" && n.label === label)[nth]!;
const refusal = (p: Program) => {
  const r = raiseRadialBinning(input(p));
  if (r.ok) throw new Error("taken");
  return r.reason;
};

describe("radial-binning pass (IR in, IR out)", () => {
  it("azimint_naive: mean of data over npt bins of radius by rmax = max(radius)", () => {
    expect(matchRadialBinning(input(azimint()))).toEqual({ keys: "radius", values: "data", n: 64, bins: 8, max: "rmax", output: "__return", loop: "for_22" });
    // Sizes come from the symbols: 100 elements, 5 bins.
    expect(matchRadialBinning(input(azimint(), { N: 100, npt: 5 }))).toMatchObject({ n: 100, bins: 5 });
  });

  it("azimint_naive becomes one radial-bin node (radius, data -> 8 means) that the pattern list takes", () => {
    const r = raiseRadialBinning(input(azimint()));
    if (!r.ok) throw new Error(r.reason);
    const sdfg = r.bundle.sdfg;
    expect(sdfg.states.map((s) => s.nodes)).toEqual([[{ kind: "radial-bin", id: 0, label: "for_22", dtype: "float64", keys: "radius", values: "data", n: 64, bins: 8, output: "v_return" }]]);
    expect(Object.fromEntries(Object.entries(sdfg.arrays).map(([k, d]) => [k, d.kind === "array" ? [d.shape, d.transient] : d.kind]))).toEqual({ radius: [[64], false], data: [[64], false], v_return: [[8], false] });
    expect(r.bundle.inputs.map((x) => [x.name, x.shape, x.source.kind === "file" ? x.source.path : ""])).toEqual([["data", [64], "/data/data.npy"], ["radius", [64], "/data/radius.npy"]]);
    expect(r.bundle.outputs).toEqual(["v_return"]);
    expect(r.outputNames).toEqual({ v_return: "__return" });
    expect(r.kernels.map((k) => [k.name, k.mapping, k.pattern])).toEqual([["for_22", "streamed", "radial-binning"]]);
    const d = streamProgram(input(azimint()));
    expect(d.streamed && d.pattern).toBe("radial-binning");
    // A loop label that is not an identifier is cleaned before it names the PE in generated code.
    const p = azimint();
    (p.root.blocks[1] as PLoop).label = "for 22; int x";
    const q = raiseRadialBinning(input(p));
    if (!q.ok) throw new Error(q.reason);
    expect(q.bundle.sdfg.states[0]!.nodes[0]).toMatchObject({ label: "for_22_int_x" });
    expect(Object.keys(q.bundle.sources)).toEqual(["for_22_int_x"]);
  });

  it("lowering at W=4: radius read twice and data once into one binning PE, 8 copies per lane, 8 means out as 2 vectors", () => {
    const r = raiseRadialBinning(input(azimint()));
    if (!r.ok) throw new Error(r.reason);
    const p = lowerToPipeline(r.bundle.sdfg, { vectorWidth: 4, replicas: 1 });
    const procs = p.linalg!.processes;
    expect(procs.map((x) => [x.kind, x.kind === "matrix-reader" ? `${x.array} x${x.repeat}` : x.kind === "matrix-writer" ? `${x.array} ${x.vectors}` : ""])).toEqual([
      ["matrix-reader", "radius x2"], ["matrix-reader", "data x1"], ["binning", ""], ["matrix-writer", "v_return 2"],
    ]);
    expect(procs[2]).toMatchObject({ n: 64, bins: 8, copies: 8 });
    // The report's operations, by hand: 64 elements x (candidate 2 + four edges 8 + sum and count 2)
    // + 8 bins x (merge of 8 x 4 copies: 2 x 31 adds + the mean's divide) = 768 + 504; at W=1, 768 + 8 x 15.
    expect(p.linalg!.operations).toBe(1272);
    expect(lowerToPipeline(r.bundle.sdfg, { vectorWidth: 1, replicas: 1 }).linalg!.operations).toBe(888);
    expect(() => lowerToPipeline(r.bundle.sdfg, { vectorWidth: 16, replicas: 1 })).toThrow("'v_return' has 8 bins, not a multiple of W=16 (the means travel W at a time)");
  });

  it("refuses an upper edge that is inclusive (radius <= r2): the mask differs", () => {
    const p = azimint();
    const s = tasklet(edgesState(p), "_Lt_").code[0]!;
    if (s.kind === "assign" && s.value.kind === "binary") s.value.op = "<=";
    expect(refusal(p)).toBe("loop 'for_22': the mask 'mask_r12' is not (r1 <= radius) and (radius < r2)");
  });

  it("refuses r2 = rmax * i / npt (both edges the same): the bin edge differs", () => {
    const p = azimint();
    const s = tasklet(edgesState(p), "_Mult_", 1).code[0]!;
    if (s.kind === "assign" && s.value.kind === "binary" && s.value.right.kind === "cast") s.value.right.operand = { kind: "name", name: "i" };
    expect(refusal(p)).toBe("loop 'for_22': 'r2' is not rmax * (i + 1) / 8");
  });

  it("refuses a minimum instead of the maximum, and a count that adds 2", () => {
    const p = azimint();
    const red = (p.root.blocks[0] as PState).nodes.find((n) => n.kind === "library")!;
    if (red.kind === "library") red.attributes.wcr = { op: "min" };
    expect(refusal(p)).toBe("state 'call_20' does not take one maximum over a whole array");
    const q = azimint();
    const map = ((q.root.blocks[1] as PLoop).body.blocks[1] as PState).nodes.find((n) => n.kind === "nested")!;
    if (map.kind !== "nested") throw new Error("no nested SDFG");
    const cond = map.sdfg.root.blocks[0]!;
    if (cond.kind !== "conditional") throw new Error("no conditional");
    const inner = cond.branches[0]!.body.blocks[0] as PState;
    const one = tasklet(inner, "assign_34_16").code[0]!;
    if (one.kind === "assign") one.value = { kind: "number", value: 2, integer: true };
    expect(refusal(q)).toBe("loop 'for_22': tasklet 'assign_34_16' in the masked branch adds neither a value nor 1");
  });

  it("refuses go_fast (no maximum, no loop over bins)", () => {
    const p = loadSdfgFile(join(NPBENCH, "go_fast", "go_fast.sdfg"));
    expect(refusal(p)).toBe("not a state taking a maximum followed by a loop over bins");
  });
});
