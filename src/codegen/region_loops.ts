// Whether a control-flow region runs loops of its own: loop regions, maps, library nodes (they
// expand to loops), nested SDFGs that do, and state graphs that are not a chain of blocks and
// two-way branches (emitted as a state machine, a `while` around a `switch`). A loop region whose
// body has none is an innermost loop, the one HLS pipelines.

import type { PBlock, PRegion, PState } from "../ir/program.js";
import { structuredSteps } from "./region_structure.js";

export function regionHasLoops(r: PRegion): boolean {
  return structuredSteps(r) === null || r.blocks.some(blockHasLoops);
}

function blockHasLoops(b: PBlock): boolean {
  switch (b.kind) {
    case "loop": return true;
    case "region": return regionHasLoops(b);
    case "conditional": return b.branches.some((br) => regionHasLoops(br.body));
    case "state": return stateHasLoops(b);
  }
}

function stateHasLoops(s: PState): boolean {
  return s.nodes.some((n) => n.kind === "map_entry" || n.kind === "library" || n.kind === "scope_unsupported" || (n.kind === "nested" && regionHasLoops(n.sdfg.root)));
}
