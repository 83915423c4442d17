// The NumPy reference evaluator is our oracle; these check it against values computed by hand.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const EVALUATE = join(here, "evaluate.py");

// Copies of StencilFlow's test programs simulator.json and simulator2.json (BSD-3-Clause), inlined
// so the test needs nothing outside the repository.
const SIMULATOR = {
  inputs: { arrA: { data: [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], data_type: "float64" } },
  outputs: ["res"],
  dimensions: [2, 3],
  program: {
    res: {
      computation_string: "res = (arrA[j,k] + arrA[j,k+2]) + 3.14",
      boundary_conditions: { arrA: { type: "constant", value: 0.0 } },
      data_type: "float64",
    },
  },
};
const SIMULATOR2 = {
  inputs: { arrA: { data: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], data_type: "float64" } },
  outputs: ["res"],
  dimensions: [3, 3],
  program: {
    res: {
      computation_string: "res = arrA[j,k-1] + arrA[j,k+1] + arrA[j-1,k] + arrA[j+1,k] + arrA[j,k]",
      boundary_conditions: { arrA: { type: "constant", value: 0.0 } },
      data_type: "float64",
    },
  },
};

function programFile(name: string, program: unknown): string {
  const file = join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(program));
  return file;
}
const tmp = mkdtempSync(join(tmpdir(), "numpy-ref-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Minimal .npy reader (little-endian f4/f8/i4, C order), independent of the product's own. */
function readNpy(file: string): { shape: number[]; data: number[] } {
  const buf = readFileSync(file);
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.subarray(major === 1 ? 10 : 12, start).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)![1]!;
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)![1]!.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  expect(/'fortran_order':\s*False/.test(header)).toBe(true);
  const body = buf.subarray(start);
  const copy = new Uint8Array(body).buffer;
  const data = descr === "<f8" ? Array.from(new Float64Array(copy)) : descr === "<f4" ? Array.from(new Float32Array(copy))
    : descr === "<i4" ? Array.from(new Int32Array(copy)) : [];
  expect(data.length).toBeGreaterThan(0);
  return { shape, data };
}

async function evaluate(program: string, out: string) {
  return execa("/usr/bin/python3", [EVALUATE, program, "--outputs", out], { reject: false });
}

describe("numpy reference evaluator", () => {
  it("simulator.json: (arrA[j,k] + arrA[j,k+2]) + 3.14 with constant-0 boundary", async () => {
    const out = join(tmp, "sim1");
    const r = await evaluate(programFile("simulator", SIMULATOR), out);
    expect(r.exitCode, r.stderr).toBe(0);
    const res = readNpy(join(out, "res.npy"));
    expect(res.shape).toEqual([2, 3]);
    // arrA = [[0,1,2],[3,4,5]]; only k=0 has an in-domain k+2 neighbour.
    const expected = [0 + 2 + 3.14, 1 + 3.14, 2 + 3.14, 3 + 5 + 3.14, 4 + 3.14, 5 + 3.14];
    res.data.forEach((v, n) => expect(v).toBeCloseTo(expected[n]!, 12));
  });

  it("simulator2.json: 5-point sum of ones counts in-domain neighbours", async () => {
    const out = join(tmp, "sim2");
    const r = await evaluate(programFile("simulator2", SIMULATOR2), out);
    expect(r.exitCode, r.stderr).toBe(0);
    const res = readNpy(join(out, "res.npy"));
    expect(res.shape).toEqual([3, 3]);
    expect(res.data).toEqual([3, 4, 3, 4, 5, 4, 3, 4, 3]);
  });

  it("copy boundary, constants, a scalar input and a time loop", async () => {
    const prog = programFile("loop", {
      inputs: {
        a: { data: [0, 1, 2, 3, 4, 5, 6, 7], data_type: "float64" },
        s: { data: 10, data_type: "float64", input_dims: [] },
      },
      constants: { c: { value: 0.5, data_type: "float64" } },
      outputs: ["r", "q"],
      dimensions: [8],
      time_loop: { steps: 2, feedback: { r: "a" } },
      program: {
        r: { computation_string: "t = a[k-1] + a[k+1]; r = c * t", boundary_conditions: { a: { type: "copy" } }, data_type: "float64" },
        q: { computation_string: "q = min(max(r[k], 2.0), 5.0) + s", boundary_conditions: {}, data_type: "float64" },
      },
    });
    const out = join(tmp, "loop");
    const r = await evaluate(prog, out);
    expect(r.exitCode, r.stderr).toBe(0);
    // step 1: [0.5, 1, 2, 3, 4, 5, 6, 6.5] (copy: the missing neighbour is the centre value)
    // step 2: [0.75, 1.25, 2, 3, 4, 5, 5.75, 6.25]
    expect(readNpy(join(out, "r.npy")).data).toEqual([0.75, 1.25, 2, 3, 4, 5, 5.75, 6.25]);
    expect(readNpy(join(out, "q.npy")).data).toEqual([12, 12, 12, 13, 14, 15, 15, 15]);
  });

  it("integer stencils follow C, not NumPy's floor division (hand-worked values)", async () => {
    const a = [-7, 7, -7, 7, 5, -2147483648, 9, -9];
    const b = [2, -2, -2, 2, 0, -1, 40, 1];
    const prog = programFile("ints", {
      inputs: { a: { data: a, data_type: "int32" }, b: { data: b, data_type: "int32" } },
      outputs: ["q", "r", "shl", "shr", "bits"],
      dimensions: [8],
      program: {
        q: { computation_string: "q = a[k] / b[k]", data_type: "int32" },
        r: { computation_string: "r = a[k] % b[k]", data_type: "int32" },
        shl: { computation_string: "shl = a[k] << b[k]", data_type: "int32" },
        shr: { computation_string: "shr = a[k] >> b[k]", data_type: "int32" },
        bits: { computation_string: "bits = (a[k] & 6 | 1) ^ ~b[k]", data_type: "int32" },
      },
    });
    const out = join(tmp, "ints");
    const r = await evaluate(prog, out);
    expect(r.exitCode, r.stderr).toBe(0);
    // Truncating division (-7 / 2 = -3, Python says -4); x / 0 = 0; INT_MIN / -1 wraps.
    expect(readNpy(join(out, "q.npy")).data).toEqual([-3, -3, 3, 3, 0, -2147483648, 0, -9]);
    // The remainder takes the dividend's sign (-7 % 2 = -1, Python says 1); x % 0 = 0.
    expect(readNpy(join(out, "r.npy")).data).toEqual([-1, 1, -1, 1, 0, 0, 9, 0]);
    // Shifts of two's-complement values; counts outside 0..31 give 0 (<<) or the sign (>>).
    expect(readNpy(join(out, "shl.npy")).data).toEqual([-28, 0, 0, 28, 5, 0, 0, -18]);
    expect(readNpy(join(out, "shr.npy")).data).toEqual([-2, 0, -1, 1, 5, -1, 0, -5]);
    expect(readNpy(join(out, "bits.npy")).data).toEqual(a.map((x, n) => ((x & 6) | 1) ^ ~b[n]!));
  });

  it("refuses a cyclic program with exit code 2", async () => {
    const prog = programFile("cyclic", {
      inputs: { a: { data: "constant:1", data_type: "float32" } },
      outputs: ["b"],
      dimensions: [8],
      program: {
        b: { computation_string: "b = c[k] + a[k]", boundary_conditions: {}, data_type: "float32" },
        c: { computation_string: "c = b[k]", boundary_conditions: {}, data_type: "float32" },
      },
    });
    const r = await evaluate(prog, join(tmp, "cyc"));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("cyclic");
  });
});
