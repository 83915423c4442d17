// The `--auto` section of the report text: the design points considered and why the winner won.

import type { CodeWriter } from "../codegen/code_writer.js";
import type { AutoResult } from "./explore.js";

export type { AutoResult } from "./explore.js";

export function formatAuto(w: CodeWriter, auto: AutoResult, pct: (x: number) => string): void {
  w.line();
  w.line(`design-space exploration (--auto): ${auto.explored} points, limit ${pct(auto.maxUtil)} of every resource`);
  for (const c of auto.candidates) {
    const tag = c === auto.best ? "chosen" : c.fits ? "fits  " : "no fit";
    w.line(`  ${tag} W=${String(c.vectorWidth).padEnd(3)} P=${String(c.replicas).padEnd(3)}${c.storage ? ` ${c.storage.padEnd(5)}` : ""} ${c.gops.toFixed(1).padStart(9)} GOp/s  ${c.bound.padEnd(8)} ${pct(c.maxFraction).padStart(7)} ${c.maxResource}${c === auto.best ? "" : c.why ? `  ${c.why}` : ""}`);
  }
  w.line(`  why: ${auto.best.why ?? ""}`);
}
