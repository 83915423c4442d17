// Design-space exploration (`report --auto`, `generate --auto`): lowers the program at every
// vector width W that divides the innermost extent (powers of two up to MAX_W; on Intel boards
// only the OpenCL vector widths, up to 16), every replication
// P the time loop allows (all P up to 16 steps, else powers of two, divisors of T and T itself up
// to MAX_P), and, on boards with UltraRAM, with and without it for long delay lines; prices each
// point with the resource and performance models and picks the one with the most predicted GOp/s
// among those under the utilisation limit on every resource whose arrays fit the board's banks.
// Memory banks are not a free choice here: every point uses the placement link.cfg / the host
// would use (memory.ts), one bank per port where the board has enough.

import type { SDFG } from "../ir/sdfg.js";
import { UserError } from "../ir/diagnostics.js";
import type { Platform } from "../platform/platform.js";
import { lowerToPipeline } from "../spatial/lower.js";
import { OPENCL_WIDTHS } from "../intel/opencl_kernel.js";
import { buildReport, type Report } from "./report.js";

export const MAX_W = 64;
export const MAX_P = 64;

export interface AutoCandidate {
  vectorWidth: number;
  replicas: number;
  /** Boards with UltraRAM: "uram" lets long delay lines go there (the choice per line is storage.ts's), "bram" keeps them in block RAM; listed only where it changes the design. */
  storage?: "uram" | "bram";
  gops: number;
  bound: "pipeline" | "memory";
  /** Largest utilisation fraction of any resource, and which resource it is. */
  maxFraction: number;
  maxResource: string;
  /** Fraction of every resource, by the board's unit (LUT/ALM, FF, DSP, BRAM36/M20K, URAM). */
  utilisation: Record<string, number>;
  /** The design's own roofline, GOp/s, and the fraction of it reached. */
  rooflineGops: number;
  fractionOfRoofline: number;
  fits: boolean;
  /** Why it did not win (or, for `best`, why it did). */
  why?: string;
}

export interface AutoResult {
  maxUtil: number;
  /** How many design points were priced. */
  explored: number;
  /** The best few that fit, and the faster ones that do not, most GOp/s first. */
  candidates: AutoCandidate[];
  best: AutoCandidate;
}

/** Powers of two that divide the innermost extent; on Intel boards only OpenCL vector widths (up to 16). */
function widths(innermost: number, platform: Platform): number[] {
  const out: number[] = [];
  for (let w = 1; w <= Math.min(MAX_W, innermost); w *= 2) {
    if (innermost % w === 0 && (platform.vendor !== "intel" || (OPENCL_WIDTHS as readonly number[]).includes(w))) out.push(w);
  }
  return out;
}

function replications(steps: number): number[] {
  if (steps <= 16) return Array.from({ length: steps }, (_, i) => i + 1);
  const ps = new Set<number>();
  for (let p = 1; p <= Math.min(steps, MAX_P); p *= 2) ps.add(p);
  for (let p = 1; p <= Math.min(steps, MAX_P); p++) if (steps % p === 0) ps.add(p);
  if (steps <= MAX_P) ps.add(steps);
  return [...ps].sort((a, b) => a - b);
}

function candidate(r: Report, storage: AutoCandidate["storage"]): AutoCandidate {
  const worst = [...r.resources].sort((a, b) => b.fraction - a.fraction)[0]!;
  return {
    vectorWidth: r.vectorWidth, replicas: r.replicas, ...(storage ? { storage } : {}),
    gops: r.performance.gops, bound: r.performance.bound, maxFraction: worst.fraction, maxResource: worst.unit,
    utilisation: Object.fromEntries(r.resources.map((u) => [u.unit, u.fraction])),
    rooflineGops: r.performance.rooflineGops, fractionOfRoofline: r.performance.fractionOfRoofline, fits: r.fits,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The resource where `c` uses most beyond `best`: "3.1 % of URAM against 0.0 %". */
function moreThan(c: AutoCandidate, best: AutoCandidate): string {
  const units = Object.keys(c.utilisation);
  const unit = units.reduce((a, u) => ((c.utilisation[u]! - (best.utilisation[u] ?? 0)) > (c.utilisation[a]! - (best.utilisation[a] ?? 0)) ? u : a), units[0]!);
  return `${pct(c.utilisation[unit]!)} of ${unit} against ${pct(best.utilisation[unit] ?? 0)}`;
}
const point = (c: AutoCandidate) => `W=${c.vectorWidth} P=${c.replicas}${c.storage ? ` ${c.storage}` : ""}`;

/** Explores the design space of `sdfg` on `platform`; refuses (UserError) when no point fits. */
export function exploreDesigns(sdfg: SDFG, platform: Platform, options: { clockMHz?: number; maxUtil: number; where: string }): AutoResult {
  const stencil = sdfg.states[0]?.nodes.find((n) => n.kind === "stencil");
  const innermost = stencil && stencil.kind === "stencil" ? stencil.domain[stencil.domain.length - 1]! : 1;
  const steps = sdfg.timeLoop?.steps ?? 1;
  const storages: AutoCandidate["storage"][] = platform.resources.uram > 0 ? ["uram", "bram"] : [undefined];
  const all: AutoCandidate[] = [];
  for (const W of widths(innermost, platform)) {
    for (const P of replications(steps)) {
      let first: AutoCandidate | undefined;
      for (const storage of storages) {
        const pipeline = lowerToPipeline(sdfg, { vectorWidth: W, replicas: P, uram: storage === "uram" });
        const c = candidate(buildReport(pipeline, platform, options.clockMHz, undefined, options.maxUtil), storage);
        // Without UltraRAM, the same design when no delay line was long enough to go there.
        if (first && JSON.stringify(first.utilisation) === JSON.stringify(c.utilisation) && first.gops === c.gops) continue;
        first ??= c;
        all.push(c);
      }
    }
  }
  const fitting = all.filter((c) => c.fits);
  // Most GOp/s; within 0.5 % of each other the one that uses the least of its scarcest resource,
  // then the least of all resources together.
  const total = (c: AutoCandidate) => Object.values(c.utilisation).reduce((a, b) => a + b, 0);
  const better = (a: AutoCandidate, b: AutoCandidate) =>
    Math.abs(a.gops - b.gops) > 0.005 * Math.max(a.gops, b.gops) ? b.gops - a.gops : a.maxFraction !== b.maxFraction ? a.maxFraction - b.maxFraction : total(a) - total(b);
  fitting.sort(better);
  const best = fitting[0];
  if (!best) {
    const least = [...all].sort((a, b) => a.maxFraction - b.maxFraction)[0]!;
    throw new UserError(options.where, `no design point fits the ${platform.name} under ${pct(options.maxUtil)} of every resource (the smallest, ${point(least)}, needs ${pct(least.maxFraction)} of its ${least.maxResource}); raise --max-util or pick a larger board`);
  }
  const faster = all.filter((c) => !c.fits && c.gops > best.gops * 1.005).sort(better).slice(0, 3);
  for (const c of faster) c.why = `${pct(c.maxFraction)} of ${c.maxResource} is over the ${pct(options.maxUtil)} limit${c.maxFraction > 1 ? " (more than the board has)" : ""}`;
  const runnersUp = fitting.slice(1, 6);
  for (const c of runnersUp) {
    c.why = Math.abs(c.gops - best.gops) <= 0.005 * best.gops ? `as fast, but uses more: ${moreThan(c, best)}`
      : `${((1 - c.gops / best.gops) * 100).toFixed(1)} % slower (${c.bound === "memory" ? "bound by memory bandwidth" : "bound by its pipeline"})`;
  }
  const fasterNote = faster.length > 0 ? `; the faster points (${faster.map(point).join(", ")}) do not fit` : "; no faster point exists";
  best.why = `most predicted GOp/s of the ${fitting.length} of ${all.length} design points that fit under ${pct(options.maxUtil)}; ` +
    `${best.bound === "memory" ? "bound by memory bandwidth" : "bound by its pipeline"} at ${pct(best.fractionOfRoofline)} of its roofline (${best.rooflineGops.toFixed(1)} GOp/s), ` +
    `${pct(best.maxFraction)} of ${best.maxResource}${fasterNote}`;
  const candidates = [best, ...runnersUp, ...faster].sort((a, b) => b.gops - a.gops);
  return { maxUtil: options.maxUtil, explored: all.length, candidates, best };
}
