// `make demo` and `make test` rebuild the TypeScript only when a source changed (issue 7, item 20).
// `make -n` prints what would run; -W pretends a file was just modified, -o that it is old.
import { execa } from "execa";
import { describe, expect, it } from "vitest";

const STAMPS = ["-o", "node_modules/.sdfg-fpga-installed"];

async function plan(...args: string[]): Promise<string> {
  const r = await execa("make", ["-n", ...STAMPS, ...args], { reject: false, all: true });
  expect(r.exitCode, r.all).toBe(0);
  return r.all ?? "";
}

describe("make demo (item 20)", () => {
  it("does not compile TypeScript when dist/ is newer than every source", async () => {
    const demo = await plan("-W", "dist/.sdfg-fpga-built", "demo");
    expect(demo).toMatch(/npx sdfg-fpga emulate stencils\/hdiff\.json/);
    expect(demo).not.toMatch(/npm run build|\btsc\b/);
  });

  it("compiles it when a source or the compiler settings changed", async () => {
    for (const changed of ["src/cli/main.ts", "src/ir/sdfg.ts", "tsconfig.json"]) {
      expect(await plan("-W", changed, "demo"), changed).toMatch(/npm run build/);
    }
  });
});
