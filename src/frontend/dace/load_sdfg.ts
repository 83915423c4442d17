// Loads a DaCe `.sdfg` file (the JSON DaCe 2.x and v2.0.0-alpha2 write) into our program IR.
// Every object is checked with a zod schema where it is read, so a mistake is reported at its
// JSON path (`file: $.nodes[0].nodes[3].attributes.code: …`). Properties DaCe omits because they
// equal their default get DaCe's default here (read from DaCe's property declarations).

import { readFileSync } from "node:fs";
import { z } from "zod";
import { UserError, jsonPathLocation } from "../../ir/diagnostics.js";
import {
  type LibraryAttributes, type PBlock, type PDataDesc, type PDType, type PEdge, type PExpr, type PInterstate,
  type PMemlet, type PNode, type Program, type PRange, type PRegion, type PState, type PStmt, type Wcr,
} from "../../ir/program.js";
import { daceTypeOf, scalarDtypeOf } from "./dace_dtype.js";
import { parsePyAssignments, parsePyExpression, parsePyStatements, parseWcr, PythonCodeError } from "./python_code.js";

type Path = (string | number)[];

const codeSchema = z.looseObject({ string_data: z.string(), language: z.string().optional() });
const rangeSchema = z.looseObject({
  type: z.literal("Range").optional(),
  ranges: z.array(z.looseObject({ start: z.union([z.string(), z.number()]), end: z.union([z.string(), z.number()]), step: z.union([z.string(), z.number()]).optional(), tile: z.unknown().optional() })),
});
const connectors = z.record(z.string(), z.unknown()).nullable().optional();
const dataSchema = z.looseObject({
  type: z.string(),
  attributes: z.looseObject({
    dtype: z.unknown().optional(),
    shape: z.array(z.union([z.string(), z.number()])).optional(),
    strides: z.array(z.union([z.string(), z.number()])).optional(),
    offset: z.array(z.union([z.string(), z.number()])).optional(),
    transient: z.boolean().optional(),
    storage: z.string().optional(),
    buffer_size: z.union([z.string(), z.number()]).optional(),
    start_offset: z.number().optional(),
  }),
});
const sdfgSchema = z.looseObject({
  type: z.literal("SDFG"),
  attributes: z.looseObject({
    name: z.string(),
    arg_names: z.array(z.string()).optional(),
    _arrays: z.record(z.string(), z.unknown()),
    symbols: z.record(z.string(), z.string()).optional(),
    constants_prop: z.record(z.string(), z.unknown()).optional(),
  }),
  nodes: z.array(z.unknown()),
  edges: z.array(z.unknown()),
  start_block: z.union([z.number(), z.string()]).nullable().optional(),
});
const blockSchema = z.looseObject({ type: z.string(), label: z.string().optional(), attributes: z.record(z.string(), z.unknown()).optional() });
const regionSchema = z.looseObject({
  type: z.string(), label: z.string().optional(),
  nodes: z.array(z.unknown()), edges: z.array(z.unknown()),
  start_block: z.union([z.number(), z.string()]).nullable().optional(),
});
const stateSchema = z.looseObject({
  type: z.literal("SDFGState"), label: z.string().optional(),
  nodes: z.array(z.unknown()), edges: z.array(z.unknown()),
});
const nodeSchema = z.looseObject({
  type: z.string(), label: z.string().optional(), id: z.number().int(),
  scope_entry: z.union([z.string(), z.number()]).nullable().optional(),
  scope_exit: z.union([z.string(), z.number()]).nullable().optional(),
  attributes: z.looseObject({ in_connectors: connectors, out_connectors: connectors }).optional(),
  classpath: z.string().optional(),
});
const edgeSchema = z.looseObject({
  src: z.union([z.string(), z.number()]), dst: z.union([z.string(), z.number()]),
  src_connector: z.string().nullable().optional(), dst_connector: z.string().nullable().optional(),
  attributes: z.looseObject({ data: z.looseObject({ type: z.string(), attributes: z.record(z.string(), z.unknown()).optional() }) }),
});
const memletSchema = z.looseObject({
  data: z.string().nullable().optional(),
  subset: rangeSchema.nullable().optional(),
  other_subset: rangeSchema.nullable().optional(),
  is_data_src: z.boolean().nullable().optional(),
  volume: z.union([z.string(), z.number()]).nullable().optional(),
  dynamic: z.boolean().optional(),
  wcr: z.string().nullable().optional(),
});
const interstateSchema = z.looseObject({
  condition: codeSchema.optional(),
  assignments: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

const interstateEdgeSchema = edgeSchema.omit({ src_connector: true, dst_connector: true });
const conditionalSchema = z.looseObject({ branches: z.array(z.tuple([codeSchema.nullable(), z.unknown()])) });
const accessSchema = z.looseObject({ data: z.string() });
const taskletSchema = z.looseObject({ code: codeSchema, label: z.string().optional() });
const mapEntrySchema = z.looseObject({ label: z.string().optional(), params: z.array(z.string()), range: z.unknown(), schedule: z.string().optional(), unroll: z.boolean().optional() });
const nestedSchema = z.looseObject({ sdfg: z.unknown(), symbol_mapping: z.record(z.string(), z.union([z.string(), z.number()])).optional(), label: z.string().optional() });
const loopSchema = z.looseObject({
          loop_variable: z.string().nullable().optional(), init_statement: codeSchema.nullable().optional(),
          update_statement: codeSchema.nullable().optional(), loop_condition: codeSchema.nullable().optional(),
          inverted: z.boolean().optional(), update_before_condition: z.boolean().optional(),
        });
const libraryNodeSchema = z.looseObject({
          axes: z.array(z.number().int()).nullable().optional(), wcr: z.string().nullable().optional(),
          identity: z.union([z.string(), z.number()]).nullable().optional(),
          alpha: z.union([z.string(), z.number()]).optional(), beta: z.union([z.string(), z.number()]).optional(),
          transA: z.boolean().optional(), transB: z.boolean().optional(),
          size: z.union([z.string(), z.number()]).optional(),
        });

/** DaCe's dtype spellings (also `dace.float64`, `float`) → ours. */
export class SdfgLoader {
  private readonly file: string;
  constructor(file: string) { this.file = file; }

  at(path: Path): string { return jsonPathLocation(this.file, path); }

  check<T>(schema: z.ZodType<T>, value: unknown, path: Path): T {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    throw new UserError(this.at([...path, ...(issue.path as (string | number)[])]), issue.message);
  }

  private codeError(e: unknown, path: Path): never {
    if (e instanceof PythonCodeError) throw new UserError(this.at(path), `${e.message}`);
    throw e;
  }

  expr(s: string | number, path: Path): PExpr {
    if (typeof s === "number") return { kind: "number", value: s, integer: Number.isInteger(s) };
    try { return parsePyExpression(s); } catch (e) { this.codeError(e, path); }
  }

  statements(s: string, path: Path): PStmt[] {
    try { return parsePyStatements(s); } catch (e) { this.codeError(e, path); }
  }

  private assignments(s: string, path: Path): [string, PExpr][] {
    try { return parsePyAssignments(s); } catch (e) { this.codeError(e, path); }
  }

  private wcr(s: string, path: Path): Wcr {
    try { return parseWcr(s); } catch (e) { this.codeError(e, path); }
  }

  private range(v: unknown, path: Path): PRange[] {
    const r = this.check(rangeSchema, v, path);
    return r.ranges.map((x, i) => ({
      start: this.expr(x.start, [...path, "ranges", i, "start"]),
      end: this.expr(x.end, [...path, "ranges", i, "end"]),
      step: x.step === undefined ? { kind: "number", value: 1, integer: true } : this.expr(x.step, [...path, "ranges", i, "step"]),
    }));
  }

  load(doc: unknown, path: Path = []): Program {
    const s = this.check(sdfgSchema, doc, path);
    const attrs = s.attributes;
    const arrays: Record<string, PDataDesc> = {};
    for (const [name, raw] of Object.entries(attrs._arrays)) arrays[name] = this.dataDesc(raw, [...path, "attributes", "_arrays", name]);
    const symbols: Record<string, PDType> = {};
    for (const [n, t] of Object.entries(attrs.symbols ?? {})) symbols[n] = scalarDtypeOf(t, this.at([...path, "attributes", "symbols", n]));
    const constants: Record<string, number> = {};
    for (const [n, v] of Object.entries(attrs.constants_prop ?? {})) {
      const val = Array.isArray(v) ? v[1] : v;
      const num = typeof val === "object" && val !== null && "value" in val ? (val as { value: unknown }).value : val;
      if (typeof num !== "number") throw new UserError(this.at([...path, "attributes", "constants_prop", n]), "only numeric constants are supported");
      constants[n] = num;
    }
    const root = this.region(s, path, attrs.name);
    const argNames = attrs.arg_names ?? Object.keys(arrays).filter((a) => !arrays[a]!.transient);
    if (path.length === 0) argNames.forEach((a, i) => { if (!arrays[a]) throw new UserError(this.at([...path, "attributes", "arg_names", i]), `argument '${a}' has no data descriptor`); });
    return { name: attrs.name, argNames, symbols, arrays, constants, root, file: this.file };
  }

  private dataDesc(raw: unknown, path: Path): PDataDesc {
    const d = this.check(dataSchema, raw, path);
    const kinds: Record<string, PDataDesc["kind"]> = { Array: "array", Scalar: "scalar", ArrayView: "view", View: "view", Stream: "stream", ArrayReference: "view" };
    const kind = kinds[d.type];
    if (!kind) throw new UserError(this.at([...path, "type"]), `unsupported data descriptor type '${d.type}' (supported: ${Object.keys(kinds).join(", ")})`);
    const a = d.attributes;
    const { dtype, veclen } = daceTypeOf(a.dtype, this.at([...path, "attributes", "dtype"]));
    const shape = (a.shape ?? ["1"]).map((x, i) => this.expr(x, [...path, "attributes", "shape", i]));
    let strides: PExpr[];
    if (a.strides) strides = a.strides.map((x, i) => this.expr(x, [...path, "attributes", "strides", i]));
    else {
      // DaCe's default: C order over the shape.
      strides = shape.map((_, i) => shape.slice(i + 1).reduce<PExpr>((acc, s) => ({ kind: "binary", op: "*", left: acc, right: s }), { kind: "number", value: 1, integer: true }));
    }
    (a.offset ?? []).forEach((o, i) => {
      if (String(o) !== "0") throw new UserError(this.at([...path, "attributes", "offset", i]), "non-zero index offsets are not supported");
    });
    if (a.start_offset) throw new UserError(this.at([...path, "attributes", "start_offset"]), "non-zero start_offset is not supported");
    const out: PDataDesc = { kind, dtype, shape, strides, transient: a.transient ?? false, storage: a.storage ?? "Default" };
    if (veclen !== undefined) out.veclen = veclen;
    if (kind === "stream") out.bufferSize = this.expr(a.buffer_size ?? 0, [...path, "attributes", "buffer_size"]);
    return out;
  }

  /** Interstate edges and start_block name blocks by their position in `nodes` (as DaCe reads them). */
  private blockIds(nodes: unknown[]): Map<string, number> {
    return new Map(nodes.map((_, i) => [String(i), i]));
  }

  /** A control-flow region (the SDFG itself, a LoopRegion's body, a branch). */
  region(raw: unknown, path: Path, label: string): PRegion {
    const r = this.check(regionSchema, raw, path);
    const blocks: PBlock[] = r.nodes.map((n, i) => this.block(n, [...path, "nodes", i]));
    const ids = this.blockIds(r.nodes);
    const edges: PInterstate[] = r.edges.map((e, i) => this.interstate(e, [...path, "edges", i], ids));
    // DaCe: the unique block without incoming edges starts; if that is ambiguous, start_block.
    const targets = new Set(edges.map((e) => e.dst));
    const sources = blocks.map((_, i) => i).filter((i) => !targets.has(i));
    let start = 0;
    if (sources.length === 1) start = sources[0]!;
    else if (r.start_block !== null && r.start_block !== undefined && ids.has(String(r.start_block))) start = ids.get(String(r.start_block))!;
    else if (blocks.length > 0) throw new UserError(this.at([...path, "start_block"]), `the start block is ambiguous (${sources.length} blocks have no incoming edge) and start_block does not name one`);
    return { kind: "region", label: r.label ?? label, blocks, edges, start, where: this.at(path) };
  }

  private interstate(raw: unknown, path: Path, ids: Map<string, number>): PInterstate {
    const e = this.check(interstateEdgeSchema, raw, path);
    const src = ids.get(String(e.src));
    const dst = ids.get(String(e.dst));
    if (src === undefined) throw new UserError(this.at([...path, "src"]), `edge source ${e.src} is not a block of this region`);
    if (dst === undefined) throw new UserError(this.at([...path, "dst"]), `edge destination ${e.dst} is not a block of this region`);
    const d = this.check(interstateSchema, e.attributes.data.attributes ?? {}, [...path, "attributes", "data", "attributes"]);
    const condPath = [...path, "attributes", "data", "attributes", "condition", "string_data"];
    const cond = d.condition && d.condition.string_data.trim() !== "1" && d.condition.string_data.trim() !== "True" ? this.expr(d.condition.string_data, condPath) : null;
    const assignments: [string, PExpr][] = Object.entries(d.assignments ?? {}).map(([k, v]) => [k, this.expr(v, [...path, "attributes", "data", "attributes", "assignments", k])]);
    return { src, dst, condition: cond, assignments, where: this.at(path) };
  }

  private block(raw: unknown, path: Path): PBlock {
    const b = this.check(blockSchema, raw, path);
    switch (b.type) {
      case "SDFGState": return this.state(raw, path);
      case "ControlFlowRegion": return this.region(raw, path, b.label ?? "region");
      case "LoopRegion": {
        const a = this.check(loopSchema, b.attributes ?? {}, [...path, "attributes"]);
        const ap = [...path, "attributes"];
        const out = {
          kind: "loop" as const, label: b.label ?? "loop", variable: a.loop_variable || null,
          init: a.init_statement ? this.assignments(a.init_statement.string_data, [...ap, "init_statement", "string_data"]) : [],
          condition: a.loop_condition ? this.expr(a.loop_condition.string_data, [...ap, "loop_condition", "string_data"]) : { kind: "bool" as const, value: true },
          update: a.update_statement ? this.assignments(a.update_statement.string_data, [...ap, "update_statement", "string_data"]) : [],
          inverted: a.inverted ?? false,
          body: this.region(raw, path, b.label ?? "loop"),
          where: this.at(path),
        };
        if (out.inverted && a.update_before_condition === false) throw new UserError(this.at([...ap, "update_before_condition"]), "inverted loops that check the condition before the update are not supported");
        return out;
      }
      case "ConditionalBlock": {
        const c = this.check(conditionalSchema, raw, path);
        return {
          kind: "conditional", label: b.label ?? "if", where: this.at(path),
          branches: c.branches.map(([cond, body], i) => ({
            condition: cond ? this.expr(cond.string_data, [...path, "branches", i, 0, "string_data"]) : null,
            body: this.region(body, [...path, "branches", i, 1], `${b.label ?? "if"}_${i}`),
          })),
        };
      }
      default:
        throw new UserError(this.at([...path, "type"]), `unknown control-flow block type '${b.type}' (supported: SDFGState, LoopRegion, ConditionalBlock, ControlFlowRegion)`);
    }
  }

  private state(raw: unknown, path: Path): PState {
    const s = this.check(stateSchema, raw, path);
    const nodes: PNode[] = [];
    const scope = new Map<number, number | null>();
    const seen = new Set<number>();
    s.nodes.forEach((rawNode, i) => {
      const np = [...path, "nodes", i];
      const n = this.check(nodeSchema, rawNode, np);
      if (seen.has(n.id)) throw new UserError(this.at([...np, "id"]), `node id ${n.id} appears twice in the state`);
      seen.add(n.id);
      scope.set(n.id, n.scope_entry === null || n.scope_entry === undefined ? null : Number(n.scope_entry));
      nodes.push(this.node(rawNode, n, np));
    });
    const byId = new Map(nodes.map((n) => [n.id, n]));
    for (const [id, sc] of scope) {
      if (sc !== null && byId.get(sc)?.kind !== "map_entry" && byId.get(sc)?.kind !== "scope_unsupported") {
        const i = nodes.findIndex((n) => n.id === id);
        throw new UserError(this.at([...path, "nodes", i, "scope_entry"]), `scope_entry ${sc} is not a MapEntry of this state`);
      }
    }
    // A map exit belongs to its entry's scope; DaCe writes the entry itself as its scope_entry.
    for (const n of nodes) if (n.kind === "map_exit") scope.set(n.id, scope.get(n.entry) ?? null);
    for (const n of nodes) if (n.kind === "map_entry" && byId.get(n.exit)?.kind !== "map_exit") {
      const i = nodes.indexOf(n);
      throw new UserError(this.at([...path, "nodes", i, "scope_exit"]), `MapEntry '${n.label}' has no MapExit ${n.exit}`);
    }
    const edges: PEdge[] = s.edges.map((rawEdge, i) => {
      const ep = [...path, "edges", i];
      const e = this.check(edgeSchema, rawEdge, ep);
      const src = Number(e.src);
      const dst = Number(e.dst);
      if (!byId.has(src)) throw new UserError(this.at([...ep, "src"]), `edge source ${e.src} is not a node of this state`);
      if (!byId.has(dst)) throw new UserError(this.at([...ep, "dst"]), `edge destination ${e.dst} is not a node of this state`);
      const data = e.attributes.data;
      const memlet = data.type === "Memlet" ? this.memlet(data.attributes ?? {}, [...ep, "attributes", "data", "attributes"]) : null;
      return { src, dst, srcConn: e.src_connector ?? null, dstConn: e.dst_connector ?? null, memlet, where: this.at(ep) };
    });
    return { kind: "state", label: s.label ?? "state", nodes, edges, scope, where: this.at(path) };
  }

  private memlet(raw: unknown, path: Path): PMemlet | null {
    const m = this.check(memletSchema, raw, path);
    if (!m.data) return null; // an empty memlet: ordering only
    return {
      data: m.data,
      subset: m.subset ? this.range(m.subset, [...path, "subset"]) : null,
      otherSubset: m.other_subset ? this.range(m.other_subset, [...path, "other_subset"]) : null,
      subsetIsSrc: m.is_data_src ?? null,
      volume: m.volume === null || m.volume === undefined ? null : this.expr(m.volume, [...path, "volume"]),
      dynamic: m.dynamic ?? false,
      wcr: m.wcr ? this.wcr(m.wcr, [...path, "wcr"]) : null,
    };
  }

  private node(raw: unknown, n: z.infer<typeof nodeSchema>, path: Path): PNode {
    const attrs = (raw as { attributes?: Record<string, unknown> }).attributes ?? {};
    const ap = [...path, "attributes"];
    const conns = (c: Record<string, unknown> | null | undefined) => Object.keys(c ?? {});
    const where = this.at(path);
    switch (n.type) {
      case "AccessNode": {
        const a = this.check(accessSchema, attrs, ap);
        return { kind: "access", id: n.id, data: a.data, where };
      }
      case "Tasklet": {
        const a = this.check(taskletSchema, attrs, ap);
        const lang = a.code.language ?? "Python";
        if (lang !== "Python") throw new UserError(this.at([...ap, "code", "language"]), `tasklet language '${lang}' is not supported (only Python tasklets are)`);
        const vectorConns: Record<string, number> = {};
        for (const side of ["in_connectors", "out_connectors"] as const) {
          for (const [c, t] of Object.entries(n.attributes?.[side] ?? {})) {
            // Only vector connector types matter to code generation; other types are inferred.
            if (typeof t !== "object" || t === null || (t as { type?: unknown }).type !== "vector") continue;
            const v = daceTypeOf(t, this.at([...ap, side, c])).veclen;
            if (v !== undefined) vectorConns[c] = v;
          }
        }
        return {
          kind: "tasklet", id: n.id, label: a.label ?? n.label ?? "tasklet", where,
          inputs: conns(n.attributes?.in_connectors), outputs: conns(n.attributes?.out_connectors),
          code: this.statements(a.code.string_data, [...ap, "code", "string_data"]),
          ...(Object.keys(vectorConns).length > 0 ? { vectorConns } : {}),
        };
      }
      case "MapEntry": {
        const a = this.check(mapEntrySchema, attrs, ap);
        const ranges = this.range(a.range, [...ap, "range"]);
        if (ranges.length !== a.params.length) throw new UserError(this.at([...ap, "range"]), `the map has ${a.params.length} parameters but ${ranges.length} ranges`);
        if (n.scope_exit === null || n.scope_exit === undefined) throw new UserError(this.at([...path, "scope_exit"]), "a MapEntry needs its scope_exit");
        return { kind: "map_entry", id: n.id, label: a.label ?? "map", params: a.params, ranges, exit: Number(n.scope_exit), where, schedule: a.schedule ?? "Default", unroll: a.unroll ?? false };
      }
      case "MapExit": {
        if (n.scope_entry === null || n.scope_entry === undefined) throw new UserError(this.at([...path, "scope_entry"]), "a MapExit needs its scope_entry");
        return { kind: "map_exit", id: n.id, entry: Number(n.scope_entry), where };
      }
      case "NestedSDFG": {
        const a = this.check(nestedSchema, attrs, ap);
        const sdfg = this.load(a.sdfg, [...ap, "sdfg"]);
        const symbolMapping: Record<string, PExpr> = {};
        for (const [k, v] of Object.entries(a.symbol_mapping ?? {})) symbolMapping[k] = this.expr(v, [...ap, "symbol_mapping", k]);
        return { kind: "nested", id: n.id, label: a.label ?? "nested", sdfg, symbolMapping, inputs: conns(n.attributes?.in_connectors), outputs: conns(n.attributes?.out_connectors), where };
      }
      case "LibraryNode": {
        const a = this.check(libraryNodeSchema, attrs, ap);
        const la: LibraryAttributes = {};
        if (a.axes !== undefined) la.axes = a.axes;
        if (a.wcr) la.wcr = this.wcr(a.wcr, [...ap, "wcr"]);
        if (a.identity !== undefined && a.identity !== null) {
          const v = Number(a.identity);
          if (Number.isNaN(v) && a.identity !== "nan") throw new UserError(this.at([...ap, "identity"]), `identity '${a.identity}' is not a number`);
          la.identity = v;
        }
        if (a.alpha !== undefined) la.alpha = Number(a.alpha);
        if (a.beta !== undefined) la.beta = Number(a.beta);
        if (a.transA !== undefined) la.transA = a.transA;
        if (a.transB !== undefined) la.transB = a.transB;
        if (a.size !== undefined) la.size = this.expr(a.size, [...ap, "size"]);
        return { kind: "library", id: n.id, label: n.label ?? "library", classpath: n.classpath ?? "", attributes: la, where };
      }
      case "ConsumeEntry": case "ConsumeExit": case "PipelineEntry": case "PipelineExit":
        // Loaded so the file can be read and exported; code generation refuses it by name.
        return { kind: "scope_unsupported", id: n.id, type: n.type, label: n.label ?? n.type, where };
      default:
        throw new UserError(this.at([...path, "type"]), `unknown or unsupported node type '${n.type}' (supported: AccessNode, Tasklet, MapEntry, MapExit, NestedSDFG, LibraryNode)`);
    }
  }
}

/** Reads a `.sdfg` file into a Program. Throws UserError. */
export function loadSdfgFile(path: string): Program {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(path, code === "ENOENT" ? "program file does not exist" : `cannot read program file: ${(err as Error).message}`);
  }
  return parseSdfgText(text, path);
}

export function parseSdfgText(text: string, file: string): Program {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const off = m ? Number(m[1]) : text.length;
    const before = text.slice(0, off).split("\n");
    const where = `${file}:${before.length}:${before[before.length - 1]!.length + 1}`;
    throw new UserError(where, `not valid JSON: ${(err as Error).message.replace(/^JSON\.parse: /, "").split("\n")[0]}`);
  }
  return new SdfgLoader(file).load(doc);
}
