// The JSON program format (StencilFlow-compatible, design.md §1) as a zod schema. Only the shape
// is checked here; names, code and cross-references are checked by the loader.

import { z } from "zod";
import { DTYPE_INFO, DTYPES, isExactInteger, type DType } from "../ir/dtype.js";

const dataType = z.enum(DTYPES);

/** Inline data: a number or (possibly nested) arrays of numbers, flattened row-major later. */
export type NestedNumbers = number | NestedNumbers[];
const nestedNumbers: z.ZodType<NestedNumbers> = z.lazy(() => z.union([z.number(), z.array(nestedNumbers)], {
  error: "inline data must contain only numbers or arrays of numbers",
}));

const inputData = z.union([z.string(), z.number(), z.array(nestedNumbers)], {
  error: "'data' must be \"constant:X\", a number, an array of numbers or a path to a .dat, .csv or .npy file",
});

const inputSchema = z.strictObject({
  data: inputData,
  data_type: dataType,
  input_dims: z.array(z.string()).optional(),
}).superRefine((inp, ctx) => {
  // Integer inputs given in the program must hold integers the type can represent.
  if (!DTYPE_INFO[inp.data_type].integer) return;
  const check = (v: number, path: (string | number)[]) => {
    if (!isExactInteger(v, inp.data_type)) ctx.addIssue({ code: "custom", path, message: integerMessage(v, inp.data_type) });
  };
  const walk = (d: NestedNumbers, path: (string | number)[]): void => {
    if (typeof d === "number") check(d, path);
    else d.forEach((x, n) => walk(x, [...path, n]));
  };
  if (typeof inp.data === "string") {
    const m = /^constant:(.*)$/.exec(inp.data);
    if (m && m[1]!.trim() !== "" && Number.isFinite(Number(m[1]))) check(Number(m[1]), ["data"]);
  } else walk(inp.data, ["data"]);
});

function integerMessage(v: number, d: DType): string {
  const info = DTYPE_INFO[d];
  const limit = info.max! > Number.MAX_SAFE_INTEGER ? "±2^53 (the exact range of a JSON number)" : `${info.min}..${info.max}`;
  return `${v} is not an ${d} value (a whole number in ${limit})`;
}

export const boundaryConditionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("constant"), value: z.number() }),
  z.object({ type: z.literal("copy") }),
  z.object({ type: z.literal("shrink") }),
], { error: "boundary condition 'type' must be \"constant\", \"copy\" or \"shrink\"" });

const stencilSchema = z.strictObject({
  computation_string: z.string(),
  boundary_conditions: z.record(z.string(), boundaryConditionSchema).default({}),
  data_type: dataType,
}).superRefine((st, ctx) => {
  // A constant boundary value is a value of the stencil's type.
  if (!DTYPE_INFO[st.data_type].integer) return;
  for (const [f, bc] of Object.entries(st.boundary_conditions)) {
    if (bc.type === "constant" && !isExactInteger(bc.value, st.data_type)) {
      ctx.addIssue({ code: "custom", path: ["boundary_conditions", f, "value"], message: integerMessage(bc.value, st.data_type) });
    }
  }
});

const constantSchema = z.strictObject({
  value: z.number(),
  data_type: dataType,
}).superRefine((c, ctx) => {
  if (DTYPE_INFO[c.data_type].integer && !isExactInteger(c.value, c.data_type)) ctx.addIssue({ code: "custom", path: ["value"], message: integerMessage(c.value, c.data_type) });
});

const POSITIVE = { error: "must be a positive integer" };
const positiveInt = z.number().int(POSITIVE).positive(POSITIVE);

const timeLoopSchema = z.strictObject({
  steps: positiveInt,
  feedback: z.record(z.string(), z.string()),
});

export const programSchema = z.strictObject({
  inputs: z.record(z.string(), inputSchema),
  outputs: z.array(z.string()).min(1, { error: "'outputs' must name at least one field" }),
  dimensions: z.array(positiveInt).min(1, { error: "'dimensions' must have 1 to 3 extents" }).max(3, { error: "'dimensions' must have 1 to 3 extents" }),
  vectorization: positiveInt.optional(),
  program: z.record(z.string(), stencilSchema),
  constants: z.record(z.string(), constantSchema).optional(),
  time_loop: timeLoopSchema.optional(),
});

export type ProgramJson = z.infer<typeof programSchema>;
export type InputJson = z.infer<typeof inputSchema>;
export type StencilJson = z.infer<typeof stencilSchema>;

/** A schema violation: JSON path of the offending value and a message. */
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

/** Validates a parsed JSON value; returns the program or the first issue, in document order of the schema. */
export function checkProgramSchema(value: unknown): { ok: true; program: ProgramJson } | { ok: false; issue: SchemaIssue } {
  const r = programSchema.safeParse(value, {
    // A missing field reads better as "missing" than as "expected number, received undefined".
    error: (iss) => (iss.code === "invalid_type" && iss.input === undefined ? `missing required field (expected ${iss.expected})` : undefined),
  });
  if (r.success) return { ok: true, program: r.data };
  const iss = r.error.issues[0]!;
  const path = iss.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  if (iss.code === "unrecognized_keys") {
    return { ok: false, issue: { path: [...path, iss.keys[0]!], message: `unknown key '${iss.keys[0]}'${allowedKeys(path)}` } };
  }
  return { ok: false, issue: { path, message: lowerFirst(iss.message) } };
}

/** The keys each object of a program may have (for error messages and the format documentation test). */
export const ALLOWED: Record<string, string[]> = {
  top: ["inputs", "outputs", "dimensions", "vectorization", "program", "constants", "time_loop"],
  inputs: ["data", "data_type", "input_dims"],
  program: ["computation_string", "boundary_conditions", "data_type"],
  constants: ["value", "data_type"],
  time_loop: ["steps", "feedback"],
};

function allowedKeys(path: (string | number)[]): string {
  const keys = path.length === 0 ? ALLOWED.top : ALLOWED[String(path[0])];
  return keys ? ` (allowed: ${keys.join(", ")})` : "";
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
