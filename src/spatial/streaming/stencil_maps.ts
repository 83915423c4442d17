// Pattern pass "stencil-maps": a DaCe program whose maps each compute one element from inputs at
// constant offsets of the map point (NumPy slice arithmetic such as `B[1:-1] = 0.33 * (A[:-2] +
// A[1:-1] + A[2:])`) becomes a stencil program on the stencil road:
//  - every map is a StencilNode over one common domain (the shape of the largest of the
//    program's arrays); a map writing only a sub-box of an array keeps the array's previous
//    values elsewhere (the stencil's write region);
//  - an array smaller than the domain (hdiff's out_field and coeff inside in_field's halo) is a
//    box of it: a written one centred, a read-only one where its last reader reads it at offset
//    0; its input travels padded with zeros (the .npy sub-box of input_data.ts) and only its box
//    of the domain-shaped output is the program's (`outputBoxes`). Every PE still computes the
//    whole domain: outside the boxes its values are never read by an element inside them, which
//    holds as long as every box lies in the domain (checked);
//  - every write of an array is a new version of it (`B_v1`, …, the last one named `B`), every
//    array the program reads before writing is an input (`B_in` when it is also written);
//  - an intermediate transient read by exactly one map is fused into that map's expression (its
//    accesses shifted by the read's offset), otherwise it is a channel between two PEs;
//  - a counted loop around the states is the stencil road's time loop, every written array fed
//    back into its input, so that -P replicates time steps;
//  - a loop body that copies `T[t]` of a read-only 1-D array into a scalar (a per-step value)
//    reads row 0 of a step table instead, shifted up a row after every step (step_table.ts).
// Whatever the pass cannot prove it handles is refused with the reason.

import { existsSync, readFileSync } from "node:fs";
import { npyValues, readNpyHeader } from "../../data/npy_any.js";
import { join } from "node:path";
import type { DType } from "../../ir/dtype.js";
import { UserError } from "../../ir/diagnostics.js";
import { mapExpr, walkExpr, type Assignment, type Expr } from "../../ir/expr.js";
import { nameProblem } from "../../ir/names.js";
import { SDFGBuilder } from "../../ir/builder.js";
import type { StencilInput, WriteRegion } from "../../ir/sdfg.js";
import type { ProgramBundle, ProgramInput } from "../../frontend/load_program.js";
import { constantValue } from "./affine_index.js";
import type { KernelMapping, PatternResult, StreamingInput, StreamPattern } from "./patterns.js";
import { liftLowerRankMaps } from "./lower_rank_maps.js";
import { pointMapsOf, type PointMap } from "./point_maps.js";
import { straightLine } from "./program_shape.js";
import { stepTableReads } from "./step_table.js";
import { stencilText } from "./stencil_text.js";
import { scalarDefinition } from "./scalar_tasklets.js";
import { streamedTypeProblem, taskletToStencil, type ConnectorRead } from "./tasklet_to_stencil.js";


export const STENCIL_MAPS_PATTERN = "stencil-maps";

const ITERATORS = ["i", "j", "k"];

/** One value of a data container: its initial value or what one map wrote. */
interface Version {
  data: string;
  transient: boolean;
  /** Index of the map that writes it; null for the value the program starts with. */
  writer: number | null;
  /** Position of element 0 in the common domain (0 for the program's own arrays). */
  origin?: number[];
  name?: string;
}

interface MapUse {
  map: PointMap;
  reads: { version: Version; connector: string; offset: number[]; scalar: boolean }[];
  /** Connectors reading a scalar a tasklet outside the maps computed: that expression. */
  inlined?: Map<string, Expr>;
  writes: Version;
  /** The version this write replaces (what the region keeps). */
  previous: Version;
  /** Where parameter 0 of each axis sits in the common domain. */
  place?: number[];
}

export function raiseStencilMaps(input: StreamingInput): PatternResult {
  let { program } = input;
  const values: Record<string, number> = { ...program.constants, ...input.symbols };
  // A loop bound may be an integer scalar argument (NumPy's `for t in range(1, TSTEPS)`): its
  // value is read from <arg>.npy, and the streamed design does that many time steps.
  const shape = straightLine(program, { ...values, ...integerScalarArguments(input) });
  if (typeof shape === "string") return { ok: false, reason: shape };
  if (shape.steps === 0) return { ok: false, reason: "its loop runs zero times" };
  // Maps over fewer axes than the arrays (a column computed from other columns) as maps over
  // all of them (lower_rank_maps.ts); a program without such maps is left as it is.
  {
    const lifted = liftLowerRankMaps([...(shape.prologue ?? []), ...shape.states], program.arrays, values);
    const before = shape.prologue?.length ?? 0;
    if (before > 0) shape.prologue = lifted.states.slice(0, before);
    shape.states = lifted.states.slice(before);
    program = { ...program, arrays: lifted.arrays };
  }
  // Per-step values: scalar → the step table (a new program array) it reads.
  const stepScalars = new Map<string, string>();
  const tableSource = new Map<string, string>();
  if (shape.variable) {
    const t = stepTableReads(shape.states, shape.variable.name, program.arrays, values);
    if (typeof t === "string") return { ok: false, reason: `${shape.variable.where}: ${t}` };
    shape.states = t.states;
    const arrays = { ...program.arrays };
    for (const [scalar, source] of [...t.scalars].sort()) {
      let table = `${source.replace(/^_+|_+$/g, "").replace(/__+/g, "_") || "step"}_steps`;
      for (let n = 2; Object.hasOwn(arrays, table); n++) table = `${source.replace(/^_+|_+$/g, "")}_steps_${n}`;
      // The table has the shape of the largest argument array (the domain, see domainOf).
      const size = (d: (typeof arrays)[string]) => d.shape.reduce<number>((p, e) => p * (constantValue(e, values) ?? 0), 1);
      const like = Object.entries(arrays).filter(([, d]) => !d.transient && d.kind === "array").sort(([x, d], [y, e]) => size(e) - size(d) || (x < y ? -1 : 1))[0]?.[1];
      if (!like) return { ok: false, reason: `${shape.variable.where}: the program has no argument array to shape the step table of '${scalar}'` };
      arrays[table] = { ...like, transient: false };
      stepScalars.set(scalar, table);
      tableSource.set(table, source);
    }
    program = { ...program, arrays };
  }

  // States before the time loop may only give transients values nothing reads (`b = np.zeros`
  // before cavity_flow's loop, whose border b's readers never read): checked below, where every
  // transient must be written in the step before it is read.
  const prologueWrites = new Set<string>();
  // Scalars computed outside the maps (`1 / dt`), by name: their expressions over the program's
  // read-only scalars, put into the maps that read them.
  const scalarDefs = new Map<string, Expr>();
  /** Records what scalar tasklet `m` computes; the reason when it cannot be put into its readers. */
  const defineScalar = (m: PointMap): string | null => {
    const def = scalarDefinition(m, scalarDefs, program.arrays, values);
    if (typeof def === "string") return `${m.where}: tasklet '${m.label}': ${def}`;
    scalarDefs.set(m.write.data, def);
    return null;
  };
  for (const state of shape.prologue ?? []) {
    const maps = pointMapsOf(state, program.arrays, values);
    if (typeof maps === "string") return { ok: false, reason: maps };
    for (const m of maps.filter((x) => x.params.length === 0)) {
      const problem = defineScalar(m);
      if (problem) return { ok: false, reason: problem };
    }
    const kept = maps.find((m) => m.params.length > 0 && !program.arrays[m.write.data]!.transient);
    if (kept) return { ok: false, reason: `${kept.where}: map '${kept.label}' before the time loop writes '${kept.write.data}' (only transients nothing reads may be set before the loop)` };
    for (const m of maps) prologueWrites.add(m.write.data);
  }

  // Versions, in program order.
  const initial = new Map<string, Version>();
  const current = new Map<string, Version>();
  const versionOf = (data: string) => {
    let v = current.get(data);
    if (!v) {
      v = { data, transient: program.arrays[data]!.transient, writer: null };
      initial.set(data, v);
      current.set(data, v);
    }
    return v;
  };
  const uses: MapUse[] = [];
  for (const state of shape.states) {
    const maps = pointMapsOf(state, program.arrays, values);
    if (typeof maps === "string") return { ok: false, reason: maps };
    if (maps.length === 0) continue;
    const atEntry = new Map(current);
    const written = new Map<number, Version>(); // access node → the version written into it
    for (const m of maps) {
      if (m.params.length === 0) {
        const problem = defineScalar(m);
        if (problem) return { ok: false, reason: problem };
        continue;
      }
      const reads: MapUse["reads"] = [];
      const inlined = new Map<string, Expr>();
      for (const r of m.reads) {
        const def = r.scalar ? scalarDefs.get(r.data) : undefined;
        if (def) {
          inlined.set(r.connector, def);
          // The program's scalars the expression reads are inputs of the stencil.
          walkExpr(def, (e) => { if (e.kind === "name") versionOf(e.name); });
          continue;
        }
        const table = stepScalars.get(r.data);
        if (table !== undefined) {
          // Row 0 of the step table holds this step's value: the map must lie on one row.
          if (m.lo[0] !== m.hi[0]) return { ok: false, reason: `${m.where}: map '${m.label}' reads the per-step value '${r.data}' over ${m.hi[0]! - m.lo[0]! + 1} rows (only a map on one row reads it from the step table)` };
          reads.push({ version: versionOf(table), connector: r.connector, offset: m.params.map((_, a) => (a === 0 ? -m.lo[0]! : 0)), scalar: false });
          continue;
        }
        let v = written.get(r.node);
        if (!v) {
          v = atEntry.get(r.data) ?? versionOf(r.data);
          if (v.transient && v.writer === null) return { ok: false, reason: `${m.where}: reads transient '${r.data}' before anything writes it${prologueWrites.has(r.data) ? " in the time step (its value from before the loop is not carried into the streamed steps)" : ""}` };
        }
        reads.push({ version: v, connector: r.connector, offset: r.offset, scalar: r.scalar });
      }
      const previous = versionOf(m.write.data);
      const v: Version = { data: m.write.data, transient: program.arrays[m.write.data]!.transient, writer: uses.length };
      written.set(m.write.node, v);
      current.set(m.write.data, v);
      uses.push({ map: m, reads, writes: v, previous, ...(inlined.size > 0 ? { inlined } : {}) });
    }
  }
  if (uses.length === 0) return { ok: false, reason: "the program has no maps" };
  // After the step: every step table moves up a row (row 0 then holds the next step's value).
  for (const table of [...tableSource.keys()].sort()) {
    const last = shape.states[shape.states.length - 1]!;
    const extent = program.arrays[table]!.shape.map((e) => constantValue(e, values));
    if (extent.some((e) => e === null)) return { ok: false, reason: `the shape of '${table}' is not known before the run` };
    if (extent[0]! < shape.steps!) return { ok: false, reason: `${shape.variable!.where}: ${shape.steps} steps need ${shape.steps} rows of the step table of '${tableSource.get(table)}', the domain has ${extent[0]}` };
    const params = extent.map((_, a) => `step${a}`);
    const zero = extent.map(() => 0);
    const map: PointMap = {
      state: last, entry: -1 - uses.length, label: `shift_${table}`, where: shape.variable!.where, params, lo: zero, hi: extent.map((e) => e! - 1),
      code: [{ kind: "assign", target: "out", value: { kind: "name", name: "in" } }], output: "out",
      reads: [{ connector: "in", data: table, node: -1, offset: extent.map((_, a) => (a === 0 ? 1 : 0)), scalar: false }],
      write: { data: table, node: -2, offset: zero },
    };
    const previous = versionOf(table);
    const v: Version = { data: table, transient: false, writer: uses.length };
    uses.push({ map, reads: [{ version: previous, connector: "in", offset: map.reads[0]!.offset, scalar: false }], writes: v, previous });
    current.set(table, v);
  }

  // The common domain: the shape of the largest of the program's arrays, which must hold every
  // other one (an array smaller than the domain is a box inside it, see the placement below).
  const dims = (data: string) => program.arrays[data]!.shape.map((e) => constantValue(e, values));
  const first = uses.find((u) => !u.writes.transient);
  if (!first) return { ok: false, reason: "no map writes one of the program's arrays" };
  const arraysUsed = [...new Set(uses.flatMap((u) => [u.writes, ...u.reads.map((r) => r.version)]).filter((v) => !v.transient && program.arrays[v.data]!.kind !== "scalar").map((v) => v.data))].sort();
  const shapes = new Map<string, number[]>();
  for (const a of arraysUsed) {
    const s = dims(a);
    if (s.some((d) => d === null)) return { ok: false, reason: `the shape of '${a}' is not known before the run` };
    shapes.set(a, s as number[]);
  }
  const D = domainOf(shapes);
  if (typeof D === "string") return { ok: false, reason: D };
  if (D.length < 1 || D.length > 3) return { ok: false, reason: `the program's arrays have ${D.length} axes; stencil programs have 1 to 3` };
  const smaller = arraysUsed.filter((a) => shapes.get(a)!.join() !== D.join());
  if (smaller.length > 0 && shape.steps !== undefined) {
    return { ok: false, reason: `arrays of different shapes ('${smaller[0]}' is smaller than the ${D.join("x")} domain) inside a time loop are not streamed yet` };
  }
  for (const u of uses) if (u.map.params.length !== D.length) return { ok: false, reason: `${u.map.where}: map '${u.map.label}' has ${u.map.params.length} parameters for ${D.length}-D arrays` };
  for (const v of [...initial.values(), ...uses.map((u) => u.writes)]) {
    const t = program.arrays[v.data]!.dtype;
    // A bool transient (a NumPy comparison feeding np.where) is only streamed fused into its
    // reader (checked below), where it is a condition, not data.
    if (t === "bool" && v.transient) continue;
    const problem = streamedTypeProblem(v.data, t);
    if (problem) return { ok: false, reason: problem };
  }

  // Placement, last map first: a map sits where it writes (the written array's origin plus the
  // write's offset). A program array, and a transient of the domain's shape, has origin 0; a
  // smaller transient takes the position at which its last reader reads it at offset 0.
  // A program array of the domain's shape has origin 0, a smaller one the program writes sits in
  // the middle of the domain (every version of it: the time loop feeds them into each other); a
  // smaller one it only reads is placed like a transient, by its last reader.
  const arrayOrigin = new Map<string, number[]>();
  for (const a of arraysUsed) {
    const s = shapes.get(a)!;
    if (s.join() === D.join()) arrayOrigin.set(a, D.map(() => 0));
    else if (uses.some((u) => u.writes.data === a)) arrayOrigin.set(a, D.map((d, x) => Math.floor((d - s[x]!) / 2)));
  }
  for (const v of allVersions(uses, initial)) if (!v.transient && arrayOrigin.has(v.data)) v.origin = arrayOrigin.get(v.data)!;
  for (const u of uses) if (u.writes.transient && dims(u.writes.data).join() === D.join()) u.writes.origin = D.map(() => 0);
  for (let n = uses.length - 1; n >= 0; n--) {
    const u = uses[n]!;
    u.writes.origin ??= D.map(() => 0);
    u.place = u.writes.origin.map((o, a) => o + u.map.write.offset[a]!);
    for (const r of u.reads) if (!r.scalar && (r.version.transient || !arrayOrigin.has(r.version.data))) r.version.origin ??= u.place.map((c, a) => c - r.offset[a]!);
  }
  for (const v of initial.values()) v.origin ??= D.map(() => 0);
  // Where each smaller program array sits: its box must lie inside the domain.
  const boxes = new Map<string, { origin: number[]; shape: number[] }>();
  for (const a of smaller) {
    const origin = (arrayOrigin.get(a) ?? initial.get(a)!.origin)!;
    const s = shapes.get(a)!;
    if (origin.some((o, x) => o < 0 || o + s[x]! > D[x]!)) {
      return { ok: false, reason: `'${a}' (${s.join("x")}) placed where its reader reads it, at (${origin.join(", ")}), does not fit in the ${D.join("x")} domain` };
    }
    boxes.set(a, { origin, shape: s });
  }

  // Boxes and regions.
  const regions = new Map<MapUse, { lo: number[]; hi: number[] }>();
  for (const u of uses) {
    const lo = u.map.lo.map((x, a) => x + u.place![a]!);
    const hi = u.map.hi.map((x, a) => x + u.place![a]!);
    if (lo.some((x) => x < 0) || hi.some((x, a) => x > D[a]! - 1)) {
      return { ok: false, reason: `${u.map.where}: map '${u.map.label}' writes outside the common domain (${D.join("x")})` };
    }
    if (u.writes.transient) {
      const extent = dims(u.writes.data);
      const full = extent.every((e, a) => e !== null && lo[a] === u.writes.origin![a] && hi[a] === u.writes.origin![a]! + e - 1);
      if (full) continue;
      // Written on a sub-box after a write of the whole (channel_flow's `b = np.zeros_like(u)`
      // then `b[1:-1, -1] = …`): like an array, it keeps the earlier version's other elements.
      if (u.previous.writer !== null) { regions.set(u, { lo, hi }); continue; }
      // Written on a sub-box (b[1:-1, 1:-1] of cavity_flow): its other elements are never
      // stored, so the map may compute the whole transient as long as every reader reads inside
      // the box (then what the PE computes outside it is never read).
      const outside = readOutsideWrite(u, uses);
      if (outside) return { ok: false, reason: `${u.map.where}: map '${u.map.label}' writes only part of transient '${u.writes.data}' and map '${outside.map.label}' of state '${outside.map.state.label}' reads it outside that part` };
      // A later write of a sub-box would keep the elements this one never wrote.
      const keeper = uses.find((x) => x.previous === u.writes);
      if (keeper) return { ok: false, reason: `${u.map.where}: map '${u.map.label}' writes only part of transient '${u.writes.data}' and map '${keeper.map.label}' of state '${keeper.map.state.label}' writes it again, keeping the elements nothing wrote` };
      continue;
    }
    // A write covering the array's box needs no region: outside its box a smaller array's
    // elements are computed but never read by its box, and never stored.
    const box = boxes.get(u.writes.data) ?? { origin: D.map(() => 0), shape: D };
    if (lo.some((x, a) => x > box.origin[a]!) || hi.some((x, a) => x < box.origin[a]! + box.shape[a]! - 1)) regions.set(u, { lo, hi });
  }

  // Names: the last version of a program array takes its name, its initial value `<name>_in`.
  // Every name a bundle input, stencil or temporary may not take: the program's own array names
  // (kept by their last versions and by inputs read unchanged) and every name handed out.
  const taken = new Set<string>(Object.entries(program.arrays).filter(([, d]) => !d.transient).map(([n]) => n));
  const fresh = (base: string) => {
    const stem = nameProblem(base) ? "tmp" : base;
    let name = stem;
    for (let n = 2; taken.has(name) || nameProblem(name); n++) name = `${stem}_${n}`;
    taken.add(name);
    return name;
  };
  for (const [data, v] of initial) if (!v.transient && nameProblem(data)) return { ok: false, reason: `array '${data}': ${nameProblem(data)}` };
  const lastWrite = new Map<string, Version>();
  for (const u of uses) if (!u.writes.transient) lastWrite.set(u.writes.data, u.writes);
  for (const [data, v] of lastWrite) v.name = data;
  const writes = new Map<string, number>();
  for (const u of uses) {
    const v = u.writes;
    if (v.name) continue;
    const k = (writes.get(v.data) ?? 0) + 1;
    writes.set(v.data, k);
    v.name = v.transient ? fresh(v.data) : fresh(`${v.data}_v${k}`);
  }
  // A transient has no initial value (nothing reads one: checked above); only arrays get inputs.
  for (const [data, v] of initial) if (!v.transient) v.name = lastWrite.has(data) ? fresh(`${data}_in`) : data;

  // Stencil code per map; a transient version read exactly once by a single-expression writer is
  // fused into its reader.
  const readCount = new Map<Version, number>();
  for (const u of uses) for (const r of u.reads) readCount.set(r.version, (readCount.get(r.version) ?? 0) + 1);
  // A transient version a write region keeps is read by that stencil as a field: never fused.
  const keptTransients = new Set([...regions.keys()].map((u) => u.previous).filter((v) => v.transient));
  for (const v of keptTransients) readCount.set(v, (readCount.get(v) ?? 0) + 1);
  const fusedCode = new Map<string, Assignment[]>();
  const fused = new Map<MapUse, string>();
  const codes = new Map<MapUse, Assignment[]>();
  const kept: MapUse[] = [];
  for (const u of uses) {
    const dtype = program.arrays[u.writes.data]!.dtype as DType;
    const reads = new Map<string, ConnectorRead>();
    for (const r of u.reads) {
      if (r.scalar) { reads.set(r.connector, { kind: "scalar", name: r.version.name! }); continue; }
      reads.set(r.connector, { kind: "field", field: r.version.name!, offset: r.offset.map((d, a) => r.version.origin![a]! + d - u.place![a]!) });
    }
    for (const [connector, value] of u.inlined ?? []) reads.set(connector, { kind: "value", value });
    const converted = taskletToStencil(u.map.code, { reads, output: u.map.output, values, dtype, taken });
    if (typeof converted === "string") return { ok: false, reason: `${u.map.where}: map '${u.map.label}': ${converted}` };
    // Writers come before readers: what this map reads of fused transients is already final.
    const code = converted.map((a) => ({ ...a, value: substitute(a.value, fusedCode) }));
    // Fused: a transient one map reads once, or one that is a plain copy of another field
    // (reading it at several offsets then reads that field at several offsets, no extra work).
    const readers = uses.filter((x) => x.reads.some((r) => r.version === u.writes)).length;
    const copy = code.length === 1 && (code[0]!.value.kind === "access" || code[0]!.value.kind === "name");
    if (u.writes.transient && readers === 1 && !keptTransients.has(u.writes) && !regions.has(u) && code.length === 1 && (readCount.get(u.writes) === 1 || copy)) {
      fusedCode.set(u.writes.name!, code);
      fused.set(u, u.writes.name!);
      continue;
    }
    if (u.writes.transient && !readCount.get(u.writes)) continue; // nothing reads it
    if (program.arrays[u.writes.data]!.dtype === "bool") return { ok: false, reason: `${u.map.where}: map '${u.map.label}' computes bool '${u.writes.data}', which is read more than once (streamed stencils compute float32, float64, int32 or int64)` };
    kept.push(u);
    codes.set(u, code);
  }

  // The stencil-road program.
  const rank = D.length;
  const iterators = ITERATORS.slice(3 - rank);
  const b = new SDFGBuilder(input.name);
  const inputs: ProgramInput[] = [];
  const feedback: Record<string, string> = {};
  const stencilInputs = new Map<MapUse, Record<string, StencilInput>>();
  const neededInitial = new Set<Version>();
  for (const u of kept) {
    const code = codes.get(u)!;
    const ins: Record<string, StencilInput> = {};
    const fieldNames = new Set<string>();
    for (const s of code) walkExpr(s.value, (e) => { if (e.kind === "access") fieldNames.add(e.field); if (e.kind === "name") fieldNames.add(e.name); });
    const region = regions.get(u);
    if (region) fieldNames.add(u.previous.name!);
    for (const v of allVersions(uses, initial)) {
      if (!fieldNames.has(v.name!)) continue;
      const scalar = program.arrays[v.data]!.kind === "scalar";
      ins[v.name!] = { data: v.name!, axes: scalar ? [] : iterators.map((_, a) => a), boundary: { type: "constant", value: 0 } };
      if (v.writer === null) neededInitial.add(v);
    }
    stencilInputs.set(u, ins);
  }
  if (shape.steps !== undefined) for (const v of lastWrite.values()) neededInitial.add(initial.get(v.data)!);
  for (const v of [...neededInitial].sort((x, y) => (x.name! < y.name! ? -1 : 1))) {
    const desc = program.arrays[v.data]!;
    const dtype = desc.dtype as DType;
    const rowsOf = tableSource.get(v.data);
    const path = join(input.inputsDir, `${rowsOf ?? v.data}.npy`);
    if (!existsSync(path)) throw new UserError(path, `input '${v.data}' is missing (the streamed program reads <arg>.npy from ${input.inputsDir})`);
    const scalar = desc.kind === "scalar";
    const box = boxes.get(v.data);
    inputs.push({ name: v.name!, dtype, axes: scalar ? [] : iterators.map((_, a) => a), shape: scalar ? [] : [...D], source: { kind: "file", path, format: "npy", ...(box ? { npyBox: box } : {}), ...(rowsOf !== undefined ? { npyRows: { first: shape.variable!.start } } : {}) } });
    if (scalar) b.addScalar(v.name!, dtype, false); else b.addArray(v.name!, dtype, D, { transient: false });
  }
  const sources: Record<string, string> = {};
  const kernels: KernelMapping[] = [];
  for (const u of kept) {
    const name = u.writes.name!;
    const dtype = program.arrays[u.writes.data]!.dtype as DType;
    b.addArray(name, dtype, D, { transient: lastWrite.get(u.writes.data) !== u.writes });
  }
  for (const u of kept) {
    const name = u.writes.name!;
    const dtype = program.arrays[u.writes.data]!.dtype as DType;
    const region = regions.get(u);
    const writeRegion: WriteRegion | undefined = region && { ...region, keep: u.previous.name! };
    b.addStencil({ label: name, dtype, iterators, domain: D, inputs: stencilInputs.get(u)!, output: name, code: codes.get(u)!, ...(writeRegion ? { region: writeRegion } : {}) });
    sources[name] = stencilText(name, codes.get(u)!, iterators, writeRegion);
  }
  // The stencil a fused map ends up in: follow its single reader until one is kept.
  const stencilOf = (u: MapUse): string => {
    let x = u;
    while (fused.has(x)) x = uses.find((y) => y.reads.some((r) => r.version === x.writes))!;
    return x.writes.name!;
  };
  const boxText = (data: string) => {
    const box = boxes.get(data);
    return box ? ` (its ${box.shape.join("x")} array is the box at (${box.origin.join(", ")}) of the ${D.join("x")} domain; only the box is stored)` : "";
  };
  for (const u of uses) {
    const into = fused.get(u);
    const target = stencilOf(u);
    const stepSource = u.map.entry < 0 ? tableSource.get(u.writes.data) : undefined;
    if (stepSource) {
      kernels.push({ name: `${u.map.state.label}/${u.map.label}`, mapping: "streamed", pattern: STENCIL_MAPS_PATTERN, reason: `step table: stencil '${target}' moves the table of '${stepSource}[${shape.variable!.name}]' up a row after each step (row 0 holds the step's value)` });
      continue;
    }
    kernels.push({
      name: `${u.map.state.label}/${u.map.label}#${u.map.entry}`, mapping: "streamed", pattern: STENCIL_MAPS_PATTERN,
      reason: into ? `constant-offset map fused into stencil '${target}' (its result '${into}' is read by that map only)`
        : readCount.get(u.writes) || !u.writes.transient ? `constant-offset map: stencil '${target}'${regions.has(u) ? " on a sub-box, keeping the other elements" : ""}${boxText(u.writes.data)}` : "constant-offset map whose result nothing reads (no hardware)",
    });
  }
  for (const l of shape.unrolled ?? []) {
    kernels.push({ name: l.label, mapping: "streamed", pattern: STENCIL_MAPS_PATTERN, reason: `inner loop unrolled: its ${l.iterations} iterations of ${l.states} state(s) are ${l.iterations} successive stages of every time step's pipeline (the kernels above labelled [${l.variable}=0] to [${l.variable}=${l.iterations - 1}])` });
  }
  if (shape.steps !== undefined) {
    for (const [data, v] of lastWrite) feedback[v.name!] = initial.get(data)!.name!;
    b.setTimeLoop(shape.steps, feedback);
  }
  const outputs = [...lastWrite.values()].map((v) => v.name!).sort();
  const bundle: ProgramBundle = {
    file: input.file, name: input.name, sdfg: b.build(), domain: [...D], iterators, inputs, outputs,
    stencils: kept.map((u) => u.writes.name!), sources,
    ...(shape.steps !== undefined ? { timeLoop: { steps: shape.steps, feedback } } : {}),
  };
  const outputBoxes = Object.fromEntries(outputs.flatMap((o) => (boxes.has(o) ? [[o, boxes.get(o)!]] : [])));
  return { ok: true, bundle, kernels, ...(Object.keys(outputBoxes).length ? { outputBoxes } : {}) };
}

/**
 * The domain: the shape of an array that holds every other one (each axis at least as long), or
 * why there is none.
 */
function domainOf(shapes: ReadonlyMap<string, number[]>): number[] | string {
  const all = [...shapes];
  if (all.length === 0) return "the program's maps use none of its arrays";
  const [a0, s0] = all[0]!;
  for (const [a, s] of all) if (s.length !== s0.length) return `'${a}' has ${s.length} axes but '${a0}' has ${s0.length}: the stencil road streams arrays of one rank`;
  const largest = all.find(([, s]) => all.every(([, t]) => t.every((x, i) => x <= s[i]!)));
  if (!largest) {
    const text = all.map(([a, s]) => `'${a}' (${s.join(", ")})`).join(", ");
    return `no array holds all the others (${text}): the stencil road streams arrays inside one domain`;
  }
  return [...largest[1]];
}

/** Integer 0-d arguments with a `<arg>.npy` next to the inputs: their values. */
function integerScalarArguments(input: StreamingInput): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of input.program.argNames) {
    const desc = input.program.arrays[a];
    if (!desc || desc.kind !== "scalar" || desc.transient || !/^u?int/.test(desc.dtype)) continue;
    const path = join(input.inputsDir, `${a}.npy`);
    if (!existsSync(path)) continue;
    const h = readNpyHeader(readFileSync(path), path);
    if (h.shape.length === 0 && /^[<|][iu]/.test(h.descr)) out[a] = npyValues(h, path)[0]!;
  }
  return out;
}

/**
 * A map reading the version `u` writes at an element `u` does not write (both in the array's own
 * indices: map bounds plus the access's offset), or undefined when every read lies inside.
 */
function readOutsideWrite(u: MapUse, uses: readonly MapUse[]): MapUse | undefined {
  const written = u.map.lo.map((x, a) => [x + u.map.write.offset[a]!, u.map.hi[a]! + u.map.write.offset[a]!] as const);
  return uses.find((x) => x.reads.some((r) => r.version === u.writes && (r.scalar || x.map.lo.some((lo, a) => lo + r.offset[a]! < written[a]![0] || x.map.hi[a]! + r.offset[a]! > written[a]![1]))));
}

/** Versions in a stable order: initial values, then writes. */
function allVersions(uses: MapUse[], initial: Map<string, Version>): Version[] {
  return [...[...initial.values()].filter((v) => !v.transient), ...uses.map((u) => u.writes)];
}

/** Replaces reads of fused transients by their expressions, shifted by the read's offset. */
function substitute(e: Expr, byName: Map<string, Assignment[]>): Expr {
  return mapExpr(e, (x) => {
    if (x.kind !== "access") return x;
    const code = byName.get(x.field);
    if (!code || code.length !== 1) return x;
    return mapExpr(code[0]!.value, (y) => (y.kind === "access" ? { ...y, offset: y.offset.map((d, a) => d + x.offset[a]!) } : y));
  });
}

export const stencilMapsPattern: StreamPattern = { name: STENCIL_MAPS_PATTERN, raise: raiseStencilMaps };
