// Issue 7 item 8: the Intel estimate includes the board shell when the BSP's board_spec.xml is
// given (its <used_resources>, "all logic outside of the kernel partition"); without it the
// report says the shell is not included. The fixture follows the documented layout.
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parseBoardSpec } from "../../src/platform/board_spec.js";

const SPEC = "tests/report/fixtures/bsp/board_spec.xml";
const cli = (...args: string[]) => execa("node", ["dist/src/cli/main.js", ...args], { reject: false });

describe("report --board-spec (Intel BSP shell)", () => {
  it("reads <used_resources>: ALMs, registers, M20Ks, DSPs", () => {
    expect(parseBoardSpec(`<board><device device_model="x"><used_resources><alms num="7"/><ffs num="8"/><dsps num="9"/><rams num="10"/></used_resources></device></board>`, "f.xml"))
      .toEqual({ lut: 7, ff: 8, dsp: 9, bram: 10 });
  });

  it("adds the shell to the estimate, exactly, and drops the warning", async () => {
    const without = JSON.parse((await cli("report", "stencils/jacobi2d.json", "-p", "520n", "--json")).stdout);
    const r = await cli("report", "stencils/jacobi2d.json", "-p", "520n", "--json", "--board-spec", SPEC);
    expect(r.exitCode).toBe(0);
    const withShell = JSON.parse(r.stdout);
    const used = (rep: { resources: { resource: string; used: number }[] } | Record<string, unknown>, k: string) => {
      const res = (rep as { resources: unknown }).resources;
      return Array.isArray(res) ? (res as { resource: string; used: number }[]).find((x) => x.resource === k)!.used : (res as Record<string, { used: number }>)[k]!.used;
    };
    expect(used(withShell, "lut") - used(without, "lut")).toBe(120000);
    expect(used(withShell, "ff") - used(without, "ff")).toBe(480000);
    expect(used(withShell, "bram") - used(without, "bram")).toBe(1200);
    expect(used(withShell, "dsp") - used(without, "dsp")).toBe(0);
    expect(without.warnings.join("\n")).toMatch(/board shell is NOT included/);
    expect(withShell.warnings.join("\n")).not.toMatch(/board shell/);
  });

  it("refuses in one line: a Xilinx board, a file without <used_resources>, a bad count", async () => {
    const xilinx = await cli("report", "stencils/jacobi2d.json", "-p", "u280", "--board-spec", SPEC);
    expect(xilinx.exitCode).toBe(2);
    expect(xilinx.stderr.trim().split("\n")).toHaveLength(1);
    expect(xilinx.stderr).toMatch(/--board-spec: .*u280 is xilinx/);
    expect(() => parseBoardSpec(`<board><device/></board>`, "b.xml")).toThrow(/b\.xml: board\/device\/used_resources: missing/);
    expect(() => parseBoardSpec(`<board><device><used_resources><alms num="lots"/><ffs num="1"/><dsps num="1"/><rams num="1"/></used_resources></device></board>`, "b.xml"))
      .toThrow(/b\.xml: board\/device\/used_resources\/alms: num must be a whole number, got "lots"/);
    expect(() => parseBoardSpec(`{"board": 1}`, "b.xml")).toThrow(/b\.xml: not XML/);
    const huge = await cli("report", "stencils/jacobi2d.json", "-p", "520n", "--board-spec", "tests/report/fixtures/bsp/missing.xml");
    expect(huge.exitCode).toBe(2);
    expect(huge.stderr).toMatch(/missing\.xml: cannot read the BSP's board_spec\.xml \(ENOENT\)/);
  });
});
