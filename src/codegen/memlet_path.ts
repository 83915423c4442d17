// DaCe's memlet paths out of a map: an edge into a MapExit on connector `IN_x` continues from
// that exit's `OUT_x`, through enclosing exits, to the node outside (DaCe's `memlet_path`). Code
// generation needs the far end of such a path when an access node inside the map copies its
// data out (`buffer -> exit -> pipe`: the copy's destination is `pipe`).

import type { PEdge, PNode, PState } from "../ir/program.js";

/** The node an edge into a map exit ends at, following `IN_x` → `OUT_x`; null when the path breaks. */
export function exitPathEnd(s: PState, e: PEdge): { node: PNode; edge: PEdge } | null {
  const byId = new Map(s.nodes.map((n) => [n.id, n]));
  let cur = e;
  for (let hops = 0; hops <= s.nodes.length; hops++) {
    const dst = byId.get(cur.dst);
    if (!dst) return null;
    if (dst.kind !== "map_exit") return { node: dst, edge: cur };
    if (!cur.dstConn?.startsWith("IN_")) return null;
    const out = `OUT_${cur.dstConn.slice(3)}`;
    const next = s.edges.find((x) => x.src === dst.id && x.srcConn === out);
    if (!next) return null;
    cur = next;
  }
  return null;
}
