// Periodic boundaries (NPBench channel_flow's `u[1:-1, -1] = f(un[1:-1, 0], un[1:-1, -2], …)`):
// DaCe computes such a column with 1-D maps over the rows that read 2-D arrays at fixed column
// indices, through 1-D transients. Lifted to 2-D maps (lower_rank_maps.ts), the column is a
// write region of the domain and the far column a constant, row-long offset. Checked on the IR
// here; emulated, the lifted maps are tested in the whole of channel_flow's step
// (tests/dace/npbench_channel_flow.test.ts), which reads periodic columns through 1-D transients.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { StencilNode } from "../../../src/ir/sdfg.js";
import { raiseStencilMaps } from "../../../src/spatial/streaming/stencil_maps.js";
import { array, programOf, type MapSpec } from "./small_programs.js";

const N = 6; // rows
const M = 8; // columns
const STEPS = 4;

/** One step: the interior from A, both border columns of B from the far column, then A = B. */
const maps: MapSpec[] = [
  // B[1:-1, 1:-1] = 0.5 * (A[1:-1, 2:] + A[1:-1, :-2]) + 0.25 * A[2:, 1:-1] - 0.25 * A[:-2, 1:-1]
  { params: ["i", "j"], ranges: [["0", "N - 3"], ["0", "M - 3"]], reads: { r: { data: "A", index: ["i + 1", "j + 2"] }, l: { data: "A", index: ["i + 1", "j"] }, d: { data: "A", index: ["i + 2", "j + 1"] }, u: { data: "A", index: ["i", "j + 1"] } }, write: { data: "B", index: ["i + 1", "j + 1"] }, code: "__out = 0.5 * (r + l) + 0.25 * d - 0.25 * u" },
  // T = A[1:-1, 0] - A[1:-1, -2] (a 1-D transient over the rows)
  { params: ["__i0"], ranges: [["0", "N - 3"]], reads: { a: { data: "A", index: ["__i0 + 1", "0"] }, b: { data: "A", index: ["__i0 + 1", "M - 2"] } }, write: { data: "T", index: ["__i0"] }, code: "__out = a - b" },
  // B[1:-1, -1] = 0.5 * T + A[:-2, -1]
  { params: ["__i0"], ranges: [["0", "N - 3"]], reads: { t: { data: "T", index: ["__i0"] }, u: { data: "A", index: ["__i0", "M - 1"] } }, write: { data: "B", index: ["__i0 + 1", "M - 1"] }, code: "__out = 0.5 * t + u" },
  // B[1:-1, 0] = 0.5 * (A[1:-1, 1] + A[1:-1, -1]) + 0.25 * A[2:, 0]
  { params: ["__i0"], ranges: [["0", "N - 3"]], reads: { r: { data: "A", index: ["__i0 + 1", "1"] }, l: { data: "A", index: ["__i0 + 1", "M - 1"] }, d: { data: "A", index: ["__i0 + 2", "0"] } }, write: { data: "B", index: ["__i0 + 1", "0"] }, code: "__out = 0.5 * (r + l) + 0.25 * d" },
  // A[1:-1, :] = B[1:-1, :]
  { params: ["i", "j"], ranges: [["0", "N - 3"], ["0", "M - 1"]], reads: { b: { data: "B", index: ["i + 1", "j"] } }, write: { data: "A", index: ["i + 1", "j"] }, code: "__out = b" },
];

const NUMPY = `
import numpy as np, sys
d = sys.argv[1]
g = np.random.default_rng(5)
A, B = g.random((${N}, ${M})), g.random((${N}, ${M}))
np.save(d + "/A.npy", A); np.save(d + "/B.npy", B)
for _ in range(${STEPS}):
    B[1:-1, 1:-1] = 0.5 * (A[1:-1, 2:] + A[1:-1, :-2]) + 0.25 * A[2:, 1:-1] - 0.25 * A[:-2, 1:-1]
    T = A[1:-1, 0] - A[1:-1, -2]
    B[1:-1, -1] = 0.5 * T + A[:-2, -1]
    B[1:-1, 0] = 0.5 * (A[1:-1, 1] + A[1:-1, -1]) + 0.25 * A[2:, 0]
    A[1:-1, :] = B[1:-1, :]
np.save(d + "/A.out.npy", A); np.save(d + "/B.out.npy", B)
`;

const program = programOf({ A: array(["N", "M"]), B: array(["N", "M"]), T: array(["N - 2"], true) }, maps, { start: "0", bound: String(STEPS), variable: "step" });
const symbols = { N, M };

async function numpyData(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "stream-periodic-"));
  writeFileSync(join(dir, "make.py"), NUMPY);
  await execa("python3", [join(dir, "make.py"), dir]);
  return dir;
}

describe("periodic boundary columns: 1-D maps over the rows of 2-D arrays", () => {
  it("lifts them to 2-D stencils: each border column a write region, the far column a row-long offset", async () => {
    const inputsDir = await numpyData();
    const r = raiseStencilMaps({ program, symbols, inputsDir, name: "periodic", file: join(inputsDir, "periodic.sdfg") });
    if (!r.ok) throw new Error(r.reason);
    const ss = r.bundle.sdfg.states[0]!.nodes.filter((n): n is StencilNode => n.kind === "stencil");
    // T is read once: fused into the right column's stencil.
    expect(ss.map((s) => s.label)).toEqual(["B_v1", "B_v2", "B", "A"]);
    expect(ss[1]!.region).toEqual({ lo: [1, M - 1], hi: [N - 2, M - 1], keep: "B_v1" });
    expect(ss[2]!.region).toEqual({ lo: [1, 0], hi: [N - 2, 0], keep: "B_v2" });
    const offsets = (s: StencilNode) => {
      const found: string[] = [];
      const walk = (e: unknown): void => {
        if (!e || typeof e !== "object") return;
        const x = e as { kind?: string; field?: string; offset?: number[] };
        if (x.kind === "access") found.push(`${x.field}${JSON.stringify(x.offset)}`);
        for (const v of Object.values(e)) walk(v);
      };
      walk(s.code);
      return [...new Set(found)].sort();
    };
    // Column M-1 reads column 0 (M-1 to the left) and M-2; column 0 reads column M-1.
    expect(offsets(ss[1]!)).toEqual(["A_in[-1,0]", "A_in[0,-1]", `A_in[0,-${M - 1}]`].sort());
    expect(offsets(ss[2]!)).toEqual(["A_in[0,1]", `A_in[0,${M - 1}]`, "A_in[1,0]"].sort());
    expect(r.bundle.timeLoop).toEqual({ steps: STEPS, feedback: { A: "A_in", B: "B_in" } });
  });
});
