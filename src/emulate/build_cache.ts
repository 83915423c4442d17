// Compiles generated C++ with g++ into a cache keyed by everything that affects the binary (the
// sources, the headers they can include, the flags and the compiler version), so a rerun of the
// same program skips g++. Builds go to a temporary directory renamed into place, which keeps
// parallel test workers from seeing half-built entries.

import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { execa } from "execa";
import type { ProjectFiles } from "../targets/project_files.js";
import { sweepStale, track, untrack } from "./temp_files.js";

export function cacheDirectory(): string {
  if (process.env.SDFG_FPGA_CACHE) return process.env.SDFG_FPGA_CACHE;
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(base, "sdfg-fpga");
}

let compilerVersion: Promise<string> | undefined;
function gxxVersion(): Promise<string> {
  compilerVersion ??= execa("g++", ["--version"]).then((r) => r.stdout, () => {
    throw new Error("g++ was not found: emulation compiles the generated C++ with g++ (apt-get install g++)");
  });
  return compilerVersion;
}

/** The compilers a build can use: g++ for emulation, nvcc (CUDA) for the GPU target. */
export type Compiler = "g++" | "nvcc";

/** Where nvcc is: $NVCC when set (and only there), else `nvcc` on PATH, else the CUDA toolkit's default place; null if none. */
export function findNvcc(): string | null {
  const candidates = process.env.NVCC ? [process.env.NVCC] : [...(process.env.PATH ?? "").split(delimiter).filter((d) => d !== "").map((d) => join(d, "nvcc")), "/usr/local/cuda/bin/nvcc"];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not this one
    }
  }
  return null;
}

let nvccVersionText: Promise<string> | undefined;
function nvccVersion(nvcc: string): Promise<string> {
  nvccVersionText ??= execa(nvcc, ["--version"]).then((r) => r.stdout);
  return nvccVersionText;
}

/**
 * The cache folder of a build: a key over `head` (tool versions, arguments), the files written
 * and every file under the include directories the build reads.
 */
export function cacheEntry(head: string[], files: ProjectFiles, includeDirs: string[]): string {
  const hash = createHash("sha256");
  hash.update(head.join("\0"));
  for (const [path, content] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${path}\0`).update(content).update("\0");
  for (const d of includeDirs) hashTree(hash, d);
  return join(cacheDirectory(), hash.digest("hex").slice(0, 32));
}

/**
 * A fresh staging folder beside the cache entry `dir` (`<key>.tmp-<pid>-<random>`, so the sweep
 * finds it once its process is gone) holding `files`; renamed into place when the build is done.
 */
export function stageFiles(dir: string, files: ProjectFiles): string {
  const staging = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(staging, { recursive: true });
  for (const [path, content] of files) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileSync(join(staging, path), content);
  }
  return staging;
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) hashTree(hash, p);
    else hash.update(`${p}\0`).update(readFileSync(p)).update("\0");
  }
}

export interface CompileRequest {
  /** Files written into the build directory (relative path → content). */
  files: ProjectFiles;
  /** Which of them to compile and link. */
  compile: string[];
  /** Include directories outside the build directory (hashed in full). */
  includeDirs: string[];
  /** Include directories relative to the build directory. */
  localIncludes: string[];
  flags: string[];
  /** Name of the binary (or of the object file, with -c and one source). */
  output: string;
  /** g++ unless told otherwise. */
  compiler?: Compiler;
}

export interface CompileResult { binary: string; cached: boolean; seconds: number }

/** Entries being built are `<key>.tmp-<pid>-<random>`; those of killed runs are swept. */
const STALE_BUILD = /^[0-9a-f]{32}\.tmp-(\d+)-/;

export function sweepStaleBuilds(): void {
  sweepStale(cacheDirectory(), STALE_BUILD);
}

/** `started(cached)` is called once it is known whether the compiler has to run. */
export async function compileCached(req: CompileRequest, started?: (cached: boolean) => void): Promise<CompileResult> {
  const compiler = req.compiler ?? "g++";
  const nvcc = compiler === "nvcc" ? findNvcc() : null;
  if (compiler === "nvcc" && nvcc === null) throw new Error("nvcc was not found (set NVCC, put it on PATH or install the CUDA toolkit in /usr/local/cuda)");
  // nvcc hands host code to g++: both versions go into the key.
  const dir = cacheEntry([await gxxVersion(), nvcc ? await nvccVersion(nvcc) : "", req.flags.join(" "), req.compile.join(" ")], req.files, req.includeDirs);
  const binary = join(dir, req.output);
  if (existsSync(binary)) {
    started?.(true);
    return { binary, cached: true, seconds: 0 };
  }
  started?.(false);

  const start = Date.now();
  const staging = stageFiles(dir, req.files);
  track(staging);
  try {
    const args = [...req.flags, ...req.includeDirs.map((d) => `-I${d}`), ...req.localIncludes.map((d) => `-I${join(staging, d)}`),
      ...req.compile.map((f) => join(staging, f)), "-o", join(staging, req.output)];
    const r = await execa(nvcc ?? "g++", args, { reject: false, all: true });
    if (r.exitCode !== 0) {
      // Kept for inspection under a name the sweep leaves alone (the latest failure per key).
      const kept = `${dir}.failed`;
      rmSync(kept, { recursive: true, force: true });
      renameSync(staging, kept);
      untrack(staging);
      throw new Error(`${compiler} failed on generated code (kept in ${kept}):\n${r.all}`);
    }
    try {
      renameSync(staging, dir);
    } catch {
      // Another process finished the same build first; its result is identical.
      rmSync(staging, { recursive: true, force: true });
    }
  } catch (e) {
    if (!(e instanceof Error && e.message.startsWith(`${compiler} failed`))) rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    untrack(staging);
  }
  return { binary, cached: false, seconds: (Date.now() - start) / 1000 };
}
