// The HTML report of a DaCe program that stays a memory-mapped kernel: that it is one and why
// (each kernel's reason), its arguments with their ports and sizes, and its device memory; no
// roofline, resource bars or pipeline, since the model has no figures for such a kernel.

import { CodeWriter } from "../../codegen/code_writer.js";
import { symbolList, type MemoryMappedReport } from "../memory_mapped.js";
import { escapeHtml } from "./escape.js";
import { closePage, openPage } from "./page.js";

export function memoryMappedHtml(r: MemoryMappedReport): string {
  const t = escapeHtml;
  const w = new CodeWriter();
  openPage(w, `${r.program} on ${r.platform}`);
  if (r.kind === "fpga-form") {
    w.line(`<p>An FPGA-form kernel (symbols ${t(symbolList(r.symbols))}): the program's own processes and FIFOs (DaCe streams), emitted as written.</p>`);
    w.line(`<p class="note">The performance and resource model covers the pipelines sdfg-fpga builds: no run time, roofline or resource estimate is given for a design the program spells out itself.</p>`);
  } else {
    w.line(`<p>A memory-mapped kernel (symbols ${t(symbolList(r.symbols))}): it reads and writes its arrays in device memory, not streamed through a spatial pipeline.</p>`);
    w.line(`<p class="note">The performance and resource model covers streamed pipelines only: no run time, roofline or resource estimate is given for a memory-mapped kernel.</p>`);
  }
  w.line("<h2>Why it is not streamed</h2>");
  w.line("<table>");
  w.line('<tr><th>kernel</th><th>mapping</th><th class="code">why</th></tr>');
  for (const k of r.kernels) w.line(`<tr><td>${t(k.name)}</td><td>${t(k.mapping)}</td><td class="code">${t(k.reason)}</td></tr>`);
  w.line("</table>");
  w.line("<h2>Arguments</h2>");
  w.line("<table>");
  w.line("<tr><th>argument</th><th>port</th><th>type</th><th>elements</th><th>bytes</th><th>note</th></tr>");
  for (const a of r.arguments) w.line(`<tr><td>${t(a.name)}</td><td>${a.port}</td><td>${t(a.dtype)}</td><td>${a.elements}</td><td>${a.bytes}</td><td>${a.deviceTransient ? "transient in device memory" : ""}</td></tr>`);
  w.line("</table>");
  w.line(`<p>Device memory footprint: ${r.globalBytes} bytes.</p>`);
  closePage(w);
  return w.toString();
}
