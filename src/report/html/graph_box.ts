// A box of the pipeline picture: its kind (which colour it gets), its lines of text, and a size
// that holds them at the picture's one font size (svg_text.ts).

import type { LayoutNode } from "./layered_layout.js";
import { CHAR_WIDTH, LINE_HEIGHT, textWidth } from "./svg_text.js";

export type BoxKind = "reader" | "pe" | "reduction" | "fifo" | "writer";
export interface GraphNode extends LayoutNode { kind: BoxKind; lines: string[] }
export interface GraphEdge { from: string; to: string }
export interface Graph { nodes: GraphNode[]; edges: GraphEdge[] }

export const PAD_X = 8;
export const PAD_Y = 6;

export function box(id: string, kind: BoxKind, lines: string[], placement?: LayoutNode["placement"]): GraphNode {
  const width = Math.ceil(Math.max(...lines.map(textWidth)) + 2 * PAD_X + CHAR_WIDTH);
  return { id, kind, lines, width, height: lines.length * LINE_HEIGHT + 2 * PAD_Y, ...(placement ? { placement } : {}) };
}

/** A FIFO drawn as a box of its own between producer and consumer, next to the consumer. */
export function fifo(graph: Graph, name: string, from: string, to: string, lines: string[]): void {
  const id = `fifo:${name}`;
  graph.nodes.push(box(id, "fifo", lines, "beforeSuccessor"));
  graph.edges.push({ from, to: id }, { from: id, to });
}
