// Identifiers for a DaCe program's data in generated code: DaCe names such as `__return` are not
// safe C++ identifiers, so every streaming pass renames them the same deterministic way.

import { MAX_NAME_LENGTH, nameProblem } from "../../ir/names.js";

/**
 * The identifier each data item gets in generated code (DaCe names such as `__return` are not
 * safe C++ identifiers): the name itself when safe, else a cleaned name. Deterministic; the
 * result's `outputNames` maps renamed outputs back to the program's `<arg>.out.npy`.
 */
export function safeDataNames(data: string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const sorted = [...data].sort();
  for (const n of sorted) if (nameProblem(n) === null) { names.set(n, n); taken.add(n); }
  for (const n of sorted) {
    if (names.has(n)) continue;
    const base = n.replace(/[^A-Za-z0-9_]/g, "_").replace(/_+/g, "_").replace(/^_+|_+$/g, "");
    let candidate = nameProblem(base) === null && base !== "" ? base : `v_${base || "data"}`.replace(/_+$/, "");
    for (let k = 2; taken.has(candidate) || nameProblem(candidate) !== null; k++) candidate = `data${k}`;
    names.set(n, candidate);
    taken.add(candidate);
  }
  return names;
}

/** `text` made an identifier's body: runs of other characters become `_`, none at either end. */
export function identifierText(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/**
 * A namer of fresh identifiers for generated code: `prefix` + the cleaned text (or `fallback`),
 * numbered 2, 3, … while taken or not a safe name; every name it gives is added to `taken`.
 */
export function freshIdentifiers(taken: Set<string>, fallback: string): (text: string, prefix?: string) => string {
  return (text, prefix = "") => {
    const base = identifierText(text) || fallback;
    // DaCe names its temporaries after their operands (`a_slice_times_b_slice_plus_…`): a long one is
    // cut so that the name and its number stay within the length generated code takes.
    const named = (suffix: string) => `${prefix}${base}`.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/_+$/, "") + suffix;
    let name = named("");
    for (let k = 2; taken.has(name) || nameProblem(name) !== null; k++) name = named(String(k));
    taken.add(name);
    return name;
  };
}
