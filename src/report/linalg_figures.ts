// Report figures of a linear-algebra pipeline (spatial/linalg_pipeline.ts): the cycles of each
// process's loops (a dataflow region runs as long as its slowest process), the operations (a
// multiply and an add per multiply-add), the bytes each memory port moves (B re-read per tile
// included), the multiply-add lanes and their DSPs, the on-chip rows and vectors. The stencil
// models (performance.ts, resources.ts) hand a pipeline with `linalg` to linalgPerformance and
// linalgResources.

import { DTYPE_INFO } from "../ir/dtype.js";
import { countOps } from "../ir/expr.js";
import type { Platform } from "../platform/platform.js";
import { bankSpan } from "../platform/placement.js";
import type { Pipeline } from "../spatial/pipeline.js";
import type { LinalgChannel, LinalgProcess } from "../spatial/linalg_pipeline.js";
import { BINNING_OPS_PER_ELEMENT } from "../spatial/linalg/lower_linalg.js";
import { chooseStorage, type Storage } from "../spatial/storage.js";
import { PORT_BYTES } from "./gemm_systolic_model.js";
import { memoryPlacement } from "./memory.js";
import type { Performance, PortTraffic } from "./performance.js";
import { arithmeticCost, storageResources, type Resources } from "./resources.js";
import { costFamily, multiplyAddDsps, type CostFamily } from "./operator_costs.js";

/** Loop iterations (cycles at II=1) of one process over a whole run. */
export function processCycles(x: LinalgProcess, W: number): number {
  switch (x.kind) {
    case "matrix-reader": return x.order === "rows" ? (x.repeat * x.rows * x.cols) / W : x.rows * x.cols;
    case "matrix-vector": return x.transposed ? (x.rows + 1) * (x.cols / W) : (x.rows + 1) * (x.cols / W) + x.interleave;
    case "systolic-pe": return (x.rows / x.count) * (x.count - x.index + (x.inner * x.cols) / W + ((x.index + 1) * x.cols) / W);
    case "scale-add": return x.vectors;
    case "tile-transpose": return x.tiles * x.tileRows * (x.cols / W + x.cols);
    case "rank-update": return (x.rows + 1) * (x.cols / W);
    case "binning": return (2 * x.n) / W + x.bins / W;
    case "matrix-writer": return x.vectors;
    // A vertical solver: one word of W columns per cycle; the sweep first zeroes its previous-plane
    // words (one plane's), the reversal stores every plane, then sends them.
    case "plane-reader": return (x.shape[0] * x.shape[1] * x.shape[2]) / W;
    case "column-sweep": return ((x.columns[0] * x.columns[1]) / W) * (x.planes + (x.values.some((v) => v.previous) ? 1 : 0));
    case "plane-reverse": return (2 * x.planes * x.columns) / W;
    case "plane-writer": return (x.shape[0] * x.shape[1] * x.shape[2]) / W;
  }
}

/** Cycles of a run: the slowest process's, plus the chain's fill. */
export function linalgCycles(p: Pipeline): number {
  const l = p.linalg!;
  const fill = Math.max(0, ...l.processes.map((x) => ("pipelineDepth" in x ? x.pipelineDepth : 0))) + p.replicas;
  return Math.max(...l.processes.map((x) => processCycles(x, p.vectorWidth))) + fill;
}

/** Bytes each memory port moves in a run (readers re-reading B count every read). */
export function linalgPortBytes(p: Pipeline): Map<string, number> {
  const out = new Map<string, number>();
  for (const x of p.linalg!.processes) {
    const bytes = DTYPE_INFO[x.dtype].bytes;
    if (x.kind === "matrix-reader") out.set(x.array, x.repeat * x.rows * x.cols * bytes);
    if (x.kind === "matrix-writer") out.set(x.array, x.vectors * p.vectorWidth * bytes);
    if (x.kind === "plane-reader" || x.kind === "plane-writer") out.set(x.array, x.shape[0] * x.shape[1] * x.shape[2] * bytes);
  }
  return out;
}

/** Multiply-add lanes working every cycle (matrix-vector and systolic PEs: W each; a rank-update PE W per term). */
export function linalgLanes(p: Pipeline): number {
  return p.linalg!.processes.reduce((a, x) => a + (x.kind === "matrix-vector" || x.kind === "systolic-pe" ? 1 : x.kind === "rank-update" ? x.terms.length : 0), 0) * p.vectorWidth;
}

/** DSPs of the multiply-add lanes and of the drains' scaling (two multiplies and an add per lane). */
export function linalgDsps(p: Pipeline, family: CostFamily): number {
  return p.linalg!.processes.reduce((a, x) => {
    const perLane = multiplyAddDsps(x.dtype, family);
    if (x.kind === "matrix-vector" || x.kind === "systolic-pe") return a + perLane * p.vectorWidth;
    if (x.kind === "scale-add") return a + 2 * perLane * p.vectorWidth;
    if (x.kind === "rank-update") return a + x.terms.length * perLane * p.vectorWidth;
    return a;
  }, 0);
}

/** Elements each process keeps on chip (a systolic row, an output vector, the vector x, a tile). */
export function onChipElements(x: LinalgProcess): number {
  switch (x.kind) {
    case "systolic-pe": return x.cols;
    case "matrix-vector": return x.cols;
    case "tile-transpose": return x.tileRows * x.cols;
    case "rank-update": return x.terms.length * x.cols;
    case "column-sweep": return x.values.filter((v) => v.previous).length * x.columns[0] * x.columns[1];
    case "plane-reverse": return x.planes * x.columns;
    case "binning": return 2 * x.copies * x.bins;
    default: return 0;
  }
}

/** Run time, GOp/s and roofline of a linear-algebra pipeline: one run, its slowest process's cycles. */
export function linalgPerformance(p: Pipeline, platform: Platform, clockMHz?: number): Performance {
  const l = p.linalg!;
  const clock = clockMHz ?? (platform.achievedClockMHz[0] + platform.achievedClockMHz[1]) / 2;
  const f = clock * 1e6;
  const cycles = linalgCycles(p);
  const pipelineSeconds = cycles / f;
  const placement = memoryPlacement(p, platform);
  const perBank = new Map<string, number>();
  for (const x of placement.ports) perBank.set(x.bufferBanks[0]!, (perBank.get(x.bufferBanks[0]!) ?? 0) + 1);
  // A Xilinx port moves at most 512 bits per cycle (UG1393).
  const portLimitGBs = platform.vendor === "xilinx" ? (PORT_BYTES * f) / 1e9 : Infinity;
  const ports: PortTraffic[] = [];
  for (const [name, bytes] of linalgPortBytes(p)) {
    const x = placement.ports.find((y) => y.name === name);
    if (!x) continue;
    ports.push({ port: name, bank: bankSpan(x.bufferBanks), bytesPerPass: bytes, demandGBs: 0, bankGBs: Math.min(x.bankGBs / perBank.get(x.bufferBanks[0]!)!, portLimitGBs) });
  }
  const memorySeconds = Math.max(0, ...ports.map((x) => x.bytesPerPass / (x.bankGBs * 1e9)));
  const seconds = Math.max(pipelineSeconds, memorySeconds);
  for (const x of ports) x.demandGBs = x.bytesPerPass / seconds / 1e9;
  const cells = p.writers.reduce((a, w) => a + (w.shape ?? []).reduce((x, y) => x * y, 1), 0);
  const ops = 2 * l.multiplyAdds + (l.operations ?? 0);
  const bytes = ports.reduce((a, x) => a + x.bytesPerPass, 0);
  const intensity = bytes === 0 ? Infinity : ops / bytes;
  // A sweep PE does its widest phase's operations every cycle, in each of its W lanes.
  const sweepOps = l.processes.reduce((a, x) => a + (x.kind === "column-sweep" ? Math.max(...x.phases.map((ph) => countOps(ph.code))) * p.vectorWidth : 0), 0);
  // A binning PE bins W elements per cycle in its second pass (lower_linalg.ts counts 12 operations each).
  const binOps = l.processes.reduce((a, x) => a + (x.kind === "binning" ? BINNING_OPS_PER_ELEMENT * p.vectorWidth : 0), 0);
  const computeCeiling = ((2 * linalgLanes(p) + sweepOps + binOps) * f) / 1e9;
  const bandwidthCeilingGBs = ports.reduce((a, x) => a + x.bankGBs, 0);
  const bandwidthCeilingGops = intensity * bandwidthCeilingGBs;
  const rooflineGops = Math.min(computeCeiling, bandwidthCeilingGops);
  const gops = ops / seconds / 1e9;
  const bound: Performance["bound"] = memorySeconds > pipelineSeconds ? "memory" : "pipeline";
  const clockSource: "board" | "override" = clockMHz === undefined ? "board" : "override";
  // Also the fields the report model on main has (clock source, roofline), so that it merges.
  const figures = {
    clockMHz: clock, clockSource, vectorsPerPass: cycles, fillCycles: cycles - Math.max(...l.processes.map((x) => processCycles(x, p.vectorWidth))),
    passes: 1, cyclesPerPass: cycles, seconds, cells, opsPerCell: ops / cells, opsByStencil: [], bytesPerCell: bytes / cells,
    gops, bytes, gbs: bytes / seconds / 1e9, intensity, computeCeiling, bandwidthCeilingGBs, bandwidthCeilingGops, rooflineGops,
    fractionOfRoofline: rooflineGops === 0 ? 0 : gops / rooflineGops, bound, ports,
  };
  return figures;
}

/** The storage of what a process keeps on chip (as W-wide words), when it keeps anything. */
export function onChipStorage(x: LinalgProcess, W: number, uram: boolean): { elements: number; bits: number; storage: Storage } | undefined {
  const elements = onChipElements(x);
  if (elements === 0) return undefined;
  const bits = W * DTYPE_INFO[x.dtype].bytes * 8;
  return { elements, bits, storage: chooseStorage(elements / W, bits, uram) };
}

/** Where a FIFO between linear-algebra processes lives, and its width in bits. */
export function linalgChannelStorage(c: LinalgChannel, W: number, uram: boolean): { bits: number; storage: Storage } {
  const bits = (c.wide ? W : 1) * DTYPE_INFO[c.dtype].bytes * 8;
  return { bits, storage: chooseStorage(c.depth, bits, uram) };
}

/** Resources of a linear-algebra pipeline: multiply-add DSPs, FIFOs, on-chip rows, memory ports, shell. */
export function linalgResources(p: Pipeline, platform: Platform): Resources {
  const l = p.linalg!;
  const W = p.vectorWidth;
  const total: Resources = { lut: 0, ff: 0, dsp: linalgDsps(p, costFamily(platform.vendor)), bram: 0, uram: 0 };
  const add = (r: Partial<Resources>) => { for (const k of Object.keys(r) as (keyof Resources)[]) total[k] += r[k] ?? 0; };
  // A sweep PE's arithmetic: every phase's operators exist side by side (the plane selects one).
  // W lanes: W copies of the arithmetic.
  for (const x of l.processes) {
    if (x.kind !== "column-sweep") continue;
    const cost = arithmeticCost(x.phases.flatMap((ph) => ph.code), x.dtype, costFamily(platform.vendor));
    add(W === 1 ? cost : Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, (v as number) * W])));
  }
  const uram = platform.resources.uram > 0;
  for (const x of l.processes) {
    add({ lut: 400, ff: 300 });
    const onChip = onChipStorage(x, W, uram);
    if (onChip) add(storageResources(onChip.storage, onChip.bits, Math.ceil(onChip.elements / W), platform));
  }
  for (const c of l.channels) {
    const { bits, storage } = linalgChannelStorage(c, W, uram);
    add(storageResources(storage, bits, c.depth, platform));
    add({ lut: 20, ff: bits });
  }
  const ports = p.readers.length + p.writers.length;
  add({ lut: ports * 1800, ff: ports * 2600, bram: ports * 2 });
  const shell = platform.shellOverhead;
  if (shell) add({ lut: shell.lut, ff: shell.ff, bram: shell.bram });
  return total;
}
