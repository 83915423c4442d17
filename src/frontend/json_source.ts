// JSON text with positions: strict parsing with `file:line:col` errors, and the mapping from a
// position inside a decoded string value (a computation_string) back to the file, escapes included.

import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import type { SourcePos } from "../ir/expr.js";
import { UserError } from "../ir/diagnostics.js";

export interface JsonDocument {
  file: string;
  text: string;
  root: Node;
  value: unknown;
  /** Offsets where lines start, for fast offset -> line:col. */
  lineStarts: number[];
}

const PARSE_MESSAGES: Record<string, string> = {
  InvalidSymbol: "invalid symbol",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "expected end of file",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in string",
};

/** 1-based line and column of `offset` in `text` (`\r\n`, `\r` and `\n` end lines). */
export function lineColAt(text: string, offset: number): SourcePos {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) { line++; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) starts.push(i + 1);
  }
  return starts;
}

/** Like lineColAt, by binary search over the document's line starts. */
export function docPos(doc: JsonDocument, offset: number): SourcePos {
  let lo = 0;
  let hi = doc.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (doc.lineStarts[mid]! <= offset) lo = mid; else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - doc.lineStarts[lo]! + 1 };
}

export function formatPos(file: string, pos: SourcePos): string {
  return `${file}:${pos.line}:${pos.column}`;
}

/** Parses strict JSON (no comments, no trailing commas, no duplicate or `__proto__` keys). Throws UserError. */
export function parseJsonDocument(rawText: string, file: string): JsonDocument {
  // A byte-order mark is not JSON but editors write it; drop it rather than fail.
  const text = rawText.startsWith("\uFEFF") ? rawText.slice(1) : rawText;
  checkNesting(text, file);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || !root) {
    const e = errors[0];
    const offset = e ? e.offset : 0;
    const code = e ? printParseErrorCode(e.error) : "";
    let msg = e ? PARSE_MESSAGES[code] ?? code : "empty file";
    // Where a separator or a closing bracket is missing, say which bracket is still open.
    if (code === "CommaExpected" || code === "CloseBracketExpected" || code === "CloseBraceExpected") {
      const open = openBracketAt(text, offset);
      if (open) {
        const close = open.char === "[" ? "]" : "}";
        const at = lineColAt(text, open.offset);
        msg = `expected ',' or '${close}' (the '${open.char}' at ${at.line}:${at.column} is not closed)`;
      }
    }
    throw new UserError(formatPos(file, lineColAt(text, offset)), `malformed JSON: ${msg}`);
  }
  checkDuplicateKeys(root, text, file);
  let value: unknown;
  try {
    // JSON.parse rather than jsonc's getNodeValue: it creates "__proto__" keys as own properties.
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(file, `malformed JSON: ${(err as Error).message}`);
  }
  return { file, text, root, value, lineStarts: computeLineStarts(text) };
}

/** The innermost `[` or `{` still open at `offset` (a scan that skips strings). */
function openBracketAt(text: string, offset: number): { char: string; offset: number } | undefined {
  const stack: number[] = [];
  let inString = false;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") stack.push(i);
    else if (c === "]" || c === "}") stack.pop();
  }
  const top = stack[stack.length - 1];
  return top === undefined ? undefined : { char: text[top]!, offset: top };
}

/** Programs nest a few levels (inline 3-D data: about ten); the parsers and checks recurse per level. */
export const MAX_JSON_NESTING = 64;

/** Fails at the first `[` or `{` nested deeper than MAX_JSON_NESTING (a scan, no recursion). */
function checkNesting(text: string, file: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_NESTING) throw new UserError(formatPos(file, lineColAt(text, i)), `JSON is nested too deeply (more than ${MAX_JSON_NESTING} levels of arrays and objects)`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

function checkDuplicateKeys(node: Node, text: string, file: string): void {
  if (node.type === "object") {
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const key = prop.children?.[0];
      if (!key) continue;
      const name = String(key.value);
      if (seen.has(name)) throw new UserError(formatPos(file, lineColAt(text, key.offset)), `malformed JSON: duplicate key "${name}"`);
      // Object-building code (zod's records included) would turn this key into a prototype.
      if (name === "__proto__") throw new UserError(formatPos(file, lineColAt(text, key.offset)), `the key "__proto__" is not allowed`);
      seen.add(name);
    }
  }
  for (const child of node.children ?? []) checkDuplicateKeys(child, text, file);
}

/**
 * Maps positions inside the decoded string value at `path` to positions in the file. Positions
 * are those of the expression parser: 1-based, lines split at `\n` of the decoded string.
 */
export class StringLocator {
  private readonly rawIndex: number[] = [];
  private readonly lineStarts: number[] = [0];
  private readonly contentStart: number;

  /** `path` is taken from `from` (an object node of the document), or from the root. */
  constructor(private readonly doc: JsonDocument, path: (string | number)[], from: Node = doc.root) {
    const node = findNodeAtLocation(from, path);
    if (!node || node.type !== "string") throw new Error(`no string at ${path.join(".")}`);
    this.contentStart = node.offset + 1;
    const raw = doc.text.slice(this.contentStart, node.offset + node.length - 1);
    // rawIndex[d] = index in `raw` where decoded code unit d starts.
    for (let r = 0; r < raw.length;) {
      this.rawIndex.push(r);
      r += raw[r] !== "\\" ? 1 : raw[r + 1] === "u" ? 6 : 2;
    }
    this.rawIndex.push(raw.length);
    const value = String(node.value);
    for (let i = 0; i < value.length; i++) if (value[i] === "\n") this.lineStarts.push(i + 1);
  }

  /** File position of decoded index `offset`. */
  fromOffset(offset: number): SourcePos {
    const d = Math.max(0, Math.min(offset, this.rawIndex.length - 1));
    return docPos(this.doc, this.contentStart + this.rawIndex[d]!);
  }

  /** File position of a position relative to the string. */
  fromPos(pos: SourcePos): SourcePos {
    const start = this.lineStarts[pos.line - 1] ?? 0;
    return this.fromOffset(start + pos.column - 1);
  }

  /** `file:line:col` of a position relative to the string. */
  locate(pos: SourcePos): string {
    return formatPos(this.doc.file, this.fromPos(pos));
  }
}

/**
 * The value nodes of the object at `path`, by key: one pass, where a findNodeAtLocation per key
 * would scan the object again for each (quadratic in programs with thousands of stencils).
 */
export function propertyNodes(doc: JsonDocument, path: (string | number)[]): Map<string, Node> {
  const out = new Map<string, Node>();
  const obj = findNodeAtLocation(doc.root, path);
  for (const prop of obj?.type === "object" ? obj.children ?? [] : []) {
    const [key, value] = prop.children ?? [];
    if (key && value) out.set(String(key.value), value);
  }
  return out;
}

/** `file:line:col` of the value at a JSON path (the file name alone if it is absent). */
export function locateJsonValue(doc: JsonDocument, path: (string | number)[]): string {
  const node = findNodeAtLocation(doc.root, path);
  return node ? formatPos(doc.file, docPos(doc, node.offset)) : doc.file;
}
