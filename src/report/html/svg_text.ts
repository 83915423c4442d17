// How wide text is in the report's SVG pictures, without a browser: every label is set in one
// monospace font at one size, whose advance is 0.602 em (DejaVu Sans Mono, Liberation Mono and
// Courier agree within 1 %), so a box sized here holds its text. The Chromium test measures it.

import { escapeHtml } from "./escape.js";

export const FONT_SIZE = 12;
export const LINE_HEIGHT = 15;
/** Advance per character in px, with a margin over the font's 0.602 em. */
export const CHAR_WIDTH = FONT_SIZE * 0.62;

export function textWidth(text: string): number {
  return [...text].length * CHAR_WIDTH;
}

/** One <text> element; `anchor` as SVG's text-anchor. */
export function svgText(x: number, y: number, text: string, opts: { anchor?: "start" | "middle" | "end"; cls?: string } = {}): string {
  const anchor = opts.anchor && opts.anchor !== "start" ? ` text-anchor="${opts.anchor}"` : "";
  const cls = opts.cls ? ` class="${opts.cls}"` : "";
  return `<text x="${num(x)}" y="${num(y)}"${anchor}${cls}>${escapeHtml(text)}</text>`;
}

/** Coordinates with at most one decimal: short and byte-identical across runs. */
export function num(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? "0" : String(r);
}
