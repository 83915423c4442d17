// The one code writer every emitter uses: lines, indentation, blocks and comments. Emitters say
// what to write; this class decides how it is laid out, so all generated files look alike.

import { escapeUnsafe, hasUnsafeCharacters } from "./user_text.js";

export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  constructor(private readonly indentUnit = "  ") {}

  /** One line at the current indentation (an empty call writes a blank line). */
  line(text = ""): this {
    checkSafe(text);
    this.lines.push(text.length === 0 ? "" : this.indentUnit.repeat(this.depth) + text);
    return this;
  }

  /** Several lines, each at the current indentation. */
  many(texts: string[]): this {
    for (const t of texts) this.line(t);
    return this;
  }

  /** A line written at column 0 whatever the indentation (preprocessor directives, pragmas). */
  directive(text: string): this {
    checkSafe(text);
    this.lines.push(text);
    return this;
  }

  /**
   * A `//` (or `prefix`) comment; multi-line text becomes several comment lines. Control
   * characters are escaped and a line never ends in a backslash (which would continue the comment
   * onto the next line); text from users should come quoted (user_text.ts) in the first place.
   */
  comment(text: string, prefix = "//"): this {
    for (const raw of text.split("\n")) {
      let l = escapeUnsafe(raw);
      if (l.endsWith("\\")) l += " (end)";
      this.line(l.length > 0 ? `${prefix} ${l}` : prefix);
    }
    return this;
  }

  indent(): this { this.depth++; return this; }

  dedent(): this {
    if (this.depth === 0) throw new Error("CodeWriter: dedent below zero");
    this.depth--;
    return this;
  }

  /** `head {` … `}tail`, with the body indented. */
  block(head: string, body: () => void, tail = ""): this {
    this.line(`${head} {`);
    this.indent();
    body();
    this.dedent();
    this.line(`}${tail}`);
    return this;
  }

  /** Appends another writer's text at the current indentation. */
  embed(other: CodeWriter): this {
    for (const l of other.lines) this.lines.push(l.length === 0 ? "" : this.indentUnit.repeat(this.depth) + l);
    return this;
  }

  toString(): string {
    // Collapse runs of blank lines so emitters can separate sections freely.
    const out: string[] = [];
    for (const l of this.lines) {
      if (l === "" && (out.length === 0 || out[out.length - 1] === "")) continue;
      out.push(l);
    }
    while (out.length > 0 && out[out.length - 1] === "") out.pop();
    return out.join("\n") + "\n";
  }
}

/** Code lines are ours (names are validated identifiers); raw control characters mean a bug. */
function checkSafe(text: string): void {
  if (hasUnsafeCharacters(text.replace(/\t/g, " "))) throw new Error(`CodeWriter: unsafe character in generated line ${JSON.stringify(text)}`);
}
