// Reading generated kernels in tests: the text of one function, for the II inspections.

/** The text of function `name` from its signature to the matching closing brace. */
export function functionText(source: string, name: string): string {
  const start = source.search(new RegExp(`void ${name}\\(`));
  if (start < 0) throw new Error(`no function ${name} in the generated code`);
  let depth = 0;
  for (let n = source.indexOf("{", start); n < source.length; n++) {
    if (source[n] === "{") depth++;
    if (source[n] === "}" && --depth === 0) return source.slice(start, n + 1);
  }
  throw new Error(`unterminated ${name}`);
}
