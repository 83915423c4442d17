// Loops a pipelined loop body unrolls. DaCe marks a map `unroll` (the vectorized GEMM's
// `unpack_A[k1=0:16]`, which spreads a 512-bit register over 16 channels): with constant bounds
// it is written out in hardware (`#pragma HLS UNROLL`, aoc's `#pragma unroll`) and is no loop of
// the map around it, which then still pipelines at II=1. A nested SDFG inside a map whose states
// only shuffle lanes (DaCe's Gearbox expansion: copy a wide vector into a register array, move
// elements with small constant maps, copy a narrow vector out, chosen by conditional interstate
// edges) is one pipelined iteration too: its states run as guarded blocks, its maps unrolled,
// its copies move one element each.
// Streams inside such a map would be accessed several times per iteration, so they keep the
// map a loop of its own.

import type { PExpr, PNode, Program, PRange, PRegion, PState } from "../ir/program.js";

type MapEntry = Extract<PNode, { kind: "map_entry" }>;
type Nested = Extract<PNode, { kind: "nested" }>;
/** A map range's value when it is a compile-time constant, else undefined. */
export type ConstantOf = (e: PExpr) => number | undefined;

/** Every range of the map has constant bounds and step. */
export function constantRanges(n: MapEntry, constant: ConstantOf): boolean {
  return n.ranges.every((r) => [r.start, r.end, r.step].every((x) => constant(x) !== undefined));
}

/** A map written out in hardware: marked `unroll` by the program, with constant bounds. */
export function unrolledMap(n: MapEntry, constant: ConstantOf): boolean {
  return n.unroll && constantRanges(n, constant);
}

/** Nodes directly inside `entry` of state `s`. */
function children(s: PState, entry: number): PNode[] {
  return s.nodes.filter((x) => x.kind !== "map_exit" && x.id !== entry && s.scope.get(x.id) === entry);
}

/** Nodes anywhere inside `entry` (its whole scope). */
function within(s: PState, entry: number): Set<number> {
  const out = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const x of s.nodes) {
      const sc = s.scope.get(x.id);
      if (sc !== undefined && sc !== null && (sc === entry || out.has(sc)) && !out.has(x.id)) { out.add(x.id); grew = true; }
    }
  }
  return out;
}

/** The map's body (the scope of `n` in `s`) holds a loop that stays a loop: the map cannot pipeline. */
export function hasLoopsInside(s: PState, n: MapEntry, constant: ConstantOf, inProcess: boolean): boolean {
  return children(s, n.id).some((x) => {
    if (x.kind === "library") return true;
    if (x.kind === "map_entry") return !unrolledMap(x, constant) || hasLoopsInside(s, x, constant, inProcess);
    if (x.kind === "nested") return !(inProcess && laneShuffle(x, constant));
    return false;
  });
}

/**
 * A nested SDFG that is one pipelined iteration: its control flow is states and branches
 * (DaCe 2 raises conditional interstate edges into ConditionalBlocks), without cycles, its
 * copies move one element, and its maps have constant bounds, touch no stream and hold no
 * further loops.
 */
export function laneShuffle(n: Nested, constant: ConstantOf): boolean {
  return shuffleRegion(n.sdfg.root, n.sdfg.arrays, constant);
}

function shuffleRegion(r: PRegion, arrays: Program["arrays"], constant: ConstantOf): boolean {
  if (acyclicOrder(r.blocks.length, r.edges, r.start) === null) return false;
  return r.blocks.every((b) => {
    if (b.kind === "conditional") return b.branches.every((br) => shuffleRegion(br.body, arrays, constant));
    return b.kind === "state" && shuffleState(b, arrays, constant);
  });
}

function shuffleState(s: PState, arrays: Program["arrays"], constant: ConstantOf): boolean {
  // Copies move one element (a vector into or out of its lanes); longer copies are loops.
  if (!s.edges.every((e) => !e.memlet || !isAccess(s, e.src) || !isAccess(s, e.dst) || oneElement(e.memlet.subset))) return false;
  return s.nodes.every((x) => {
    if (x.kind === "nested" || x.kind === "library" || x.kind === "scope_unsupported") return false;
    if (x.kind !== "map_entry") return true;
    if (!constantRanges(x, constant)) return false;
    const inside = within(s, x.id);
    if ([...inside].some((id) => s.nodes.find((y) => y.id === id)?.kind === "map_entry")) return false;
    return !s.edges.some((e) => e.memlet && (inside.has(e.src) || inside.has(e.dst)) && arrays[e.memlet.data]?.kind === "stream");
  });
}

function isAccess(s: PState, id: number): boolean {
  return s.nodes.some((x) => x.id === id && x.kind === "access");
}

/** A subset naming a single element: every range starts where it ends. */
function oneElement(subset: PRange[] | null): boolean {
  return subset !== null && subset.every((r) => JSON.stringify(r.start) === JSON.stringify(r.end));
}

/**
 * The blocks of a control-flow graph in an order where every edge goes forward, starting with
 * `start`, or null when the graph has a cycle (then it stays a state machine).
 */
export function acyclicOrder(count: number, edges: { src: number; dst: number }[], start: number): number[] | null {
  const indeg = Array.from({ length: count }, (_, i) => edges.filter((e) => e.dst === i).length);
  if (indeg[start] !== 0) return null;
  const ready = [start, ...Array.from({ length: count }, (_, i) => i).filter((i) => i !== start && indeg[i] === 0)];
  const order: number[] = [];
  while (ready.length > 0) {
    const b = ready.shift()!;
    order.push(b);
    for (const e of edges) if (e.src === b && --indeg[e.dst]! === 0) ready.push(e.dst);
  }
  return order.length === count ? order : null;
}
