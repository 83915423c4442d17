// The vadv test program (tests/data/vadv: NPBench's vertical advection as a DaCe 2.0-style SDFG,
// written by make_vadv.py) loaded at its data's sizes, and variants of its JSON for refusals.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { streamProgram, type StreamingDecision } from "../../src/spatial/streaming/patterns.js";
import { loadSdfgBundle, type SdfgBundle } from "../../src/targets/sdfg_program.js";

export const VADV_DIR = join(process.cwd(), "tests", "data", "vadv");
export const VADV = join(VADV_DIR, "vadv.sdfg");
/** The same program in DaCe 2.0's one-map-per-operation form (make_vadv.py). */
export const VADV_OPS = join(VADV_DIR, "vadv_ops.sdfg");
export const VADV_SYMBOLS = { I: 10, J: 10, K: 8 };

export function vadvBundle(file = VADV): SdfgBundle {
  return loadSdfgBundle(file, { symbols: VADV_SYMBOLS, inputsDir: VADV_DIR });
}

export function decide(b: SdfgBundle): StreamingDecision {
  return streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
}

/** vadv.sdfg with `edit` applied to its JSON, saved in a fresh folder (its inputs stay in tests/data/vadv). */
export function editedVadv(edit: (sdfg: { nodes: { nodes: { edges: { attributes: { data: { attributes: { data: string; subset: { ranges: { start: string; end: string }[] } } } } }[] }[] }[] }) => void): SdfgBundle {
  const json = JSON.parse(readFileSync(VADV, "utf8"));
  edit(json);
  const file = join(mkdtempSync(join(tmpdir(), "vadv-edit-")), "vadv.sdfg");
  writeFileSync(file, JSON.stringify(json));
  return vadvBundle(file);
}
