// The spatial pipeline as a picture: memory readers on the left, one box per PE (with the delay
// buffers of its windows and where they live), reduction PEs with their accumulators, the
// linear-algebra processes (linalg_graph.ts), FIFOs as small boxes with their depths next to
// their consumers, writers on the right; laid out in layers (layered_layout.ts) so that it stays
// readable at a hundred stencils: the picture grows and scrolls, the text never shrinks.

import type { Pipeline } from "../../spatial/pipeline.js";
import { escapeHtml } from "./escape.js";
import { box, fifo, PAD_X, PAD_Y, type Graph } from "./graph_box.js";
import { layeredLayout, type Layout } from "./layered_layout.js";
import { linalgGraph } from "./linalg_graph.js";
import { LINE_HEIGHT, num, svgText } from "./svg_text.js";

/** The pipeline's processes and FIFOs as graph nodes, and the channels as edges through the FIFOs. */
export function pipelineGraph(p: Pipeline, uram = false): Graph {
  // A linear-algebra pipeline's readers and writers are its matrix readers and writers.
  if (p.linalg) return linalgGraph(p.linalg, { vectorWidth: p.vectorWidth, uram });
  const g: Graph = { nodes: [], edges: [] };
  const nodes = g.nodes;
  for (const r of p.readers) nodes.push(box(r.name, "reader", [`read ${r.array}`, `${r.dtype} [${r.shape.join(" x ")}]${r.onChip ? " on chip" : ""}`]));
  for (const pe of p.pes) {
    const head = p.replicas > 1 ? `${pe.name} (step ${pe.replica})` : pe.name;
    const lines = [head, `${pe.dtype}, depth ${pe.pipelineDepth} cycles`];
    for (const i of pe.inputs) {
      const parts = i.parts.map((x) => (x.kind === "registers" ? `${x.count} reg` : `${x.count} ${x.storage}`));
      lines.push(`${i.field}: ${i.vectors} = ${parts.join(" + ")}`);
    }
    nodes.push(box(pe.name, "pe", lines));
  }
  for (const r of p.reductions ?? []) {
    nodes.push(box(r.name, "reduction", [r.name, r.columns ? `${r.op} of ${r.columns.rows} rows, per column` : `${r.op} over rows of ${r.rowVectors} vector(s)`, `${r.dtype}, ${r.partials} partial(s) x ${r.banks} bank(s)`, `drain ${r.drain}, depth ${r.pipelineDepth} cycles`]));
  }
  for (const w of p.writers) nodes.push(box(w.name, "writer", [`write ${w.array}`, w.dtype], "lastLayer"));
  for (const c of p.channels) fifo(g, c.name, c.from, c.to, [c.field, `depth ${c.depth} ${c.storage}`]);
  return g;
}

export interface PipelinePicture { svg: string[]; layout: Layout }

/** Above this many boxes the picture would be megabytes of SVG no one can read: not drawn. */
export const MAX_DRAWN_NODES = 3000;

/** `uram`: whether the board has UltraRAM (the storage the resource model gives on-chip rows and FIFOs). */
export function pipelineSvg(p: Pipeline, sources?: Record<string, string>, uram = false): PipelinePicture | { refused: string } {
  const g = pipelineGraph(p, uram);
  if (g.nodes.length > MAX_DRAWN_NODES) return { refused: `not drawn: ${g.nodes.length} readers, PEs, FIFOs and writers are more than the ${MAX_DRAWN_NODES} a picture stays readable with` };
  const layout = layeredLayout(g.nodes, g.edges);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  // The program text behind a PE: its stencil's, or its reduce node's.
  const stencilOf = new Map([...p.pes.map((x) => [x.name, x.stencil] as const), ...(p.reductions ?? []).map((r) => [r.name, r.node] as const)]);
  const svg: string[] = [];
  svg.push(`<svg id="pipeline" class="pipeline" width="${num(layout.width)}" height="${num(layout.height)}" viewBox="0 0 ${num(layout.width)} ${num(layout.height)}" role="img" aria-label="spatial pipeline">`);
  svg.push(`<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" class="arrowhead"/></marker></defs>`);
  for (const e of layout.edges) {
    const [first, ...rest] = e.points;
    let d = `M${num(first![0])},${num(first![1])}`;
    let prev = first!;
    for (const pt of rest) {
      const mx = (prev[0] + pt[0]) / 2;
      d += ` C${num(mx)},${num(prev[1])} ${num(mx)},${num(pt[1])} ${num(pt[0])},${num(pt[1])}`;
      prev = pt;
    }
    svg.push(`<path class="edge" d="${d}" marker-end="url(#arrow)"/>`);
  }
  for (const n of layout.nodes) {
    const node = byId.get(n.id)!;
    svg.push(`<g class="node ${node.kind}">`);
    // Hovering a PE shows the program text it computes.
    const stencil = stencilOf.get(n.id);
    if (stencil !== undefined && sources?.[stencil] !== undefined) svg.push(`<title>${escapeHtml(`${stencil}: ${sources[stencil]}`)}</title>`);
    svg.push(`<rect x="${num(n.x)}" y="${num(n.y)}" width="${num(n.width)}" height="${num(n.height)}" rx="${node.kind === "fifo" ? 2 : 5}"/>`);
    node.lines.forEach((line, k) => svg.push(svgText(n.x + PAD_X, n.y + PAD_Y + (k + 1) * LINE_HEIGHT - 4, line, k === 0 ? { cls: "head" } : {})));
    svg.push("</g>");
  }
  svg.push("</svg>");
  return { svg, layout };
}
