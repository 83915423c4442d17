// What the HTML report says about the process kinds beyond stencil PEs: a one-line count of a
// pipeline's processes, and tables of its reduction PEs (their accumulators and operators, as
// resources.ts prices them) and of its linear-algebra processes (each loop's cycles and what it
// keeps on chip, as linalg_figures.ts counts them).

import type { CodeWriter } from "../../codegen/code_writer.js";
import type { LinalgProcess } from "../../spatial/linalg_pipeline.js";
import type { Pipeline } from "../../spatial/pipeline.js";
import { onChipStorage, processCycles } from "../linalg_figures.js";
import type { Report } from "../report.js";
import { reductionOperators } from "../resources.js";
import { escapeHtml } from "./escape.js";

const LINALG_KINDS: Record<LinalgProcess["kind"], string> = {
  "matrix-reader": "matrix reader(s)", "matrix-vector": "matrix-vector PE(s)", "systolic-pe": "systolic PE(s)", "scale-add": "scale-add drain(s)",
  "tile-transpose": "tile transpose(s)", "rank-update": "rank-update PE(s)", binning: "binning PE(s)", "matrix-writer": "matrix writer(s)",
  "plane-reader": "plane reader(s)", "column-sweep": "column sweep(s)", "plane-reverse": "plane reversal(s)", "plane-writer": "plane writer(s)",
};

/** "4 PE(s), 10 FIFO(s), domain 1 x 64 x 64", with reduction PEs or linear-algebra processes counted by kind. */
export function processSummary(p: Pipeline): string {
  if (p.linalg) {
    const kinds = new Map<LinalgProcess["kind"], number>();
    for (const x of p.linalg.processes) kinds.set(x.kind, (kinds.get(x.kind) ?? 0) + 1);
    return [...[...kinds].map(([k, n]) => `${n} ${LINALG_KINDS[k]}`), `${p.linalg.channels.length} FIFO(s)`].join(", ");
  }
  const reductions = p.reductions?.length ? `, ${p.reductions.length} reduction PE(s)` : "";
  return `${p.pes.length} PE(s)${reductions}, ${p.channels.length} FIFO(s), domain ${p.domain.join(" x ")}`;
}

export function processTables(w: CodeWriter, r: Report, p: Pipeline, uram: boolean): void {
  const t = escapeHtml;
  if (p.reductions?.length) {
    w.line("<h2>Reduction PEs</h2>");
    w.line(`<p class="note">Operators: a tree over the W = ${p.vectorWidth} lanes (W - 1), the accumulating one, and a final tree over the partial accumulators (partials - 1).</p>`);
    w.line("<table>");
    w.line("<tr><th>PE</th><th>reduces</th><th>operator</th><th>type</th><th>row (vectors)</th><th>partial accumulators</th><th>banks</th><th>drain (cycles)</th><th>operators</th></tr>");
    for (const x of p.reductions) {
      w.line(`<tr><td>${t(x.name)}</td><td>${t(x.node)}</td><td>${x.op}</td><td>${x.dtype}</td><td>${x.rowVectors}</td><td>${x.partials}</td><td>${x.banks}</td><td>${x.drain}</td><td>${reductionOperators(x, p.vectorWidth)}</td></tr>`);
    }
    w.line("</table>");
  }
  if (p.linalg) {
    const perf = r.performance;
    const cycles = p.linalg.processes.map((x) => processCycles(x, p.vectorWidth));
    const slowest = cycles.indexOf(Math.max(...cycles));
    w.line("<h2>Linear-algebra processes</h2>");
    w.line(`<p class="note">A run lasts as long as its slowest process, ${t(p.linalg.processes[slowest]!.name)} (${cycles[slowest]} cycles), plus the chain's fill (${perf.fillCycles} cycles): ${perf.cyclesPerPass} cycles.</p>`);
    w.line("<table>");
    w.line("<tr><th>process</th><th>kind</th><th>type</th><th>cycles</th><th>on chip (elements)</th></tr>");
    p.linalg.processes.forEach((x, k) => {
      const onChip = onChipStorage(x, p.vectorWidth, uram);
      w.line(`<tr><td>${t(x.name)}</td><td>${x.kind}</td><td>${x.dtype}</td><td>${cycles[k]}</td><td>${onChip ? `${onChip.elements} (${onChip.storage})` : "-"}</td></tr>`);
    });
    w.line("</table>");
  }
}
