// Property test of the stencil-maps pass: random programs of NumPy slice assignments (random
// rank, size, offsets, sub-ranges, number of maps and time steps) are built as DaCe-shaped
// programs, raised, emulated, and compared with NumPy running the same slice assignments: the
// versions, write regions, offsets and the time loop the pass derives must mean what NumPy means.
// The CPU reference of each raised program (one g++ build each) and, for the first program, the
// Vitis kernel at W=2, P=2 (one more build) are compared.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { emulateStreamedSdfg } from "../../../src/emulate/sdfg_emulate.js";
import { raiseStencilMaps } from "../../../src/spatial/streaming/stencil_maps.js";
import { array, programOf, type MapSpec } from "./small_programs.js";

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RandomProgram { rank: number; N: number; steps: number; maps: MapSpec[]; numpy: string[] }

function randomProgram(seed: number): RandomProgram {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const rank = pick([1, 2]);
  const N = pick([6, 8, 10]);
  const steps = pick([1, 2, 3]);
  const params = ["i", "j"].slice(0, rank);
  const maps: MapSpec[] = [];
  const numpy: string[] = [];
  for (let m = 0, count = pick([2, 3, 4]); m < count; m++) {
    const target = pick(["A", "B"]);
    const reads = Array.from({ length: pick([1, 2, 3]) }, () => ({ data: pick(["A", "B"]), offset: params.map(() => pick([-1, 0, 1])) }));
    // The written box leaves room for every read (NumPy slices stay inside the arrays).
    const lo = params.map((_, a) => Math.max(pick([0, 1]), ...reads.map((x) => -x.offset[a]!)));
    const hi = params.map((_, a) => N - 1 - Math.max(pick([0, 1]), ...reads.map((x) => x.offset[a]!)));
    const coeffs = reads.map(() => pick([0.5, -1.25, 2, 0.75]));
    maps.push({
      params, ranges: params.map((_, a) => ["0", String(hi[a]! - lo[a]!)] as [string, string]),
      reads: Object.fromEntries(reads.map((x, k) => [`in${k}`, { data: x.data, index: params.map((p, a) => `${p} + ${lo[a]! + x.offset[a]!}`) }])),
      write: { data: target, index: params.map((p, a) => `${p} + ${lo[a]}`) },
      code: `__out = ${reads.map((_, k) => `${coeffs[k]} * in${k}`).join(" + ")} + 1.0`,
    });
    const slice = (d: number[]) => params.map((_, a) => `${lo[a]! + d[a]!}:${hi[a]! + d[a]! + 1}`).join(", ");
    numpy.push(`${target}[${slice(params.map(() => 0))}] = ${reads.map((x, k) => `${coeffs[k]} * ${x.data}[${slice(x.offset)}]`).join(" + ")} + 1.0`);
  }
  return { rank, N, steps, maps, numpy };
}

async function numpyData(p: RandomProgram, seed: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "stream-random-"));
  const shape = Array(p.rank).fill(p.N).join(", ");
  const script = [
    "import numpy as np, sys",
    "d = sys.argv[1]",
    `g = np.random.default_rng(${seed})`,
    `A = g.random((${shape},)); B = g.random((${shape},))`,
    'np.save(d + "/A.npy", A); np.save(d + "/B.npy", B)',
    `for t in range(${p.steps}):`,
    ...p.numpy.map((l) => `    ${l}`),
    'np.save(d + "/A.out.npy", A); np.save(d + "/B.out.npy", B)',
  ].join("\n");
  writeFileSync(join(dir, "make.py"), script);
  await execa("python3", [join(dir, "make.py"), dir]);
  return dir;
}

const SEEDS = [11, 23, 37];

describe.concurrent("random slice-assignment programs: the raised program equals NumPy", () => {
  it.for(SEEDS)("seed %i", async (seed, { expect: check }) => {
    const p = randomProgram(seed);
    const shape = Array(p.rank).fill("N");
    const program = programOf({ A: array(shape), B: array(shape) }, p.maps, { start: "0", bound: String(p.steps) });
    const inputsDir = await numpyData(p, seed);
    const raised = raiseStencilMaps({ program, symbols: { N: p.N }, inputsDir, name: "random", file: join(inputsDir, "random.sdfg") });
    if (!raised.ok) throw new Error(raised.reason);
    check(raised.bundle.timeLoop?.steps).toBe(p.steps);
    const b = { file: join(inputsDir, "random.sdfg"), name: "random", program, symbols: { N: p.N }, inputsDir };
    const runs = [emulateStreamedSdfg(b, raised.bundle, "cpu", { vectorWidth: 1, replicas: 1 })];
    if (seed === SEEDS[0]) runs.push(emulateStreamedSdfg(b, raised.bundle, "xilinx", { vectorWidth: 2, replicas: 2 }));
    for (const r of await Promise.all(runs)) {
      const written = [...new Set(p.maps.map((m) => m.write.data))].sort();
      check(r.outputs.map((o) => o.name).sort(), p.numpy.join("; ")).toEqual(written);
      for (const o of r.outputs) check({ name: o.name, vsNumpy: o.mismatchesVsNumpy, vsReference: o.mismatchesVsReference ?? 0, first: o.first }, p.numpy.join("; ")).toEqual({ name: o.name, vsNumpy: 0, vsReference: 0, first: undefined });
      check(r.ok).toBe(true);
    }
  });
});
