// Results printed with --json: numbers stay numbers, and the non-finite ones (an infinite error,
// a NaN element) become the strings "NaN", "Infinity" and "-Infinity" instead of JSON's null.

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2);
}
