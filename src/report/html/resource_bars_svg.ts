// Resources against the board as bars: the estimate (and, when a vendor tool's report was read,
// what it measured) as a fraction of what the board has, with the routable limit marked.

import { ROUTABLE_FRACTION } from "../report.js";
import type { Utilisation } from "../resources.js";
import { FONT_SIZE, num, svgText, textWidth } from "./svg_text.js";

export interface ResourceBar { unit: string; used: number; available: number; measured?: number }

const BAR = 320;
const ROW = 22;
const SUB = 16;

export function resourceBarsSvg(rows: ResourceBar[], measuredLabel = "measured"): string[] {
  const labelW = Math.max(...rows.map((r) => textWidth(r.unit))) + 12;
  const texts = rows.map((r) => figures(r.used, r.available));
  const measuredTexts = rows.map((r) => (r.measured !== undefined ? `${measuredLabel} ${figures(r.measured, r.available)}` : ""));
  const valueW = Math.max(...[...texts, ...measuredTexts].map(textWidth)) + 12;
  const width = Math.ceil(labelW + BAR + valueW + 10);
  const rowH = (r: ResourceBar) => ROW + (r.measured !== undefined ? SUB : 0);
  const height = rows.reduce((a, r) => a + rowH(r), 0) + 24;
  const svg: string[] = [];
  svg.push(`<svg id="resources" class="resources" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="resources against the board">`);
  let y = 6;
  const x0 = labelW;
  for (const [k, r] of rows.entries()) {
    const f = r.available > 0 ? r.used / r.available : r.used > 0 ? Infinity : 0;
    svg.push(svgText(4, y + 14, r.unit));
    svg.push(`<rect class="track" x="${num(x0)}" y="${y + 3}" width="${BAR}" height="14"/>`);
    if (r.used > 0) svg.push(`<rect class="bar ${f > ROUTABLE_FRACTION ? "over" : "ok"}" x="${num(x0)}" y="${y + 3}" width="${num(Math.max(1, Math.min(1, f) * BAR))}" height="14"/>`);
    svg.push(svgText(x0 + BAR + 8, y + 14, texts[k]!));
    if (r.measured !== undefined) {
      const m = r.available > 0 ? r.measured / r.available : 0;
      if (r.measured > 0) svg.push(`<rect class="bar measured" x="${num(x0)}" y="${y + ROW}" width="${num(Math.max(1, Math.min(1, m) * BAR))}" height="8"/>`);
      svg.push(svgText(x0 + BAR + 8, y + ROW + 9, measuredTexts[k]!, { cls: "small" }));
    }
    y += rowH(r);
  }
  const limit = x0 + ROUTABLE_FRACTION * BAR;
  svg.push(`<line class="limit" x1="${num(limit)}" y1="2" x2="${num(limit)}" y2="${y}"/>`);
  svg.push(svgText(limit, y + FONT_SIZE + 2, `${(ROUTABLE_FRACTION * 100).toFixed(0)}% routable`, { anchor: "middle", cls: "small" }));
  svg.push("</svg>");
  return svg;
}

export function barsFromUtilisation(u: Utilisation[], measured?: Map<string, number>): ResourceBar[] {
  return u.map((x) => ({ unit: x.unit, used: x.used, available: x.available, ...(measured?.has(x.resource) ? { measured: measured.get(x.resource)! } : {}) }));
}

function figures(used: number, available: number): string {
  const pct = available > 0 ? `${((used / available) * 100).toFixed(1)}%` : used > 0 ? "none on board" : "0%";
  return `${fmt(used)} / ${fmt(available)} (${pct})`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString("en-US") : n.toFixed(1);
}
