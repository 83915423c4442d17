// Every example program and every StencilFlow test program, emulated on the Xilinx pipeline
// (cooperative fibers, real FIFO depths) and compared with the CPU reference.
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { jsonFiles, PEERS } from "../helpers.js";

const programs = [...jsonFiles("stencils"), ...jsonFiles(PEERS)];

describe("emulation equals the CPU reference", () => {
  it.each(programs.map((p) => [basename(p), p]))("%s", async (_name, path) => {
    const bundle = loadProgram(path);
    const result = await emulate(bundle, { target: "xilinx", spatial: { vectorWidth: bundle.vectorization ?? 1, replicas: 1 } });
    expect(result.deadlock).toBeUndefined();
    expect(result.outputs.length).toBeGreaterThan(0);
    for (const o of result.outputs) expect({ name: o.name, mismatches: o.mismatches, first: o.first }).toEqual({ name: o.name, mismatches: 0, first: undefined });
    expect(result.ok).toBe(true);
  });
});
