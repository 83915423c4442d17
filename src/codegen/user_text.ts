// The one way text taken from users (a program's path, its computation strings) enters generated
// files: C++/OpenCL comments, Makefile comments, READMEs. Such text must never become code, so it
// is shown as a double-quoted, escaped string on one line:
//  * backslashes are doubled and the text always ends with `"`, so no line can end in `\` and
//    continue a `//` or `#` comment onto the next generated line;
//  * `??` becomes `?\?`, so no trigraph (`??/` is a backslash in C and OpenCL C) can form;
//  * line breaks (CR, LF, U+0085, U+2028, U+2029), every other control character (C0, DEL, C1)
//    and the invisible format characters that reorder or hide text (bidi embeddings, overrides
//    and isolates such as U+202E, zero-width characters, BOM) are written as `\r`, `\n`, `\t` or
//    `\u{XXXX}` escapes.

import type { CodeWriter } from "./code_writer.js";

/** Characters that must not appear raw in a generated file. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/gu;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}}`;
}

/** Whether `text` holds a character that must not appear raw in generated code. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}

/** Escapes without quoting (for text that is already ours, e.g. a comment line). */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, escapeChar).replace(/\?\?/g, "?\\?");
}

/** User text as a one-line, double-quoted, escaped string that is inert in any comment. */
export function quoteUserText(text: string): string {
  // Lone surrogates cannot be encoded as UTF-8; show them as escapes too.
  const wellFormed = text.replace(/[\ud800-\udfff]/gu, escapeChar);
  return `"${escapeUnsafe(wellFormed.replace(/\\/g, "\\\\").replace(/"/g, '\\"'))}"`;
}

/** A multi-line user text (a computation string) as one quoted string per line. */
export function quoteUserLines(text: string): string[] {
  return text.split(/\r\n|\n|\r|\u2028|\u2029|\u0085/).map(quoteUserText);
}

/** `// Stencil 'name': "line 1"` (one comment line per source line), the source quoted. */
export function emitSourceComment(w: CodeWriter, stencil: string, source: string | undefined): void {
  if (source === undefined) { w.comment(`Stencil '${stencil}'`); return; }
  const lines = quoteUserLines(source);
  if (lines.length === 1) { w.comment(`Stencil '${stencil}': ${lines[0]}`); return; }
  w.comment(`Stencil '${stencil}':`);
  for (const l of lines) w.comment(`  ${l}`);
}
