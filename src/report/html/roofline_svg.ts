// The roofline as a log-log picture: operational intensity (op/B) across, GOp/s up; the
// bandwidth ceiling (a slope), the pipeline's compute ceiling (flat), the design point and,
// when `report --auto` chose one, the point it chose.

import type { Performance } from "../performance.js";
import { FONT_SIZE, num, svgText, textWidth } from "./svg_text.js";

export interface RooflinePoint { label: string; intensity: number; gops: number }

const WIDTH = 680;
const HEIGHT = 430;
const LEFT = 70;
const RIGHT = 20;
const TOP = 30;
const BOTTOM = 50;

/** A point to draw: its intensity and throughput (both finite and positive) and a label. */
export function rooflineSvg(perf: Pick<Performance, "gops" | "intensity" | "computeCeiling" | "bandwidthCeilingGBs">, design: RooflinePoint, auto?: RooflinePoint): string[] | { refused: string } {
  const points = [design, ...(auto ? [auto] : [])];
  const bw = perf.bandwidthCeilingGBs;
  if (!Number.isFinite(perf.intensity) || bw <= 0) return { refused: "no roofline: the design moves no data off chip (nothing bounds it by bandwidth)" };
  if (points.some((p) => !(p.intensity > 0 && Number.isFinite(p.intensity) && p.gops > 0 && Number.isFinite(p.gops))) || !(perf.computeCeiling > 0)) {
    return { refused: "no roofline: the design does no arithmetic (0 operations per cell)" };
  }
  const ridge = perf.computeCeiling / bw;
  const xs = [...points.map((p) => p.intensity), ridge];
  const ys = [...points.map((p) => p.gops), perf.computeCeiling, Math.min(...xs) * bw];
  const x0 = Math.floor(Math.log10(Math.min(...xs)) - 0.3);
  const x1 = Math.max(x0 + 2, Math.ceil(Math.log10(Math.max(...xs)) + 0.3));
  const y0 = Math.floor(Math.log10(Math.min(...ys)) - 0.3);
  const y1 = Math.max(y0 + 2, Math.ceil(Math.log10(Math.max(...ys)) + 0.3));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const X = (v: number) => LEFT + ((Math.log10(v) - x0) / (x1 - x0)) * plotW;
  const Y = (v: number) => TOP + plotH - ((Math.log10(v) - y0) / (y1 - y0)) * plotH;

  const svg: string[] = [];
  svg.push(`<svg id="roofline" class="roofline" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="roofline">`);
  svg.push(`<rect class="plot" x="${LEFT}" y="${TOP}" width="${plotW}" height="${plotH}"/>`);
  for (let d = x0; d <= x1; d++) {
    svg.push(`<line class="grid" x1="${num(X(10 ** d))}" y1="${TOP}" x2="${num(X(10 ** d))}" y2="${TOP + plotH}"/>`);
    svg.push(svgText(X(10 ** d), TOP + plotH + FONT_SIZE + 8, decade(d), { anchor: "middle" }));
  }
  for (let d = y0; d <= y1; d++) {
    svg.push(`<line class="grid" x1="${LEFT}" y1="${num(Y(10 ** d))}" x2="${LEFT + plotW}" y2="${num(Y(10 ** d))}"/>`);
    svg.push(svgText(LEFT - 6, Y(10 ** d) + 4, decade(d), { anchor: "end" }));
  }
  svg.push(svgText(LEFT + plotW / 2, HEIGHT - 10, "operational intensity (op/B, log)", { anchor: "middle" }));
  svg.push(svgText(4, TOP - 14, "GOp/s (log)"));

  // The roof: bandwidth slope up to the ridge, then flat at the compute ceiling.
  const xl = 10 ** x0;
  const xr = 10 ** x1;
  const clampY = (v: number) => Math.max(TOP, Math.min(TOP + plotH, Y(v)));
  const slopeStart = Math.max(xl, 10 ** y0 / bw);
  svg.push(`<path class="ceiling bandwidth" d="M${num(X(slopeStart))},${num(clampY(slopeStart * bw))} L${num(X(ridge))},${num(Y(perf.computeCeiling))}"/>`);
  svg.push(`<path class="ceiling compute" d="M${num(X(ridge))},${num(Y(perf.computeCeiling))} L${num(X(xr))},${num(Y(perf.computeCeiling))}"/>`);
  // Labels go where they overlap no other label and stay inside the plot.
  const taken: Box[] = [];
  const inside = (b: Box) => b.x0 >= LEFT + 2 && b.x1 <= LEFT + plotW - 2 && b.y0 >= TOP + 2 && b.y1 <= TOP + plotH - 2;
  const place = (text: string, candidates: [number, number, "start" | "end"][], cls: string) => {
    const w = textWidth(text);
    const boxOf = ([x, y, a]: [number, number, "start" | "end"]): Box => ({ x0: a === "start" ? x : x - w, x1: a === "start" ? x + w : x, y0: y - FONT_SIZE, y1: y + 3 });
    const free = candidates.find((c) => inside(boxOf(c)) && !taken.some((t) => overlaps(t, boxOf(c)))) ?? candidates[0]!;
    taken.push(boxOf(free));
    svg.push(svgText(free[0], free[1], text, { anchor: free[2], cls }));
  };
  const circles: string[] = [];
  for (const [k, p] of points.entries()) {
    const cx = X(p.intensity);
    const cy = Y(p.gops);
    circles.push(`<circle class="point ${k === 0 ? "design" : "auto"}" cx="${num(cx)}" cy="${num(cy)}" r="5"/>`);
    taken.push({ x0: cx - 6, x1: cx + 6, y0: cy - 6, y1: cy + 6 });
  }
  for (const [k, p] of points.entries()) {
    const cx = X(p.intensity);
    const cy = Y(p.gops);
    const near: [number, number, "start" | "end"][] = [];
    for (const dy of [-8, 16, -24, 32, -40, 48]) near.push([cx + 8, cy + dy, "start"], [cx - 8, cy + dy, "end"]);
    place(p.label, near, `point-label ${k === 0 ? "design" : "auto"}`);
  }
  const yc = Y(perf.computeCeiling);
  // Next to the line, else a line further away (a design point just under the ceiling takes the near places).
  const ceilingPlaces: [number, number, "start" | "end"][] = [];
  for (const [above, below] of [[5, 16], [21, 32]] as const) {
    ceilingPlaces.push([LEFT + plotW - 4, yc - above, "end"], [LEFT + plotW - 4, yc + below, "end"], [X(ridge) + 4, yc - above, "start"], [X(ridge) + 4, yc + below, "start"]);
  }
  place(`pipeline ceiling ${perf.computeCeiling.toFixed(1)} GOp/s`, ceilingPlaces, "ceiling-label");
  // Under the slope, right of where it enters the plot.
  const sy = clampY(slopeStart * bw);
  const bwLabel = `bandwidth ${bw.toFixed(1)} GB/s`;
  const mid = Math.sqrt(slopeStart * ridge);
  place(bwLabel, [[X(mid) + 12, Y(mid * bw) + 16, "start"], [X(slopeStart) + 10, Math.min(TOP + plotH - 6, sy + 2 * FONT_SIZE), "start"], [X(ridge) + 4, Y(ridge * bw) + 2 * FONT_SIZE, "start"], [LEFT + 6, TOP + plotH - 6, "start"], [LEFT + 6, TOP + 16, "start"]], "ceiling-label");
  svg.push(...circles);
  svg.push("</svg>");
  return svg;
}

interface Box { x0: number; x1: number; y0: number; y1: number }

function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

function decade(d: number): string {
  return d >= 0 ? String(10 ** d) : (10 ** d).toFixed(-d);
}
