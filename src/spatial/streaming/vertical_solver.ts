// Pattern pass: vertical solvers (issue 10; weather codes' vertical advection, NPBench's vadv: a
// tridiagonal Thomas solve per (i, j) column). The program is a sequence of counted loops over the
// last axis k of (I, J, K) arrays whose bodies are maps over the (i, j) plane of one tasklet each
// (read by plane_loops.ts). Consecutive loops that walk k the same way, each starting where the
// last ended, are one sweep (the single-iteration loops NumPy code peels at k = 0 and k = K-1
// become phases of it). Inside a sweep a map may read
//   - an input array at any constant offset [i + di, j + dj, k + dk] (a tap streamed by a reader),
//   - a 3-D array the sweep writes: at k (after this plane wrote it, or before: the value the plane
//     had, memory's or an earlier sweep's), at the previous plane of the sweep (k - 1 upwards,
//     k + 1 downwards: the recurrence, kept on chip one plane deep), or ahead of the sweep in an
//     input array (memory's value of a plane not written yet),
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
import { freshIdentifiers } from "./safe_names.js";
import type { PLoop } from "../../ir/program.js";
import type { DataDesc, SDFG, VerticalPhase, VerticalSolverNode, VerticalSweep, VerticalTap, VerticalValue } from "../../ir/sdfg.js";
import { constantValue } from "./affine_index.js";
import { NotStreamable } from "./not_streamable.js";
import type { KernelMapping, PatternResult, StreamingInput, StreamPattern } from "./patterns.js";
import { kLoop, planeMaps, type KLoop, type PlaneMap } from "./plane_loops.js";
import { ordered } from "./program_shape.js";
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
  const freshName = freshIdentifiers(used, "x");
  const fresh = (prefix: string, data: string) => freshName(data, prefix);
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
