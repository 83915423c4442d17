// Layered ("Sugiyama") layout of a directed acyclic graph, left to right: longest-path layers,
// a dummy point in every layer a long edge crosses, crossings reduced by barycentre sweeps, then
// each node pulled towards its neighbours' height while keeping a gap to the next in its layer.
// Layers never share an x range and nodes of a layer never overlap, so no two boxes overlap.
// Deterministic: ties keep the order the nodes and edges were given in.

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  /** Layer wanted relative to its neighbours: `beforeSuccessor` sits just left of its (one) successor. */
  placement?: "beforeSuccessor" | "lastLayer";
}

export interface PlacedNode extends LayoutNode { layer: number; x: number; y: number }

export interface PlacedEdge { from: string; to: string; points: [number, number][] }

export interface Layout { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number; layers: number }

export const LAYER_GAP = 48;
export const NODE_GAP = 14;
const DUMMY_HEIGHT = 2;
const MARGIN = 10;
const SWEEPS = 8;
/** Beyond this many boxes and long-edge points, crossings are not reduced (quadratic per layer). */
const ORDERING_LIMIT = 20000;

interface Item { id: string; width: number; height: number; layer: number; dummy: boolean; y: number }

export function layeredLayout(nodes: LayoutNode[], edges: { from: string; to: string }[]): Layout {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const succ = nodes.map(() => [] as number[]);
  const pred = nodes.map(() => [] as number[]);
  for (const e of edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined) throw new Error(`layout: edge ${e.from} -> ${e.to} names an unknown node`);
    succ[a]!.push(b);
    pred[b]!.push(a);
  }
  const layer = longestPathLayers(nodes, succ, pred);
  const last = layer.reduce((a, b) => Math.max(a, b), 0);
  nodes.forEach((n, i) => { if (n.placement === "lastLayer") layer[i] = last; });
  // FIFOs next to their consumer (never before their producer: the consumer is at least two
  // layers right of it).
  nodes.forEach((n, i) => { if (n.placement === "beforeSuccessor" && succ[i]!.length === 1) layer[i] = layer[succ[i]![0]!]! - 1; });

  // Items: the nodes, then one dummy per layer crossed by a long edge.
  const items: Item[] = nodes.map((n, i) => ({ id: n.id, width: n.width, height: n.height, layer: layer[i]!, dummy: false, y: 0 }));
  const chains: number[][] = [];
  const adjDown = new Map<number, number[]>();
  const adjUp = new Map<number, number[]>();
  const link = (a: number, b: number) => {
    (adjDown.get(a) ?? adjDown.set(a, []).get(a)!).push(b);
    (adjUp.get(b) ?? adjUp.set(b, []).get(b)!).push(a);
  };
  for (const e of edges) {
    const a = index.get(e.from)!;
    const b = index.get(e.to)!;
    if (layer[b]! <= layer[a]!) throw new Error(`layout: edge ${e.from} -> ${e.to} does not go right`);
    const chain = [a];
    for (let l = layer[a]! + 1; l < layer[b]!; l++) {
      items.push({ id: `${e.from}->${e.to}#${l}`, width: 0, height: DUMMY_HEIGHT, layer: l, dummy: true, y: 0 });
      chain.push(items.length - 1);
    }
    chain.push(b);
    for (let k = 0; k + 1 < chain.length; k++) link(chain[k]!, chain[k + 1]!);
    chains.push(chain);
  }

  const layers: number[][] = Array.from({ length: last + 1 }, () => []);
  items.forEach((it, i) => layers[it.layer]!.push(i));
  if (items.length <= ORDERING_LIMIT) orderLayers(layers, adjDown, adjUp);
  // Long edges below the nodes of each layer: the processes stay together near the top instead of
  // drifting across a band of pass-through edges (an input read by every stencil, say).
  for (const l of layers) l.sort((a, b) => Number(items[a]!.dummy) - Number(items[b]!.dummy));

  // x: each layer as wide as its widest node.
  const layerX: number[] = [];
  let x = MARGIN;
  for (const l of layers) {
    layerX.push(x);
    x += l.reduce((a, i) => Math.max(a, items[i]!.width), 0) + LAYER_GAP;
  }
  assignHeights(items, layers, adjDown, adjUp);
  const top = items.reduce((a, it) => Math.min(a, it.y), Infinity);
  for (const it of items) it.y += MARGIN - top;

  const placed: PlacedNode[] = nodes.map((n, i) => ({ ...n, layer: layer[i]!, x: layerX[layer[i]!]!, y: items[i]!.y }));
  const right = (i: number): [number, number] => [layerX[items[i]!.layer]! + items[i]!.width, items[i]!.y + items[i]!.height / 2];
  const left = (i: number): [number, number] => [layerX[items[i]!.layer]!, items[i]!.y + items[i]!.height / 2];
  const placedEdges: PlacedEdge[] = chains.map((c, k) => ({
    from: edges[k]!.from, to: edges[k]!.to,
    points: [right(c[0]!), ...c.slice(1, -1).map((d) => left(d)), left(c[c.length - 1]!)],
  }));
  return {
    nodes: placed, edges: placedEdges, layers: layers.length,
    width: x - LAYER_GAP + MARGIN, height: items.reduce((a, it) => Math.max(a, it.y + it.height), 0) + MARGIN,
  };
}

function longestPathLayers(nodes: LayoutNode[], succ: number[][], pred: number[][]): number[] {
  const layer = nodes.map(() => 0);
  const indegree = pred.map((p) => p.length);
  const queue = nodes.map((_, i) => i).filter((i) => indegree[i] === 0);
  let seen = 0;
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    seen++;
    for (const j of succ[i]!) {
      layer[j] = Math.max(layer[j]!, layer[i]! + 1);
      if (--indegree[j]! === 0) queue.push(j);
    }
  }
  if (seen !== nodes.length) throw new Error("layout: the graph has a cycle");
  return layer;
}

/** Barycentre sweeps, down then up; a layer keeps its order where a sweep would not reduce crossings. */
function orderLayers(layers: number[][], down: Map<number, number[]>, up: Map<number, number[]>): void {
  const pos = new Map<number, number>();
  const record = () => layers.forEach((l) => l.forEach((i, k) => pos.set(i, k)));
  record();
  let best = layers.map((l) => [...l]);
  let bestCrossings = crossings(layers, down, pos);
  for (let s = 0; s < SWEEPS; s++) {
    const downward = s % 2 === 0;
    const order = downward ? layers.keys() : [...layers.keys()].reverse().values();
    for (const li of order) {
      const neighbours = downward ? up : down;
      const l = layers[li]!;
      const centre = new Map(l.map((i) => {
        const ns = neighbours.get(i) ?? [];
        return [i, ns.length === 0 ? pos.get(i)! : ns.reduce((a, n) => a + pos.get(n)!, 0) / ns.length];
      }));
      l.sort((a, b) => centre.get(a)! - centre.get(b)! || pos.get(a)! - pos.get(b)!);
      l.forEach((i, k) => pos.set(i, k));
    }
    const c = crossings(layers, down, pos);
    if (c < bestCrossings) { bestCrossings = c; best = layers.map((l) => [...l]); }
  }
  best.forEach((l, k) => { layers[k] = l; });
}

/** Edge crossings between consecutive layers (pairs of edges whose ends swap order). */
export function crossings(layers: number[][], down: Map<number, number[]>, pos: Map<number, number>): number {
  let total = 0;
  for (const l of layers) {
    const ends: [number, number][] = [];
    for (const i of l) for (const j of down.get(i) ?? []) ends.push([pos.get(i)!, pos.get(j)!]);
    for (let a = 0; a < ends.length; a++) {
      for (let b = a + 1; b < ends.length; b++) {
        if ((ends[a]![0] - ends[b]![0]) * (ends[a]![1] - ends[b]![1]) < 0) total++;
      }
    }
  }
  return total;
}

/** Stack every layer, then pull nodes towards their neighbours' centres, keeping order and gaps. */
function assignHeights(items: Item[], layers: number[][], down: Map<number, number[]>, up: Map<number, number[]>): void {
  for (const l of layers) {
    let y = 0;
    for (const i of l) { items[i]!.y = y; y += items[i]!.height + NODE_GAP; }
  }
  const centre = (i: number) => items[i]!.y + items[i]!.height / 2;
  for (let s = 0; s < SWEEPS; s++) {
    for (const l of s % 2 === 0 ? layers : [...layers].reverse()) {
      const want = l.map((i) => {
        const all = [...(up.get(i) ?? []), ...(down.get(i) ?? [])];
        // A node follows the nodes it connects to, not the long edges passing by (a reader
        // feeding a hundred stencils would sit in the middle of their band and drag the rest).
        const real = items[i]!.dummy ? all : all.filter((n) => !items[n]!.dummy);
        const ns = real.length ? real : all;
        return ns.length === 0 ? items[i]!.y : ns.reduce((a, n) => a + centre(n), 0) / ns.length - items[i]!.height / 2;
      });
      // Downward pass keeps the gaps; the upward pass moves back towards the wishes where free.
      for (let k = 0; k < l.length; k++) {
        const min = k === 0 ? -Infinity : items[l[k - 1]!]!.y + items[l[k - 1]!]!.height + gapBetween(items, l[k - 1]!, l[k]!);
        items[l[k]!]!.y = Math.max(want[k]!, min);
      }
      for (let k = l.length - 2; k >= 0; k--) {
        const max = items[l[k + 1]!]!.y - items[l[k]!]!.height - gapBetween(items, l[k]!, l[k + 1]!);
        items[l[k]!]!.y = Math.min(items[l[k]!]!.y, max);
      }
    }
  }
}

function gapBetween(items: Item[], a: number, b: number): number {
  return items[a]!.dummy && items[b]!.dummy ? 3 : NODE_GAP;
}
