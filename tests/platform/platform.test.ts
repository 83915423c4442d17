import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/ir/diagnostics.js";
import { PLATFORMS_DIR } from "../../src/package_root.js";
import { listPlatforms, loadPlatform, loadPlatformFile, memoryBanks, peakBandwidthGBs, preferredMemory } from "../../src/platform/platform.js";

const temps: string[] = [];
afterEach(() => {
  while (temps.length) rmSync(temps.pop()!, { recursive: true, force: true });
});

/** A temp copy of the platforms directory with one file changed by `edit`. */
function brokenCopy(file: string, edit: (j: any) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "sdfg-fpga-platforms-"));
  temps.push(dir);
  for (const f of readdirSync(PLATFORMS_DIR).filter((x) => x.endsWith(".json"))) copyFileSync(join(PLATFORMS_DIR, f), join(dir, f));
  const j = JSON.parse(readFileSync(join(dir, file), "utf8"));
  edit(j);
  writeFileSync(join(dir, file), JSON.stringify(j, null, 2));
  return dir;
}

function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError");
}

describe("platforms", () => {
  it("every file validates and the list is sorted by shortName", () => {
    for (const f of readdirSync(PLATFORMS_DIR).filter((x) => x.endsWith(".json"))) expect(() => loadPlatformFile(join(PLATFORMS_DIR, f))).not.toThrow();
    expect(listPlatforms().map((p) => p.shortName)).toEqual(["520n", "a10gx", "u250", "u280", "u50", "u55c"]);
  });

  it("resolves short names, long names and platform ids", () => {
    expect(loadPlatform("u280").name).toBe("Alveo U280");
    expect(loadPlatform("U280").shortName).toBe("u280");
    expect(loadPlatform("Alveo U55C").shortName).toBe("u55c");
    expect(loadPlatform("xilinx_u250_gen3x16_xdma_4_1_202210_1").shortName).toBe("u250");
    expect(loadPlatform("Bittware 520N").platform).toBe("p520_max_sg280l");
    expect(loadPlatform("p520_max_sg280l").vendor).toBe("intel");
  });

  it("refuses an unknown name listing the known ones", () => {
    const e = userError(() => loadPlatform("vu9p"));
    expect(e.where).toBe("--platform");
    expect(e.detail).toBe("unknown platform 'vu9p' (known: 520n, a10gx, u250, u280, u50, u55c)");
  });

  it("carries the board data of the design notes", () => {
    const u280 = loadPlatform("u280");
    expect(u280.resources).toMatchObject({ lut: 1303680, ff: 2607360, bram: 2016, uram: 960, dsp: 9024 });
    expect(u280.shellOverhead).toEqual({ lut: 108000, ff: 136000, bram: 196 });
    const hbm = preferredMemory(u280);
    expect(hbm.kind).toBe("HBM");
    expect(peakBandwidthGBs(hbm)).toBeCloseTo(460, 6);
    expect(hbm.measuredStreamGBs).toBe(377);
    const s10 = loadPlatform("520n");
    expect(s10.resources.lutUnit).toBe("ALM");
    expect(s10.resources.bramKind).toBe("M20K");
    expect(peakBandwidthGBs(preferredMemory(s10))).toBeCloseTo(76.8, 6);
    expect(peakBandwidthGBs(preferredMemory(loadPlatform("u250")))).toBeCloseTo(77, 6);
    // Arria 10 GX 1150 (UG 683526 table 16; 1,518 DSPs as the T2SP Quartus figures count them).
    expect(loadPlatform("a10gx").resources).toMatchObject({ lut: 427200, ff: 1708800, bram: 2713, dsp: 1518, uram: 0 });
  });

  it("lists memory banks with HBM first", () => {
    const banks = memoryBanks(loadPlatform("u280"));
    expect(banks).toHaveLength(34);
    expect(banks[0]).toMatchObject({ name: "HBM[0]", kind: "HBM", bandwidthGBs: 14.375, slr: 0 });
    expect(banks[31]!.name).toBe("HBM[31]");
    expect(banks[32]).toMatchObject({ name: "DDR[0]", kind: "DDR", slr: 0 });
    expect(banks[33]).toMatchObject({ name: "DDR[1]", kind: "DDR", slr: 1 });
    expect(memoryBanks(loadPlatform("u250")).map((b) => b.name)).toEqual(["DDR[0]", "DDR[1]", "DDR[2]", "DDR[3]"]);
    expect(memoryBanks(loadPlatform("u50")).every((b) => b.slr === 0)).toBe(true);
  });

  it("refuses a malformed file naming the file and the field", () => {
    const dir = brokenCopy("u280.json", (j) => {
      j.resources.dsp = "many";
    });
    const e = userError(() => loadPlatform("u280", { dir }));
    expect(e.where).toBe(`${join(dir, "u280.json")}: $.resources.dsp`);
    expect(() => loadPlatform("u250", { dir })).not.toThrow();

    const dir2 = brokenCopy("u50.json", (j) => {
      j.memory[0].kind = "GDDR";
    });
    expect(userError(() => listPlatforms({ dir: dir2 })).where).toBe(`${join(dir2, "u50.json")}: $.memory[0].kind`);

    const dir3 = brokenCopy("520n.json", (j) => {
      delete j.memory[0].intelName;
    });
    expect(userError(() => loadPlatform("520n", { dir: dir3 })).where).toBe(`${join(dir3, "520n.json")}: $.memory[0].intelName`);

    const dir4 = brokenCopy("u55c.json", (j) => {
      j.extra = 1;
    });
    expect(userError(() => loadPlatform("u55c", { dir: dir4 })).message).toContain("u55c.json");
  });

  it("refuses a file that is not JSON", () => {
    const dir = brokenCopy("u250.json", () => {});
    writeFileSync(join(dir, "u250.json"), "{ nope");
    expect(userError(() => loadPlatform("u250", { dir })).where).toBe(join(dir, "u250.json"));
  });
});
