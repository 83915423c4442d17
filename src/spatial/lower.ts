// SDFG → spatial pipeline. One memory reader per input array, one PE per stencil, one writer
// per output; windows sized from the access offsets (design.md §2) and channel depths from the
// latency of every path, so that reconvergent paths cannot deadlock.

import { DTYPE_INFO } from "../ir/dtype.js";
import { UserError } from "../ir/diagnostics.js";
import { accessesOf, namesOf } from "../ir/expr.js";
import { processNodesInOrder, reduceIdentity, type ReduceNode, type SDFG, type StencilNode } from "../ir/sdfg.js";
import { foldAlwaysOutOfDomainAccesses } from "./fold_boundaries.js";
import { hasLinalg, lowerLinalg } from "./linalg/lower_linalg.js";
import { hasVerticalSolver, lowerVerticalSolver } from "./linalg/lower_vertical.js";
import { estimatePipelineDepth } from "./op_latency.js";
import { columnReductionSchedule, reductionSchedule } from "./reduction.js";
import { chooseStorage } from "./storage.js";
import {
  linearOffset, windowSlot, type Channel, type MemoryReader, type MemoryWriter, type PEInput,
  type Pipeline, type ProcessingElement, type ReductionPE, type SpatialOptions, type WindowPart, type WindowTap,
} from "./pipeline.js";

/** Gaps between needed window vectors up to this length stay in registers. */
const MAX_REGISTER_GAP = 4;
/** Lower-dimensional inputs up to this many elements are held on chip. */
const MAX_ON_CHIP_ELEMENTS = 16384;
/**
 * Hardware FIFO depths count every PE's estimated arithmetic pipeline depth this many times.
 * The estimate (op_latency.ts) is a table of typical operator latencies; the real schedule can be
 * deeper (clock target, DSP packing, routing registers). A stall-style HLS pipeline does not
 * flush, so results in flight are held back as long as an input is missing: a PE whose real
 * latency exceeds what the FIFOs of its reconvergent paths absorb deadlocks the design (hdiff's
 * lap deadlocked from 26 extra cycles on, its estimate being 23). Twice the estimate covers an
 * error of 100%; `emulate --stress-latency 2x` checks exactly that model.
 */
export const PIPELINE_DEPTH_MARGIN = 2;
/**
 * Capacity beyond the delay and the pipeline margin, fixed per FIFO whatever the arithmetic:
 * one vector so a producer can write while the consumer reads in the same cycle, one for the
 * register stage HLS puts on every FIFO, and one vector in hand at each end (the consumer's
 * read register and the producer's output register, which hold a vector of the short path
 * while the long path is still missing its partner).
 */
export const CHANNEL_SLACK = 4;

export function lowerToPipeline(input: SDFG, options: SpatialOptions): Pipeline {
  // Matrix-vector and matrix-matrix nodes have process kinds of their own (linalg/lower_linalg.ts).
  if (hasLinalg(input)) return lowerLinalg(input, options);
  // A vertical solver's sweeps, readers and plane buffers are process kinds of the same family.
  if (hasVerticalSolver(input)) return lowerVerticalSolver(input, options);
  const sdfg = foldAlwaysOutOfDomainAccesses(input);
  const W = options.vectorWidth;
  if (sdfg.states.length !== 1) throw new UserError(sdfg.name, "spatial lowering takes an SDFG with one dataflow state");
  const outputOf = outputsByNode(sdfg);
  // Stencils and reductions, in dependence order (reductions: reduction.ts).
  const processes = liveStencils(sdfg, processNodesInOrder(sdfg.states[0]!), outputOf);
  const stencils = processes;
  if (stencils.length === 0) throw new UserError(sdfg.name, "the program has no stencils");
  const rank = stencils[0]!.domain.length;
  const pad = 3 - rank;
  const domain = [...Array(pad).fill(1), ...stencils[0]!.domain] as [number, number, number];
  for (const s of stencils) {
    if (s.domain.join() !== stencils[0]!.domain.join()) throw new UserError(sdfg.name, `stencil '${s.label}' has domain ${s.domain.join("x")}, expected ${stencils[0]!.domain.join("x")}`);
  }
  if (!Number.isInteger(W) || W < 1) throw new UserError("--vector-width", `must be a positive integer, got ${W}`);
  if (domain[2] % W !== 0) throw new UserError("--vector-width", `the innermost extent ${domain[2]} is not a multiple of W=${W}`);

  const used = new Set<string>(Object.keys(sdfg.arrays));
  const unique = (base: string) => {
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base.replace(/_$/, "")}${n}_`;
    used.add(name);
    return name;
  };

  const P = options.replicas;
  if (!Number.isInteger(P) || P < 1) throw new UserError("--replicas", `must be a positive integer, got ${P}`);
  const loop = sdfg.timeLoop;
  if (P > 1 && !loop) throw new UserError("--replicas", `replication (P=${P}) chains time steps; the program has no time_loop`);
  const firstReduce = processes.find((s) => s.kind === "reduce");
  if (firstReduce && (loop || P > 1)) throw new UserError(sdfg.name, `reduction '${firstReduce.label}' in a time loop or with P > 1 is not supported yet`);
  const feedback = loop?.feedback ?? {};
  const fedBackFrom = new Map(Object.entries(feedback).map(([o, i]) => [i, o]));
  if (P > 1) {
    for (const s of stencils) {
      const out = outputOf(s);
      if (!sdfg.arrays[out]!.transient && !Object.hasOwn(feedback, out)) {
        throw new UserError("--replicas", `with P > 1 every output must be fed back by the time_loop; '${out}' is not`);
      }
    }
  }

  // Producer of each data item in each replica, keyed `data@replica`.
  const producerOf = new Map<string, string>();
  // Arrival of each process's first output, in vectors (arrival) and in cycles with the
  // arithmetic pipelines (arrivalCycles).
  const arrival = new Map<string, number>();
  const arrivalCycles = new Map<string, number>();
  // The same in cycles with PIPELINE_DEPTH_MARGIN times every estimated pipeline depth: what the
  // hardware FIFO depths are sized for.
  const marginCycles = new Map<string, number>();
  const hardwareDelay = new Map<string, number>();
  const readers: MemoryReader[] = [];
  const channels: Channel[] = [];
  // Lookups by name, so that lowering stays linear in the number of stencils.
  const readerOfArray = new Map<string, MemoryReader>();
  const channelNamed = new Map<string, Channel>();
  const written = new Set(stencils.map((s) => outputOf(s)));

  const readerFor = (array: string, axes: number[]): string => {
    const existing = readerOfArray.get(array);
    if (existing) return existing.name;
    const desc = sdfg.arrays[array]!;
    if (desc.kind !== "array") throw new Error(`reader for non-array ${array}`);
    const reader: MemoryReader = {
      name: unique(`read_${array}_`), array, dtype: desc.dtype, axes: axes.map((a) => a + pad),
      shape: desc.shape.map(Number), outputs: [],
      onChip: axes.length < rank && desc.shape.map(Number).reduce((a, b) => a * b, 1) <= MAX_ON_CHIP_ELEMENTS,
    };
    readers.push(reader);
    readerNames.add(reader.name);
    readerOfArray.set(array, reader);
    arrival.set(reader.name, 0);
    arrivalCycles.set(reader.name, 0);
    marginCycles.set(reader.name, 0);
    return reader.name;
  };

  /** Who produces `data` for replica `r`: a PE of this replica, the previous one, or memory. */
  const producer = (data: string, axes: number[], r: number): string => {
    if (written.has(data)) return producerOf.get(`${data}@${r}`)!;
    const from = fedBackFrom.get(data);
    if (from !== undefined && r > 0) return producerOf.get(`${from}@${r - 1}`)!;
    return readerFor(data, axes);
  };

  const pes: ProcessingElement[] = [];
  const reductions: ReductionPE[] = [];
  const reductionNames = new Set<string>();
  // Two phases (a reduction over the whole domain, then what consumes it): the reduction's result
  // leaves only after its last input, so its consumers read their memory inputs in a second pass
  // over memory (MemoryReader.secondPass) instead of waiting for it in FIFOs as deep as the domain.
  const wholeDomainReductions = new Set<string>();
  const secondPhase = new Set<string>();
  const secondPassChannels = new Set<string>();
  const readerNames = new Set<string>();
  for (let r = 0; r < P; r++) {
    const suffix = P > 1 ? `_r${r}` : "";
    for (const s of stencils) {
      const out = outputOf(s);
      if (s.kind === "reduce") {
        // A reduction PE: its output is its row's result broadcast over the row, `lead` vectors
        // after its input (reduction.ts); consumers' other inputs wait for it in their FIFOs.
        // A column reduction's rows are the domain's rows; it keeps one accumulator per column.
        const name = unique(`reduce_${s.label}_`);
        const rows = s.columns ? s.domain.slice(0, s.reducedAxes).reduce((a, b) => a * b, 1) : 0;
        const rowVectors = (s.columns ? s.domain.slice(s.reducedAxes) : s.domain.slice(rank - s.reducedAxes)).reduce((a, b) => a * b, 1) / W;
        const sched = s.columns ? columnReductionSchedule(s.op, s.dtype, rows, rowVectors, options.reductionLatency) : reductionSchedule(s.op, s.dtype, rowVectors, W, options.reductionLatency);
        const from = producer(s.input, s.domain.map((_, a) => a), r);
        if (secondPhase.has(from) || wholeDomainReductions.has(from)) {
          throw new UserError(sdfg.name, `reduction '${s.label}' reduces '${s.input}', which needs a reduction over the whole domain first: a third pass over memory is not supported`);
        }
        const channel = unique(`${s.input}_to_${s.label}_`);
        channels.push({ name: channel, field: s.input, dtype: sdfg.arrays[s.input]!.dtype, from, to: name, delay: 0, depth: 0, storage: "srl" });
        channelNamed.set(channel, channels[channels.length - 1]!);
        hardwareDelay.set(channel, 0);
        const arrive = arrival.get(from)! + sched.lead;
        const start = arrivalCycles.get(from)! + sched.lead;
        producerOf.set(`${out}@${r}`, name);
        arrival.set(name, arrive);
        arrivalCycles.set(name, start + sched.pipelineDepth);
        marginCycles.set(name, marginCycles.get(from)! + sched.lead + PIPELINE_DEPTH_MARGIN * sched.pipelineDepth);
        reductionNames.add(name);
        if (s.reducedAxes === rank || s.columns) wholeDomainReductions.add(name);
        reductions.push({
          name, node: s.label, op: s.op, dtype: s.dtype, input: channel, outputs: [], rowVectors,
          partials: sched.partials, drain: sched.drain, banks: sched.banks, lead: sched.lead,
          arrival: arrive, pipelineDepth: sched.pipelineDepth, arrivalCycles: start + sched.pipelineDepth,
          ...(s.diagonal ? { diagonal: { lineVectors: s.domain[rank - 1]! / W, identity: reduceIdentity(s.op) } } : {}),
          ...(s.columns ? { columns: { rows } } : {}),
        });
        continue;
      }
      const peName = unique(`pe_${s.label}${suffix}_`);
      // In a replica past the pass's step count, a PE producing a fed-back output forwards the
      // centre value of the input it replaces, so a pass can do fewer than P steps.
      const bypass = P > 1 && Object.hasOwn(feedback, out) ? feedback[out]! : undefined;
      const inputs: PEInput[] = [];
      const accesses = accessesOf(s.code);
      const fields = Object.entries(s.inputs).filter(([, inp]) => sdfg.arrays[inp.data]!.kind === "array");
      if (bypass !== undefined && !fields.some(([, inp]) => inp.data === bypass)) {
        const desc = sdfg.arrays[bypass]!;
        fields.push([bypass, { data: bypass, axes: desc.kind === "array" ? desc.shape.map((_, a) => a) : [], boundary: { type: "constant", value: 0 } }]);
      }
      // A stencil written on a sub-box forwards its `keep` input's centre elsewhere.
      const keep = s.region ? s.inputs[s.region.keep]?.data : undefined;
      if (s.region && keep === undefined) throw new UserError(sdfg.name, `stencil '${s.label}': its write region keeps '${s.region.keep}', which is not one of its inputs`);
      // Second phase: the PE reads a reduction over the whole domain (or a PE that does).
      const phaseTwo = fields.some(([, inp]) => {
        const from = sdfg.arrays[inp.data]!.kind === "array" && written.has(inp.data) ? producerOf.get(`${inp.data}@${r}`) : undefined;
        return from !== undefined && (wholeDomainReductions.has(from) || secondPhase.has(from));
      });
      if (phaseTwo) secondPhase.add(peName);
      for (const [conn, inp] of fields) {
        const desc = sdfg.arrays[inp.data]!;
        const offsets = accesses.filter((a) => a.field === conn).map((a) => [...Array(pad).fill(0), ...a.offset] as [number, number, number]);
        if (inp.data === bypass || inp.data === keep) offsets.push([0, 0, 0]);
        if (offsets.length === 0) continue; // every access was folded to a boundary value
        const from = producer(inp.data, inp.axes, r);
        const taps = uniqueTaps(offsets, domain);
        if (reductionNames.has(from) && taps.some((t) => t.linear !== 0)) {
          throw new UserError(sdfg.name, `stencil '${s.label}' reads the reduction '${inp.data}' at an offset; a streamed reduction is read at offset 0 only`);
        }
        if (inp.boundary.type !== "constant" && taps.some((t) => t.linear !== 0) && !taps.some((t) => t.linear === 0)) {
          taps.push({ offset: [0, 0, 0], linear: 0 });
        }
        taps.sort((a, b) => a.linear - b.linear);
        const lo = taps[0]!.linear;
        const hi = taps[taps.length - 1]!.linear;
        const lead = Math.ceil(Math.max(hi, 0) / W);
        const vectors = lead - Math.floor(lo / W) + 1;
        const needed = new Set<number>([vectors - 1]);
        for (const t of taps) for (let l = 0; l < W; l++) needed.add(windowSlot({ lo }, t.linear, l, W).vector);
        const dtype = desc.dtype; // a channel carries elements of the data's own type
        const channel = unique(`${inp.data}_to_${s.label}${suffix}_`);
        if (phaseTwo && readerNames.has(from)) secondPassChannels.add(channel);
        else if (phaseTwo && !wholeDomainReductions.has(from) && !secondPhase.has(from)) {
          throw new UserError(sdfg.name, `stencil '${s.label}' reads '${inp.data}' from the first pass with a reduction over the whole domain: it would wait for it on chip (the whole array); not supported`);
        }
        channels.push({ name: channel, field: inp.data, dtype, from, to: peName, delay: 0, depth: 0, storage: "srl" });
        channelNamed.set(channel, channels[channels.length - 1]!);
        inputs.push({
          field: inp.data, channel, dtype, boundary: inp.boundary, taps, lo, hi, lead, vectors,
          parts: windowParts([...needed].sort((a, b) => a - b), vectors, W * DTYPE_INFO[desc.dtype].bytes * 8, options.uram ?? false),
        });
      }
      const latency = Math.max(0, ...inputs.map((i) => i.lead));
      // A second pass starts when the PE needs it: its reader waits (the FIFO full) till then.
      const firstPass = inputs.filter((i) => !secondPassChannels.has(i.channel));
      const arriveFirst = (i: PEInput) => arrival.get(channelNamed.get(i.channel)!.from)!;
      const cyclesFirst = (i: PEInput) => arrivalCycles.get(channelNamed.get(i.channel)!.from)!;
      const marginFirst = (i: PEInput) => marginCycles.get(channelNamed.get(i.channel)!.from)!;
      const arrive = Math.max(0, ...firstPass.map((i) => arriveFirst(i) + i.lead));
      const start = Math.max(0, ...firstPass.map((i) => cyclesFirst(i) + i.lead));
      const marginStart = Math.max(0, ...firstPass.map((i) => marginFirst(i) + i.lead));
      const second = (i: PEInput) => secondPassChannels.has(i.channel);
      const arriveAt = (i: PEInput) => (second(i) ? arrive - i.lead : arriveFirst(i));
      const marginAt = (i: PEInput) => (second(i) ? marginStart - i.lead : marginFirst(i));
      const pipelineDepth = estimatePipelineDepth(s.code, s.dtype);
      for (const i of inputs) {
        const ch = channelNamed.get(i.channel)!;
        ch.delay = arrive - arriveAt(i) - i.lead;
        hardwareDelay.set(ch.name, marginStart - marginAt(i) - i.lead);
      }
      const scalars = [...namesOf(s.code)].filter((n) => Object.hasOwn(s.inputs, n) && sdfg.arrays[s.inputs[n]!.data]?.kind === "scalar").map((n) => s.inputs[n]!.data).sort();
      producerOf.set(`${out}@${r}`, peName);
      arrival.set(peName, arrive);
      arrivalCycles.set(peName, start + pipelineDepth);
      marginCycles.set(peName, marginStart + PIPELINE_DEPTH_MARGIN * pipelineDepth);
      pes.push({
        name: peName, stencil: s.label, replica: r, dtype: s.dtype, code: s.code, inputs, scalars, outputs: [], latency,
        arrival: arrive, pipelineDepth, arrivalCycles: start + pipelineDepth, ...(bypass !== undefined ? { bypass } : {}),
        ...(s.region && keep !== undefined ? { region: { lo: padRegion(s.region.lo, pad, 0), hi: padRegion(s.region.hi, pad, 0), keep } } : {}),
      });
    }
  }

  const writers: MemoryWriter[] = [];
  for (const s of stencils) {
    const out = outputOf(s);
    if (sdfg.arrays[out]!.transient) continue;
    const name = unique(`write_${out}_`);
    const channel = unique(`${out}_to_memory_`);
    const from = producerOf.get(`${out}@${P - 1}`)!;
    channels.push({ name: channel, field: out, dtype: s.dtype, from, to: name, delay: 0, depth: 0, storage: "srl" });
    if (s.kind === "reduce" && s.columns) throw new UserError(sdfg.name, `reduction '${s.label}' of columns writes '${out}' to memory: its results are streamed down the rows to the maps that read them, not stored (not supported yet)`);
    // A reduction's result reaches memory once per row (its stream repeats it over the row).
    const rowVectors = s.kind === "reduce" ? reductions.find((r) => r.name === from)!.rowVectors : undefined;
    writers.push({ name, array: out, dtype: s.dtype, input: channel, ...(rowVectors !== undefined ? { rowVectors } : {}) });
  }

  const processNamed = new Map<string, MemoryReader | ProcessingElement | ReductionPE>([...readers, ...pes, ...reductions].map((x) => [x.name, x]));
  for (const c of channels) {
    c.depth = Math.max(c.delay, hardwareDelay.get(c.name) ?? 0) + CHANNEL_SLACK;
    c.storage = chooseStorage(c.depth, W * DTYPE_INFO[c.dtype].bytes * 8, options.uram ?? false);
    const from = processNamed.get(c.from)!;
    if (secondPassChannels.has(c.name)) ((from as MemoryReader).secondPass ??= []).push(c.name);
    else from.outputs.push(c.name);
  }

  const scalarNames = [...new Set(pes.flatMap((p) => p.scalars))].sort();
  return {
    name: sdfg.name, domain, rank, vectorWidth: W, replicas: P,
    timeSteps: loop?.steps ?? 1, feedback: { ...feedback },
    returnedInputs: (sdfg.returnedInputs ?? []).map((name) => {
      const d = sdfg.arrays[name]!;
      return { name, dtype: d.dtype, shape: d.kind === "array" ? d.shape.map(Number) : [] };
    }),
    vectors: (domain[0] * domain[1] * domain[2]) / W,
    readers, pes, ...(reductions.length > 0 ? { reductions } : {}), writers, channels,
    scalars: scalarNames.map((n) => ({ name: n, dtype: sdfg.arrays[n]!.dtype })),
    constants: sdfg.constants,
  };
}

/**
 * The stencils whose results reach memory: an output, or read by a stencil that is live. A
 * stencil nobody reads and that is not an output would be a PE with no consumer (and its
 * inputs' readers work for nothing), so it gets no hardware; the CPU reference still computes it.
 */
function liveStencils(sdfg: SDFG, stencils: (StencilNode | ReduceNode)[], outputOf: (s: StencilNode | ReduceNode) => string): (StencilNode | ReduceNode)[] {
  const needed = new Set<string>();
  const live = new Set<StencilNode | ReduceNode>();
  for (let n = stencils.length - 1; n >= 0; n--) {
    const s = stencils[n]!;
    const out = outputOf(s);
    if (sdfg.arrays[out]!.transient && !needed.has(out)) continue;
    live.add(s);
    if (s.kind === "reduce") needed.add(s.input);
    else for (const inp of Object.values(s.inputs)) needed.add(inp.data);
  }
  return stencils.filter((s) => live.has(s));
}

/** The data each stencil writes, from one pass over the edges. */
function outputsByNode(sdfg: SDFG): (s: StencilNode | ReduceNode) => string {
  const written = new Map<string, string>();
  for (const e of sdfg.states[0]!.edges) {
    const key = `${e.src}:${e.srcConn}`;
    if (e.srcConn !== null && e.memlet && !written.has(key)) written.set(key, e.memlet.data);
  }
  return (s) => written.get(`${s.id}:${s.output}`)!;
}

/** A region bound on the program's axes, padded to 3 axes with `fill` in front. */
function padRegion(bound: number[], pad: number, fill: number): [number, number, number] {
  return [...Array(pad).fill(fill), ...bound] as [number, number, number];
}

function uniqueTaps(offsets: [number, number, number][], domain: number[]): WindowTap[] {
  const seen = new Map<string, WindowTap>();
  for (const o of offsets) seen.set(o.join(","), { offset: o, linear: linearOffset(o, domain) });
  return [...seen.values()];
}

/** Splits a window of `vectors` vectors into register runs and delay lines over the gaps. */
function windowParts(needed: number[], vectors: number, bitsPerVector: number, uram: boolean): WindowPart[] {
  const parts: WindowPart[] = [];
  let pos = 0;
  let run: { first: number; count: number } | null = null;
  const flushRun = () => { if (run) parts.push({ kind: "registers", ...run }); run = null; };
  for (const n of needed) {
    const gap = n - pos;
    if (gap > MAX_REGISTER_GAP) {
      flushRun();
      parts.push({ kind: "delay", first: pos, count: gap, storage: chooseStorage(gap, bitsPerVector, uram) });
      run = { first: n, count: 1 };
    } else if (run) {
      run.count = n - run.first + 1;
    } else {
      run = { first: pos, count: n - pos + 1 };
    }
    pos = n + 1;
  }
  flushRun();
  if (pos !== vectors) throw new Error("window parts do not cover the window");
  return parts;
}
