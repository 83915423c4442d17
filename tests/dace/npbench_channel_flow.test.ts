// NPBench's channel_flow (tests/data/npbench_heldout/channel_flow, written by its make.py as DaCe
// 2.0 leaves the program; 8x8, nit = 1, converging in 4 steps). Its `while udiff > .001` loop
// has a data-dependent step count: the streaming pass refuses it with that reason (the program
// then runs memory-mapped). Its loop body, run as a counted loop of the number of steps NumPy's
// convergence took (__return.out.npy), streams whole (periodic columns, b's zeros and sub-box
// writes, the F forcing term, the unrolled Poisson iterations) and, emulated (g++ against sim/),
// equals NumPy's u, v and p: on Xilinx at W=1, on Intel at W=2.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { readNpyHeader, npyValues } from "../../src/data/npy_any.js";
import { emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import { parsePyExpression as py } from "../../src/frontend/dace/python_code.js";
import type { PLoop, Program } from "../../src/ir/program.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { bundleFor } from "./sdfg_bundles.js";

const DIR = join(__dirname, "..", "data", "npbench_heldout", "channel_flow");
const bundle = bundleFor(DIR, "channel_flow");
const stepsNumpyTook = Number(npyValues(readNpyHeader(readFileSync(join(DIR, "__return.out.npy")), "__return.out.npy"), "__return.out.npy")[0]);

/**
 * The program's while loop as `for step in range(steps)` over the same body, without the state
 * computing udiff (its sums only feed the loop's condition) and the interstate step counter.
 */
function countedBody(program: Program, steps: number): Program {
  const loop = program.root.blocks.find((b): b is PLoop => b.kind === "loop")!;
  const blocks = loop.body.blocks.filter((b) => !(b.kind === "state" && b.nodes.some((n) => n.kind === "library")));
  const edges = blocks.slice(1).map((_, k) => ({ src: k, dst: k + 1, condition: null, assignments: [], where: `${loop.where} edge ${k}` }));
  const counted: PLoop = { ...loop, variable: "step", init: [["step", py("0")]], condition: py(`step < ${steps}`), update: [["step", py("step + 1")]], body: { ...loop.body, blocks, edges, start: 0 } };
  return { ...program, root: { ...program.root, blocks: [counted], edges: [], start: 0 } };
}

describe("NPBench channel_flow", () => {
  it("the fixture is what make.py writes", async () => {
    const work = mkdtempSync(join(tmpdir(), "npbench-channel-"));
    try {
      const copy = join(work, "channel_flow");
      mkdirSync(copy);
      copyFileSync(join(DIR, "make.py"), join(copy, "make.py"));
      copyFileSync(join(DIR, "..", "dace_sdfg.py"), join(work, "dace_sdfg.py"));
      await execa("python3", ["-B", join(copy, "make.py")]);
      const files = readdirSync(DIR).filter((f) => f !== "make.py").sort();
      expect(readdirSync(copy).filter((f) => f !== "make.py").sort()).toEqual(files);
      for (const f of files) expect({ f, same: readFileSync(join(copy, f)).equals(readFileSync(join(DIR, f))) }).toEqual({ f, same: true });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("is not streamed: its while loop's step count is data-dependent (the reason names the loop and udiff)", () => {
    expect(stepsNumpyTook).toBe(4);
    const d = streamProgram({ program: bundle.program, symbols: bundle.symbols, inputsDir: bundle.inputsDir, name: bundle.name, file: bundle.file });
    expect(d.streamed).toBe(false);
    expect(d.kernels.map((k) => k.reason).join("; ")).toMatch(/stencil-maps: .*channel_flow\.sdfg: \$\.nodes\[1\]: loop 'while_84' is a while loop whose condition reads 'udiff', computed in the run: its step count is data-dependent/);
  });

  it.concurrent.for([["xilinx", 1], ["intel", 2]] as const)("its step body, looped as many steps as NumPy took, streams and emulates equal to NumPy on %s at W=%i", async ([target, W], { expect: check }) => {
    const program = countedBody(bundle.program, stepsNumpyTook);
    const d = streamProgram({ program, symbols: bundle.symbols, inputsDir: bundle.inputsDir, name: bundle.name, file: bundle.file });
    if (!d.streamed) throw new Error(`not streamed: ${d.kernels.map((k) => k.reason).join("; ")}`);
    check(d.kernels.filter((k) => k.mapping !== "streamed")).toEqual([]);
    check(d.bundle.timeLoop?.steps).toBe(stepsNumpyTook);
    const r = await emulateStreamedSdfg({ ...bundle, program }, d.bundle, target, { vectorWidth: W, replicas: 1 });
    check(r.failure).toBeUndefined();
    check(r.outputs.map((o) => o.name).sort()).toEqual(["p", "u", "v"]);
    for (const o of r.outputs) check({ name: o.name, vsReference: o.mismatchesVsReference, vsNumpy: o.mismatchesVsNumpy }).toEqual({ name: o.name, vsReference: 0, vsNumpy: 0 });
    check(r.ok).toBe(true);
  });
});
