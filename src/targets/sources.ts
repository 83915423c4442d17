// The computation text of each stencil, quoted in generated code so a reader sees which line of
// the program a processing element came from.

import { readFileSync } from "node:fs";
import type { ProgramBundle } from "../frontend/load_program.js";

export function programSources(bundle: ProgramBundle): Record<string, string> {
  try {
    const json = JSON.parse(readFileSync(bundle.file, "utf8")) as { program?: Record<string, { computation_string?: string }> };
    const out: Record<string, string> = {};
    for (const [name, st] of Object.entries(json.program ?? {})) {
      if (typeof st.computation_string === "string") out[name] = st.computation_string.replace(/\s+/g, " ").trim();
    }
    return out;
  } catch {
    return {};
  }
}
