// What `emulate` is doing, on stderr: one line per stage, and the running percentage rewritten in
// place on a terminal. Silent when disabled (--quiet, or stderr not a terminal without --progress).

import type { EmulateEvent } from "../emulate/emulate.js";

export class ProgressPrinter {
  private lastPercent = -1;
  private inLine = false;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly enabled: boolean) {}

  event(e: EmulateEvent): void {
    if (!this.enabled || e.kind === "input") return;
    if (e.kind === "stage") {
      this.endLine();
      this.lastPercent = -1;
      process.stderr.write(`${e.text}\n`);
    } else {
      // A terminal gets every percent in place; a log gets a line per 10%.
      const pct = this.tty ? Math.floor(e.percent) : Math.floor(e.percent / 10) * 10;
      if (pct <= this.lastPercent) return;
      this.lastPercent = pct;
      if (this.tty) { process.stderr.write(`\rrunning: ${pct}%`); this.inLine = true; } else process.stderr.write(`running: ${pct}%\n`);
    }
  }

  done(): void { this.endLine(); }

  private endLine(): void {
    if (this.inLine) process.stderr.write("\n");
    this.inLine = false;
  }
}
