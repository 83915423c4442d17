// Generated kernel code (issue 7 item 5): small powers as multiplications, <algorithm> where
// std::min/max are used, user text that can never become code, and programs with dead parts
// (an unread, non-output stencil; an unused temporary; float64 stencils without a float64
// channel) that still compile under -Wall -Wextra -Werror and emulate equal to the reference on
// both vendors.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emitCpuReference } from "../../src/cpu/cpu_reference.js";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram, parseProgram } from "../../src/frontend/load_program.js";
import { emitVitisKernel } from "../../src/hls/vitis_kernel.js";
import { emitOpenclKernels } from "../../src/intel/opencl_kernel.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { quoteUserText } from "../../src/codegen/user_text.js";
import { cli } from "../helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "sdfg-codegen-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const program = (code: Record<string, [string, string]>, outputs: string[], inputType = "float32") => ({
  inputs: { u: { data: [...Array(32).keys()].map((x) => x * 0.25 - 3), data_type: inputType } },
  outputs, dimensions: [4, 8],
  program: Object.fromEntries(Object.entries(code).map(([n, [c, t]]) => [n, { computation_string: c, data_type: t, boundary_conditions: { u: { type: "constant", value: 1.5 } } }])),
});

const sources = (text: string) => {
  const bundle = parseProgram(text, join(tmp, "p.json"), tmp);
  const p = lowerToPipeline(bundle.sdfg, { vectorWidth: 2, replicas: 1 });
  return {
    bundle,
    vitis: emitVitisKernel(p, { sources: bundle.sources, programFile: bundle.file }),
    intel: emitOpenclKernels(p, { sources: bundle.sources, programFile: bundle.file }),
    cpu: emitCpuReference(bundle.sdfg, bundle.sources),
  };
};

async function emulatesOnBothVendors(file: string) {
  const bundle = loadProgram(file);
  for (const target of ["xilinx", "intel"] as const) {
    const r = await emulate(bundle, { target, spatial: { vectorWidth: 2, replicas: 1 } });
    expect(r.deadlock).toBeUndefined();
    for (const o of r.outputs) expect({ target, name: o.name, mismatches: o.mismatches }).toEqual({ target, name: o.name, mismatches: 0 });
    expect(r.ok).toBe(true);
  }
}

describe("arithmetic spelling", () => {
  it("writes x**2, x**3 and x**4 as multiplications, other powers with pow", () => {
    const s = sources(JSON.stringify(program({ b: ["b = u[j,k]**2 + (u[j,k] + 1.0)**3 - u[j,k+1]**4.0 + u[j,k]**0.5 + u[j,k]**5", "float32"] }, ["b"])));
    for (const src of [s.vitis, s.cpu]) {
      expect(src).toMatch(/\(u_c_ \* u_c_\)|\(u\[[^\]]+\] \* u\[[^\]]+\]\)/);
      expect(src).toMatch(/\(\(([^()]|\([^()]*\))+\) \* \(([^()]|\([^()]*\))+\) \* \(([^()]|\([^()]*\))+\)\)/);
      expect(src.match(/std::pow\(/g)).toHaveLength(2); // **0.5 and **5 only
    }
    expect(s.intel.match(/\bpow\(/g)).toHaveLength(2);
  });

  it("includes <algorithm> exactly when std::min or std::max is used", () => {
    const withMin = sources(JSON.stringify(program({ b: ["b = min(u[j,k], 1.0) + max(u[j,k], 0.0)", "float32"] }, ["b"])));
    expect(withMin.vitis).toContain("#include <algorithm>");
    expect(withMin.cpu).toContain("#include <algorithm>");
    expect(withMin.vitis).toContain("std::min(");
    const without = sources(JSON.stringify(program({ b: ["b = u[j,k] * 2.0", "float32"] }, ["b"])));
    expect(without.vitis).not.toContain("<algorithm>");
  });

});

describe("user text never becomes code", () => {
  const hostile = [
    "ends in a backslash \\", "trigraph ??/", "carriage\rreturn", "new\nline", "sep\u2028ara\u2029tor",
    "bidi \u202e override", "nul\u0000 and del\u007f and c1\u0085", "zero\u200bwidth", "lone \ud800 surrogate", "quote \" and */",
  ];

  it("quotes any text as one inert line", () => {
    for (const t of hostile) {
      const q = quoteUserText(t);
      expect(q.startsWith('"') && q.endsWith('"'), q).toBe(true);
      expect(q).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u200b-\u200f]/);
      expect(q).not.toMatch(/\?\?/);
      expect(q).not.toMatch(/\\$/);
    }
  });

  it("a program path with CR/LF/U+202E and comments ending in \\ or ??/ give safe files that emulate correctly", async () => {
    const dir = join(tmp, "ev\ril\u202e\nint x = 1;\\");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "p.json");
    const code = "t = u[j,k] # a comment ending in a backslash \\\nb = t * 2.0 # and one in a trigraph ??/\nb2 = b + 1.0";
    writeFileSync(file, JSON.stringify(program({ b: [code, "float32"] }, ["b"])));
    const bundle = loadProgram(file);
    // Every generated text file of both projects: no raw control characters, no line that ends
    // in a backslash inside a comment, no trigraph.
    for (const target of ["xilinx", "intel", "cpu"]) {
      const out = join(tmp, `out-${target}`);
      const r = await cli(["generate", file, "--target", target, "-o", out]);
      expect(r.exitCode, r.stderr).toBe(0);
      const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
      for (const f of walk(out).filter((x) => !x.startsWith(join(out, "sim")) && /\.(cpp|h|cl|cfg|md|mk)$|Makefile$/.test(x))) {
        const text = readFileSync(f, "utf8");
        expect(text.replace(/[\n\t]/g, ""), f).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        expect(text, f).not.toMatch(/\?\?[=/'()!<>-]/);
        for (const line of text.split("\n")) if (/(\/\/|#).*\\$/.test(line)) expect.fail(`${f}: comment line continues: ${line}`);
      }
    }
    expect(bundle.file).toContain("\r");
    await emulatesOnBothVendors(file);
  }, 180_000);
});

describe("programs with dead parts compile under -Werror and emulate (each crashed before)", () => {
  // One program holds all of them (and the powers and min/max above), to compile once per vendor:
  // 'a' and 'c' are float64 stencils that are neither outputs nor read by an output (so no
  // float64 channel exists), 'b' has an unused temporary 'x'.
  it("an unread non-output stencil, an unused temporary, float64 stencils without a float64 channel", async () => {
    const file = join(tmp, "dead_parts.json");
    writeFileSync(file, JSON.stringify(program({
      a: ["a = u[j,k] * 2.0", "float64"],
      c: ["c = a[j,k] + 1.0", "float64"],
      b: ["x = u[j,k] * 3.0; b = u[j,k]**2 + (u[j,k] + 1.0)**3 - u[j,k+1]**4 + min(u[j,k], 1.0)", "float32"],
    }, ["b"])));
    await emulatesOnBothVendors(file);
  }, 180_000);
});
