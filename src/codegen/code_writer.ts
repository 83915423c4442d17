// The one code writer every emitter uses: lines, indentation, blocks and comments. Emitters say
// what to write; this class decides how it is laid out, so all generated files look alike.

export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  constructor(private readonly indentUnit = "  ") {}

  /** One line at the current indentation (an empty call writes a blank line). */
  line(text = ""): this {
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
    this.lines.push(text);
    return this;
  }

  /** A `//` comment; multi-line text becomes several comment lines. */
  comment(text: string, prefix = "//"): this {
    for (const l of text.split("\n")) this.line(l.length > 0 ? `${prefix} ${l}` : prefix);
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
