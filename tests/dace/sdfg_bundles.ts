// Loading the test data's DaCe programs with the symbol values their manifest.json records (the
// sizes their .npy data was made with). A module of its own, so that a test file needing these
// does not import another test file (and with it that file's tests).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSdfgBundle } from "../../src/targets/sdfg_program.js";
import { SHARED } from "../helpers.js";

export const NPBENCH = join(SHARED, "peers", "npbench");

export function manifestSymbols(dir: string): Record<string, number> {
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { symbols?: Record<string, { value: number }> };
  return Object.fromEntries(Object.entries(m.symbols ?? {}).map(([k, v]) => [k, v.value]));
}

export function bundleFor(dir: string, name: string) {
  return loadSdfgBundle(join(dir, `${name}.sdfg`), { symbols: manifestSymbols(dir) });
}
