// Shared test helpers: program lists and a CLI runner.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { execa } from "execa";

export const SHARED = join(process.cwd(), "..", "shared");
export const PEERS = join(SHARED, "peers", "stencilflow");

export function jsonFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f));
}

export const CLI = join(process.cwd(), "dist", "src", "cli", "main.js");

/** Runs the built CLI; never throws on a non-zero exit. */
export function cli(args: string[], opts: { cwd?: string } = {}) {
  return execa("node", [CLI, ...args], { reject: false, ...opts });
}

/** Every file below `dir` (relative path → bytes), in sorted order. */
export function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
