// SystemVerilog spellings shared by the RTL emitters, on top of the one code writer.

import type { CodeWriter } from "../codegen/code_writer.js";

/** `head begin` … `end`, with the body indented. */
export function svBlock(w: CodeWriter, head: string, body: () => void): void {
  w.line(`${head} begin`);
  w.indent();
  body();
  w.dedent();
  w.line("end");
}

/** A sized hex literal: `32'h3e800000`. */
export function svHex(bits: number, hex: string): string {
  return `${bits}'h${hex}`;
}

/** Concatenation of lanes, lane 0 in the least significant bits. */
export function svLanes(lanes: string[]): string {
  return lanes.length === 1 ? lanes[0]! : `{${[...lanes].reverse().join(", ")}}`;
}
