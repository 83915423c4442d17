// Loading NPBench programs (the manifest's symbol values) and raising them with the streaming
// patterns, for the linear-algebra tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSdfgBundle } from "../../src/targets/sdfg_program.js";
import { streamProgram, type StreamingInput } from "../../src/spatial/streaming/patterns.js";
import { SHARED } from "../helpers.js";

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
