// Bandwidth from several HBM pseudo-channels for one array (issue 7 item 9). An AXI master moves
// at most what the one HBM port it enters by gives: connecting it to a range `HBM[a:b]` buys
// capacity through the HBM switch, not parallel bandwidth (UG1393 "HBM Configuration and Use":
// 14.375 GB/s per pseudo-channel, so "designs must efficiently use multiple AXI masters into the
// HBM subsystem"). A stencil reader or writer of W lanes at f MHz moves W x bytes x f per second;
// when one channel gives less, its array travels as K lane groups on K ports (one `m_axi` bundle
// each, each on a channel of its own): part k holds lanes [k·W/K, (k+1)·W/K) of every vector,
// and the host splits the array into the K parts and joins them back.

import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import { preferredMemory, type Platform } from "../platform/platform.js";
import type { Pipeline } from "../spatial/pipeline.js";

/** Why and how an array is split over several ports. */
export interface PortSplit {
  array: string;
  dtype: DType;
  /** Ports (lane groups) K; W / K lanes each. */
  parts: number;
  lanes: number;
  /** What the array's reader or writer moves at the kernel clock, GB/s. */
  demandGBs: number;
  /** What one bank (pseudo-channel) gives, GB/s. */
  channelGBs: number;
  /** Set by `--hbm-parts`, not by the bandwidth rule. */
  forced: boolean;
}

/** Splits by array name; arrays not in it keep one port. */
export type PortSplits = ReadonlyMap<string, PortSplit>;

export const NO_SPLITS: PortSplits = new Map();

/** The kernel argument carrying part `k` of `array` (user names never end with '_'). */
export function partName(array: string, k: number): string {
  return `${array}_part${k}_`;
}

/** The kernel arguments of `array`: its parts, or the array itself. */
export function portNames(array: string, splits: PortSplits): string[] {
  const s = splits.get(array);
  return s ? Array.from({ length: s.parts }, (_, k) => partName(array, k)) : [array];
}

/** `float_lanes8_`: the element type of a part's words (W / K lanes). */
export function laneGroupType(dtype: DType, lanes: number): string {
  return `${DTYPE_INFO[dtype].cType}_lanes${lanes}_`;
}

/**
 * The arrays whose reader or writer streams W-wide words from memory, with their types. A reader
 * that makes a second pass over its array (a two-phase pipeline such as go_fast's) keeps one port:
 * the lane-group reader streams one pass.
 */
function streamedArrays(p: Pipeline): { array: string; dtype: DType }[] {
  return [
    ...p.readers.filter((r) => r.axes.includes(2) && !r.onChip && !(r.secondPass?.length)).map((r) => ({ array: r.array, dtype: r.dtype })),
    ...p.writers.filter((w) => w.rowVectors === undefined).map((w) => ({ array: w.array, dtype: w.dtype })),
  ];
}

/**
 * Which arrays of a stencil pipeline get several ports on the board: on HBM boards (Xilinx), every
 * streamed array whose bandwidth at `clockMHz` exceeds one pseudo-channel's, split into the
 * fewest lane groups K (a divisor of W) whose channels together carry it. `forcedParts` splits
 * every streamed array into that many parts instead. Linear-algebra pipelines and DDR boards keep
 * one port per array.
 */
export function portSplits(p: Pipeline, platform: Platform, clockMHz: number, forcedParts?: number): PortSplits {
  const memory = preferredMemory(platform);
  const W = p.vectorWidth;
  if (p.linalg || platform.vendor !== "xilinx" || memory.kind !== "HBM" || W === 1) return NO_SPLITS;
  const splits = new Map<string, PortSplit>();
  for (const { array, dtype } of streamedArrays(p)) {
    const demandGBs = (W * DTYPE_INFO[dtype].bytes * clockMHz) / 1e3;
    const channelGBs = memory.bandwidthGBsPerBank;
    const divisors = Array.from({ length: W }, (_, n) => n + 1).filter((d) => W % d === 0);
    const parts = forcedParts ?? divisors.find((d) => d * channelGBs >= demandGBs) ?? W;
    if (parts > 1) splits.set(array, { array, dtype, parts, lanes: W / parts, demandGBs, channelGBs, forced: forcedParts !== undefined });
  }
  return splits;
}

/** Why `--hbm-parts K` cannot be used with this pipeline and board, or undefined when it can. */
export function forcedPartsProblem(p: Pipeline, platform: Platform, parts: number): string | undefined {
  if (platform.vendor !== "xilinx" || preferredMemory(platform).kind !== "HBM") return `splits arrays over HBM pseudo-channels, and the ${platform.name} has no HBM`;
  if (p.linalg) return "applies to the stencil road's readers and writers; this program is a linear-algebra pipeline";
  if (!Number.isInteger(parts) || parts < 1 || p.vectorWidth % parts !== 0) return `must divide the vector width W = ${p.vectorWidth} (each part carries W / K lanes)`;
  return undefined;
}
