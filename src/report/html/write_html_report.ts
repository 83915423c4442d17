// Writes `report --html FILE`: a new file, or one an earlier `report --html` wrote (it carries
// the generator marker); any other existing file is the user's and is never overwritten.

import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { UserError } from "../../ir/diagnostics.js";
import { HTML_GENERATOR } from "./page.js";

export function writeHtmlReport(file: string, html: string): void {
  if (existsSync(file)) {
    if (!statSync(file).isFile()) throw new UserError(file, "--html names a folder, not a file");
    const head = readFileSync(file, "utf8").slice(0, 4096);
    if (!head.includes(`<meta name="generator" content="${HTML_GENERATOR}">`)) {
      throw new UserError(file, "exists and is not a report sdfg-fpga wrote: not overwritten (remove it or choose another --html file)");
    }
  } else if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory()) {
    throw new UserError(file, `--html: the folder ${dirname(file)} does not exist`);
  }
  try {
    writeFileSync(file, html);
  } catch (e) {
    throw new UserError(file, `--html: cannot write (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
