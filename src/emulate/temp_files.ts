// Temporary folders of a run (emulation work folders, cache entries being built): removed when the
// run ends, when it is interrupted (SIGINT, SIGTERM), and — left by a run that was killed outright
// — swept by the next run once the process that made them is gone.

import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const live = new Set<string>();
let handlersInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
  process.stderr.write(`\ninterrupted (${signal}); temporary files removed\n`);
  process.exit(signal === "SIGINT" ? 130 : 143);
}

/** Registers `dir` for removal on SIGINT/SIGTERM until `untrack` is called. */
export function track(dir: string): void {
  live.add(dir);
  if (!handlersInstalled) {
    handlersInstalled = true;
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
}

/** Forgets `dir`; the signal handlers go when nothing is tracked (default behaviour again). */
export function untrack(dir: string): void {
  live.delete(dir);
  if (live.size === 0 && handlersInstalled) {
    handlersInstalled = false;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Removes `dir` and forgets it. */
export function removeTracked(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  untrack(dir);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Entries younger than this are never swept: a run in another PID namespace (a container or a
 * sandbox sharing the cache folder) looks dead from here while it is still building.
 */
export const STALE_AFTER_MS = 30 * 60 * 1000;

/**
 * Removes the entries of `dir` whose name matches `pattern` (its first group is the pid of the
 * process that made it), whose process no longer runs and which are older than STALE_AFTER_MS.
 */
export function sweepStale(dir: string, pattern: RegExp): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    try {
      if (Date.now() - statSync(join(dir, name)).mtimeMs < STALE_AFTER_MS) continue;
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch { /* another run is sweeping it too, or it is not ours to remove */ }
  }
  return removed;
}
