// Every StencilFlow test program simulated cycle-accurately under Verilator equals the CPU
// reference bit for bit, with and without random backpressure.
import { basename } from "node:path";
import { describe, it } from "vitest";
import { jsonFiles, PEERS } from "../helpers.js";
import { simulateBothWays } from "./simulate.js";

describe("RTL simulation of the StencilFlow programs equals the CPU reference", () => {
  it.each(jsonFiles(PEERS).map((p) => [basename(p), p]))("%s", async (_name, path) => {
    await simulateBothWays(path);
  });
});
