// The frame every HTML report shares: the document head (a Content-Security-Policy forbidding
// scripts and network, the generator marker, the one style sheet) and the end of the page. The
// stencil-pipeline report (html_report.ts) and the memory-mapped kernel's page
// (memory_mapped_html.ts) write their bodies between the two.

import type { CodeWriter } from "../../codegen/code_writer.js";
import { escapeHtml } from "./escape.js";

/** The marker by which `report --html` knows a file it may replace. */
export const HTML_GENERATOR = "sdfg-fpga report";

const STYLE = [
  "body { font-family: sans-serif; margin: 16px 24px; color: #222; }",
  "h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }",
  "table { border-collapse: collapse; font-size: 13px; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; white-space: nowrap; }",
  "td:first-child, th:first-child { text-align: left; }",
  "td.code, th.code { font-family: 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace; text-align: left; white-space: normal; max-width: 900px; overflow-wrap: anywhere; }",
  ".scroll { overflow: auto; max-height: 80vh; border: 1px solid #ddd; }",
  ".note { color: #555; font-size: 13px; }",
  "svg text { font-family: 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace; font-size: 12px; fill: #222; }",
  "svg text.small { font-size: 10px; fill: #555; }",
  "svg text.head { font-weight: normal; fill: #000; }",
  ".plot { fill: #fff; stroke: #888; } .grid { stroke: #eee; }",
  ".ceiling { fill: none; stroke-width: 2.5; } .ceiling.bandwidth { stroke: #c0392b; } .ceiling.compute { stroke: #2c6fbb; }",
  ".point.design { fill: #111; } .point.auto { fill: #e67e22; }",
  ".track { fill: #eee; } .bar.ok { fill: #4a90d9; } .bar.over { fill: #d9534f; } .bar.measured { fill: #2e7d32; } .limit { stroke: #d9534f; stroke-dasharray: 4 3; }",
  ".edge { fill: none; stroke: #888; stroke-width: 1.2; } .arrowhead { fill: #888; }",
  ".node rect { stroke: #555; stroke-width: 1; } .reader rect { fill: #e3f0fb; } .writer rect { fill: #e6f4e6; } .pe rect { fill: #fff8e1; } .fifo rect { fill: #f2f2f2; } .reduction rect { fill: #f3e5f5; }",
];

/** From `<!DOCTYPE html>` to the page's `<h1>`. */
export function openPage(w: CodeWriter, title: string): void {
  const t = escapeHtml(title);
  w.line("<!DOCTYPE html>");
  w.line('<html lang="en">');
  w.line("<head>");
  w.line('<meta charset="utf-8">');
  w.line(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  w.line(`<meta name="generator" content="${HTML_GENERATOR}">`);
  w.line(`<title>${t}</title>`);
  w.line("<style>");
  w.many(STYLE);
  w.line("</style>");
  w.line("</head>");
  w.line("<body>");
  w.line(`<h1>${t}</h1>`);
}

export function closePage(w: CodeWriter): void {
  w.line("</body>");
  w.line("</html>");
}
