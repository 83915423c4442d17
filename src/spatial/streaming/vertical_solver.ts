// Pattern pass: vertical solvers (issue 10; weather codes' vertical advection, NPBench's vadv: a
// tridiagonal Thomas solve per (i, j) column). The program is a sequence of counted loops over the
// last axis k of (I, J, K) arrays whose bodies are maps over the (i, j) plane of one tasklet each.
// Consecutive loops that walk k the same way and cover 0..K-1 together are one sweep (the
// single-iteration loops NumPy code peels at k = 0 and k = K-1 become phases of it). Inside a
// sweep a map may read
//   - an input array at any constant offset [i + di, j + dj, k + dk] (a tap streamed by a reader),
//   - a 3-D array the sweep writes, at k (after this plane wrote it) or at the previous plane of
//     the sweep (k - 1 upwards, k + 1 downwards: the recurrence, kept on chip one plane deep),
//   - an (I, J) plane array (written earlier in the plane, or carried from the previous plane),
//   - a scalar argument,
//   - at k, a 3-D array an earlier sweep wrote (streamed to this sweep, reversed when it walks the
//     other way).
// The result is one vertical-solver node (ir/sdfg.ts) that lower_vertical.ts turns into plane
// readers, one sweep PE per sweep, plane-reversal buffers and writers. Anything else is refused
// with the reason.

import { join } from "node:path";
import type { ProgramBundle, ProgramInput } from "../../frontend/load_program.js";
import { isDType, type DType } from "../../ir/dtype.js";
import { mapExpr, type Assignment, type Expr } from "../../ir/expr.js";
import { nameProblem } from "../../ir/names.js";
import { topologicalNodeOrder, type PLoop, type PRange, type PState, type PStmt } from "../../ir/program.js";
import type { DataDesc, SDFG, VerticalPhase, VerticalSolverNode, VerticalSweep, VerticalTap, VerticalValue } from "../../ir/sdfg.js";
import { constantValue, pointOffsets } from "./affine_index.js";
import { NotStreamable } from "./not_streamable.js";
import type { KernelMapping, PatternResult, StreamingInput, StreamPattern } from "./patterns.js";
import { ordered, stepOf, tripCount } from "./program_shape.js";
import { taskletAssignments, type ConnectorRead } from "./tasklet_code.js";

export const VERTICAL_SOLVER_PATTERN_NAME = "vertical-solver";

export function raiseVerticalSolver(input: StreamingInput): PatternResult {
  try {
    return raise(input);
  } catch (e) {
    if (e instanceof NotStreamable) return { ok: false, reason: e.message };
    throw e;
  }
}

export const VERTICAL_SOLVER_PATTERN: StreamPattern = { name: VERTICAL_SOLVER_PATTERN_NAME, raise: raiseVerticalSolver };

/** One loop over k: its planes in the order it visits them, and its body's maps in order. */
interface KLoop {
  loop: PLoop;
  variable: string;
  step: 1 | -1;
  first: number;
  last: number;
  /** The body's dataflow states, in execution order. */
  states: PState[];
}

/** A map of the loop body (or a copy between two arrays): what its tasklet reads and writes. */
interface PlaneMap {
  label: string;
  tasklet: { label: string; code: PStmt[] };
  reads: { connector: string; data: string; offset: number[] | null }[];
  write: { connector: string; data: string; rank: number };
  where: string;
}

function raise(input: StreamingInput): PatternResult {
  const { program, symbols } = input;
  const blocks = ordered(program.root);
  if (typeof blocks === "string") throw new NotStreamable(blocks);
  const work = blocks.filter((b) => !(b.kind === "state" && b.nodes.length === 0));
  if (work.length < 2 || !work.every((b) => b.kind === "loop")) throw new NotStreamable("the program is not a sequence of loops over one axis (a vertical solver sweeps k up and down)");
  const loops = (work as PLoop[]).map((l) => kLoop(l, symbols));

  // The sweeps: consecutive loops walking k the same way, each starting where the last ended.
  const groups: KLoop[][] = [];
  for (const l of loops) {
    const g = groups[groups.length - 1];
    const prev = g?.[g.length - 1];
    if (g && prev && prev.step === l.step && l.first === prev.last + l.step) g.push(l);
    else groups.push([l]);
  }
  const arrays = program.arrays;
  const shapeOf = (data: string): number[] => {
    const d = arrays[data];
    if (!d) throw new NotStreamable(`'${data}' is not declared`);
    return d.shape.map((e, a) => {
      const v = constantValue(e, symbols);
      if (v === null) throw new NotStreamable(`'${data}' has a size on axis ${a} not known before the run`);
      return v;
    });
  };
  const maps = new Map<KLoop, PlaneMap[]>();
  let plane: [number, number] | undefined;
  for (const l of loops) {
    const found = planeMaps(l, symbols);
    maps.set(l, found.maps);
    if (plane && found.plane.join() !== plane.join()) throw new NotStreamable(`loop '${l.loop.label}' maps over ${found.plane.join("x")}, an earlier loop over ${plane.join("x")}`);
    plane = found.plane;
  }
  const [I, J] = plane!;
  // K: the last extent of every 3-D array the loops touch.
  let K: number | undefined;
  const dtypes = new Set<DType>();
  for (const m of [...maps.values()].flat()) {
    for (const d of [...m.reads.map((r) => r.data), m.write.data]) {
      const desc = arrays[d]!;
      if (!isDType(desc.dtype)) throw new NotStreamable(`'${d}' is ${desc.dtype}; vertical solvers take float32 and float64`);
      if (desc.dtype !== "float32" && desc.dtype !== "float64") throw new NotStreamable(`'${d}' is ${desc.dtype}; vertical solvers take float32 and float64`);
      dtypes.add(desc.dtype);
      if (desc.kind === "view" || desc.kind === "stream") throw new NotStreamable(`'${d}' is a ${desc.kind}`);
      const s = shapeOf(d);
      if (s.length === 3) {
        if (K !== undefined && s[2] !== K) throw new NotStreamable(`'${d}' has ${s[2]} planes along k, another array ${K}`);
        K = s[2]!;
        if (s[0]! < I || s[1]! < J) throw new NotStreamable(`'${d}' (${s.join("x")}) is smaller than the ${I}x${J} plane`);
      }
    }
  }
  if (K === undefined) throw new NotStreamable("no loop reads or writes a 3-D array along k");
  if (dtypes.size !== 1) throw new NotStreamable(`the loops mix ${[...dtypes].join(" and ")}`);
  const dtype = [...dtypes][0]!;

  // Names in generated code: arguments keep theirs (checked), values of the PE get their own.
  const used = new Set<string>(Object.keys(arrays));
  const fresh = (prefix: string, data: string) => {
    const base = data.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "x";
    let name = `${prefix}${base}`;
    for (let n = 2; used.has(name) || nameProblem(name) !== null; n++) name = `${prefix}${base}${n}`;
    used.add(name);
    return name;
  };
  const argument = (data: string) => {
    const problem = nameProblem(data);
    if (problem) throw new NotStreamable(`argument ${problem}`);
    return data;
  };

  // 3-D data → the sweeps writing it (in order), and the planes each of them writes.
  const writers3 = new Map<string, number[]>();
  const writtenPlanes = new Map<string, Set<number>>(); // `${sweep}:${data}` → planes
  groups.forEach((g, s) => {
    for (const l of g) for (const m of maps.get(l)!) {
      if (m.write.rank !== 3) continue;
      const list = writers3.get(m.write.data) ?? [];
      if (!list.includes(s)) list.push(s);
      writers3.set(m.write.data, list);
      const planes = writtenPlanes.get(`${s}:${m.write.data}`) ?? new Set<number>();
      for (let k = Math.min(l.first, l.last); k <= Math.max(l.first, l.last); k++) planes.add(k);
      writtenPlanes.set(`${s}:${m.write.data}`, planes);
    }
  });
  for (const g of groups) {
    const lo = Math.min(g[0]!.first, g[g.length - 1]!.last);
    const hi = Math.max(g[0]!.first, g[g.length - 1]!.last);
    if (lo < 0 || hi > K - 1) throw new NotStreamable(`loops ${g.map((l) => `'${l.loop.label}'`).join(", ")} walk planes ${lo}..${hi} of k, outside the arrays' 0..${K - 1}`);
  }
  // Memory inputs: 3-D arrays read before any sweep writes them.
  const memoryReads = new Map<string, number>(); // data → first sweep reading it from memory
  const scalars = new Set<string>();
  const sweeps: VerticalSweep[] = [];
  const kernels: KernelMapping[] = [];
  const relays = new Map<string, { sweep: number; tap: VerticalTap }>(); // memory data → the tap at offset 0 of its first reader

  groups.forEach((g, s) => {
    const direction = g[0]!.step === 1 ? "up" : "down";
    const taps: VerticalTap[] = [];
    const values = new Map<string, VerticalValue>();
    const results = new Map<string, string>();
    const phases: VerticalPhase[] = [];
    const valueOf = (data: string) => {
      let v = values.get(data);
      if (!v) { v = { data, name: fresh("v_", data) }; values.set(data, v); }
      return v;
    };
    const tapOf = (data: string, offset: [number, number, number]): VerticalTap => {
      const existing = taps.find((t) => t.data === data && t.offset.join() === offset.join());
      if (existing) return existing;
      const t: VerticalTap = { name: fresh("t_", `${data}_${offset.map((o) => (o < 0 ? `m${-o}` : `${o}`)).join("_")}`), data, offset, planes: [Math.max(0, -offset[2]), Math.min(K! - 1, K! - 1 - offset[2])] };
      taps.push(t);
      return t;
    };
    const needInitial = new Set<string>();
    /** A tap of an input array from memory (one reader per array: a later sweep gets it passed on). */
    const fromMemory = (data: string, di: number, dj: number, dk: number, where: string, lo: number, hi: number): string => {
      const shape = shapeOf(data);
      if (arrays[data]!.transient) throw new NotStreamable(`${where} reads the transient '${data}' before any sweep wrote it`);
      if (lo + dk < 0 || hi + dk > K! - 1 || di < 0 || dj < 0 || I + di > shape[0]! || J + dj > shape[1]!) {
        throw new NotStreamable(`${where} reads '${data}' at offset (${di}, ${dj}, ${dk}) outside its ${shape.join("x")} elements on planes ${lo}..${hi}`);
      }
      const first = memoryReads.get(data);
      if (first !== undefined && first !== s) {
        // A later sweep takes the earlier sweep's stream of the array (one reader per array).
        if (di !== 0 || dj !== 0 || dk !== 0) throw new NotStreamable(`${where} reads '${data}' at offset (${di}, ${dj}, ${dk}) in a second sweep; only its own point is passed on`);
        const relay = relays.get(data) ?? { sweep: first, tap: tapOfSweep(sweeps[first]!, data, fresh, K!) };
        relays.set(data, relay);
        if (!sweeps[first]!.results.some((x) => x.data === data)) sweeps[first]!.results.push({ data, name: relay.tap.name });
        return tapOf(data, [0, 0, 0]).name;
      }
      memoryReads.set(data, s);
      argument(data);
      return tapOf(data, [di, dj, dk]).name;
    };
    g.forEach((l, p) => {
      const written = new Set<string>();
      const code: Assignment[] = [];
      const lo = Math.min(l.first, l.last);
      const hi = Math.max(l.first, l.last);
      maps.get(l)!.forEach((m, mi) => {
        const connectors: Record<string, ConnectorRead> = {};
        for (const r of m.reads) {
          const desc = arrays[r.data]!;
          const where = `loop '${l.loop.label}', map '${m.label}'`;
          let name: string;
          if (r.offset === null) {
            if (desc.transient) throw new NotStreamable(`${where} reads the transient scalar '${r.data}'`);
            name = argument(r.data);
            scalars.add(name);
          } else if (r.offset.length === 2) {
            if (written.has(r.data)) name = valueOf(r.data).name;
            else {
              const earlier = g.slice(0, p).some((q) => maps.get(q)!.some((x) => x.write.data === r.data));
              if (!earlier) throw new NotStreamable(`${where} reads the plane '${r.data}' before this sweep wrote it`);
              const v = valueOf(r.data);
              v.previous ??= fresh("p_", r.data);
              name = v.name;
            }
          } else {
            const [di, dj, dk] = r.offset as [number, number, number];
            const writers = writers3.get(r.data) ?? [];
            const latest = writers.filter((w) => w < s).pop();
            const step = g[0]!.step;
            if (writers.includes(s)) {
              if (di !== 0 || dj !== 0) throw new NotStreamable(`${where} reads '${r.data}', which this sweep writes, at a neighbouring column (${di}, ${dj})`);
              if (dk === 0) {
                // Before this plane writes it: the value the plane had (memory's or an earlier sweep's).
                if (!written.has(r.data)) needInitial.add(r.data);
                name = valueOf(r.data).name;
              } else if (dk === -step) {
                const v = valueOf(r.data);
                v.previous ??= fresh("p_", r.data);
                name = v.previous;
              } else if (dk * step > 0 && latest === undefined) {
                // Ahead of the sweep: a plane it has not written yet, as memory holds it.
                name = fromMemory(r.data, 0, 0, dk, where, lo, hi);
              } else throw new NotStreamable(`${where} reads '${r.data}' at k${dk > 0 ? "+" : ""}${dk} while the sweep walks k ${direction}wards (only the previous plane is kept${latest !== undefined ? ", and planes ahead come from an earlier sweep" : ""})`);
            } else if (latest !== undefined) {
              if (di !== 0 || dj !== 0 || dk !== 0) throw new NotStreamable(`${where} reads '${r.data}' of an earlier sweep at offset (${di}, ${dj}, ${dk}); only its own point is streamed`);
              const planes = writtenPlanes.get(`${latest}:${r.data}`)!;
              const missing = [...Array(hi - lo + 1).keys()].map((x) => lo + x).find((k) => !planes.has(k));
              if (arrays[r.data]!.transient && missing !== undefined) {
                throw new NotStreamable(`${where} reads the transient '${r.data}' on plane ${missing}, which sweep ${latest} does not write`);
              }
              name = tapOf(r.data, [0, 0, 0]).name;
            } else name = fromMemory(r.data, di, dj, dk, where, lo, hi);
          }
          connectors[r.connector] = { kind: "scalar", data: name };
        }
        const target = valueOf(m.write.data);
        const stmts = taskletAssignments(m.tasklet.code, {
          tasklet: m.tasklet.label, connectors, output: { connector: m.write.connector, data: target.name }, constants: program.constants, symbols,
        });
        // The tasklet's own temporaries get names of their own within the plane's code.
        const temps = new Map(stmts.filter((x) => x.target !== target.name).map((x) => [x.target, `s${phases.length}_${mi}_${x.target}`]));
        const rename = (e: Expr): Expr => (e.kind === "name" && temps.has(e.name) ? { ...e, name: temps.get(e.name)! } : e);
        for (const x of stmts) code.push({ target: temps.get(x.target) ?? x.target, value: mapExpr(x.value, rename) });
        written.add(m.write.data);
        if (m.write.rank === 3) results.set(m.write.data, target.name);
      });
      phases.push({ from: l.first, to: l.last, code, source: `loop '${l.loop.label}' (${l.variable} = ${l.first}..${l.last}${l.step === -1 ? " downwards" : ""}): ${maps.get(l)!.length} map(s)` });
    });
    // A 3-D array whose planes this sweep reads before writing them, or does not write on every
    // plane, starts each plane from the value it had: an earlier sweep's stream or memory's.
    for (const data of results.keys()) {
      const partial = writtenPlanes.get(`${s}:${data}`)!.size < K!;
      if (!needInitial.has(data) && !partial) continue;
      const latest = (writers3.get(data) ?? []).filter((w) => w < s).pop();
      const where = `sweep ${s} (k ${direction}wards)`;
      if (latest !== undefined) valueOf(data).initial = tapOf(data, [0, 0, 0]).name;
      else if (!arrays[data]!.transient) valueOf(data).initial = fromMemory(data, 0, 0, 0, where, 0, K! - 1);
      else if (needInitial.has(data)) throw new NotStreamable(`${where} reads the transient '${data}' at k before its plane is written`);
    }
    sweeps.push({ direction, taps, values: [...values.values()], phases, results: [...results].map(([data, name]) => ({ data, name })) });
  });

  // Which results leave: those later sweeps read, and the program's non-transient arrays.
  const readLater = new Set(sweeps.flatMap((x, s) => x.taps.filter((t) => sweeps.slice(0, s).some((e) => e.results.some((r) => r.data === t.data))).map((t) => t.data)));
  const outputs: string[] = [];
  const written: { data: string; array: string }[] = [];
  const outputNames: Record<string, string> = {};
  const sdfgArrays: Record<string, DataDesc> = {};
  const inputs: ProgramInput[] = [];
  for (const data of [...memoryReads.keys()].sort()) {
    const shape = shapeOf(data);
    sdfgArrays[data] = { kind: "array", dtype, shape, transient: false, storage: "global" };
    inputs.push({ name: data, dtype, axes: shape.map((_, a) => a), shape, source: { kind: "file", path: join(input.inputsDir, `${data}.npy`), format: "npy" } });
  }
  for (const name of [...scalars].sort()) {
    const d = arrays[name]!;
    if (!isDType(d.dtype)) throw new NotStreamable(`scalar '${name}' is ${d.dtype}`);
    sdfgArrays[name] = { kind: "scalar", dtype: d.dtype, transient: false };
    inputs.push({ name, dtype: d.dtype, axes: [], shape: [], source: { kind: "file", path: join(input.inputsDir, `${name}.npy`), format: "npy" } });
  }
  sweeps.forEach((x, s) => {
    x.results = x.results.filter((r) => {
      const out = !arrays[r.data]!.transient && (writers3.get(r.data) ?? []).at(-1) === s;
      if (out) {
        let name = memoryReads.has(r.data) ? `${r.data}_out` : r.data;
        while (name !== r.data && (Object.hasOwn(arrays, name) || nameProblem(name) !== null)) name = `${name}x`;
        argument(name);
        outputs.push(name);
        written.push({ data: r.data, array: name });
        if (name !== r.data) outputNames[name] = r.data;
        sdfgArrays[name] = { kind: "array", dtype, shape: shapeOf(r.data), transient: false, storage: "global" };
      }
      return out || readLater.has(r.data);
    });
  });
  if (outputs.length === 0) throw new NotStreamable("the sweeps write no program output");
  const label = `vertical_solver`;
  const node: VerticalSolverNode = { kind: "vertical-solver", id: 0, label, dtype, columns: [I, J], planes: K, sweeps, scalars: [...scalars].sort(), outputs: written.sort((a, b) => (a.array < b.array ? -1 : 1)) };
  const sources: Record<string, string> = {
    [label]: sweeps.map((x, s) => `sweep ${s} (k ${x.direction}wards): ${x.phases.map((ph) => ph.source).join("; ")}`).join(" | "),
  };
  const sdfg: SDFG = {
    name: input.name, symbols: {}, constants: {}, arrays: sdfgArrays,
    states: [{ name: "vertical", nodes: [node], edges: [] }], interstate: [], startState: "vertical",
  };
  const bundle: ProgramBundle = {
    file: input.file, name: input.name, sdfg, domain: [1], iterators: ["k"], inputs,
    outputs: [...outputs].sort(), stencils: [], sources,
  };
  groups.forEach((g, s) => {
    const x = sweeps[s]!;
    const carried = x.values.filter((v) => v.previous).map((v) => `'${v.data}'`);
    for (const l of g) {
      kernels.push({
        name: l.loop.label, mapping: "streamed", pattern: VERTICAL_SOLVER_PATTERN_NAME,
        reason: `planes ${l.first}..${l.last} of sweep ${s} (k ${x.direction}wards over ${I}x${J} columns): one column per cycle through the sweep PE, ${x.taps.length} streamed tap(s)${carried.length ? `, the previous plane of ${carried.join(", ")} kept on chip (the recurrence; a column's next use is ${I * J} cycles later)` : ""}${s > 0 && sweeps[s - 1]!.direction !== x.direction ? ", earlier sweeps' planes reversed on chip" : ""}`,
      });
    }
  });
  return { ok: true, bundle, kernels, outputNames };
}

/** The tap at offset 0 of `data` in an earlier sweep (added when it had none). */
function tapOfSweep(sweep: VerticalSweep, data: string, fresh: (prefix: string, data: string) => string, K: number): VerticalTap {
  const existing = sweep.taps.find((t) => t.data === data && t.offset.join() === "0,0,0");
  if (existing) return existing;
  const t: VerticalTap = { name: fresh("t_", `${data}_0_0_0`), data, offset: [0, 0, 0], planes: [0, K - 1] };
  sweep.taps.push(t);
  return t;
}

/** A counted loop over k, its body one state: its planes in visiting order, or why it is not. */
function kLoop(loop: PLoop, symbols: Record<string, number>): KLoop {
  const where = `loop '${loop.label}'`;
  const count = tripCount(loop, symbols);
  if (typeof count === "string") throw new NotStreamable(count);
  if (count === 0) throw new NotStreamable(`${where} never runs`);
  const variable = loop.variable!;
  const first = constantValue(loop.init[0]![1], symbols)!;
  const step = stepOf(loop.update[0]![1], variable, symbols);
  if (step !== 1 && step !== -1) throw new NotStreamable(`${where} steps by ${step}; a sweep visits every plane`);
  const body = ordered(loop.body);
  if (typeof body === "string") throw new NotStreamable(body);
  const states = body.filter((b) => !(b.kind === "state" && b.nodes.length === 0));
  if (states.length === 0 || !states.every((b) => b.kind === "state")) throw new NotStreamable(`${where}: its body is not a straight line of dataflow states (nested control flow)`);
  return { loop, variable, step, first, last: first + step * (count - 1), states: states as PState[] };
}

/** The maps of a loop body in dataflow order (state by state), each one tasklet over the (i, j) plane. */
function planeMaps(l: KLoop, symbols: Record<string, number>): { maps: PlaneMap[]; plane: [number, number] } {
  const maps: PlaneMap[] = [];
  let plane: [number, number] | undefined;
  for (const state of l.states) {
    const found = stateMaps(l, state, symbols, plane);
    maps.push(...found.maps);
    plane = found.plane;
  }
  if (!plane) throw new NotStreamable(`loop '${l.loop.label}' holds no map`);
  return { maps, plane };
}

function stateMaps(l: KLoop, state: PState, symbols: Record<string, number>, known: [number, number] | undefined): { maps: PlaneMap[]; plane: [number, number] | undefined } {
  const order = topologicalNodeOrder(state);
  if (order.length !== state.nodes.length) throw new NotStreamable(`loop '${l.loop.label}': its state has a cycle`);
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  const maps: PlaneMap[] = [];
  let plane = known;
  // Views (`x = a[:, :, k]`): the array and the subset each view of this state stands for.
  const views = new Map<string, { data: string; subset: readonly PRange[] }>();
  const isViewEdge = (e: (typeof state.edges)[number]) => e.dstConn === "views" || e.srcConn === "views";
  for (const e of state.edges.filter((x) => isViewEdge(x) && x.memlet)) {
    const viewNode = byId.get(e.dstConn === "views" ? e.dst : e.src);
    const arrayNode = byId.get(e.dstConn === "views" ? e.src : e.dst);
    if (viewNode?.kind !== "access" || arrayNode?.kind !== "access") throw new NotStreamable(`loop '${l.loop.label}': a view edge (${e.where}) does not join two access nodes`);
    const subset = e.memlet!.data === arrayNode.data ? e.memlet!.subset : e.memlet!.otherSubset;
    if (!subset) throw new NotStreamable(`loop '${l.loop.label}': view '${viewNode.data}' has no subset of '${arrayNode.data}' (${e.where})`);
    views.set(viewNode.data, { data: arrayNode.data, subset });
  }
  /** The array element a view's element at `offsets` is (the view's subset start plus the offsets on its free axes). */
  const resolve = (data: string, offsets: number[] | null, where: string): { data: string; offset: number[] | null } => {
    const v = views.get(data);
    if (!v || offsets === null) return { data, offset: offsets };
    // A 2-D view of a 3-D array is one plane (k + dk); otherwise every axis is free.
    const squeeze = v.subset.length - offsets.length;
    if (squeeze !== 0 && !(squeeze === 1 && v.subset.length === 3)) throw new NotStreamable(`${where}: view '${data}' is ${offsets.length}-D over the ${v.subset.length}-D '${v.data}'`);
    const out: number[] = [];
    v.subset.forEach((r, a) => {
      if (squeeze === 1 && a === 2) {
        const k = planeOffset(r, l, symbols);
        if (typeof k === "string") throw new NotStreamable(`${where}: view '${data}' of '${v.data}': its plane ${k}`);
        out.push(k);
        return;
      }
      const start = constantValue(r.start, symbols);
      if (start === null) throw new NotStreamable(`${where}: view '${data}' of '${v.data}' starts on axis ${a} at an index not known before the run`);
      out.push(start + offsets[a]!);
    });
    return { data: v.data, offset: out };
  };
  for (const id of order) {
    const n = byId.get(id)!;
    const scope = state.scope.get(n.id) ?? null;
    if (n.kind === "access" && scope === null) {
      // `a[:] = b` between arrays: a copy edge from one access node to another, an elementwise map of its own.
      for (const e of state.edges.filter((x) => x.dst === n.id && x.memlet && !isViewEdge(x))) {
        const src = byId.get(e.src)!;
        if (src.kind !== "access") continue;
        const m = e.memlet!;
        const srcIsData = m.data === src.data;
        const srcSubset = srcIsData ? m.subset : m.otherSubset ?? m.subset;
        const dstSubset = srcIsData ? m.otherSubset ?? m.subset : m.subset;
        const where = `loop '${l.loop.label}', copy '${src.data}' -> '${n.data}' (${e.where})`;
        const from = copyOffsets(srcSubset ?? [], l, where, symbols);
        const to = copyOffsets(dstSubset ?? [], l, where, symbols);
        if (plane && (from.extent.join() !== plane.join() || to.extent.join() !== plane.join())) throw new NotStreamable(`${where} does not copy the ${plane.join("x")} plane`);
        if (from.extent.join() !== to.extent.join()) throw new NotStreamable(`${where} copies ${from.extent.join("x")} elements into ${to.extent.join("x")}`);
        plane = from.extent;
        if (to.offset.some((x) => x !== 0)) throw new NotStreamable(`${where} writes '${n.data}' other than at its own point`);
        const read = resolve(src.data, from.offset, where);
        const write = resolve(n.data, to.offset, where);
        if (write.offset!.some((x) => x !== 0)) throw new NotStreamable(`${where} writes '${write.data}' other than at its own point`);
        maps.push({
          label: `copy ${src.data} -> ${n.data}`, tasklet: { label: `copy ${src.data} -> ${n.data}`, code: [{ kind: "assign", target: "__out", value: { kind: "name", name: "__in1" } }] },
          reads: [{ connector: "__in1", data: read.data, offset: read.offset }], write: { connector: "__out", data: write.data, rank: write.offset!.length }, where,
        });
      }
      continue;
    }
    if (n.kind === "access" || n.kind === "map_exit") continue;
    if (n.kind === "tasklet" && scope !== null) continue;
    if (n.kind !== "map_entry") throw new NotStreamable(`loop '${l.loop.label}' holds ${n.kind === "library" ? `library node '${n.label}'` : n.kind === "tasklet" ? `tasklet '${n.label}' outside a map` : `a ${n.kind} node`}; a sweep's body is maps over the plane`);
    if (scope !== null) throw new NotStreamable(`map '${n.label}' is nested in another map`);
    const where = `loop '${l.loop.label}', map '${n.label}'`;
    if (n.params.length !== 2) throw new NotStreamable(`${where} has ${n.params.length} parameter(s); a plane map has two (i, j)`);
    const extent = n.ranges.map((r, a) => {
      const start = constantValue(r.start, symbols);
      const end = constantValue(r.end, symbols);
      const step = constantValue(r.step, symbols);
      if (start !== 0 || step !== 1 || end === null) throw new NotStreamable(`${where} does not cover axis ${a} from 0 in steps of 1`);
      return end + 1;
    }) as [number, number];
    if (plane && extent.join() !== plane.join()) throw new NotStreamable(`${where} covers ${extent.join("x")}, another map ${plane.join("x")}`);
    plane = extent;
    const inside = state.nodes.filter((x) => state.scope.get(x.id) === n.id && x.kind !== "map_exit");
    const tasklet = inside[0];
    if (inside.length !== 1 || !tasklet || tasklet.kind !== "tasklet") throw new NotStreamable(`${where} holds ${inside.length} nodes; a plane map holds one tasklet`);
    const reads: PlaneMap["reads"] = [];
    for (const e of state.edges.filter((x) => x.dst === tasklet.id)) {
      if (!e.memlet || e.dstConn === null) throw new NotStreamable(`${where}: tasklet '${tasklet.label}' has an empty input`);
      const r = resolve(e.memlet.data, access(e.memlet.data, e.memlet.subset ?? [], n.params, l, where, symbols), where);
      reads.push({ connector: e.dstConn, data: r.data, offset: r.offset });
    }
    const outs = state.edges.filter((x) => x.src === tasklet.id);
    if (outs.length !== 1 || !outs[0]!.memlet || outs[0]!.srcConn === null) throw new NotStreamable(`${where}: tasklet '${tasklet.label}' does not write exactly one value`);
    const o = outs[0]!;
    if (o.memlet!.wcr) throw new NotStreamable(`${where} writes '${o.memlet!.data}' with write-conflict resolution`);
    const w = resolve(o.memlet!.data, access(o.memlet!.data, o.memlet!.subset ?? [], n.params, l, where, symbols), where);
    const at = w.offset;
    if (at === null || at.some((x) => x !== 0)) throw new NotStreamable(`${where} writes '${w.data}' other than at its own point`);
    maps.push({ label: n.label, tasklet, reads, write: { connector: o.srcConn!, data: w.data, rank: at.length }, where });
  }
  return { maps, plane };
}

/**
 * The plane offset dk of an index `k + dk` of loop `l`; in a single-iteration loop also a constant
 * (DaCe's constant propagation writes `wcon[…, 1]` for `k + 1` when k is always 0).
 */
function planeOffset(r: PRange, l: KLoop, symbols: Record<string, number>): number | string {
  const k = pointOffsets([r], [l.variable], symbols);
  if (typeof k !== "string") return k[0]!;
  const start = constantValue(r.start, symbols);
  const end = constantValue(r.end, symbols);
  if (l.first === l.last && start !== null && start === end) return start - l.first;
  return k;
}

/** A copy's subset: the plane it covers (I, J) and its offset [di, dj] or [di, dj, dk] (plane k + dk). */
function copyOffsets(subset: readonly PRange[], l: KLoop, where: string, symbols: Record<string, number>): { extent: [number, number]; offset: number[] } {
  if (subset.length !== 2 && subset.length !== 3) throw new NotStreamable(`${where} copies a ${subset.length}-D subset; plane copies are 2-D or a plane of a 3-D array`);
  const extent: number[] = [];
  const offset: number[] = [];
  for (let a = 0; a < 2; a++) {
    const start = constantValue(subset[a]!.start, symbols);
    const end = constantValue(subset[a]!.end, symbols);
    const step = constantValue(subset[a]!.step, symbols);
    if (start === null || end === null || step !== 1) throw new NotStreamable(`${where}: axis ${a} is not a constant range in steps of 1`);
    extent.push(end - start + 1);
    offset.push(start);
  }
  if (subset.length === 3) {
    const k = planeOffset(subset[2]!, l, symbols);
    if (typeof k === "string") throw new NotStreamable(`${where}: its k index ${k}`);
    offset.push(k);
  }
  return { extent: extent as [number, number], offset };
}

/**
 * How a memlet inside a plane map indexes its data: null for a scalar, [di, dj] for an (I, J)
 * array at the map point, [di, dj, dk] for a 3-D array at the point of plane k + dk.
 */
function access(data: string, subset: readonly import("../../ir/program.js").PRange[], params: string[], l: KLoop, where: string, symbols: Record<string, number>): number[] | null {
  if (subset.length === 0 || (subset.length === 1 && constantValue(subset[0]!.start, symbols) === 0 && constantValue(subset[0]!.end, symbols) === 0)) return null;
  const offsets = pointOffsets(subset.slice(0, 2), params, symbols);
  if (typeof offsets === "string") throw new NotStreamable(`${where}: '${data}' ${offsets}`);
  if (subset.length === 3) {
    const k = planeOffset(subset[2]!, l, symbols);
    if (typeof k === "string") throw new NotStreamable(`${where}: '${data}' index 2 ${k}`);
    offsets.push(k);
  } else if (subset.length !== 2) throw new NotStreamable(`${where}: '${data}' has ${subset.length} indices; sweeps read 2-D planes and 3-D arrays`);
  if (subset.length === 2 && offsets.some((x) => x !== 0)) throw new NotStreamable(`${where} reads the plane '${data}' at a neighbouring column`);
  return offsets;
}
