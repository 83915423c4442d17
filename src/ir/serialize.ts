// JSON serialization of the SDFG. The format is the IR itself with a version tag; reading checks
// the shape with zod and then the semantics with the validator, so a saved file round-trips.

import { z } from "zod";
import { DTYPES } from "./dtype.js";
import { MATH_FUNCTIONS, type Expr } from "./expr.js";
import type { SDFG } from "./sdfg.js";
import { formatIssues, validateSDFG } from "./validate.js";

export const IR_FORMAT = "sdfg-fpga-ir";
export const IR_VERSION = 1;

const pos = z.object({ line: z.number().int(), column: z.number().int() }).strict().optional();
const dtype = z.enum(DTYPES);
const mathFn = z.enum(Object.keys(MATH_FUNCTIONS) as [keyof typeof MATH_FUNCTIONS, ...(keyof typeof MATH_FUNCTIONS)[]]);

const expr: z.ZodType<Expr> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("number"), value: z.number(), pos }).strict(),
    z.object({ kind: z.literal("name"), name: z.string(), pos }).strict(),
    z.object({ kind: z.literal("access"), field: z.string(), offset: z.array(z.number().int()), pos }).strict(),
    z.object({ kind: z.literal("unary"), op: z.enum(["-", "+", "not", "~"]), operand: expr, pos }).strict(),
    z.object({
      kind: z.literal("binary"),
      op: z.enum(["+", "-", "*", "/", "**", "%", "<<", ">>", "&", "|", "^", "<", "<=", ">", ">=", "==", "!=", "and", "or"]),
      left: expr, right: expr, pos,
    }).strict(),
    z.object({ kind: z.literal("call"), fn: mathFn, args: z.array(expr), pos }).strict(),
    z.object({ kind: z.literal("ternary"), cond: expr, then: expr, otherwise: expr, pos }).strict(),
  ]),
) as z.ZodType<Expr>;

const assignment = z.object({ target: z.string(), value: expr, pos }).strict();
const range = z.object({ start: z.number().int(), end: z.number().int(), step: z.number().int() }).strict();
const memlet = z.object({
  data: z.string(), subset: z.array(range), volume: z.number().optional(), dynamic: z.boolean().optional(),
  wcr: z.enum(["sum", "product", "min", "max"]).optional(),
}).strict();
const boundary = z.discriminatedUnion("type", [
  z.object({ type: z.literal("constant"), value: z.number() }).strict(),
  z.object({ type: z.literal("copy") }).strict(),
  z.object({ type: z.literal("shrink") }).strict(),
]);
const id = z.number().int().nonnegative();
const node = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("access"), id, data: z.string() }).strict(),
  z.object({ kind: z.literal("tasklet"), id, label: z.string(), inputs: z.array(z.string()), outputs: z.array(z.string()), code: z.array(assignment) }).strict(),
  z.object({ kind: z.literal("map_entry"), id, label: z.string(), params: z.array(z.string()), ranges: z.array(range), exit: id }).strict(),
  z.object({ kind: z.literal("map_exit"), id, entry: id }).strict(),
  z.object({
    kind: z.literal("stencil"), id, label: z.string(), dtype, iterators: z.array(z.string()),
    domain: z.array(z.number().int().positive()),
    inputs: z.record(z.string(), z.object({ data: z.string(), axes: z.array(z.number().int()), boundary }).strict()),
    output: z.string(), code: z.array(assignment),
    region: z.object({ lo: z.array(z.number().int()), hi: z.array(z.number().int()), keep: z.string() }).strict().optional(),
  }).strict(),
  z.object({
    kind: z.literal("reduce"), id, label: z.string(), dtype, domain: z.array(z.number().int().positive()),
    op: z.enum(["sum", "product", "min", "max"]), reducedAxes: z.number().int().positive(), input: z.string(), output: z.string(),
    diagonal: z.boolean().optional(),
  }).strict(),
]);
const size = z.union([z.number().int(), z.string()]);
const dataDesc = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("array"), dtype, shape: z.array(size), transient: z.boolean(), storage: z.enum(["default", "global", "onchip", "register"]) }).strict(),
  z.object({ kind: z.literal("stream"), dtype, depth: z.number().int(), transient: z.boolean() }).strict(),
  z.object({ kind: z.literal("scalar"), dtype, transient: z.boolean() }).strict(),
]);

const sdfgSchema = z.object({
  format: z.literal(IR_FORMAT),
  version: z.literal(IR_VERSION),
  name: z.string(),
  symbols: z.record(z.string(), z.object({ dtype: z.literal("int64"), value: z.number().int().optional() }).strict()),
  constants: z.record(z.string(), z.object({ value: z.number(), dtype }).strict()),
  arrays: z.record(z.string(), dataDesc),
  states: z.array(z.object({
    name: z.string(),
    nodes: z.array(node),
    edges: z.array(z.object({ src: id, srcConn: z.string().nullable(), dst: id, dstConn: z.string().nullable(), memlet: memlet.nullable() }).strict()),
  }).strict()),
  interstate: z.array(z.object({ src: z.string(), dst: z.string(), condition: expr.optional(), assignments: z.record(z.string(), expr) }).strict()),
  startState: z.string(),
  timeLoop: z.object({ steps: z.number().int().positive(), feedback: z.record(z.string(), z.string()) }).strict().optional(),
  returnedInputs: z.array(z.string()).optional(),
}).strict();

/** Serializes with keys sorted at every level, so equal SDFGs give byte-identical files. */
export function sdfgToJSON(sdfg: SDFG): string {
  const sorted = (_key: string, value: unknown) =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value;
  return JSON.stringify({ format: IR_FORMAT, version: IR_VERSION, ...sdfg }, sorted, 1) + "\n";
}

/** Parses and validates a serialized SDFG; throws an Error naming the first problems. */
export function sdfgFromJSON(text: string): SDFG {
  const parsed = sdfgSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`$.${first.path.join(".")}: ${first.message}`);
  }
  const { format: _f, version: _v, ...sdfg } = parsed.data;
  const issues = validateSDFG(sdfg as SDFG);
  if (issues.length > 0) throw new Error(`invalid SDFG:\n${formatIssues(issues)}`);
  return sdfg as SDFG;
}
