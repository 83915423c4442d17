// `report --rtl-cycles` shows the cycles the RTL simulation measured for the same pipeline; a
// plain `report` stays a pure function of its input (same bytes whatever ran before).
import { describe, expect, it } from "vitest";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { cli } from "../helpers.js";

describe("report with a measured RTL run", () => {
  it("carries the simulated cycle count of jacobi2d", async () => {
    const r = await emulate(loadProgram("stencils/jacobi2d.json"), { target: "rtl", spatial: { vectorWidth: 1, replicas: 1 } });
    expect(r.ok).toBe(true);
    const plain = await cli(["report", "stencils/jacobi2d.json", "--platform", "u280", "--json"]);
    expect(JSON.parse(plain.stdout).measured).toBeUndefined();
    const json = await cli(["report", "stencils/jacobi2d.json", "--platform", "u280", "--json", "--rtl-cycles"]);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).measured).toEqual({ cycles: r.rtl!.cycles, idealCycles: r.rtl!.ideal_cycles, efficiency: r.rtl!.efficiency });
    const text = await cli(["report", "stencils/jacobi2d.json", "--platform", "u280", "--rtl-cycles"]);
    expect(text.stdout).toContain(`RTL simulation measured ${r.rtl!.cycles} cycles`);
  });
});
