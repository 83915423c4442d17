// The program format is documented in the repository (issue 7, item 19): docs/program-format.md
// names every field the loader accepts, every type, function, boundary condition and data
// source, and the README links it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALLOWED } from "../../src/frontend/program_schema.js";
import { DTYPES } from "../../src/ir/dtype.js";
import { MATH_FUNCTIONS } from "../../src/ir/expr.js";

const doc = readFileSync("docs/program-format.md", "utf8");

describe("docs/program-format.md", () => {
  it("documents every field of every object the schema accepts", () => {
    const fields = Object.values(ALLOWED).flat();
    expect(fields).toContain("time_loop");
    for (const f of fields) expect(doc, f).toContain(`| \`${f}\` |`);
  });

  it("documents every type, math function, boundary condition and data source", () => {
    for (const t of DTYPES) expect(doc, t).toContain(`\`${t}\``);
    for (const f of Object.keys(MATH_FUNCTIONS)) expect(doc, f).toMatch(new RegExp(`\`[^\`]*\\b${f}\\b[^\`]*\``));
    for (const b of ["constant", "copy", "shrink"]) expect(doc, b).toContain(`"type": "${b}"`);
    for (const d of ['"constant:X"', '"path.dat"', '"path.csv"', '"path.npy"']) expect(doc, d).toContain(d);
    expect(doc).toMatch(/^## Time loops$/m);
    expect(doc).toMatch(/^### Boundary conditions$/m);
  });

  it("is linked from the README", () => {
    expect(readFileSync("README.md", "utf8")).toContain("](docs/program-format.md)");
  });
});
