// Pattern pass: elementwise map chains and reductions. A program whose one dataflow state holds
// only top-level maps of one tasklet each, reading every array at the map's own index (or a
// reduced array broadcast along the reduced axes, or a scalar), and DaCe Reduce library nodes
// over the trailing axes, becomes a stencil-road SDFG: each map a map PE (a stencil whose taps
// are all at offset 0), each Reduce a reduction PE (reduction.ts), readers and writers for the
// program's arrays.
//
// Axes are flattened: with reductions over the trailing m axes the domain becomes
// [outer, inner] (rows of `inner` elements, the reduced extent), without reductions one axis of
// every element. Memory order is unchanged, so the program's .npy files are read as they are.
//
// A reduced value consumed by a later map (softmax: x - max(x), exp, / sum) needs its row twice.
// We keep the row on chip: the reduction PE streams each row's result broadcast over the row one
// row (plus the adder's latency) behind its input, and the consumer's other inputs wait for it in
// FIFOs that lowering sizes to that lag (lower.ts). The alternative, a second pass re-reading the
// data from memory, doubles the memory traffic of a memory-bound kernel and needs a second
// launch; the on-chip row costs a FIFO of one row (softmax: SM elements), small for the reduced
// axes these programs have. A reduction over every axis would need the whole array on chip and
// is refused (a second pass is the answer there, not done yet).
//
// Reductions over the leading axes instead (`np.mean(data, axis=0)`, covariance's first line)
// keep one accumulator per column on chip while the rows stream past (reduction.ts
// columnReductionSchedule); the domain is then [rows, columns]. Their results exist only after
// the last row, so they stream out broadcast down the rows: a map over the columns only runs on
// that stream, and a map over the whole domain reading them reads its other inputs in a second
// pass over memory (lower.ts), as after a reduction over every axis. Storing a column result
// (one value per column) to memory is refused for now.

import { join } from "node:path";
import type { ProgramInput } from "../../frontend/load_program.js";
import { SDFGBuilder } from "../../ir/builder.js";
import { isDType, type DType } from "../../ir/dtype.js";
import { nameProblem } from "../../ir/names.js";
import type { PDataDesc, PEdge, PExpr, PNode, PState } from "../../ir/program.js";
import type { ReduceOp, StencilInput } from "../../ir/sdfg.js";
import type { KernelMapping, PatternResult, StreamingInput, StreamPattern } from "./patterns.js";
import { computeState, evalSize, stateOrder } from "./compute_state.js";
import { streamBundle } from "./stream_bundle.js";
import { catchingNotStreamable, NotStreamable } from "./not_streamable.js";
import { taskletAssignments, type ConnectorRead } from "./tasklet_code.js";
import { freshIdentifiers, safeDataNames } from "./safe_names.js";

export const ELEMENTWISE_REDUCE_PATTERN = "elementwise-reduce";

export const raiseElementwiseReduce: (input: StreamingInput) => PatternResult = catchingNotStreamable(raise);

export const elementwiseReducePattern: StreamPattern = { name: ELEMENTWISE_REDUCE_PATTERN, raise: raiseElementwiseReduce };

interface MapProcess { kind: "map"; entry: Extract<PNode, { kind: "map_entry" }>; tasklet: Extract<PNode, { kind: "tasklet" }>; domain: number[] }
interface ReduceProcess { kind: "reduce"; node: Extract<PNode, { kind: "library" }>; op: ReduceOp; input: string; output: string; axes: number[] }

function raise(input: StreamingInput): PatternResult {
  const { state, alias, arrays, symbols, constants } = computeState(input.program, input.symbols);
  const resolve = (data: string) => alias.get(data) ?? data;
  const size = (e: PExpr, where: string): number => {
    const v = evalSize(e, symbols);
    if (v === undefined) throw new NotStreamable(`${where}: size depends on values only known at run time`);
    return v;
  };
  const shapeOf = (d: PDataDesc, name: string) => d.shape.map((e) => size(e, `'${name}'`));

  // The processes, in dataflow order.
  const processes: (MapProcess | ReduceProcess)[] = [];
  for (const id of stateOrder(state)) {
    const n = state.nodes.find((x) => x.id === id)!;
    const scope = state.scope.get(n.id) ?? null;
    if (n.kind === "nested") throw new NotStreamable(`nested SDFG '${n.label}' is not an elementwise map or a reduction`);
    if (n.kind === "scope_unsupported") throw new NotStreamable(`${n.type} scope '${n.label}'`);
    if (n.kind === "tasklet" && scope === null) throw new NotStreamable(`tasklet '${n.label}' outside a map`);
    if (n.kind === "map_entry" && scope !== null) {
      const outer = state.nodes.find((x) => x.id === scope);
      if (outer?.kind === "map_entry" && (state.scope.get(outer.id) ?? null) === null) continue; // taken with its outer map
      throw new NotStreamable(`map '${n.label}' is nested in another map`);
    }
    if (n.kind === "map_entry") {
      // Perfectly nested maps (DaCe FPGA samples: an outer and an inner map) are one map over all their parameters.
      let entry = n;
      let inside = state.nodes.filter((x) => state.scope.get(x.id) === n.id);
      const innerEntry = inside.find((x) => x.kind === "map_entry");
      if (innerEntry && innerEntry.kind === "map_entry" && inside.length === 2 && inside.some((x) => x.kind === "map_exit" && x.entry === innerEntry.id)) {
        entry = { ...n, params: [...n.params, ...innerEntry.params], ranges: [...n.ranges, ...innerEntry.ranges] };
        inside = state.nodes.filter((x) => state.scope.get(x.id) === innerEntry.id);
      }
      const tasklet = inside.find((x) => x.kind === "tasklet");
      if (inside.length !== 1 || !tasklet || tasklet.kind !== "tasklet") throw new NotStreamable(`map '${n.label}' holds ${inside.length} nodes; an elementwise map holds one tasklet`);
      const domain = entry.ranges.map((r, a) => {
        if (evalSize(r.start, symbols) !== 0 || evalSize(r.step, symbols) !== 1) throw new NotStreamable(`map '${n.label}' does not cover axis ${a} from 0 in steps of 1`);
        return size(r.end, `map '${n.label}'`) + 1;
      });
      processes.push({ kind: "map", entry, tasklet, domain });
    }
    if (n.kind === "library") {
      if (!n.classpath.endsWith(".Reduce")) throw new NotStreamable(`library node '${n.label}' (${n.classpath}) is not a reduction`);
      const wcr = n.attributes.wcr;
      const op: ReduceOp | undefined = wcr?.op === "+" ? "sum" : wcr?.op === "*" ? "product" : wcr?.op === "min" ? "min" : wcr?.op === "max" ? "max" : undefined;
      if (!op) throw new NotStreamable(`reduction '${n.label}' combines with a lambda`);
      const from = state.edges.filter((e) => e.dst === n.id);
      const to = state.edges.filter((e) => e.src === n.id);
      if (from.length !== 1 || to.length !== 1 || !from[0]!.memlet || !to[0]!.memlet) throw new NotStreamable(`reduction '${n.label}' does not read one array and write one`);
      const inputData = resolve(from[0]!.memlet.data);
      const rank = arrays[inputData]?.shape.length ?? 0;
      processes.push({ kind: "reduce", node: n, op, input: inputData, output: resolve(viewedData(state, arrays, to[0]!)), axes: n.attributes.axes ?? [...Array(rank).keys()] });
    }
  }
  const maps = processes.filter((p): p is MapProcess => p.kind === "map");
  const reduces = processes.filter((p): p is ReduceProcess => p.kind === "reduce");
  if (processes.length === 0) throw new NotStreamable("the state has no map and no reduction");

  // Reductions over the leading axes (`np.mean(data, axis=0)`) keep one result per column: the
  // domain is their input's, and a map may also cover the columns only (the kept axes), reading
  // what the reductions wrote; it then runs over the whole domain on the results broadcast down
  // the rows (a column stream), the one shape every process of the pipeline has.
  const columns = columnReductions(reduces, (r) => shapeOf(arrays[r.input]!, r.input));
  const columnMaps = new Set(columns ? maps.filter((x) => x.domain.join() === columns.kept.join()) : []);
  // One domain for every process; reductions over the same trailing axes.
  const D = columns?.domain ?? maps[0]?.domain ?? shapeOf(arrays[reduces[0]!.input]!, reduces[0]!.input);
  const n = D.length;
  for (const m of maps) if (m.domain.join() !== D.join() && !columnMaps.has(m)) throw new NotStreamable(`map '${m.entry.label}' covers ${m.domain.join("x")}, map '${maps.find((x) => !columnMaps.has(x))?.entry.label ?? reduces[0]!.node.label}' ${D.join("x")}`);
  const m = reduces.length > 0 && !columns ? reduces[0]!.axes.length : 0;
  for (const r of columns ? [] : reduces) {
    const shape = shapeOf(arrays[r.input]!, r.input);
    if (shape.join() !== D.join()) throw new NotStreamable(`reduction '${r.node.label}' reduces '${r.input}' of shape ${shape.join("x")}, not the maps' ${D.join("x")}`);
    const trailing = r.axes.length === m && [...r.axes].sort((a, b) => a - b).every((a, k) => a === n - m + k);
    if (!trailing) throw new NotStreamable(`reduction '${r.node.label}' reduces axes ${r.axes.join(",")}; streamed reductions reduce the same trailing axes`);
  }
  const split = columns ? columns.reduced : n - m;
  const outer = D.slice(0, split).reduce((a, b) => a * b, 1);
  const inner = D.slice(split).reduce((a, b) => a * b, 1);
  const domain = m > 0 || columns ? [outer, inner] : [outer];
  const rank = domain.length;

  // Every data item, by how it relates to the domain.
  const names = safeDataNames(Object.keys(arrays));
  // An array updated in place (read from memory, then written) is written under a name of its own.
  const takenNames = new Set(names.values());
  const renamedWrite = new Map<string, string>();
  const current = (data: string) => renamedWrite.get(data) ?? names.get(data)!;
  // What a reduction writes is one value per row (a scalar when every axis is reduced), or one per column.
  const reduceOutputs = new Set(reduces.map((r) => r.output));
  // What a map over the columns writes: streamed down the rows like the whole domain.
  const columnStreams = new Set<string>();
  for (const x of columnMaps) for (const e of state.edges.filter((y) => y.src === x.tasklet.id && y.memlet)) columnStreams.add(resolve(e.memlet!.data));
  type Role = { kind: "full" | "reduced" | "column" | "scalar"; dtype: DType; transient: boolean; shape: number[] };
  const roles = new Map<string, Role>();
  // Where each kind of data lies in the flat domain: its shape and the domain axes it spans.
  const flatShapeOf = (kind: Role["kind"]): number[] => (kind === "full" ? domain : kind === "reduced" ? [outer] : kind === "column" ? [inner] : []);
  const axesOf = (kind: Role["kind"]): number[] => (kind === "full" ? [...Array(rank).keys()] : kind === "reduced" ? [0] : kind === "column" ? [1] : []);
  const roleOf = (data: string): Role => {
    const known = roles.get(data);
    if (known) return known;
    const d = arrays[data];
    if (!d) throw new NotStreamable(`'${data}' is not declared`);
    if (!isDType(d.dtype)) throw new NotStreamable(`'${data}' is ${d.dtype}; streamed maps take float32, float64, int32 and int64`);
    const shape = shapeOf(d, data);
    const reducedShape = D.slice(0, n - m);
    let role: Role;
    if (columns && columnStreams.has(data)) {
      if (!d.transient) throw new NotStreamable(`'${data}' is one value per column written to memory: a column stream is read by the maps after it, not stored (not supported yet)`);
      role = { kind: "full", dtype: d.dtype, transient: true, shape };
    } else if (columns && (reduceOutputs.has(data) || (d.kind !== "scalar" && shape.join() === columns.kept.join()))) role = { kind: "column", dtype: d.dtype, transient: d.transient, shape };
    else if (reduceOutputs.has(data)) role = { kind: "reduced", dtype: d.dtype, transient: d.transient, shape };
    else if (d.kind === "scalar" || (shape.length === 1 && shape[0] === 1 && D.join() !== "1")) role = { kind: "scalar", dtype: d.dtype, transient: d.transient, shape: [] };
    else if (shape.join() === D.join()) role = { kind: "full", dtype: d.dtype, transient: d.transient, shape };
    else if (m > 0 && (shape.join() === reducedShape.join() || shape.join() === [...reducedShape, ...Array(m).fill(1)].join())) role = { kind: "reduced", dtype: d.dtype, transient: d.transient, shape };
    else throw new NotStreamable(`'${data}' has shape ${shape.join("x")}, neither the domain ${D.join("x")} nor its reduction`);
    if ((d.kind === "view" && !reduceOutputs.has(data)) || d.kind === "stream") throw new NotStreamable(`'${data}' is a ${d.kind}`);
    roles.set(data, role);
    return role;
  };

  const b = new SDFGBuilder(input.name);
  const declared = new Set<string>();
  const declare = (data: string) => {
    const role = roleOf(data);
    if (declared.has(data)) return role;
    declared.add(data);
    if (role.kind === "scalar") b.addScalar(names.get(data)!, role.dtype, role.transient);
    else b.addArray(names.get(data)!, role.dtype, flatShapeOf(role.kind), { transient: role.transient });
    return role;
  };
  const written = new Set<string>();
  const read = new Set<string>();
  const write = (data: string, by: string) => {
    if (written.has(data)) throw new NotStreamable(`'${data}' is written twice (again by '${by}')`);
    written.add(data);
    if (!read.has(data)) return;
    const role = roles.get(data)!;
    if (role.transient) throw new NotStreamable(`'${data}' is written by '${by}' after it was read`);
    let fresh = `${names.get(data)!}_out`;
    for (let k = 2; takenNames.has(fresh) || nameProblem(fresh) !== null; k++) fresh = `${names.get(data)!}_out${k}`;
    takenNames.add(fresh);
    renamedWrite.set(data, fresh);
    if (role.kind === "scalar") b.addScalar(fresh, role.dtype, false);
    else b.addArray(fresh, role.dtype, flatShapeOf(role.kind));
  };
  const label = freshIdentifiers(new Set<string>(), "node");
  const iterators = ["i", "j", "k"].slice(3 - rank);
  const kernels: KernelMapping[] = [];
  const sources: Record<string, string> = {};

  for (const p of processes) {
    if (p.kind === "reduce") {
      const inRole = declare(p.input);
      const outRole = declare(p.output);
      if (inRole.kind !== "full" || outRole.kind !== (columns ? "column" : "reduced")) throw new NotStreamable(`reduction '${p.node.label}' does not reduce a ${D.join("x")} array to its ${columns ? "columns" : "rows"}`);
      if (inRole.dtype !== outRole.dtype) throw new NotStreamable(`reduction '${p.node.label}' converts ${inRole.dtype} to ${outRole.dtype}`);
      if (columns && !outRole.transient) throw new NotStreamable(`'${p.output}' is one value per column written to memory: a column stream is read by the maps after it, not stored (not supported yet)`);
      const inputName = current(p.input);
      read.add(p.input);
      write(p.output, p.node.label);
      const l = label(p.node.label);
      sources[l] = `${p.node.label} (${p.node.where})`;
      b.addReduce({ label: l, dtype: outRole.dtype, domain, op: p.op, reducedAxes: 1, input: inputName, output: current(p.output), ...(columns ? { columns: true } : {}) });
      kernels.push({
        name: p.node.label, mapping: "streamed", pattern: ELEMENTWISE_REDUCE_PATTERN,
        reason: columns
          ? `${p.op} over ${outer} row(s), one result per column of ${inner}: a column reduction PE with one accumulator per column on chip (II=1), its results broadcast down the rows for a second pass`
          : `${p.op} over rows of ${inner} element(s): a reduction PE with interleaved partial accumulators (II=1), its result broadcast over the row`,
      });
      continue;
    }
    const { entry, tasklet } = p;
    const params = entry.params;
    const connectors: Record<string, ConnectorRead> = {};
    const inputs: Record<string, StencilInput> = {};
    for (const e of state.edges.filter((x) => x.dst === tasklet.id)) {
      if (!e.memlet || e.dstConn === null) throw new NotStreamable(`map '${entry.label}': tasklet '${tasklet.label}' has an empty input`);
      const data = resolve(e.memlet.data);
      const role = declare(data);
      if (role.kind === "reduced" && m === n) {
        throw new NotStreamable(`map '${entry.label}' reads '${data}', a reduction over every axis: streaming it needs the whole array on chip or a second pass over memory (not done yet)`);
      }
      const access = columns ? columnAccess(e, params, columns, columnMaps.has(p), role.kind, columnStreams.has(data)) : accessKind(e, params, D, m, role.kind === "column" ? "full" : role.kind);
      if (!access) throw new NotStreamable(`map '${entry.label}' reads '${data}' at ${subsetText(e)}: not elementwise`);
      read.add(data);
      const safe = current(data);
      connectors[e.dstConn] = role.kind === "scalar" ? { kind: "scalar", data: safe } : { kind: "field", data: safe, rank };
      inputs[safe] = { data: safe, axes: axesOf(role.kind), boundary: { type: "constant", value: 0 } };
    }
    const outs = state.edges.filter((x) => x.src === tasklet.id);
    if (outs.length !== 1 || !outs[0]!.memlet || outs[0]!.srcConn === null) throw new NotStreamable(`map '${entry.label}': tasklet '${tasklet.label}' does not write exactly one value`);
    const oe = outs[0]!;
    if (oe.memlet!.wcr) throw new NotStreamable(`map '${entry.label}' writes '${oe.memlet!.data}' with write-conflict resolution`);
    const outData = resolve(oe.memlet!.data);
    const outRole = declare(outData);
    const writesAt = columns ? columnAccess(oe, params, columns, columnMaps.has(p), outRole.kind, columnStreams.has(outData)) : accessKind(oe, params, D, m, "full");
    if (outRole.kind !== "full" || writesAt !== "full") throw new NotStreamable(`map '${entry.label}' writes '${outData}' at ${subsetText(oe)}: not elementwise`);
    write(outData, entry.label);
    const code = taskletAssignments(tasklet.code, {
      tasklet: tasklet.label, connectors, output: { connector: oe.srcConn!, data: current(outData) },
      constants, symbols,
    });
    const l = label(tasklet.label);
    sources[l] = `${entry.label} / ${tasklet.label} (${tasklet.where})`;
    b.addStencil({ label: l, dtype: outRole.dtype, iterators, domain, inputs, output: current(outData), code });
    kernels.push({
      name: entry.label, mapping: "streamed", pattern: ELEMENTWISE_REDUCE_PATTERN,
      reason: columnMaps.has(p) ? `elementwise over the ${columns!.kept.join("x")} columns: a map PE on the column results broadcast down the rows` : `elementwise over ${D.join("x")}: a map PE (all taps at offset 0) in the chain`,
    });
  }

  const inputs: ProgramInput[] = [];
  const outputs: string[] = [];
  const outputNames: Record<string, string> = {};
  for (const data of [...declared].sort()) {
    const role = roles.get(data)!;
    if (role.transient) continue;
    if (written.has(data)) {
      outputs.push(current(data));
      if (current(data) !== data) outputNames[current(data)] = data;
      if (!renamedWrite.has(data)) continue; // else also an input: read from memory before it is written
    }
    inputs.push({
      name: names.get(data)!, dtype: role.dtype, axes: axesOf(role.kind), shape: flatShapeOf(role.kind),
      source: { kind: "file", path: join(input.inputsDir, `${data}.npy`), format: "npy", ...(role.kind === "scalar" ? {} : { npyShape: role.shape }) },
    });
  }
  if (outputs.length === 0) throw new NotStreamable("the state writes no program output");
  const sdfg = b.build();
  outputs.sort();
  return { ok: true, bundle: streamBundle({ file: input.file, name: input.name, sdfg, inputs, outputs, sources }), kernels, outputNames };
}

interface ColumnReductions { domain: number[]; reduced: number; kept: number[] }

/**
 * Reductions that all reduce the same leading axes of one domain, keeping at least one: their
 * domain, how many axes they reduce and the kept (column) shape; null when there are none.
 */
function columnReductions(reduces: ReduceProcess[], shapeOf: (r: ReduceProcess) => number[]): ColumnReductions | null {
  const leading = (r: ReduceProcess) => r.axes.length < shapeOf(r).length && [...r.axes].sort((a, b) => a - b).every((a, k) => a === k);
  if (reduces.length === 0 || !reduces.some(leading)) return null;
  const D = shapeOf(reduces[0]!);
  const k = reduces[0]!.axes.length;
  for (const r of reduces) {
    if (!leading(r) || r.axes.length !== k || shapeOf(r).join() !== D.join()) {
      throw new NotStreamable(`reduction '${r.node.label}' reduces axes ${r.axes.join(",")} of ${shapeOf(r).join("x")}; streamed column reductions reduce the same leading axes of one ${D.join("x")} domain`);
    }
  }
  return { domain: D, reduced: k, kept: D.slice(k) };
}

/**
 * How a map of a program with column reductions reads (or writes) its data: a map over the whole
 * domain reads whole arrays at its own index and column data at its column index (broadcast down
 * the rows); a map over the columns reads column data at its own index. A column stream (what a
 * map over the columns wrote) is streamed over the whole domain, so it is read as "full".
 */
function columnAccess(e: PEdge, params: string[], c: ColumnReductions, overColumns: boolean, role: "full" | "reduced" | "column" | "scalar", columnStream: boolean): "full" | "column" | "scalar" | null {
  const subset = e.memlet!.subset ?? [];
  const isParam = (r: { start: PExpr; end: PExpr }, p: string | undefined) => p !== undefined && r.start.kind === "name" && r.start.name === p && r.end.kind === "name" && r.end.name === p;
  const isZero = (r: { start: PExpr; end: PExpr }) => r.start.kind === "number" && r.start.value === 0 && r.end.kind === "number" && r.end.value === 0;
  if (role === "scalar") return subset.every(isZero) ? "scalar" : null;
  const columnIndex = overColumns ? params : params.slice(c.reduced);
  const atColumn = subset.length === c.kept.length && subset.every((r, a) => isParam(r, columnIndex[a]));
  if (role === "column") return atColumn ? "column" : null;
  if (role !== "full") return null;
  if (columnStream) return atColumn ? "full" : null;
  return !overColumns && subset.length === c.domain.length && subset.every((r, a) => isParam(r, params[a])) ? "full" : null;
}

/** How a memlet reads its data inside a map: at the map's own index, broadcast, or as a scalar. */
function accessKind(e: PEdge, params: string[], D: number[], m: number, role: "full" | "reduced" | "scalar"): "full" | "reduced" | "scalar" | null {
  const subset = e.memlet!.subset ?? [];
  const isParam = (r: { start: PExpr; end: PExpr; step: PExpr }, p: string) => r.start.kind === "name" && r.start.name === p && r.end.kind === "name" && r.end.name === p;
  const isZero = (r: { start: PExpr; end: PExpr }) => r.start.kind === "number" && r.start.value === 0 && r.end.kind === "number" && r.end.value === 0;
  if (role === "scalar") return subset.every(isZero) ? "scalar" : null;
  if (role === "full") return subset.length === D.length && subset.every((r, a) => isParam(r, params[a]!)) ? "full" : null;
  const lead = D.length - m;
  const ok = subset.slice(0, lead).every((r, a) => isParam(r, params[a]!)) && subset.slice(lead).every(isZero) && (subset.length === lead || subset.length === D.length);
  return ok ? "reduced" : null;
}

/** `[i, j + 1]` or `[0:8, i]`: a memlet's subset as DaCe writes it, for messages. */
function subsetText(e: PEdge): string {
  const text = (x: PExpr): string =>
    x.kind === "number" ? String(x.value) : x.kind === "name" ? x.name
      : x.kind === "binary" ? `${text(x.left)} ${x.op} ${text(x.right)}` : x.kind === "unary" ? `${x.op}${text(x.operand)}` : "…";
  const range = (r: { start: PExpr; end: PExpr }) => (text(r.start) === text(r.end) ? text(r.start) : `${text(r.start)}:${text(r.end)}`);
  return `[${(e.memlet!.subset ?? []).map(range).join(", ")}] (${e.where})`;
}

/** The data a reduction writes: through a view (np.max(…, keepdims)) to the array it views. */
function viewedData(state: PState, arrays: Record<string, PDataDesc>, e: PEdge): string {
  const data = e.memlet!.data;
  if (arrays[data]?.kind !== "view") return data;
  const viewNode = e.dst;
  const onward = state.edges.filter((x) => x.src === viewNode && x.srcConn === "views");
  if (onward.length !== 1 || !onward[0]!.memlet) throw new NotStreamable(`view '${data}' does not view one array`);
  return onward[0]!.memlet.data;
}
