// Reads the board shell's resources from an Intel FPGA OpenCL BSP's `board_spec.xml`, with
// xmlbuilder2. The Intel FPGA SDK for OpenCL Custom Platform Toolkit documents the element
// (reference platform porting guides, e.g. Intel 683267 "Describe the … Reference Platform
// Hardware to the Intel FPGA SDK for OpenCL"): under `<board>`, `<device device_model="…">` holds
//   <used_resources> <alms num="…"/> <ffs num="…"/> <dsps num="…"/> <rams num="…"/> </used_resources>
// and "the used_resources element accounts for all logic outside of the kernel partition" — the
// board shell (static region). No figure for the 520N's BSP is published, so the user points
// `report --board-spec` at the BSP installed with aoc (`<bsp>/hardware/<board>/board_spec.xml`).

import { readFileSync } from "node:fs";
import { create } from "xmlbuilder2";
import { UserError } from "../ir/diagnostics.js";
import type { Platform } from "./platform.js";

type XmlObject = { [k: string]: XmlValue };
type XmlValue = string | XmlObject | XmlValue[];

/** The shell in the platform's units: ALMs as `lut`, registers as `ff`, M20K blocks as `bram`. */
export interface BoardShell { lut: number; ff: number; bram: number; dsp: number }

export function readBoardSpec(file: string): BoardShell {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError(file, `cannot read the BSP's board_spec.xml (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseBoardSpec(text, file);
}

export function parseBoardSpec(text: string, file: string): BoardShell {
  // xmlbuilder2's create() would take text starting with `{` as JSON: only XML is read here.
  if (!text.trimStart().startsWith("<")) throw new UserError(file, "not XML (a BSP's board_spec.xml starts with `<?xml` or `<board`)");
  let doc: XmlObject;
  try {
    doc = create(text).end({ format: "object" }) as XmlObject;
  } catch (e) {
    throw new UserError(file, `not well-formed XML (${(e instanceof Error ? e.message : String(e)).split("\n")[0]})`);
  }
  const root = Object.keys(doc).filter((k) => !k.startsWith("?"));
  if (!root.includes("board")) throw new UserError(file, `not a board_spec.xml: the root element is <${root[0] ?? "none"}>, expected <board>`);
  const board = element(doc["board"], "board", file);
  const device = element(board["device"], "board/device", file);
  const used = element(device["used_resources"], "board/device/used_resources", file);
  const num = (name: string): number => {
    const e = element(used[name], `board/device/used_resources/${name}`, file);
    const raw = e["@num"];
    const value = typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value)) throw new UserError(file, `board/device/used_resources/${name}: num must be a whole number, got ${JSON.stringify(raw ?? null)}`);
    return value;
  };
  return { lut: num("alms"), ff: num("ffs"), bram: num("rams"), dsp: num("dsps") };
}

/** The platform with its shell taken from the BSP; a shell larger than the device is refused. */
export function withBoardShell(platform: Platform, shell: BoardShell, file: string): Platform {
  if (platform.vendor !== "intel") throw new UserError("--board-spec", `a BSP's board_spec.xml describes an Intel board; --platform ${platform.shortName} is ${platform.vendor} (its shell is in platforms/${platform.shortName}.json)`);
  for (const k of ["lut", "ff", "bram", "dsp"] as const) {
    if (shell[k] > platform.resources[k]) throw new UserError(file, `board/device/used_resources: the shell's ${k === "lut" ? "ALMs" : k === "bram" ? "M20Ks" : k === "ff" ? "registers" : "DSPs"} (${shell[k]}) exceed the ${platform.name}'s ${platform.resources[k]}: is this the BSP of another board?`);
  }
  return { ...platform, shellOverhead: { lut: shell.lut, ff: shell.ff, bram: shell.bram, dsp: shell.dsp } };
}

function element(v: XmlValue | undefined, path: string, file: string): XmlObject {
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) throw new UserError(file, `${path}: missing`);
  if (typeof first === "string" || Array.isArray(first)) return {};
  return first;
}

/** `--board-spec FILE` given: the platform with the BSP's shell; not given: the platform as it is. */
export function platformWithShell(platform: Platform, boardSpec: string | undefined): Platform {
  return boardSpec === undefined ? platform : withBoardShell(platform, readBoardSpec(boardSpec), boardSpec);
}
