// NPBench programs held out of ../shared/peers/npbench (bicg, gesummv, 3mm, compute, and
// covariance's first phase: centring by the column means, `np.mean(data, axis=0)`), written by
// tests/data/npbench_heldout/<name>/make.py as DaCe's frontend + simplify() leaves them, stream
// every kernel, by the pattern of their kind. Test time allows four g++ builds, each emulation
// equal to NumPy's <arg>.out.npy and to the CPU reference (which sums in the hardware's order,
// bit for bit): gesummv (scaled matrices feeding matrix-vector PEs, a sum of two products) on
// Xilinx at W=2, compute (int64 ufuncs with constants folded in, int64 scalars) on Intel at
// W=4, and covariance_center's column reduction (one accumulator per column on chip, three
// banks at W=4 against the adder's latency, the data read twice for the subtraction's second
// pass) on both. A column result the program keeps is refused by name. Every fixture was also
// emulated with `emulate` on both vendors at W=1 and W=2 (covariance_center also W=4).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { emulateStreamedSdfg } from "../../src/emulate/sdfg_emulate.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { bundleFor } from "./sdfg_bundles.js";

const HELD_OUT = join(process.cwd(), "tests", "data", "npbench_heldout");

type Target = "xilinx" | "intel";
/** [program, the pattern that must take it, W on xilinx, W on intel (0: not emulated here)]. */
const PROGRAMS: [string, string, number, number][] = [
  ["bicg", "matrix-vector", 0, 0],
  ["gesummv", "matrix-vector", 2, 0],
  ["k3mm", "systolic-matmul", 0, 0],
  ["compute", "elementwise-reduce", 0, 4],
  ["covariance_center", "elementwise-reduce", 4, 4],
];

function streamedBundle(name: string) {
  const b = bundleFor(join(HELD_OUT, name), name);
  const d = streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
  return { b, d };
}

describe("held-out NPBench programs: the fixtures are what make.py writes", () => {
  const work = mkdtempSync(join(tmpdir(), "npbench-heldout-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  it.for(PROGRAMS.map(([name]) => name))("%s", async (name) => {
    const dir = join(HELD_OUT, name);
    const copy = join(work, name);
    // make.py writes next to itself; run a copy so that the committed files are compared, not replaced.
    mkdirSync(copy, { recursive: true });
    copyFileSync(join(dir, "make.py"), join(copy, "make.py"));
    copyFileSync(join(HELD_OUT, "dace_sdfg.py"), join(work, "dace_sdfg.py"));
    await execa("python3", ["-B", join(copy, "make.py")]);
    const files = readdirSync(dir).filter((f) => f !== "make.py").sort();
    expect(readdirSync(copy).filter((f) => f !== "make.py").sort()).toEqual(files);
    for (const f of files) expect({ f, same: readFileSync(join(copy, f)).equals(readFileSync(join(dir, f))) }).toEqual({ f, same: true });
  });
});

describe.concurrent("held-out NPBench programs stream and emulate equal to NumPy", () => {
  it.for(PROGRAMS)("%s is streamed by the %s pattern, every kernel", ([name, pattern]) => {
    const { d } = streamedBundle(name);
    expect(d.streamed && d.pattern).toBe(pattern);
    expect(d.kernels.map((k) => k.mapping)).toEqual(d.kernels.map(() => "streamed"));
  });

  const runs = PROGRAMS.flatMap(([name, , wx, wi]) => [[name, "xilinx", wx], [name, "intel", wi]] as [string, Target, number][]).filter(([, , W]) => W > 0);
  it.for(runs)("%s on %s at W=%i", async ([name, target, W], { expect: check }) => {
    const { b, d } = streamedBundle(name);
    if (!d.streamed) throw new Error(`${name} not streamed: ${d.kernels.map((k) => k.reason).join("; ")}`);
    const r = await emulateStreamedSdfg(b, d.bundle, target, { vectorWidth: W, replicas: 1 }, undefined, undefined, d.outputNames ?? {});
    check(r.failure).toBeUndefined();
    // Every array NumPy wrote is an output, compared with the CPU reference and with NumPy.
    const expected = readdirSync(join(HELD_OUT, name)).filter((f) => f.endsWith(".out.npy")).map((f) => f.replace(/\.out\.npy$/, "")).sort();
    check(r.outputs.map((o) => d.outputNames?.[o.name] ?? o.name).sort()).toEqual(expected);
    for (const o of r.outputs) {
      check({ name: o.name, vsReference: o.mismatchesVsReference, vsNumpy: o.mismatchesVsNumpy, first: o.first }).toEqual({ name: o.name, vsReference: 0, vsNumpy: 0, first: undefined });
    }
    check(r.ok).toBe(true);
  });
});

describe("covariance's column mean: a column reduction PE", () => {
  it("keeps one accumulator per column in ceil(latency / vectors per row) banks and makes the subtraction a second pass", () => {
    const { d } = streamedBundle("covariance_center");
    if (!d.streamed) throw new Error("not streamed");
    const p = lowerToPipeline(d.bundle.sdfg, { vectorWidth: 4, replicas: 1 });
    const [r] = p.reductions ?? [];
    // 20 rows of 12 columns: 3 vectors per row at W=4; float64 adds take 8 cycles, so 3 banks
    // put 9 iterations between two updates of one accumulator.
    expect({ columns: r?.columns, rowVectors: r?.rowVectors, banks: r?.banks, drain: r?.drain }).toEqual({ columns: { rows: 20 }, rowVectors: 3, banks: 3, drain: 8 });
    expect(p.readers.map((x) => [x.array, x.outputs.length, x.secondPass?.length ?? 0])).toEqual([["data", 1, 1]]);
  });

  // mean_data is the reduction's own result, mean a map's over the columns.
  it.for(["mean_data", "mean"])("refuses a column result the program keeps in memory (%s), naming it", (kept) => {
    const { b } = streamedBundle("covariance_center");
    b.program.arrays[kept]!.transient = false;
    const d = streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
    expect(d.streamed).toBe(false);
    expect(d.kernels[0]!.reason).toContain(`elementwise-reduce: '${kept}' is one value per column written to memory`);
  });
});
