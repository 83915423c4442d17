// Errors caused by the user's input (a program, an option, a data file). The CLI prints them as
// one line and exits with code 2; anything else is a bug and keeps its stack trace.

export class UserError extends Error {
  /** `where` is `file:line:col`, `file: $.json.path` or just a file or option name. */
  constructor(readonly where: string, readonly detail: string) {
    super(`${where}: ${detail}`);
    this.name = "UserError";
  }
}

/** Location text for a place in a JSON file, e.g. `prog.json: $.program.lap.data_type`. */
export function jsonPathLocation(file: string, path: (string | number)[]): string {
  const p = path.map((s) => (typeof s === "number" ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join("");
  return `${file}: $${p}`;
}
