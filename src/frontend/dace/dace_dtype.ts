// DaCe data types as a `.sdfg` file writes them: a typeclass name (`"float32"`, `"dace.float64"`)
// or, for `dace.vector(T, W)`, the object `{"type": "vector", "dtype": T, "elements": "W"}` (DaCe
// dtypes.vector.to_json). Other typeclass objects (pointer, opaque, struct, string) are refused
// by name.

import { UserError } from "../../ir/diagnostics.js";
import { isPDType, type PDType } from "../../ir/program.js";

/** A scalar type, or a vector of `veclen` lanes of it. */
export interface DaceType { dtype: PDType; veclen?: number }

/** A scalar typeclass name (DaCe's Data.dtype default is int32). */
export function scalarDtypeOf(s: string | undefined, where: string): PDType {
  if (s === undefined) return "int32";
  const t = s.replace(/^(dace|dtypes|numpy|np)\./, "");
  const alias: Record<string, PDType> = { float: "float32", double: "float64", int: "int32", long: "int64", char: "int8", bool_: "bool" };
  const r = isPDType(t) ? t : alias[t];
  if (!r) throw new UserError(where, `unsupported data type '${s}' (supported: bool, int8..int64, uint8..uint64, float32, float64, complex64, complex128, and vectors of them)`);
  return r;
}

/** A dtype as written in a data descriptor or connector: a name or a vector object. */
export function daceTypeOf(raw: unknown, where: string): DaceType {
  if (raw === undefined || raw === null || typeof raw === "string") return { dtype: scalarDtypeOf(raw ?? undefined, where) };
  if (typeof raw !== "object") throw new UserError(where, `a data type is a name or a typeclass object, not ${JSON.stringify(raw)}`);
  const o = raw as Record<string, unknown>;
  if (o.type !== "vector") throw new UserError(where, `unsupported typeclass '${String(o.type)}' (supported: scalar names and {"type": "vector", ...})`);
  if (typeof o.dtype !== "string") throw new UserError(`${where}.dtype`, "a vector's lane type must be a scalar type name");
  const dtype = scalarDtypeOf(o.dtype, `${where}.dtype`);
  const text = typeof o.elements === "number" ? String(o.elements) : o.elements;
  if (typeof text !== "string" || !/^\s*\d+\s*$/.test(text)) {
    throw new UserError(`${where}.elements`, `a vector's length must be a whole number, not ${JSON.stringify(o.elements)} (symbolic vector lengths are not supported)`);
  }
  const veclen = Number(text);
  if (veclen < 1) throw new UserError(`${where}.elements`, `a vector needs at least one lane, not ${veclen}`);
  // A one-lane vector is its scalar (DaCe's dtypes.vector(T, 1) has T's layout).
  return veclen === 1 ? { dtype } : { dtype, veclen };
}
