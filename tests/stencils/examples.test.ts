// The example programs in stencils/: well-formed, vectorizable by 8, small data, and evaluated by
// the NumPy reference without error.

import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { STENCILS_DIR } from "../../src/package_root.js";

const EVALUATE = join(dirname(fileURLToPath(import.meta.url)), "..", "numpy_ref", "evaluate.py");
const tmp = mkdtempSync(join(tmpdir(), "stencil-examples-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const programs = readdirSync(STENCILS_DIR).filter((f) => f.endsWith(".json")).sort();

describe("example stencil programs", () => {
  it("has the expected programs", () => {
    expect(programs).toEqual(["diffusion2d.json", "diffusion2d_t4.json", "diffusion3d.json", "diffusion3d_t7.json", "hdiff.json", "hdiff_t7.json", "image_int.json", "jacobi2d.json", "jacobi3d.json"]);
  });

  it("keeps every data file small", () => {
    for (const f of readdirSync(join(STENCILS_DIR, "data"))) expect(statSync(join(STENCILS_DIR, "data", f)).size).toBeLessThan(300 * 1024);
  });

  it.each(programs)("%s: innermost extent divisible by 8, data present, evaluates", async (file) => {
    const path = join(STENCILS_DIR, file);
    const prog = JSON.parse(readFileSync(path, "utf8"));
    const dims: number[] = prog.dimensions;
    expect(dims[dims.length - 1]! % 8).toBe(0);
    for (const spec of Object.values<any>(prog.inputs)) {
      if (typeof spec.data === "string" && !spec.data.startsWith("constant:")) {
        expect(statSync(join(STENCILS_DIR, spec.data)).isFile()).toBe(true);
      }
    }
    const out = join(tmp, file);
    const r = await execa("/usr/bin/python3", [EVALUATE, path, "--outputs", out], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    for (const o of prog.outputs) expect(statSync(join(out, `${o}.npy`)).size).toBeGreaterThan(128);
  });
});
