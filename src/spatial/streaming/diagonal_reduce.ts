// Pattern pass: a reduction of a matrix's diagonal, then elementwise maps that use it (NPBench's
// go_fast: `trace = 0; for i in range(N): trace += np.tanh(a[i, i]); return a + trace`).
//
// DaCe writes it as three states: one sets the scalar accumulator, a loop over i adds
// f(a[i, i]) to it, and a state of maps reads it. We stream it in two phases of one pipeline:
//   1. `a` is streamed once; a map PE applies f elementwise and a reduction PE filters the
//      diagonal (ReduceNode.diagonal: column == row counts, the rest is the identity) and
//      reduces it with interleaved partial accumulators (II=1) to the scalar;
//   2. the maps stream `a` again from memory (the reader's second pass, lower.ts) and read the
//      scalar from the reduction PE's output stream.
// The alternative, holding the whole first pass on chip until the scalar is known, needs an
// N x N FIFO; a strided read of the diagonal would need a stream shorter than the domain. The
// filter costs N² - N evaluations of f that are thrown away, at one vector per cycle.

import { join } from "node:path";
import type { ProgramInput } from "../../frontend/load_program.js";
import { SDFGBuilder } from "../../ir/builder.js";
import { isDType, type DType } from "../../ir/dtype.js";
import type { PBlock, PEdge, PExpr, PLoop, PNode, PState } from "../../ir/program.js";
import type { ReduceOp, StencilInput } from "../../ir/sdfg.js";
import type { KernelMapping, PatternResult, StreamingInput, StreamPattern } from "./patterns.js";
import { evalSize, stateOrder } from "./compute_state.js";
import { catchingNotStreamable, NotStreamable } from "./not_streamable.js";
import { freshIdentifiers, safeDataNames } from "./safe_names.js";
import { streamBundle } from "./stream_bundle.js";
import { taskletAssignments, type ConnectorRead } from "./tasklet_code.js";

export const DIAGONAL_REDUCE_PATTERN = "diagonal-reduce";

export const raiseDiagonalReduce: (input: StreamingInput) => PatternResult = catchingNotStreamable(raise);

export const diagonalReducePattern: StreamPattern = { name: DIAGONAL_REDUCE_PATTERN, raise: raiseDiagonalReduce };

type Tasklet = Extract<PNode, { kind: "tasklet" }>;

/** The loop body: `acc = acc op f(matrix[v, v])`, f a chain of one-input tasklets. */
interface DiagonalLoop {
  loop: PLoop;
  matrix: string;
  n: number;
  acc: string;
  op: ReduceOp;
  /** The tasklets of f, in order (empty: the diagonal itself is reduced). */
  chain: Tasklet[];
  accumulate: Tasklet;
}

function raise(input: StreamingInput): PatternResult {
  const { program, symbols } = input;
  const blocks = program.root.blocks;
  const straight = program.root.edges.every((e) => e.condition === null && e.assignments.length === 0);
  if (blocks.length !== 3 || !straight || blocks[0]!.kind !== "state" || blocks[1]!.kind !== "loop" || blocks[2]!.kind !== "state") {
    throw new NotStreamable("not a state setting an accumulator, a loop adding a diagonal to it, and a state of maps reading it");
  }
  const order = new Map(program.root.edges.map((e) => [e.src, e.dst]));
  if (order.get(0) !== 1 || order.get(1) !== 2) throw new NotStreamable("the three blocks do not run in order");
  const init = initialValue(blocks[0]!);
  const d = diagonalLoop(blocks[1] as PLoop, input);
  const identity = d.op === "sum" ? 0 : 1;
  if (init.data !== d.acc || init.value !== identity) {
    throw new NotStreamable(`the accumulator '${d.acc}' starts at ${init.data === d.acc ? init.value : `(not set: '${init.data}' is)`}, not the ${d.op}'s identity ${identity}`);
  }
  const matrixDesc = program.arrays[d.matrix]!;
  const side = matrixDesc.shape.map((e) => evalSize(e, symbols));
  if (side.join() !== [d.n, d.n].join()) throw new NotStreamable(`loop '${d.loop.label}' runs ${d.n} times over the diagonal of the ${side.map((x) => x ?? "?").join("x")} '${d.matrix}'`);
  const accDesc = program.arrays[d.acc]!;
  if (!isDType(matrixDesc.dtype) || !isDType(accDesc.dtype)) throw new NotStreamable(`'${d.matrix}' or '${d.acc}' is not of a streamed type`);
  const dtype: DType = accDesc.dtype;
  const domain = [d.n, d.n];
  const names = safeDataNames(Object.keys(program.arrays));
  const b = new SDFGBuilder(input.name);
  const sources: Record<string, string> = {};
  const kernels: KernelMapping[] = [];
  const label = freshIdentifiers(new Set<string>(), "node");
  const full = (data: string): StencilInput => ({ data, axes: [0, 1], boundary: { type: "constant", value: 0 } });
  const declared = new Set<string>();
  const declareFull = (data: string, dt: DType, transient: boolean) => {
    if (declared.has(data)) return;
    declared.add(data);
    b.addArray(data, dt, domain, { transient });
  };
  const matrix = names.get(d.matrix)!;
  declareFull(matrix, matrixDesc.dtype as DType, false);

  // Phase 1: f over the streamed matrix (one map PE per tasklet of the chain), the diagonal reduced.
  let term = matrix;
  let termDtype = matrixDesc.dtype as DType;
  for (const t of d.chain) {
    const l = label(t.label);
    const outData = `${names.get(d.acc)!}_${l}_terms`;
    const outEdge = bodyState(d.loop).edges.find((e) => e.src === t.id)!;
    const outDesc = program.arrays[outEdge.memlet!.data]!;
    if (!isDType(outDesc.dtype)) throw new NotStreamable(`'${outEdge.memlet!.data}' is ${outDesc.dtype}`);
    declareFull(outData, outDesc.dtype, true);
    const conn = t.inputs[0]!;
    const code = taskletAssignments(t.code, {
      tasklet: t.label, connectors: { [conn]: { kind: "field", data: term, rank: 2 } }, output: { connector: t.outputs[0]!, data: outData },
      constants: program.constants, symbols,
    });
    sources[l] = `${d.loop.label} / ${t.label} (${t.where}), applied to every element; only the diagonal's reach the reduction`;
    b.addStencil({ label: l, dtype: outDesc.dtype, iterators: ["j", "k"], domain, inputs: { [term]: full(term) }, output: outData, code });
    term = outData;
    termDtype = outDesc.dtype;
  }
  if (termDtype !== dtype) throw new NotStreamable(`the loop adds ${termDtype} values to the ${dtype} accumulator '${d.acc}'`);
  const acc = names.get(d.acc)!;
  b.addArray(acc, dtype, [1], { transient: true });
  const reduceLabel = label(d.accumulate.label);
  sources[reduceLabel] = `${d.loop.label} / ${d.accumulate.label} (${d.accumulate.where}): ${d.acc} ${d.op === "sum" ? "+" : "*"}= the diagonal, i in 0..${d.n - 1}`;
  b.addReduce({ label: reduceLabel, dtype, domain, op: d.op, reducedAxes: 2, input: term, output: acc, diagonal: true });
  kernels.push({
    name: d.loop.label, mapping: "streamed", pattern: DIAGONAL_REDUCE_PATTERN,
    reason: `${d.op} of f(${d.matrix}[i, i]) over i < ${d.n}: a map PE over the streamed ${d.n}x${d.n} matrix and a reduction PE that keeps the diagonal (II=1 interleaved partials); its result is handed to the maps through a FIFO`,
  });

  // Phase 2: the maps, reading the accumulator as a value broadcast over the domain.
  const outputs: string[] = [];
  const outputNames: Record<string, string> = {};
  const readFromMemory = new Set<string>([d.matrix]);
  const written = new Set<string>();
  const state = blocks[2] as PState;
  for (const id of stateOrder(state)) {
    const n = state.nodes.find((x) => x.id === id)!;
    if (n.kind === "access" || n.kind === "map_exit") continue;
    if (n.kind !== "map_entry" || (state.scope.get(n.id) ?? null) !== null) {
      if (n.kind === "tasklet" && (state.scope.get(n.id) ?? null) !== null) continue;
      throw new NotStreamable(`state '${state.label}': node ${n.id} (${n.kind}) is not an elementwise map`);
    }
    const inside = state.nodes.filter((x) => state.scope.get(x.id) === n.id);
    const tasklet = inside[0];
    if (inside.length !== 1 || tasklet?.kind !== "tasklet") throw new NotStreamable(`map '${n.label}' holds ${inside.length} nodes; an elementwise map holds one tasklet`);
    const mapDomain = n.ranges.map((r) => (evalSize(r.start, symbols) === 0 && evalSize(r.step, symbols) === 1 ? (evalSize(r.end, symbols) ?? -2) + 1 : -1));
    if (mapDomain.join() !== domain.join()) throw new NotStreamable(`map '${n.label}' does not cover the ${d.n}x${d.n} matrix in steps of 1`);
    const connectors: Record<string, ConnectorRead> = {};
    const inputs: Record<string, StencilInput> = {};
    for (const e of state.edges.filter((x) => x.dst === tasklet.id)) {
      if (!e.memlet || e.dstConn === null) throw new NotStreamable(`map '${n.label}': tasklet '${tasklet.label}' has an empty input`);
      const data = e.memlet.data;
      const desc = program.arrays[data];
      if (!desc || !isDType(desc.dtype)) throw new NotStreamable(`map '${n.label}' reads '${data}', not a streamed array`);
      if (data === d.acc) {
        if (!isPoint(e, [])) throw new NotStreamable(`map '${n.label}' reads '${data}' at an index`);
        connectors[e.dstConn] = { kind: "field", data: acc, rank: 2 };
        inputs[acc] = { data: acc, axes: [], boundary: { type: "constant", value: 0 } };
        continue;
      }
      if (!isPoint(e, n.params)) throw new NotStreamable(`map '${n.label}' reads '${data}' other than at the map's own index`);
      const safe = names.get(data)!;
      if (!written.has(data)) {
        if (desc.transient) throw new NotStreamable(`map '${n.label}' reads '${data}', which nothing wrote`);
        readFromMemory.add(data);
        declareFull(safe, desc.dtype, false);
      }
      connectors[e.dstConn] = { kind: "field", data: safe, rank: 2 };
      inputs[safe] = full(safe);
    }
    if (!Object.hasOwn(inputs, acc)) throw new NotStreamable(`map '${n.label}' does not read '${d.acc}'`);
    const outs = state.edges.filter((x) => x.src === tasklet.id);
    const oe = outs[0];
    if (outs.length !== 1 || !oe?.memlet || oe.srcConn === null || oe.memlet.wcr || !isPoint(oe, n.params)) throw new NotStreamable(`map '${n.label}' does not write one element at its own index`);
    const outData = oe.memlet.data;
    const outDesc = program.arrays[outData];
    if (!outDesc || !isDType(outDesc.dtype) || outData === d.acc || readFromMemory.has(outData) || written.has(outData)) throw new NotStreamable(`map '${n.label}' writes '${outData}', which is read or written elsewhere`);
    written.add(outData);
    const safeOut = names.get(outData)!;
    declareFull(safeOut, outDesc.dtype, outDesc.transient);
    const code = taskletAssignments(tasklet.code, { tasklet: tasklet.label, connectors, output: { connector: oe.srcConn, data: safeOut }, constants: program.constants, symbols });
    const l = label(tasklet.label);
    sources[l] = `${n.label} / ${tasklet.label} (${tasklet.where})`;
    b.addStencil({ label: l, dtype: outDesc.dtype, iterators: ["j", "k"], domain, inputs, output: safeOut, code });
    kernels.push({ name: n.label, mapping: "streamed", pattern: DIAGONAL_REDUCE_PATTERN, reason: `elementwise over ${d.n}x${d.n}: a map PE reading its arrays in a second pass over memory once '${d.acc}' is known` });
    if (!outDesc.transient) {
      outputs.push(safeOut);
      if (safeOut !== outData) outputNames[safeOut] = outData;
    }
  }
  if (outputs.length === 0) throw new NotStreamable(`state '${state.label}' writes no program output`);
  const inputs: ProgramInput[] = [...readFromMemory].sort().map((data) => ({
    name: names.get(data)!, dtype: program.arrays[data]!.dtype as DType, axes: [0, 1], shape: domain,
    source: { kind: "file", path: join(input.inputsDir, `${data}.npy`), format: "npy", npyShape: domain },
  }));
  outputs.sort();
  const sdfg = b.build();
  return { ok: true, bundle: streamBundle({ file: input.file, name: input.name, sdfg, inputs, outputs, sources }), kernels, outputNames };
}

/** The first state: one tasklet setting one scalar to a number. */
function initialValue(block: PBlock): { data: string; value: number } {
  const s = block as PState;
  const tasklets = s.nodes.filter((n): n is Tasklet => n.kind === "tasklet");
  const t = tasklets[0];
  const stmt = t?.code[0];
  const out = t ? s.edges.find((e) => e.src === t.id) : undefined;
  if (tasklets.length !== 1 || t!.inputs.length !== 0 || t!.code.length !== 1 || stmt?.kind !== "assign" || stmt.value.kind !== "number" || !out?.memlet) {
    throw new NotStreamable(`state '${s.label}' does not set one accumulator to a number`);
  }
  return { data: out.memlet.data, value: stmt.value.value };
}

function bodyState(loop: PLoop): PState {
  const blocks = loop.body.blocks;
  if (blocks.length !== 1 || blocks[0]!.kind !== "state") throw new NotStreamable(`loop '${loop.label}' has ${blocks.length} blocks; a diagonal reduction's body is one state`);
  return blocks[0]!;
}

/** `for v in range(n): acc = acc op f(matrix[v, v])`, or why the loop is not that. */
function diagonalLoop(loop: PLoop, input: StreamingInput): DiagonalLoop {
  const { program, symbols } = input;
  const v = loop.variable;
  const isV = (e: PExpr) => e.kind === "name" && e.name === v;
  const cond = loop.condition;
  const up = loop.update[0]?.[1];
  const n = cond.kind === "binary" && cond.op === "<" && isV(cond.left) ? evalSize(cond.right, symbols) : undefined;
  if (v === null || loop.inverted || loop.init.length !== 1 || evalSize(loop.init[0]![1], {}) !== 0 || n === undefined || loop.update.length !== 1
    || up?.kind !== "binary" || up.op !== "+" || !isV(up.left) || evalSize(up.right, {}) !== 1) {
    throw new NotStreamable(`loop '${loop.label}' is not for ${v ?? "?"} in range(N) with a constant N`);
  }
  const state = bodyState(loop);
  const tasklets = state.nodes.filter((x): x is Tasklet => x.kind === "tasklet");
  const dataOf = (id: number) => { const x = state.nodes.find((y) => y.id === id); return x?.kind === "access" ? x.data : undefined; };
  const inEdges = (id: number) => state.edges.filter((e) => e.dst === id);
  const outEdges = (id: number) => state.edges.filter((e) => e.src === id);
  // The accumulation: the one tasklet whose output is read by no tasklet (it writes the accumulator).
  const accumulate = tasklets.find((t) => outEdges(t.id).every((e) => dataOf(e.dst) !== undefined && !tasklets.some((u) => u !== t && inEdges(u.id).some((x) => x.memlet?.data === e.memlet?.data))));
  const accOut = accumulate ? outEdges(accumulate.id) : [];
  const acc = accOut[0]?.memlet?.data;
  if (!accumulate || accOut.length !== 1 || acc === undefined || program.arrays[acc]?.kind !== "scalar") throw new NotStreamable(`loop '${loop.label}' does not update one scalar`);
  const stmt = accumulate.code[0];
  const ins = inEdges(accumulate.id);
  const accConn = ins.find((e) => e.memlet?.data === acc)?.dstConn;
  const valueEdge = ins.find((e) => e.memlet?.data !== acc);
  const op: ReduceOp | undefined = stmt?.kind === "assign" && stmt.value.kind === "binary" ? (stmt.value.op === "+" ? "sum" : stmt.value.op === "*" ? "product" : undefined) : undefined;
  const operands = stmt?.kind === "assign" && stmt.value.kind === "binary" ? [stmt.value.left, stmt.value.right].map((x) => (x.kind === "name" ? x.name : "")).sort().join() : "";
  if (accumulate.code.length !== 1 || op === undefined || ins.length !== 2 || !accConn || !valueEdge?.dstConn || operands !== [accConn, valueEdge.dstConn].sort().join()) {
    throw new NotStreamable(`loop '${loop.label}': tasklet '${accumulate.label}' is not ${acc} = ${acc} + value (or *)`);
  }
  // The body writes nothing the program keeps but the accumulator (itself internal).
  for (const e of state.edges) {
    const data = dataOf(e.dst);
    const desc = data === undefined ? undefined : program.arrays[data];
    if (data !== undefined && (desc?.kind !== "scalar" || !desc.transient)) throw new NotStreamable(`loop '${loop.label}' writes '${data}', not only internal scalars`);
  }
  // Walk f back from the added value to the read of the matrix's diagonal.
  const chain: Tasklet[] = [];
  let edge: PEdge = valueEdge;
  for (;;) {
    const data = edge.memlet!.data;
    const desc = program.arrays[data];
    if (desc?.kind === "array" && desc.shape.length === 2 && isPoint(edge, [v, v])) {
      if (tasklets.length !== chain.length + 1) throw new NotStreamable(`loop '${loop.label}' computes more than f(${data}[${v}, ${v}]) and the update`);
      return { loop, matrix: data, n, acc, op, chain: chain.reverse(), accumulate };
    }
    const src = state.nodes.find((x) => x.id === edge.src);
    if (src?.kind === "access") {
      // A copy of one element into a scalar (DaCe's `a_index = a[i, i]`), or a tasklet's result.
      const feeding = inEdges(src.id);
      if (feeding.length !== 1 || !feeding[0]!.memlet) throw new NotStreamable(`loop '${loop.label}': '${data}' is not written once`);
      const before = state.nodes.find((x) => x.id === feeding[0]!.src);
      if (before?.kind === "access") {
        const m = feeding[0]!.memlet;
        const copied = m.data === data ? (before.data) : m.data;
        const cd = program.arrays[copied];
        if (cd?.kind === "array" && cd.shape.length === 2 && isPoint(feeding[0]!, [v, v])) {
          if (tasklets.length !== chain.length + 1) throw new NotStreamable(`loop '${loop.label}' computes more than f(${copied}[${v}, ${v}]) and the update`);
          return { loop, matrix: copied, n, acc, op, chain: chain.reverse(), accumulate };
        }
        throw new NotStreamable(`loop '${loop.label}': '${data}' is not an element of the diagonal of a matrix`);
      }
      edge = feeding[0]!;
      continue;
    }
    if (src?.kind === "tasklet") {
      const tin = inEdges(src.id);
      if (tin.length !== 1 || src.outputs.length !== 1 || !tin[0]!.memlet) throw new NotStreamable(`loop '${loop.label}': tasklet '${src.label}' is not a function of one value`);
      chain.push(src);
      edge = tin[0]!;
      continue;
    }
    throw new NotStreamable(`loop '${loop.label}': the added value does not come from a matrix's diagonal`);
  }
}

/** The memlet reads (or writes) one element at exactly these index names ([] : element 0 of a scalar). */
function isPoint(e: PEdge, params: string[]): boolean {
  const subset = e.memlet?.subset ?? [];
  if (params.length === 0) return subset.every((r) => r.start.kind === "number" && r.start.value === 0 && r.end.kind === "number" && r.end.value === 0);
  return subset.length === params.length && subset.every((r, a) => r.start.kind === "name" && r.start.name === params[a] && r.end.kind === "name" && r.end.name === params[a]);
}

