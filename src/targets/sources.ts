// The computation text of each stencil, quoted in generated code so a reader sees which line of
// the program a processing element came from.

import type { ProgramBundle } from "../frontend/load_program.js";

export function programSources(bundle: ProgramBundle): Record<string, string> {
  return bundle.sources;
}
