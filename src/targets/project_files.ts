// A generated project as a map from relative path to content, and the one function that writes
// it: into a temporary sibling first, then renamed into place, so a failure never leaves a
// half-written output directory behind. It never replaces a folder that is not one of our
// projects (unless forced), nor one that holds the program, its data, the working directory or
// the home directory.

import {
  accessSync, constants, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync,
  renameSync, rmdirSync, rmSync, statSync, writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, parse, relative, resolve, sep } from "node:path";
import { UserError } from "../ir/diagnostics.js";

export type ProjectFiles = Map<string, string | Buffer>;

/** Written into every generated project: a folder holding it may be replaced by a later run. */
export const PROJECT_MARKER = ".sdfg-fpga-project";
const MARKER_TEXT = "sdfg-fpga\n";

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

export interface WriteOptions {
  /** Replace a non-empty folder that is not an earlier project of ours. */
  force?: boolean;
  /** Files the run reads (the program, its data): the folder written must not hold any of them. */
  protect?: string[];
  /** How the folder is named in errors (default: the `-o` option). */
  option?: string;
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realish(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const rest: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) break;
    rest.unshift(basename(head));
    head = up;
  }
  let real = head;
  try { real = realpathSync(head); } catch { /* keep it */ }
  return join(real, ...rest);
}

/** True when `a` is `b` or a folder above it. */
function contains(a: string, b: string): boolean {
  const r = relative(a, b);
  return r === "" || (r !== ".." && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/**
 * Checks that `dir` may be written as a project, without writing anything: not a file, not a
 * folder holding a protected file, the working or home directory or the root, not a non-empty
 * folder that is not a project of ours (unless forced), and a writable parent. Throws UserError.
 */
export function checkProjectTarget(dir: string, opts: WriteOptions = {}): void {
  const option = opts.option ?? "-o";
  const where = `${option} ${dir}`;
  const target = realish(dir);
  let st;
  try { st = lstatSync(resolve(dir)); } catch { st = undefined; }
  if (st?.isSymbolicLink()) throw new UserError(where, "is a symbolic link; give the folder itself");
  if (st && !st.isDirectory()) throw new UserError(where, "exists and is not a folder; give a folder for the project");
  if (parse(target).root === target) throw new UserError(where, "is the root folder; give a folder for the project");
  const guarded: [string, string][] = [[process.cwd(), "the working directory"], [homedir(), "the home directory"]];
  for (const p of opts.protect ?? []) guarded.push([dirname(p), `'${p}'`]);
  for (const [p, what] of guarded) {
    if (contains(target, realish(p))) {
      throw new UserError(where, `holds ${what}; it is never replaced (give a new or an earlier project folder)`);
    }
  }
  if (st) {
    let entries: string[];
    try { entries = readdirSync(target); } catch (e) { throw new UserError(where, `cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    if (entries.length > 0 && !isOurProject(target) && !opts.force) {
      throw new UserError(where, `is not empty and is not a project written by sdfg-fpga (no ${PROJECT_MARKER}); give a new folder, or --force to replace it`);
    }
  }
  // The parent is where the project is staged and renamed: it must be a writable folder.
  let parent = dirname(target);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) throw new UserError(where, `'${parent}' is not a folder`);
  probeWritable(parent, where);
}

function isOurProject(dir: string): boolean {
  try {
    return readFileSync(join(dir, PROJECT_MARKER), "utf8") === MARKER_TEXT;
  } catch {
    return false;
  }
}

/** Writes `files` as the directory `dir`, replacing what was there only once all is written. */
export function writeProject(dir: string, files: ProjectFiles, opts: WriteOptions = {}): void {
  checkProjectTarget(dir, opts);
  const where = `${opts.option ?? "-o"} ${dir}`;
  const target = realish(dir);
  let staging: string | undefined;
  let old: string | undefined;
  try {
    mkdirSync(dirname(target), { recursive: true });
    // A fresh name beside the target, so nothing of the user's can be in the way.
    staging = mkdtempSync(join(dirname(target), `.${basename(target)}.sdfg-fpga-tmp-`));
    const all: [string, string | Buffer][] = [...files.entries(), [PROJECT_MARKER, MARKER_TEXT]];
    for (const [path, content] of all.sort(([a], [b]) => (a < b ? -1 : 1))) {
      const full = join(staging, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    if (existsSync(target)) {
      old = mkdtempSync(join(dirname(target), `.${basename(target)}.sdfg-fpga-old-`));
      renameSync(target, join(old, "project"));
    }
    renameSync(staging, target);
    staging = undefined;
  } catch (e) {
    if (staging) rmSync(staging, { recursive: true, force: true });
    if (old && existsSync(join(old, "project")) && !existsSync(target)) renameSync(join(old, "project"), target);
    if (old) rmSync(old, { recursive: true, force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code) throw new UserError(where, `cannot write the project: ${err.code}${err.path ? ` (${err.path})` : ""}`);
    throw e;
  }
  if (old) rmSync(old, { recursive: true, force: true });
}

/**
 * A folder a run will write results into (emulate --outputs), checked before the long part of the
 * run so that an unwritable folder is reported at once, not after compiling and running.
 */
export function checkOutputFolder(dir: string, option: string): void {
  const where = `${option} ${dir}`;
  let p = resolve(dir);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  if (!statSync(p).isDirectory()) throw new UserError(where, p === resolve(dir) ? "exists and is not a folder" : `'${p}' is not a folder`);
  probeWritable(p, where);
}

/** Creates and removes an empty folder in `dir` (root ignores permission bits, so ask the kernel). */
export function probeWritable(dir: string, where: string): void {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    rmdirSync(mkdtempSync(join(dir, ".sdfg-fpga-probe-")));
  } catch (e) {
    throw new UserError(where, `cannot write in '${dir}' (${(e as NodeJS.ErrnoException).code ?? "permission denied"})`);
  }
}
