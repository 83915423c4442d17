// Shared test helpers: program lists and a CLI runner.
import { readdirSync } from "node:fs";
import { join } from "node:path";
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
