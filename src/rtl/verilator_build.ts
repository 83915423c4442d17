// Builds a generated RTL design and its testbench with Verilator into the same content-keyed
// cache as the g++ builds (src/emulate/build_cache.ts): the key covers the files, the Verilator
// arguments, the headers the testbench includes and Verilator's version, so the same design is
// built once. Builds happen in a staging directory renamed into place.

import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { cacheDirectory, cacheEntry, stageFiles } from "../emulate/build_cache.js";
import type { ProjectFiles } from "../targets/project_files.js";

let version: Promise<string> | undefined;
export function verilatorVersion(): Promise<string> {
  version ??= execa("verilator", ["--version"]).then((r) => r.stdout, () => {
    throw new Error("verilator was not found: the RTL target simulates with Verilator (apt-get install verilator; tools/install-deps.sh does it)");
  });
  return version;
}

export interface VerilatorRequest {
  files: ProjectFiles;
  /** SystemVerilog sources in compile order, and C++ sources, relative to the build directory. */
  sv: string[];
  cpp: string[];
  topModule: string;
  prefix: string;
  includeDirs: string[];
  trace: boolean;
}

/**
 * C++ optimisation of the model: -O1 builds several times faster than Verilator's default -Os
 * for the generated fast-path code and simulates the test programs in well under a second.
 */
const MAKE_FLAGS = "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1";

export function verilatorArguments(req: VerilatorRequest, jobs: number): string[] {
  return [
    "--cc", "--exe", "--build", "-j", String(jobs), "--top-module", req.topModule, "--prefix", req.prefix,
    "-Mdir", "obj", "-o", "tb", ...(req.trace ? ["--trace-fst"] : []),
    "-CFLAGS", ["-std=c++17", ...req.includeDirs.map((d) => `-I${d}`)].join(" "), "-MAKEFLAGS", MAKE_FLAGS,
    ...req.sv, ...req.cpp,
  ];
}

export interface VerilatorResult { binary: string; cached: boolean; seconds: number }

export async function verilateCached(req: VerilatorRequest): Promise<VerilatorResult> {
  const dir = cacheEntry(["verilator", await verilatorVersion(), JSON.stringify(verilatorArguments(req, 1))], req.files, req.includeDirs);
  const binary = join(dir, "obj", "tb");
  if (existsSync(binary)) return { binary, cached: true, seconds: 0 };

  const start = Date.now();
  const staging = stageFiles(dir, req.files);
  const jobs = Math.max(1, Math.min(2, cpus().length));
  // Two steps, so that Verilator's runtime library (verilated*.o, the same for every design
  // built with these flags) is compiled once and reused: translate, then make with the
  // cached runtime objects in place (newer than their sources, so make keeps them).
  const fail = (out: string | undefined) => new Error(`verilator failed on the generated design (kept in ${staging}):\n${(out ?? "").split("\n").slice(-40).join("\n")}`);
  const translate = verilatorArguments(req, jobs).filter((a, n, all) => a !== "--build" && a !== "-MAKEFLAGS" && all[n - 1] !== "-MAKEFLAGS" && a !== "-j" && all[n - 1] !== "-j");
  const t = await execa("verilator", translate, { cwd: staging, reject: false, all: true });
  if (t.exitCode !== 0) throw fail(t.all);
  const runtime = join(cacheDirectory(), `verilator-runtime-${createHash("sha256").update(await verilatorVersion()).update(JSON.stringify(req.includeDirs)).update(String(req.trace)).update(MAKE_FLAGS).digest("hex").slice(0, 16)}`);
  const obj = join(staging, "obj");
  if (existsSync(runtime)) for (const name of readdirSync(runtime)) copyFileSync(join(runtime, name), join(obj, name));
  const m = await execa("make", ["-j", String(jobs), "-C", obj, "-f", `${req.prefix}.mk`, ...MAKE_FLAGS.split(" ")], { reject: false, all: true });
  if (m.exitCode !== 0) throw fail(m.all);
  if (!existsSync(runtime)) {
    const tmp = `${runtime}.tmp-${process.pid}`;
    mkdirSync(tmp, { recursive: true });
    for (const name of readdirSync(obj)) if (/^verilated.*\.o$/.test(name)) copyFileSync(join(obj, name), join(tmp, name));
    try { renameSync(tmp, runtime); } catch { rmSync(tmp, { recursive: true, force: true }); }
  }
  // The object files are not needed once the binary exists.
  for (const name of readdirSync(obj)) if (/\.(o|a|d)$/.test(name)) rmSync(join(obj, name), { force: true });
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return { binary, cached: false, seconds: (Date.now() - start) / 1000 };
}

/** `verilator --lint-only -Wall` on a design's SystemVerilog: the warnings, or "" when clean. */
export async function lintDesign(files: ProjectFiles, sv: string[], topModule: string): Promise<string> {
  await verilatorVersion();
  const dir = mkdtempSync(join(tmpdir(), "sdfg-fpga-lint-"));
  try {
    for (const path of sv) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), files.get(path)!);
    }
    const r = await execa("verilator", ["--lint-only", "-Wall", "--top-module", topModule, ...sv], { cwd: dir, reject: false, all: true });
    return r.exitCode === 0 && (r.all ?? "").trim() === "" ? "" : r.all ?? `verilator exited with ${r.exitCode}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
