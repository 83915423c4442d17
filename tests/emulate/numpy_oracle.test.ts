// `sdfg-fpga emulate PROGRAM --inputs D --outputs E` with random inputs writes E/<output>.npy equal
// to an independent NumPy evaluation of the program (tests/numpy_ref/evaluate.py).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/data/npy.js";
import { compareArrays } from "../../src/emulate/compare.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { cli, PEERS } from "../helpers.js";

const PY = "/usr/bin/python3";

/** Random inputs of each input's shape and type, written by NumPy. */
async function randomInputs(program: string, dir: string, seed: number): Promise<void> {
  const bundle = loadProgram(program);
  const spec = bundle.inputs.map((i) => [i.name, i.shape, i.dtype === "float32" ? "f4" : "f8"]);
  const script = `
import numpy as np, json, sys
rng = np.random.default_rng(${seed})
for name, shape, dt in json.loads(sys.argv[1]):
    a = (rng.random(tuple(shape)) * 2.0 - 0.5).astype(dt)
    np.save(sys.argv[2] + "/" + name + ".npy", a)
`;
  await execa(PY, ["-c", script, JSON.stringify(spec), dir]);
}

const programs = [
  "stencils/hdiff.json", "stencils/diffusion3d.json", "stencils/jacobi2d.json",
  join(PEERS, "varying_dimensionality.json"), join(PEERS, "simulator12.json"), join(PEERS, "horidiff_min_ext.json"),
];

const cases: [string, string, string[]][] = [
  ...programs.map((p): [string, string, string[]] => [basename(p), p, []]),
  // Time loops of T = 7 steps at W = 8 in passes of P = 3 (3 + 3 + 1).
  ["hdiff_t7.json -W 8 -P 3", "stencils/hdiff_t7.json", ["-W", "8", "-P", "3"]],
  ["diffusion3d_t7.json -W 8 -P 3", "stencils/diffusion3d_t7.json", ["-W", "8", "-P", "3"]],
  ["diffusion3d_t7.json -W 4 -P 2", "stencils/diffusion3d_t7.json", ["-W", "4", "-P", "2"]],
];

describe("emulated outputs equal NumPy", () => {
  it.each(cases)("%s", async (_n, program, options) => {
    const tmp = mkdtempSync(join(tmpdir(), "np-"));
    const inDir = join(tmp, "in"), emuDir = join(tmp, "emu"), npDir = join(tmp, "np");
    await execa("mkdir", ["-p", inDir, npDir]);
    await randomInputs(program, inDir, 7);
    const r = await cli(["emulate", program, ...options, "--inputs", inDir, "--outputs", emuDir]);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    await execa(PY, ["tests/numpy_ref/evaluate.py", program, "--inputs", inDir, "--outputs", npDir]);
    for (const out of loadProgram(program).outputs) {
      const got = decodeNpy(readFileSync(join(emuDir, `${out}.npy`)), out);
      const want = decodeNpy(readFileSync(join(npDir, `${out}.npy`)), out);
      expect(got.shape).toEqual(want.shape);
      const dtype = got.descr === "<f4" ? "float32" : "float64";
      const c = compareArrays(out, dtype, got.values, want.values);
      expect({ out, mismatches: c.mismatches, first: c.first }).toEqual({ out, mismatches: 0, first: undefined });
    }
  });
});
