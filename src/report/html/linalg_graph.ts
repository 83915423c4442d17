// The linear-algebra processes of a pipeline (spatial/linalg_pipeline.ts) as boxes of the
// pipeline picture: matrix readers and writers, matrix-vector PEs, the systolic chain's PEs and
// its drain, tile transposes and rank-update PEs, a vertical solver's plane readers, column sweeps,
// plane reversals and plane writers, each with its loop's cycles and what it keeps
// on chip (the figures of report/linalg_figures.ts), and the FIFOs between them with their depths.

import type { LinalgPipeline, LinalgProcess } from "../../spatial/linalg_pipeline.js";
import { linalgChannelStorage, onChipStorage, processCycles } from "../linalg_figures.js";
import { box, fifo, type Graph } from "./graph_box.js";

export interface LinalgGraphOptions { vectorWidth: number; uram: boolean }

export function linalgGraph(l: LinalgPipeline, opts: LinalgGraphOptions): Graph {
  const g: Graph = { nodes: [], edges: [] };
  for (const x of l.processes) {
    const cycles = `${processCycles(x, opts.vectorWidth)} cycles`;
    if (x.kind === "matrix-reader") {
      const order = x.order === "rows" ? `row by row${x.repeat > 1 ? `, ${x.repeat} times` : ""}` : `by columns of ${x.tileRows}-row tiles`;
      g.nodes.push(box(x.name, "reader", [`read ${x.array}`, `${x.dtype} [${x.rows} x ${x.cols}]`, order, cycles]));
    } else if (x.kind === "matrix-writer") {
      g.nodes.push(box(x.name, "writer", [`write ${x.array}`, `${x.dtype}, ${x.vectors} vectors`, cycles], "lastLayer"));
    } else if (x.kind === "plane-reader") {
      g.nodes.push(box(x.name, "reader", [`read ${x.array}`, `${x.dtype} [${x.shape.join(" x ")}]`, `plane by plane, k ${x.direction}, ${x.taps.length} tap(s)`, cycles]));
    } else if (x.kind === "plane-writer") {
      g.nodes.push(box(x.name, "writer", [`write ${x.array}`, `${x.dtype}, plane by plane, k ${x.direction}`, cycles], "lastLayer"));
    } else {
      const onChip = onChipStorage(x, opts.vectorWidth, opts.uram);
      const kept = onChip ? [`${onChip.elements} on chip (${onChip.storage})`] : [];
      g.nodes.push(box(x.name, "pe", [x.name, describe(x), ...kept, `${x.dtype}, ${cycles}`]));
    }
  }
  for (const c of l.channels) {
    const { storage } = linalgChannelStorage(c, opts.vectorWidth, opts.uram);
    fifo(g, c.name, c.from, c.to, [c.name, `depth ${c.depth} ${c.wide ? "vectors" : "elements"} ${storage}`]);
  }
  return g;
}

/** What a compute process does, in one line. */
function describe(x: Exclude<LinalgProcess, { kind: "matrix-reader" | "matrix-writer" | "plane-reader" | "plane-writer" }>): string {
  switch (x.kind) {
    case "matrix-vector": return `matrix-vector ${x.rows} x ${x.cols}${x.transposed ? " transposed" : ""}, ${x.interleave} partial sum(s)`;
    case "systolic-pe": return `systolic PE ${x.index + 1} of ${x.count}: ${x.rows} x ${x.inner} x ${x.cols}`;
    case "scale-add": return `alpha * product${x.addend ? " + beta * addend" : ""}, ${x.vectors} vectors`;
    case "tile-transpose": return `tile transpose, ${x.tiles} tile(s) of ${x.tileRows} x ${x.cols}`;
    case "rank-update": return `rank-${x.terms.length} update ${x.rows} x ${x.cols}`;
    case "column-sweep": return `column sweep k ${x.direction}: ${x.planes} planes of ${x.columns.join(" x ")} columns, ${x.phases.length} phase(s)`;
    case "plane-reverse": return `plane reversal: ${x.planes} planes of ${x.columns} columns`;
    case "binning": return `binning of ${x.n} values into ${x.bins} bins, ${x.copies} interleaved copies per lane`;
  }
}
