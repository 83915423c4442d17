// Whether a control-flow region runs loops of its own: loop regions, maps, library nodes (they
// expand to loops), nested SDFGs that do, and branching state graphs (emitted as a state machine,
// a `while` around a `switch`). A loop region whose body has none is an innermost loop, the one
// HLS pipelines (inside a dataflow process, where it runs as one of the concurrent processes).

import type { PBlock, PRegion, PState } from "../ir/program.js";

export function regionHasLoops(r: PRegion): boolean {
  const straight = r.blocks.every((_, i) => {
    const outs = r.edges.filter((e) => e.src === i);
    return r.edges.filter((e) => e.dst === i).length <= 1 && outs.length <= 1 && outs.every((e) => !e.condition);
  });
  return !straight || r.blocks.some(blockHasLoops);
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
