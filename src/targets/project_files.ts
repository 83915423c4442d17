// A generated project as a map from relative path to content, and the one function that writes
// it: into a temporary sibling first, then renamed into place, so a failure never leaves a
// half-written output directory behind.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export type ProjectFiles = Map<string, string | Buffer>;

/** Every file below `dir`, keyed by `prefix/<relative path>`, in sorted order. */
export function filesFromDirectory(dir: string, prefix: string): ProjectFiles {
  const out: ProjectFiles = new Map();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(join(prefix, relative(dir, p)), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Writes `files` as the directory `dir`, replacing what was there only once all is written. */
export function writeProject(dir: string, files: ProjectFiles): void {
  const target = resolve(dir);
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, content] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const full = join(staging, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    mkdirSync(staging, { recursive: true });
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
