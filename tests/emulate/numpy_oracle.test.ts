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
  const DT = { float32: "f4", float64: "f8", int32: "i4", int64: "i8" } as const;
  const spec = bundle.inputs.map((i) => [i.name, i.shape, DT[i.dtype]]);
  // Integers: small values of both signs, zeros included (division and remainder by 0, -1),
  // and the type's extremes now and then (INT_MIN / -1, wrapping products).
  const script = `
import numpy as np, json, sys
rng = np.random.default_rng(${seed})
for name, shape, dt in json.loads(sys.argv[1]):
    if dt.startswith("i"):
        a = rng.integers(-40, 41, size=tuple(shape)).astype(dt)
        info = np.iinfo(dt)
        if a.size > 8:
            flat = a.reshape(-1)
            flat[rng.integers(0, a.size, size=a.size // 16)] = info.min
            flat[rng.integers(0, a.size, size=a.size // 16)] = info.max
            flat[rng.integers(0, a.size, size=a.size // 8)] = -1
    else:
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
  // Integer programs (C semantics: truncating / and %, shifts, bitwise, wrapping) on both vendors.
  ["image_int.json -W 8", "stencils/image_int.json", ["-W", "8"]],
  ["image_int.json --target intel -W 4", "stencils/image_int.json", ["--target", "intel", "-W", "4"]],
  ["int_ops.json -W 4", "tests/emulate/programs/int_ops.json", ["-W", "4"]],
  ["int_ops.json --target intel -W 2", "tests/emulate/programs/int_ops.json", ["--target", "intel", "-W", "2"]],
  ["int_ops.json --target cpu", "tests/emulate/programs/int_ops.json", ["--target", "cpu"]],
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
      expect(got.descr).toBe(want.descr);
      const dtype = ({ "<f4": "float32", "<f8": "float64", "<i4": "int32", "<i8": "int64" } as const)[got.descr as "<f4"];
      const c = compareArrays(out, dtype, got.values, want.values);
      // Integers compare exactly (tolerance 0), and for int64 on the exact 64-bit values.
      if (dtype === "int64") expect(readFileSync(join(emuDir, `${out}.npy`)).equals(readFileSync(join(npDir, `${out}.npy`)))).toBe(true);
      expect({ out, mismatches: c.mismatches, first: c.first }).toEqual({ out, mismatches: 0, first: undefined });
    }
  });
});
