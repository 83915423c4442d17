// A control-flow region as structured code: a chain of blocks, where a block may branch two ways
// on complementary conditions (`k == 0` / `k != 0`, as DaCe's API-built samples write an
// if/else with interstate edges) into one block each that meet again in one join block. Such a
// region is written as straight-line code with `if … else`, which HLS pipelines inside a loop;
// any other graph needs a state machine (a `while` around a `switch`).

import type { PExpr, PInterstate, PRegion } from "../ir/program.js";
import { sameExpr } from "./program_analysis.js";

export type RegionStep =
  /** A block, then the assignments of its one unconditional out-edge (if any). */
  | { kind: "block"; block: number; next?: PInterstate }
  /** A two-way branch: per arm the edge taken, its block and that block's edge to the join. */
  | { kind: "branch"; arms: { edge: PInterstate; block: number; join: PInterstate }[] };

/** The region's steps, or null when its graph is not a chain of blocks and two-way branches. */
export function structuredSteps(r: PRegion): RegionStep[] | null {
  if (r.blocks.length === 0) return [];
  const outs = r.blocks.map((_, i) => r.edges.filter((e) => e.src === i));
  const ins = r.blocks.map((_, i) => r.edges.filter((e) => e.dst === i));
  const steps: RegionStep[] = [];
  const seen = new Set<number>();
  let cur: number | undefined = r.start;
  let allowedIns = 1;
  while (cur !== undefined) {
    if (seen.has(cur) || ins[cur]!.length > allowedIns) return null;
    seen.add(cur);
    allowedIns = 1;
    const o: PInterstate[] = outs[cur]!;
    if (o.length <= 1 && o.every((e) => !e.condition)) {
      steps.push(o[0] ? { kind: "block", block: cur, next: o[0] } : { kind: "block", block: cur });
      cur = o[0]?.dst;
      continue;
    }
    const arms = twoWayBranch(o, outs, ins);
    if (!arms || arms.some((a) => seen.has(a.block) || a.block === cur)) return null;
    for (const a of arms) seen.add(a.block);
    steps.push({ kind: "block", block: cur }, { kind: "branch", arms });
    cur = arms[0]!.join.dst;
    allowedIns = 2;
  }
  return seen.size === r.blocks.length ? steps : null;
}

function twoWayBranch(o: PInterstate[], outs: PInterstate[][], ins: PInterstate[][]): { edge: PInterstate; block: number; join: PInterstate }[] | null {
  if (o.length !== 2 || !o[0]!.condition || !o[1]!.condition || !complementary(o[0]!.condition, o[1]!.condition)) return null;
  const arms = o.map((edge) => ({ edge, block: edge.dst, join: outs[edge.dst]![0]! }));
  if (arms[0]!.block === arms[1]!.block) return null;
  for (const a of arms) if (ins[a.block]!.length !== 1 || outs[a.block]!.length !== 1 || a.join.condition) return null;
  const join = arms[0]!.join.dst;
  if (arms[1]!.join.dst !== join || arms.some((a) => a.block === join) || ins[join]!.length !== 2) return null;
  return arms;
}

// Only `==` / `!=` (and `not`): `a < b` / `a >= b` are both false when a float is NaN, where the
// state graph would stop instead of taking either branch.
const NEGATED: Record<string, string> = { "==": "!=", "!=": "==" };

/** True when exactly one of the two conditions holds, whatever the values (syntactically). */
function complementary(a: PExpr, b: PExpr): boolean {
  if (a.kind === "unary" && a.op === "not") return sameExpr(a.operand, b);
  if (b.kind === "unary" && b.op === "not") return sameExpr(b.operand, a);
  return a.kind === "binary" && b.kind === "binary" && NEGATED[a.op] === b.op && sameExpr(a.left, b.left) && sameExpr(a.right, b.right);
}
