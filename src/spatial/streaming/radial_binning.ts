// Pattern pass: a radial binning, NPBench's azimint_naive:
//
//   rmax = radius.max(); res = np.zeros(npt)
//   for i in range(npt):
//       r1 = rmax * i / npt; r2 = rmax * (i + 1) / npt
//       mask_r12 = np.logical_and((r1 <= radius), (radius < r2))
//       res[i] = data[mask_r12].mean()
//
// DaCe writes it as a state reducing `radius` with max (and filling `res` with zeros), then a
// loop over i whose body is two states: scalar tasklets computing r1 = (rmax * f64(i)) / f64(npt)
// and r2 = (rmax * f64(i + 1)) / f64(npt), three maps building the mask, the sum and count set
// to 0; then a map over j whose nested SDFG adds data[j] (wcr +) to the sum and 1 to the count
// when mask[j], and res[i] = sum / count.
//
// Streamed, it is one radial-bin node (ir/sdfg.ts) that lowering makes a binning PE
// (spatial/linalg_pipeline.ts): the keys stream twice, first for their maximum, then with the
// values, each element's bin found with the same float64 comparisons (codegen/binning_code.ts)
// and its value and 1 added to per-bin sums and counts in interleaved on-chip copies (II=1
// despite data-dependent addresses); one mean per bin is written. The alternative, npt passes
// over the data as DaCe's loop does, reads the arrays npt times.

import { join } from "node:path";
import type { ProgramBundle, ProgramInput } from "../../frontend/load_program.js";
import type { PEdge, PExpr, PLoop, PNode, PRegion, PState, Program } from "../../ir/program.js";
import type { RadialBinNode, SDFG } from "../../ir/sdfg.js";
import { nameProblem } from "../../ir/names.js";
import { identifierText, safeDataNames } from "./safe_names.js";
import type { PatternResult, StreamingInput, StreamPattern } from "./patterns.js";
import { evalSize } from "./compute_state.js";
import { NotStreamable } from "./not_streamable.js";

export const RADIAL_BINNING_PATTERN = "radial-binning";

export const radialBinningPattern: StreamPattern = { name: RADIAL_BINNING_PATTERN, raise: raiseRadialBinning };

/** What the program is, in the terms of the binning: `output[b] = mean(values[k] for b·max/B <= keys[k] < (b+1)·max/B)`. */
export interface RadialBinning {
  /** The array whose elements choose the bin (radius). */
  keys: string;
  /** The array averaged per bin (data). */
  values: string;
  /** Elements of keys and values. */
  n: number;
  /** Bins (npt). */
  bins: number;
  /** The scalar holding max(keys) (rmax). */
  max: string;
  /** The array of `bins` means (the program's return value). */
  output: string;
  /** The loop over bins. */
  loop: string;
}

export function raiseRadialBinning(input: StreamingInput): PatternResult {
  try {
    const m = matchRadialBinning(input);
    const names = safeDataNames(Object.keys(input.program.arrays));
    const keys = names.get(m.keys)!;
    const values = names.get(m.values)!;
    const output = names.get(m.output)!;
    // The node's label names the PE in generated code: the loop's label made an identifier.
    const cleaned = identifierText(m.loop);
    const label = cleaned !== "" && nameProblem(cleaned) === null ? cleaned : "binning";
    const node: RadialBinNode = { kind: "radial-bin", id: 0, label, dtype: "float64", keys, values, n: m.n, bins: m.bins, output };
    const sdfg: SDFG = {
      name: input.name, symbols: {}, constants: {},
      arrays: {
        [keys]: { kind: "array", dtype: "float64", shape: [m.n], transient: false, storage: "global" },
        [values]: { kind: "array", dtype: "float64", shape: [m.n], transient: false, storage: "global" },
        [output]: { kind: "array", dtype: "float64", shape: [m.bins], transient: false, storage: "global" },
      },
      states: [{ name: "binning", nodes: [node], edges: [] }], interstate: [], startState: "binning",
    };
    const inputs: ProgramInput[] = [[keys, m.keys], [values, m.values]].sort().map(([name, data]) => ({
      name: name!, dtype: "float64", axes: [0], shape: [m.n], source: { kind: "file", path: join(input.inputsDir, `${data}.npy`), format: "npy" },
    }));
    const sources = { [label]: `${m.max} = max(${m.keys}); for i in range(${m.bins}): ${m.output}[i] = mean of ${m.values} where ${m.max} * i / ${m.bins} <= ${m.keys} < ${m.max} * (i + 1) / ${m.bins}` };
    const bundle: ProgramBundle = { file: input.file, name: input.name, sdfg, domain: [1], iterators: ["k"], inputs, outputs: [output], stencils: [], sources };
    return {
      ok: true, bundle,
      kernels: [{
        name: m.loop, mapping: "streamed", pattern: RADIAL_BINNING_PATTERN,
        reason: `mean of '${m.values}' over ${m.bins} bins of '${m.keys}' by ${m.max} = max(${m.keys}): a binning PE reads '${m.keys}' twice (its maximum, then the bins, with '${m.values}') and accumulates sums and counts in interleaved on-chip copies (II=1)`,
      }],
      ...(output !== m.output ? { outputNames: { [output]: m.output } } : {}),
    };
  } catch (e) {
    if (e instanceof NotStreamable) return { ok: false, reason: e.message };
    throw e;
  }
}

type Tasklet = Extract<PNode, { kind: "tasklet" }>;

/** The binning the program is, or a NotStreamable saying where it differs. */
export function matchRadialBinning(input: StreamingInput): RadialBinning {
  const { program, symbols } = input;
  const blocks = program.root.blocks;
  const straight = program.root.edges.every((e) => e.condition === null && e.assignments.length === 0);
  if (blocks.length !== 2 || !straight || blocks[0]!.kind !== "state" || blocks[1]!.kind !== "loop") {
    throw new NotStreamable("not a state taking a maximum followed by a loop over bins");
  }
  const { keys, max, n } = maxReduction(blocks[0]!, program, symbols);
  const loop = blocks[1]!;
  const v = loop.variable;
  const bins = loop.condition.kind === "binary" && loop.condition.op === "<" && isName(loop.condition.left, v) ? evalSize(loop.condition.right, symbols) : undefined;
  const up = loop.update[0]?.[1];
  if (v === null || loop.inverted || loop.init.length !== 1 || evalSize(loop.init[0]![1], {}) !== 0 || bins === undefined || bins < 1 || loop.update.length !== 1
    || up?.kind !== "binary" || up.op !== "+" || !isName(up.left, v) || evalSize(up.right, {}) !== 1) {
    throw new NotStreamable(`loop '${loop.label}' is not for ${v ?? "?"} in range(B) with a constant B`);
  }
  const [edgesState, accumulateState] = twoStates(loop);
  const binOf = (bound: string, plusOne: boolean) => boundOf(edgesState, bound, max, v, bins, plusOne, symbols, loop.label);

  // The mask: (r1 <= keys[j]) and (keys[j] < r2).
  const ands = edgesState.nodes.filter((x): x is Tasklet => x.kind === "tasklet" && isBinaryOfInputs(x, "and"));
  const andT = ands[0];
  if (ands.length !== 1 || !andT) throw new NotStreamable(`loop '${loop.label}': state '${edgesState.label}' does not build one mask (a and b)`);
  const mask = outData(edgesState, andT);
  const [leIn, ltIn] = [inData(edgesState, andT, "__in1"), inData(edgesState, andT, "__in2")];
  const le = writerOf(edgesState, leIn, loop.label);
  const lt = writerOf(edgesState, ltIn, loop.label);
  if (!isBinaryOfInputs(le, "<=") || !isBinaryOfInputs(lt, "<")) throw new NotStreamable(`loop '${loop.label}': the mask '${mask}' is not (r1 <= ${keys}) and (${keys} < r2)`);
  const lower = inData(edgesState, le, "__in1");
  const upper = inData(edgesState, lt, "__in2");
  if (inData(edgesState, le, "__in2") !== keys || inData(edgesState, lt, "__in1") !== keys) throw new NotStreamable(`loop '${loop.label}': the mask does not compare '${keys}', the array whose maximum is taken`);
  binOf(lower, false);
  binOf(upper, true);

  // The mean: sum and count of the masked values, then sum / count into output[i].
  const acc = maskedAccumulation(accumulateState, mask, n, symbols, loop.label);
  for (const [data, what] of [[acc.sum, "sum"], [acc.count, "count"]] as const) {
    const t = writerOf(edgesState, data, loop.label);
    const s = t.code[0];
    const value = s?.kind === "assign" ? (s.value.kind === "cast" ? s.value.operand : s.value) : undefined;
    if (t.code.length !== 1 || value?.kind !== "number" || value.value !== 0) throw new NotStreamable(`loop '${loop.label}': the ${what} '${data}' does not start at 0 for each bin`);
  }
  const div = accumulateState.nodes.find((x): x is Tasklet => x.kind === "tasklet" && isBinaryOfInputs(x, "/"));
  if (!div || inData(accumulateState, div, "__in1") !== acc.sum || inData(accumulateState, div, "__in2") !== acc.count) {
    throw new NotStreamable(`loop '${loop.label}': no ${acc.sum} / ${acc.count} (the mean)`);
  }
  const output = storedAtBin(accumulateState, outData(accumulateState, div), v, loop.label);
  const outDesc = program.arrays[output];
  if (outDesc?.kind !== "array" || outDesc.transient || outDesc.shape.length !== 1 || evalSize(outDesc.shape[0]!, symbols) !== bins) {
    throw new NotStreamable(`loop '${loop.label}' stores the mean in '${output}', not a program array of ${bins} elements`);
  }
  const valuesDesc = program.arrays[acc.values];
  if (valuesDesc?.kind !== "array" || valuesDesc.transient || valuesDesc.shape.length !== 1 || evalSize(valuesDesc.shape[0]!, symbols) !== n) {
    throw new NotStreamable(`loop '${loop.label}' averages '${acc.values}', not a program array of ${n} elements`);
  }
  for (const d of [keys, acc.values, output]) {
    if (program.arrays[d]!.dtype !== "float64") throw new NotStreamable(`'${d}' is ${program.arrays[d]!.dtype}; the binning takes float64 arrays`);
  }
  return { keys, values: acc.values, n, bins, max, output, loop: loop.label };
}

/** The first state: max over a whole 1-D program array into a scalar (and nothing but constant fills). */
function maxReduction(state: PState, program: Program, symbols: Record<string, number>): { keys: string; max: string; n: number } {
  const reduces = state.nodes.filter((x) => x.kind === "library");
  const r = reduces[0];
  const wcr = r?.kind === "library" ? r.attributes.wcr : undefined;
  if (reduces.length !== 1 || r?.kind !== "library" || !r.classpath.endsWith(".Reduce") || wcr?.op !== "max" || (r.attributes.axes ?? null) !== null) {
    throw new NotStreamable(`state '${state.label}' does not take one maximum over a whole array`);
  }
  const inE = state.edges.filter((e) => e.dst === r.id);
  const outE = state.edges.filter((e) => e.src === r.id);
  const keys = inE[0]?.memlet?.data;
  const max = outE[0]?.memlet?.data;
  const keysDesc = keys === undefined ? undefined : program.arrays[keys];
  const n = keysDesc?.shape.length === 1 ? evalSize(keysDesc.shape[0]!, symbols) : undefined;
  if (inE.length !== 1 || outE.length !== 1 || keys === undefined || max === undefined || keysDesc?.kind !== "array" || keysDesc.transient || n === undefined
    || program.arrays[max]?.kind !== "scalar") {
    throw new NotStreamable(`state '${state.label}': the maximum is not of one 1-D program array of constant size into a scalar`);
  }
  for (const t of state.nodes) {
    if (t.kind === "tasklet" && (t.inputs.length !== 0 || t.code.some((s) => s.kind !== "assign" || s.value.kind !== "number"))) {
      throw new NotStreamable(`state '${state.label}': tasklet '${t.label}' computes more than a constant fill`);
    }
  }
  return { keys, max, n };
}

function twoStates(loop: PLoop): [PState, PState] {
  const body: PRegion = loop.body;
  const [a, b] = body.blocks;
  const straight = body.edges.length === 1 && body.edges[0]!.src === 0 && body.edges[0]!.dst === 1 && body.edges[0]!.condition === null && body.edges[0]!.assignments.length === 0;
  if (body.blocks.length !== 2 || a?.kind !== "state" || b?.kind !== "state" || !straight) {
    throw new NotStreamable(`loop '${loop.label}': the body is not two states in order (the bin edges and mask, then the masked mean)`);
  }
  return [a, b];
}

/** `bound` = (max * f64(v [+ 1])) / f64(B): the bin edge exactly as NumPy computes rmax * i / npt. */
function boundOf(state: PState, bound: string, max: string, v: string, bins: number, plusOne: boolean, symbols: Record<string, number>, where: string): void {
  const what = `'${bound}' is not ${max} * ${plusOne ? `(${v} + 1)` : v} / ${bins}`;
  const div = writerOf(state, bound, where);
  const ds = div.code[0];
  if (div.code.length !== 1 || ds?.kind !== "assign" || ds.value.kind !== "binary" || ds.value.op !== "/" || ds.value.left.kind !== "name"
    || ds.value.right.kind !== "cast" || ds.value.right.to !== "float64" || evalSize(ds.value.right.operand, symbols) !== bins) {
    throw new NotStreamable(`loop '${where}': ${what}`);
  }
  const mul = writerOf(state, inData(state, div, ds.value.left.name), where);
  const ms = mul.code[0];
  if (mul.code.length !== 1 || ms?.kind !== "assign" || ms.value.kind !== "binary" || ms.value.op !== "*" || ms.value.left.kind !== "name"
    || inData(state, mul, ms.value.left.name) !== max || ms.value.right.kind !== "cast" || ms.value.right.to !== "float64") {
    throw new NotStreamable(`loop '${where}': ${what}`);
  }
  const factor = ms.value.right.operand;
  const ok = plusOne
    ? factor.kind === "binary" && factor.op === "+" && isName(factor.left, v) && evalSize(factor.right, {}) === 1
    : isName(factor, v);
  if (!ok) throw new NotStreamable(`loop '${where}': ${what}`);
}

/** A map over j in [0, n) whose nested SDFG adds values[j] to a sum and 1 to a count when mask[j]. */
function maskedAccumulation(state: PState, mask: string, n: number, symbols: Record<string, number>, where: string): { values: string; sum: string; count: string } {
  const maps = state.nodes.filter((x) => x.kind === "map_entry");
  const map = maps[0];
  if (maps.length !== 1 || map?.kind !== "map_entry" || map.params.length !== 1 || evalSize(map.ranges[0]!.start, symbols) !== 0
    || evalSize(map.ranges[0]!.step, symbols) !== 1 || evalSize(map.ranges[0]!.end, symbols) !== n - 1) {
    throw new NotStreamable(`loop '${where}': the masked mean is not one map over the ${n} elements`);
  }
  const j = map.params[0]!;
  const nested = state.nodes.filter((x) => x.kind === "nested" && state.scope.get(x.id) === map.id);
  const nest = nested[0];
  if (nested.length !== 1 || nest?.kind !== "nested") throw new NotStreamable(`loop '${where}': map '${map.label}' does not hold one nested SDFG`);
  const inner = (conn: string) => state.edges.find((e) => e.dst === nest.id && e.dstConn === conn);
  const outer = (conn: string) => state.edges.find((e) => e.src === nest.id && e.srcConn === conn);
  const blocks = nest.sdfg.root.blocks;
  const cond = blocks[0];
  const branch = cond?.kind === "conditional" && cond.branches.length === 1 ? cond.branches[0]! : undefined;
  const maskConn = branch?.condition?.kind === "name" ? branch.condition.name : undefined;
  const maskEdge = maskConn === undefined ? undefined : inner(maskConn);
  if (blocks.length !== 1 || !branch || maskEdge?.memlet?.data !== mask || !isPoint(maskEdge, [j])) {
    throw new NotStreamable(`loop '${where}': the nested SDFG of '${map.label}' is not one 'if ${mask}[${j}]'`);
  }
  const body = branch.body.blocks;
  const s = body[0];
  if (body.length !== 1 || s?.kind !== "state") throw new NotStreamable(`loop '${where}': the masked branch is not one state`);
  let values: string | undefined;
  let sum: string | undefined;
  let count: string | undefined;
  for (const t of s.nodes) {
    if (t.kind === "access") continue;
    const st = t.kind === "tasklet" ? t.code[0] : undefined;
    const oe = s.edges.filter((e) => e.src === t.id);
    const wcrAdd = oe.length === 1 && oe[0]!.memlet?.wcr?.op === "+";
    const target = wcrAdd ? outer(nestedConnOf(s, oe[0]!)) : undefined;
    if (t.kind !== "tasklet" || t.code.length !== 1 || st?.kind !== "assign" || !target?.memlet || !isPoint(target, [])) {
      throw new NotStreamable(`loop '${where}': the masked branch does more than add to a sum and a count`);
    }
    if (st.value.kind === "number" && st.value.value === 1 && t.inputs.length === 0) {
      count = target.memlet.data;
    } else if (st.value.kind === "name" && t.inputs.length === 1 && st.value.name === t.inputs[0]) {
      const ie = s.edges.find((e) => e.dst === t.id);
      const src = ie ? s.nodes.find((x) => x.id === ie.src) : undefined;
      const read = src?.kind === "access" ? inner(src.data) : undefined;
      if (!read?.memlet || !isPoint(read, [j])) throw new NotStreamable(`loop '${where}': the masked branch adds a value other than an element at ${j}`);
      values = read.memlet.data;
      sum = target.memlet.data;
    } else {
      throw new NotStreamable(`loop '${where}': tasklet '${t.label}' in the masked branch adds neither a value nor 1`);
    }
  }
  if (values === undefined || sum === undefined || count === undefined) throw new NotStreamable(`loop '${where}': the masked branch does not add both a value and a count`);
  return { values, sum, count };
}

/** The nested SDFG's output connector an access node of its state is (DaCe names them alike). */
function nestedConnOf(state: PState, e: PEdge): string {
  const dst = state.nodes.find((x) => x.id === e.dst);
  return dst?.kind === "access" ? dst.data : "";
}

/** Follows `data` through copy tasklets (`out = inp`) to the array it is stored in at index v. */
function storedAtBin(state: PState, data: string, v: string, where: string): string {
  for (let d = data, hops = 0; hops < 4; hops++) {
    const readers = state.nodes.filter((x): x is Tasklet => x.kind === "tasklet" && state.edges.some((e) => e.dst === x.id && e.memlet?.data === d));
    const t = readers[0];
    const s = t?.code[0];
    if (readers.length !== 1 || t!.code.length !== 1 || s?.kind !== "assign" || s.value.kind !== "name" || t!.inputs.length !== 1) break;
    const oe = state.edges.filter((e) => e.src === t!.id);
    if (oe.length !== 1 || !oe[0]!.memlet) break;
    if (isPoint(oe[0]!, [v])) return oe[0]!.memlet.data;
    d = oe[0]!.memlet.data;
  }
  throw new NotStreamable(`loop '${where}': the mean '${data}' is not stored at index ${v} of an array`);
}

/** The one tasklet writing `data` in the state. */
function writerOf(state: PState, data: string, where: string): Tasklet {
  const ws = state.nodes.filter((x): x is Tasklet => x.kind === "tasklet" && outData(state, x) === data);
  if (ws.length !== 1) throw new NotStreamable(`loop '${where}': '${data}' is not written by one tasklet in state '${state.label}'`);
  return ws[0]!;
}

function outData(state: PState, t: Tasklet): string {
  const oe = state.edges.filter((e) => e.src === t.id);
  return oe.length === 1 && oe[0]!.memlet ? oe[0]!.memlet.data : "";
}

function inData(state: PState, t: Tasklet, conn: string): string {
  return state.edges.find((e) => e.dst === t.id && e.dstConn === conn)?.memlet?.data ?? "";
}

/** `__out = __in1 op __in2` (either operand possibly converted to float64, as DaCe's division writes it). */
function isBinaryOfInputs(t: Tasklet, op: string): boolean {
  const s = t.code[0];
  const bare = (e: PExpr) => (e.kind === "cast" && e.to === "float64" ? e.operand : e);
  return t.code.length === 1 && s?.kind === "assign" && s.value.kind === "binary" && s.value.op === op
    && isName(bare(s.value.left), "__in1") && isName(bare(s.value.right), "__in2");
}

function isName(e: PExpr, name: string | null): boolean {
  return e.kind === "name" && e.name === name;
}

/** The memlet reads (or writes) one element at exactly these index names ([]: element 0 of a scalar). */
function isPoint(e: PEdge, params: string[]): boolean {
  const subset = e.memlet?.subset ?? [];
  if (params.length === 0) return subset.every((r) => r.start.kind === "number" && r.start.value === 0 && r.end.kind === "number" && r.end.value === 0);
  return subset.length === params.length && subset.every((r, a) => r.start.kind === "name" && r.start.name === params[a] && r.end.kind === "name" && r.end.name === params[a]);
}
