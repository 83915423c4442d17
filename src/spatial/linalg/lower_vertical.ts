// Vertical-solver node (ir/sdfg.ts) → spatial pipeline: one plane reader per input array (each
// of its taps a FIFO), one sweep PE per sweep, a plane-reversal buffer wherever a sweep's result
// feeds a sweep walking k the other way, a plane writer per output. The processes live in
// `Pipeline.linalg` (spatial/linalg_pipeline.ts) beside the linear-algebra kinds, so the hosts
// and both vendors' kernels take them as they take a matrix-vector pipeline.
//
// FIFO depths: a reader sends an element to each tap as soon as it reads it, while the PE takes
// the taps of one point together, so the tap furthest ahead in the reader's order (k + 1 upwards)
// sets how far the reader runs ahead; every other tap's FIFO holds that many reads more (a plane
// for k versus k + 1), plus the PE's pipeline margin and the stencil road's slack.
//
// W > 1: W neighbouring columns (j .. j + W - 1 of one row i) go through every process side by
// side, each lane its own recurrence, one W-wide transfer per FIFO per cycle. In NumPy's layout
// (k innermost) those W elements of a plane lie K elements apart: W separate accesses per cycle,
// none of them a burst. So at W > 1 the device holds every 3-D array plane-major (k outermost,
// then i, then j; the host reorders it on the way in and out): the W columns are one contiguous
// wide word, and a reader or writer walking the planes in either direction moves whole planes of
// R * S / W consecutive words, the long bursts DDR and HBM want. W must divide J and the row
// length of every array read, and a tap's column offset must be a whole number of words (the
// reader sends whole words; a shifted word would need a window across two). At W = 1 the arrays
// keep NumPy's layout, as before.

import { UserError } from "../../ir/diagnostics.js";
import { verticalSolverNodes, type SDFG, type VerticalSolverNode } from "../../ir/sdfg.js";
import type { MemoryReader, MemoryWriter, Pipeline, SpatialOptions } from "../pipeline.js";
import type { LinalgChannel, LinalgProcess, PlaneReader, SweepPE } from "../linalg_pipeline.js";
import { estimatePipelineDepth } from "../op_latency.js";
import { countOps, walkExpr } from "../../ir/expr.js";

/** The stencil road's constants (lower.ts), repeated to keep this module free of an import cycle. */
const PIPELINE_DEPTH_MARGIN = 2;
const CHANNEL_SLACK = 4;

export function hasVerticalSolver(sdfg: SDFG): boolean {
  return sdfg.states.some((s) => verticalSolverNodes(s).length > 0);
}

export function lowerVerticalSolver(sdfg: SDFG, options: SpatialOptions): Pipeline {
  if (options.replicas !== 1) throw new UserError("--replicas", `P=${options.replicas}: a vertical solver has no time loop or systolic chain to replicate (W > 1 runs its columns side by side)`);
  const nodes = verticalSolverNodes(sdfg.states[0]!);
  if (sdfg.states.length !== 1 || nodes.length !== 1) throw new UserError(sdfg.name, "a vertical-solver pipeline takes one vertical-solver node");
  const n = nodes[0]!;
  const W = options.vectorWidth;
  checkColumnWidth(sdfg, n, W);
  const processes: LinalgProcess[] = [];
  const channels: LinalgChannel[] = [];
  const used = new Set(Object.keys(sdfg.arrays));
  const unique = (base: string) => {
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base.replace(/_$/, "")}${k}_`;
    used.add(name);
    return name;
  };
  const channel = (from: string, to: string, data: string, delay: number, pipelineDepth: number): string => {
    const name = unique(`${data}_to_${to.replace(/_$/, "")}_`);
    const depth = delay > 0 ? delay + PIPELINE_DEPTH_MARGIN * pipelineDepth + CHANNEL_SLACK : CHANNEL_SLACK;
    channels.push({ name, dtype: n.dtype, wide: W > 1, from, to, delay, depth });
    return name;
  };
  const [I, J] = n.columns;
  const K = n.planes;
  const shapeOf = (data: string): [number, number, number] => {
    const d = sdfg.arrays[data];
    if (!d || d.kind !== "array" || d.shape.length !== 3) throw new UserError(sdfg.name, `'${data}' is not a 3-D array`);
    return d.shape.map(Number) as [number, number, number];
  };
  // Data → the sweep PE producing its planes, and the direction it walks.
  const produced = new Map<string, { pe: SweepPE; result: SweepPE["results"][number] }>();
  const sweepPEs: SweepPE[] = [];
  n.sweeps.forEach((s, index) => {
    const depth = Math.max(1, ...s.phases.map((p) => estimatePipelineDepth(p.code, n.dtype)));
    const pe: SweepPE = {
      kind: "column-sweep", name: unique(`sweep${index}_`), dtype: n.dtype, columns: n.columns, planes: K, direction: s.direction,
      taps: [], values: s.values, phases: s.phases, results: s.results.map((r) => ({ ...r, channels: [] })), scalars: n.scalars.filter((x) => usesName(s, x)), outputs: [], pipelineDepth: depth,
    };
    // Taps from memory, one reader per array; earlier sweeps' results through FIFOs (reversed when needed).
    const fromMemory = new Map<string, PlaneReader>();
    // How far ahead of the point (i, j, k) the reader reads the tap's element, in transfers (W elements each).
    const lead = (shape: number[], offset: number[]) => ((s.direction === "up" ? offset[2]! : -offset[2]!) * shape[0]! * shape[1]! + offset[0]! * shape[1]! + offset[1]!) / W;
    const tapChannels: { tap: (typeof s.taps)[number]; reader?: PlaneReader; lead: number }[] = [];
    for (const t of s.taps) {
      const earlier = produced.get(t.data);
      if (earlier) {
        let from = earlier.pe.name;
        if (earlier.pe.direction !== s.direction) {
          const reverse = unique(`reverse_${t.data}_`);
          processes.push({ kind: "plane-reverse", name: reverse, dtype: n.dtype, planes: K, columns: I * J, input: "", output: "" });
          const rp = processes[processes.length - 1] as Extract<LinalgProcess, { kind: "plane-reverse" }>;
          rp.input = channel(from, reverse, t.data, 0, 0);
          earlier.result.channels.push(rp.input);
          earlier.pe.outputs.push(rp.input);
          from = reverse;
          rp.output = channel(from, pe.name, t.data, 0, depth);
          pe.taps.push({ name: t.name, channel: rp.output, planes: t.planes });
        } else {
          const c = channel(from, pe.name, t.data, 0, depth);
          earlier.result.channels.push(c);
          earlier.pe.outputs.push(c);
          pe.taps.push({ name: t.name, channel: c, planes: t.planes });
        }
        continue;
      }
      let reader = fromMemory.get(t.data);
      if (!reader) {
        reader = { kind: "plane-reader", name: unique(`read_${t.data}_`), array: t.data, dtype: n.dtype, shape: shapeOf(t.data), columns: n.columns, direction: s.direction, taps: [], outputs: [] };
        fromMemory.set(t.data, reader);
        processes.push(reader);
      }
      tapChannels.push({ tap: t, reader, lead: lead(reader.shape, t.offset) });
    }
    for (const reader of fromMemory.values()) {
      const mine = tapChannels.filter((x) => x.reader === reader);
      const ahead = Math.max(...mine.map((x) => x.lead));
      for (const x of mine) {
        const c = channel(reader.name, pe.name, x.tap.data, ahead - x.lead, depth);
        reader.taps.push({ offset: x.tap.offset, planes: x.tap.planes, channel: c });
        reader.outputs.push(c);
        pe.taps.push({ name: x.tap.name, channel: c, planes: x.tap.planes });
      }
    }
    // The PE reads its taps in the sweep's tap order.
    pe.taps.sort((a, b) => s.taps.findIndex((t) => t.name === a.name) - s.taps.findIndex((t) => t.name === b.name));
    processes.push(pe);
    sweepPEs.push(pe);
    for (const r of pe.results) produced.set(r.data, { pe, result: r });
  });
  // Outputs: the result of the sweep that wrote the program's array (`x_out` for an array updated in place).
  const writers: MemoryWriter[] = [];
  for (const { data, array: out } of n.outputs) {
    const p = produced.get(data);
    if (!p) throw new UserError(sdfg.name, `no sweep produces the output '${out}'`);
    const name = unique(`write_${out}_`);
    const c = channel(p.pe.name, name, out, 0, 0);
    p.result.channels.push(c);
    p.pe.outputs.push(c);
    const shape = shapeOf(out);
    if (shape[0] !== I || shape[1] !== J || shape[2] !== K) throw new UserError(sdfg.name, `output '${out}' is ${shape.join("x")}, not the ${I}x${J}x${K} domain`);
    processes.push({ kind: "plane-writer", name, array: out, dtype: n.dtype, shape, direction: p.pe.direction, input: c });
    writers.push({ name, array: out, dtype: n.dtype, input: c, shape, ...(W > 1 ? { planeMajor: true } : {}) });
  }
  // The kernels give a reader's port W-wide words when its axes include the innermost (2): so at W > 1.
  const readers: MemoryReader[] = processes.flatMap((p): MemoryReader[] => p.kind !== "plane-reader" ? [] : [{
    name: p.name, array: p.array, dtype: p.dtype, axes: W > 1 ? [0, 1, 2] : [0], shape: p.shape, outputs: p.outputs, onChip: false, ...(W > 1 ? { planeMajor: true } : {}),
  }]);
  const elements = writers.reduce((a, w) => a + w.shape!.reduce((x, y) => x * y, 1), 0);
  return {
    name: sdfg.name, domain: [1, 1, elements], rank: 1, vectorWidth: W, replicas: 1, timeSteps: 1, feedback: {},
    returnedInputs: [], vectors: elements / W, readers, pes: [], writers, channels: [],
    scalars: n.scalars.map((name) => ({ name, dtype: sdfg.arrays[name]!.dtype })),
    constants: sdfg.constants,
    linalg: { processes, channels, multiplyAdds: 0, operations: operationsOf(n) },
  };
}

/**
 * W > 1 takes W neighbouring columns along j as one word: W must divide J, the row length of every
 * array read and every tap's column offset (a tap reads whole words).
 */
function checkColumnWidth(sdfg: SDFG, n: VerticalSolverNode, W: number): void {
  if (W === 1) return;
  const J = n.columns[1];
  if (J % W !== 0) throw new UserError("--vector-width", `W=${W} does not divide J=${J}, the ${J} columns along j a vertical solver streams W at a time`);
  for (const s of n.sweeps) for (const t of s.taps) {
    const d = sdfg.arrays[t.data];
    const S = d && d.kind === "array" && d.shape.length === 3 ? Number(d.shape[1]) : J;
    if (S % W !== 0) throw new UserError("--vector-width", `W=${W} does not divide the ${S} columns along j of '${t.data}' (a vertical solver reads W of them as one word)`);
    if (t.offset[1] % W !== 0) throw new UserError("--vector-width", `W=${W}: '${t.data}' is read at column offset j${t.offset[1] > 0 ? "+" : ""}${t.offset[1]}, not a whole number of W-wide words`);
  }
}

/** Arithmetic operations of one run: each plane's phase over every column of the plane. */
function operationsOf(n: VerticalSolverNode): number {
  const C = n.columns[0] * n.columns[1];
  return n.sweeps.reduce((a, s) => a + s.phases.reduce((b, p) => b + countOps(p.code) * (Math.abs(p.to - p.from) + 1) * C, 0), 0);
}

/** Whether a sweep's code reads `name`. */
function usesName(s: VerticalSolverNode["sweeps"][number], name: string): boolean {
  let found = false;
  for (const p of s.phases) for (const a of p.code) walkExpr(a.value, (e) => { if (e.kind === "name" && e.name === name) found = true; });
  return found;
}
