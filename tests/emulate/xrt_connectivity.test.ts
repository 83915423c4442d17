// Item 1 of issue 7: a time loop swaps the buffers of two kernel ports between passes. On the
// board that works only when both ports reach both buffers' banks; the emulated host models
// XRT's connectivity, so the old link.cfg (u on HBM[0], out on HBM[2]) fails the run.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { emulate } from "../../src/emulate/emulate.js";

const t7 = loadProgram("stencils/hdiff_t7.json");
const spatial = { vectorWidth: 8, replicas: 2 };

describe("XRT bank connectivity in the emulation of a time loop", () => {
  it("fails the run when the ping-pong ports sit on unconnected banks (the old link.cfg)", async () => {
    const r = await emulate(t7, { target: "xilinx", spatial, connectivityOverride: { u: ["HBM[0]"], out: ["HBM[2]"] } });
    expect(r.ok).toBe(false);
    expect(r.connectivityError).toMatch(/buffer 'out' lives in HBM\[2\] but is passed to argument 0 'u' of top, which link\.cfg connects to HBM\[0\] only/);
  }, 240_000);

  it("passes with the generated connectivity: u and out share a bank range", async () => {
    const r = await emulate(t7, { target: "xilinx", spatial });
    expect(r.connectivityError).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.outputs.map((o) => [o.name, o.mismatches])).toEqual([["out", 0]]);
  }, 240_000);

  it("`make sim` of the generated project fails the same way when its connectivity is the old one", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "gen-")), "p");
    expect((await cli(["generate", "stencils/hdiff_t7.json", "-P", "2", "-o", dir])).exitCode).toBe(0);
    const host = join(dir, "host", "host.cpp");
    const text = readFileSync(host, "utf8");
    const table = /const sdfg_xrt_sim::Connectivity connectivity_\("top", .*\);/.exec(text)![0];
    expect(table).toBe('const sdfg_xrt_sim::Connectivity connectivity_("top", {{"u", {"HBM[0]", "HBM[1]"}}, {"coeff", {"HBM[2]"}}, {"out", {"HBM[0]", "HBM[1]"}}});');
    // Test-only: the link.cfg of before the fix (u on HBM[0], out on HBM[2]) and buffers allocated in their ports' banks.
    writeFileSync(host, text
      .replace(table, 'const sdfg_xrt_sim::Connectivity connectivity_("top", {{"u", {"HBM[0]"}}, {"coeff", {"HBM[1]"}}, {"out", {"HBM[2]"}}});')
      .replace(/(sdfg_xrt_sim::Buffer<\w+> (\w+)_port_\("\w+", [^,]+, )\{"HBM\[\d\]"\}\);/g, (_m, head: string, _n: string) => `${head}connectivity_.group(${_n === "u" ? 0 : 2}));`));
    const r = await execa("make", ["-s", "sim"], { cwd: dir, reject: false, all: true });
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/error: XRT memory connectivity: buffer 'out' lives in HBM\[2\] but is passed to argument 0 'u' of top/);
  }, 240_000);
});
