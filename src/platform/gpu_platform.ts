// GPU boards for the CUDA target: the files in platforms/gpu/ (one JSON file per board, named
// after its shortName) and their schema. A separate schema from the FPGA boards' (no LUTs, banks
// or SLRs; SMs, clock, one memory and peak arithmetic instead), with `kind: "gpu"` and the
// datasheets each figure comes from in `source`. `report --platform h200` reads boards here.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { UserError, jsonPathLocation } from "../ir/diagnostics.js";
import { PLATFORMS_DIR } from "../package_root.js";

export const GPU_PLATFORMS_DIR = join(PLATFORMS_DIR, "gpu");

const positive = z.number().positive();

export const gpuPlatformSchema = z
  .object({
    kind: z.literal("gpu"),
    /** Marketing name, e.g. "NVIDIA H200 SXM 141GB". */
    name: z.string().min(1),
    /** Lower-case id used on the command line and as the file name, e.g. "h200". */
    shortName: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    vendor: z.literal("nvidia"),
    part: z.string().min(1),
    /** nvcc -arch for the board (its compute capability). */
    arch: z.string().regex(/^sm_[0-9]{2,3}[a-z]?$/),
    /** Streaming multiprocessors. */
    sms: z.number().int().positive(),
    boostClockMHz: positive,
    memory: z.object({ kind: z.string().min(1), capacityGB: positive, bandwidthGBs: positive }).strict(),
    l2CacheMB: positive,
    /** Peak arithmetic without tensor cores, GFLOP/s, per element type. */
    peakGflops: z.object({ float32: positive, float64: positive }).strict(),
    /** Where the figures come from (datasheets, whitepapers). */
    source: z.array(z.string().min(1)).min(1),
    notes: z.array(z.string()).optional(),
  })
  .strict();

export type GpuPlatform = z.infer<typeof gpuPlatformSchema>;

/** Parses and checks one GPU board file; a malformed one is a UserError naming file and JSON path. */
export function loadGpuPlatformFile(file: string): GpuPlatform {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UserError(file, `cannot read GPU platform file: ${(e as Error).message}`);
  }
  const r = gpuPlatformSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UserError(jsonPathLocation(file, issue.path.map((s) => (typeof s === "number" ? s : String(s)))), issue.message);
  }
  const expected = basename(file, ".json");
  if (r.data.shortName !== expected) throw new UserError(jsonPathLocation(file, ["shortName"]), `'${r.data.shortName}' does not match the file name '${expected}.json'`);
  return r.data;
}

function gpuFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f));
}

/** Every GPU board, sorted by shortName. */
export function listGpuPlatforms(dir = GPU_PLATFORMS_DIR): GpuPlatform[] {
  return gpuFiles(dir).map(loadGpuPlatformFile).sort((a, b) => (a.shortName < b.shortName ? -1 : a.shortName > b.shortName ? 1 : 0));
}

/** The GPU board called `name` (shortName or name, any case), or null when there is none. */
export function findGpuPlatform(name: string, dir = GPU_PLATFORMS_DIR): GpuPlatform | null {
  const key = name.trim().toLowerCase();
  const direct = gpuFiles(dir).find((f) => basename(f, ".json").toLowerCase() === key);
  if (direct) return loadGpuPlatformFile(direct);
  return listGpuPlatforms(dir).find((p) => p.name.toLowerCase() === key) ?? null;
}
