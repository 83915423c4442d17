// Locates the files shipped with the package (platforms/, sim/, stencils/) both when running from
// the TypeScript sources (tests) and from the compiled dist/ tree (the installed CLI).

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "sim"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("sdfg-fpga: cannot find the package root (package.json beside sim/)");
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot();
export const SIM_DIR = join(PACKAGE_ROOT, "sim");
export const PLATFORMS_DIR = join(PACKAGE_ROOT, "platforms");
export const STENCILS_DIR = join(PACKAGE_ROOT, "stencils");

/** The package's version, from package.json (reported by --version and in --json results). */
export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
