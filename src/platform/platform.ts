// Target boards: the files in platforms/ (one JSON file per board, named after its shortName) and
// the schema they follow. Everything else (resource estimates, link configs, the performance
// model) reads boards through loadPlatform/listPlatforms, never the files directly.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { UserError, jsonPathLocation } from "../ir/diagnostics.js";
import { PLATFORMS_DIR } from "../package_root.js";

const count = z.number().int().nonnegative();
const positive = z.number().positive();

export const MEMORY_KINDS = ["HBM", "DDR"] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

const memoryGroupSchema = z
  .object({
    kind: z.enum(MEMORY_KINDS),
    /** Number of independently addressable banks (HBM pseudo-channels, DDR channels). */
    count: z.number().int().positive(),
    /** Theoretical peak of one bank. */
    bandwidthGBsPerBank: positive,
    /** Capacity of ONE bank in GiB (2^30 bytes): 0.25 for a U280 HBM pseudo-channel of 256 MiB. */
    capacityGB: positive,
    /** Vitis `sp=` memory name prefix: `HBM` gives `HBM[0]`, `DDR` gives `DDR[0]`. Xilinx only. */
    vitisName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
    /** Intel global memory type name (board_spec.xml / buffer_location). Intel only. */
    intelName: z.string().min(1).optional(),
    /** Host buffer flags that place a buffer in bank n (one per bank), Intel only. */
    intelChannelFlags: z.array(z.string().min(1)).optional(),
    /** SLR the whole group attaches to, or one SLR per bank. */
    slr: z.union([count, z.array(count)]).optional(),
    /** Measured STREAM bandwidth of the whole group (HPCC FPGA), GB/s. */
    measuredStreamGBs: positive.optional(),
  })
  .strict();

export const platformSchema = z
  .object({
    /** Marketing name, e.g. "Alveo U280". */
    name: z.string().min(1),
    /** Lower-case id used on the command line and as the file name, e.g. "u280". */
    shortName: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    vendor: z.enum(["xilinx", "intel"]),
    /** Vitis platform name or Intel BSP board name (`aoc -board=`). */
    platform: z.string().min(1),
    /** Device family and part, free text. */
    part: z.string().min(1),
    resources: z
      .object({
        /** LUTs (Xilinx) or ALMs (Intel); see lutUnit. */
        lut: count,
        lutUnit: z.enum(["LUT", "ALM"]),
        ff: count,
        /** Block RAM count: BRAM36 (Xilinx) or M20K (Intel); see bramKind. */
        bram: count,
        bramKind: z.enum(["BRAM36", "M20K"]),
        /** Capacity of one block RAM in Kbit (36 or 20). */
        bramKbits: positive,
        uram: count,
        dsp: count,
      })
      .strict(),
    /** Resources taken by the static shell, where known. */
    shellOverhead: z.object({ lut: count, ff: count, bram: count, uram: count.optional(), dsp: count.optional() }).strict().optional(),
    /** Super logic regions (1 for a monolithic die). */
    slrs: z.number().int().positive(),
    memory: z.array(memoryGroupSchema).min(1),
    /** Default kernel clock target. */
    clockMHz: positive,
    /** Typical achieved clock range [low, high]. */
    achievedClockMHz: z.tuple([positive, positive]),
    notes: z.array(z.string()).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.achievedClockMHz[0] > p.achievedClockMHz[1]) {
      ctx.addIssue({ code: "custom", path: ["achievedClockMHz"], message: "low end is above the high end" });
    }
    if ((p.vendor === "xilinx") !== (p.resources.lutUnit === "LUT")) {
      ctx.addIssue({ code: "custom", path: ["resources", "lutUnit"], message: `${p.vendor} boards count logic in ${p.vendor === "xilinx" ? "LUT" : "ALM"}` });
    }
    if ((p.vendor === "xilinx") !== (p.resources.bramKind === "BRAM36")) {
      ctx.addIssue({ code: "custom", path: ["resources", "bramKind"], message: `${p.vendor} boards have ${p.vendor === "xilinx" ? "BRAM36" : "M20K"} block RAM` });
    }
    p.memory.forEach((g, i) => {
      if (p.vendor === "xilinx" && g.vitisName === undefined) {
        ctx.addIssue({ code: "custom", path: ["memory", i, "vitisName"], message: "required for a xilinx board" });
      }
      if (p.vendor === "intel" && g.intelName === undefined) {
        ctx.addIssue({ code: "custom", path: ["memory", i, "intelName"], message: "required for an intel board" });
      }
      if (g.intelChannelFlags !== undefined && g.intelChannelFlags.length !== g.count) {
        ctx.addIssue({ code: "custom", path: ["memory", i, "intelChannelFlags"], message: `needs one flag per bank (${g.count})` });
      }
      const slrs = g.slr === undefined ? [] : Array.isArray(g.slr) ? g.slr : [g.slr];
      if (Array.isArray(g.slr) && g.slr.length !== g.count) {
        ctx.addIssue({ code: "custom", path: ["memory", i, "slr"], message: `needs one SLR per bank (${g.count}) or a single number` });
      }
      if (slrs.some((s) => s >= p.slrs)) {
        ctx.addIssue({ code: "custom", path: ["memory", i, "slr"], message: `SLR out of range (board has ${p.slrs})` });
      }
    });
    const kinds = p.memory.map((g) => g.kind);
    if (new Set(kinds).size !== kinds.length) {
      ctx.addIssue({ code: "custom", path: ["memory"], message: "at most one group per memory kind" });
    }
  });

export type Platform = z.infer<typeof platformSchema>;
export type MemoryGroup = z.infer<typeof memoryGroupSchema>;
export type Vendor = Platform["vendor"];

export interface MemoryBank {
  /** `HBM[3]`, `DDR[1]`: the Vitis `sp=` target (Intel boards use the same spelling). */
  name: string;
  kind: MemoryKind;
  /** Index within its group. */
  index: number;
  bandwidthGBs: number;
  capacityGB: number;
  /** The SLR the bank attaches to, where known. */
  slr?: number;
}

export interface PlatformLoadOptions {
  /** Directory holding the platform files; the packaged platforms/ by default. */
  dir?: string;
}

/** Parses and checks one platform file; a malformed one is a UserError naming file and JSON path. */
export function loadPlatformFile(file: string): Platform {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError(file, `cannot read platform file: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(file, `invalid JSON: ${(e as Error).message}`);
  }
  const r = platformSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.map((s) => (typeof s === "number" ? s : String(s)));
    throw new UserError(jsonPathLocation(file, path), issue.message);
  }
  const expected = basename(file, ".json");
  if (r.data.shortName !== expected) {
    throw new UserError(jsonPathLocation(file, ["shortName"]), `'${r.data.shortName}' does not match the file name '${expected}.json'`);
  }
  return r.data;
}

function platformFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new UserError(dir, "platform directory does not exist");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(dir, f));
}

/** Every platform in the directory, sorted by shortName. */
export function listPlatforms(opts: PlatformLoadOptions = {}): Platform[] {
  return platformFiles(opts.dir ?? PLATFORMS_DIR)
    .map(loadPlatformFile)
    .sort((a, b) => (a.shortName < b.shortName ? -1 : a.shortName > b.shortName ? 1 : 0));
}

/**
 * Finds a board by shortName ("u280"), name ("Alveo U280") or platform/BSP id
 * ("xilinx_u280_gen3x16_xdma_1_202211_1"), case-insensitively.
 */
export function loadPlatform(nameOrShortName: string, opts: PlatformLoadOptions = {}): Platform {
  const dir = opts.dir ?? PLATFORMS_DIR;
  const key = nameOrShortName.trim().toLowerCase();
  const files = platformFiles(dir);
  const direct = files.find((f) => basename(f, ".json").toLowerCase() === key);
  if (direct !== undefined) return loadPlatformFile(direct);
  for (const f of files) {
    const p = loadPlatformFile(f);
    if ([p.shortName, p.name, p.platform].some((n) => n.toLowerCase() === key)) return p;
  }
  const known = files.map((f) => basename(f, ".json")).join(", ");
  throw new UserError("--platform", `unknown platform '${nameOrShortName}' (known: ${known})`);
}

/** The banks of every memory group, the preferred group (HBM when present) first. */
export function memoryBanks(platform: Platform): MemoryBank[] {
  const groups = [...platform.memory].sort((a, b) => preference(a.kind) - preference(b.kind));
  const banks: MemoryBank[] = [];
  for (const g of groups) {
    const prefix = g.vitisName ?? g.intelName ?? g.kind;
    for (let i = 0; i < g.count; i++) {
      const bank: MemoryBank = { name: `${prefix}[${i}]`, kind: g.kind, index: i, bandwidthGBs: g.bandwidthGBsPerBank, capacityGB: g.capacityGB };
      const slr = Array.isArray(g.slr) ? g.slr[i] : g.slr;
      if (slr !== undefined) bank.slr = slr;
      banks.push(bank);
    }
  }
  return banks;
}

function preference(kind: MemoryKind): number {
  return kind === "HBM" ? 0 : 1;
}

/** The preferred memory group (HBM when the board has it). */
export function preferredMemory(platform: Platform): MemoryGroup {
  return [...platform.memory].sort((a, b) => preference(a.kind) - preference(b.kind))[0]!;
}

/** Theoretical peak bandwidth of a memory group, all banks together. */
export function peakBandwidthGBs(group: MemoryGroup): number {
  return group.count * group.bandwidthGBsPerBank;
}

/** Refuses a board of the wrong vendor for a target (one line, naming --platform). */
export function requireVendor(platform: Platform, vendor: Vendor): void {
  if (platform.vendor === vendor) return;
  const an = (w: string) => (/^[aeiou]/i.test(w) ? "an" : "a");
  const name = vendor[0]!.toUpperCase() + vendor.slice(1);
  throw new UserError("--platform", `'${platform.shortName}' is ${an(platform.vendor)} ${platform.vendor} board; --target ${vendor} needs ${an(vendor)} ${name} board`);
}
