// Loading NPBench programs (the manifest's symbol values) and raising them with the streaming
// patterns, for the linear-algebra tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSdfgBundle } from "../../src/targets/sdfg_program.js";
import { streamProgram, type StreamingInput } from "../../src/spatial/streaming/patterns.js";
import { SHARED } from "../helpers.js";
import type { PState } from "../../src/ir/program.js";

export const NPBENCH = join(SHARED, "peers", "npbench");

export function streamingInput(name: string): StreamingInput {
  const dir = join(NPBENCH, name);
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { symbols?: Record<string, { value: number }> };
  const symbols = Object.fromEntries(Object.entries(m.symbols ?? {}).map(([k, v]) => [k, v.value]));
  const b = loadSdfgBundle(join(dir, `${name}.sdfg`), { symbols });
  return { program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file };
}

/** The streamed bundle of an NPBench program (throws when no pattern takes it). */
export function streamed(name: string) {
  const d = streamProgram(streamingInput(name));
  if (!d.streamed) throw new Error(`${name} was not streamed: ${d.kernels.map((k) => k.reason).join("; ")}`);
  return d;
}

/** mvt changed to x1 = y_2 @ A + A @ y_1 (a sum of two products, as gesummv has), x2 as it was. */
export function mvtWithSum(): StreamingInput {
  const input = streamingInput("mvt");
  const state = input.program.root.blocks[0] as PState;
  const product = state.nodes.find((n) => n.kind === "access" && n.data === "y_2_matmul_A")!;
  for (const e of state.edges) {
    const into = state.nodes.find((n) => n.id === e.dst)?.kind;
    if (e.memlet?.data !== "x1" || (into !== "map_entry" && into !== "tasklet")) continue; // the reads of x1 only
    if (state.nodes.find((n) => n.id === e.src)?.kind === "access") e.src = product.id;
    e.memlet.data = "y_2_matmul_A";
  }
  return input;
}
