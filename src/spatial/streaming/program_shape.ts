// The control flow a stencil pass accepts: a straight line of dataflow states, optionally inside
// one counted loop (`for t in range(a, b)`: the stencil road's time loop). Everything else (a
// branch, an interstate assignment, a loop whose count is unknown) is refused with the reason. A
// loop whose body reads its variable is returned with `variable` set: the caller must prove it
// handles those reads (step_table.ts) or refuse.

import { pexprNames, type PBlock, type PExpr, type PLoop, type PRegion, type PState, type PStmt, type Program } from "../../ir/program.js";
import { constantValue } from "./affine_index.js";

export interface StraightLineProgram {
  /** The dataflow states of one pass (one time step), in execution order. */
  states: PState[];
  /** Trip count of the loop around them; absent without a loop. */
  steps?: number;
  /** The loop's variable and first value, when its body reads it (see step_table.ts). */
  variable?: { name: string; start: number; where: string };
}

const isEmptyState = (b: PBlock) => b.kind === "state" && b.nodes.length === 0;

/** The program as a straight line of states, or why it is not one. */
export function straightLine(program: Program, values: Readonly<Record<string, number>>): StraightLineProgram | string {
  const blocks = ordered(program.root);
  if (typeof blocks === "string") return blocks;
  const work = blocks.filter((b) => !isEmptyState(b));
  if (work.every((b) => b.kind === "state")) return { states: work as PState[] };
  if (work.length !== 1 || work[0]!.kind !== "loop") {
    const found = work.filter((b) => b.kind !== "state").map((b) => `${b.kind} '${b.label}'`);
    return `the control flow is not a straight line of states or one loop around them (it has ${found.join(", ")}${work.length > found.length ? " beside dataflow states" : ""})`;
  }
  const loop = work[0]!;
  const steps = tripCount(loop, values);
  if (typeof steps === "string") return steps;
  const body = ordered(loop.body);
  if (typeof body === "string") return body;
  const states = body.filter((b) => !isEmptyState(b));
  if (!states.every((b) => b.kind === "state")) return `loop '${loop.label}' holds nested control flow (only a straight line of states is streamed)`;
  if (loop.variable && readsName(states as PState[], loop.variable)) {
    const start = constantValue(loop.init[0]![1], values)!;
    return { states: states as PState[], steps, variable: { name: loop.variable, start, where: `loop '${loop.label}'` } };
  }
  return { states: states as PState[], steps };
}

/** The blocks of a region in execution order, if its edges make an unconditional chain. */
export function ordered(r: PRegion): PBlock[] | string {
  for (const e of r.edges) {
    if (e.assignments.length > 0) return `${e.where}: an interstate edge assigns symbols`;
    if (e.condition && !(e.condition.kind === "bool" && e.condition.value)) return `${e.where}: an interstate edge has a condition`;
  }
  if (r.blocks.length <= 1) return [...r.blocks];
  const out: PBlock[] = [];
  const seen = new Set<number>();
  for (let b: number | undefined = r.start; b !== undefined; ) {
    if (seen.has(b)) return `region '${r.label}' loops back without a loop region`;
    seen.add(b);
    out.push(r.blocks[b]!);
    const next = r.edges.filter((e) => e.src === b);
    if (next.length > 1) return `region '${r.label}' branches`;
    b = next[0]?.dst;
  }
  if (out.length !== r.blocks.length) return `region '${r.label}' has blocks off its main path`;
  return out;
}

/** `for v in range(a, b, s)`: the number of iterations, or why it is not known here. */
export function tripCount(loop: PLoop, values: Readonly<Record<string, number>>): number | string {
  const where = `loop '${loop.label}'`;
  const v = loop.variable;
  if (!v || loop.inverted) return `${where} is not a counted for-loop`;
  const init = loop.init.find(([n]) => n === v);
  const update = loop.update.find(([n]) => n === v);
  if (!init || !update || loop.init.length !== 1 || loop.update.length !== 1) return `${where} does not initialise and step only '${v}'`;
  const start = constantValue(init[1], values);
  const step = stepOf(update[1], v, values);
  const c = loop.condition;
  if (start === null) return `${where}: its start is not known before the run`;
  if (step === null || step === 0) return `${where}: its step is not a constant added to '${v}'`;
  if (c.kind !== "binary" || c.left.kind !== "name" || c.left.name !== v || !["<", "<=", ">", ">="].includes(c.op)) {
    return `${where}: its condition is not '${v}' compared with a bound`;
  }
  const bound = constantValue(c.right, values);
  if (bound === null) return `${where}: its bound is not known before the run (data-dependent trip count)`;
  const span = c.op === "<" ? bound - start : c.op === "<=" ? bound - start + 1 : c.op === ">" ? start - bound : start - bound + 1;
  const stride = c.op === "<" || c.op === "<=" ? step : -step;
  if (stride <= 0) return `${where} never ends or never runs (its step goes away from its bound)`;
  return Math.max(0, Math.ceil(span / stride));
}

export function stepOf(e: PExpr, v: string, values: Readonly<Record<string, number>>): number | null {
  if (e.kind !== "binary" || (e.op !== "+" && e.op !== "-")) return null;
  if (e.left.kind !== "name" || e.left.name !== v) return null;
  const c = constantValue(e.right, values);
  return c === null ? null : e.op === "+" ? c : -c;
}

/** Whether any memlet or tasklet of the states reads `name`. */
export function readsName(states: PState[], name: string): boolean {
  for (const s of states) {
    for (const e of s.edges) {
      for (const r of [...(e.memlet?.subset ?? []), ...(e.memlet?.otherSubset ?? [])]) {
        if ([r.start, r.end, r.step].some((x) => pexprNames(x).has(name))) return true;
      }
    }
    for (const n of s.nodes) {
      if (n.kind === "map_entry" && n.ranges.some((r) => [r.start, r.end, r.step].some((x) => pexprNames(x).has(name)))) return true;
      if (n.kind === "tasklet" && statementsRead(n.code, name)) return true;
    }
  }
  return false;
}

function statementsRead(code: readonly PStmt[], name: string): boolean {
  return code.some((s) => s.kind === "assign"
    ? pexprNames(s.value).has(name) || (s.indices ?? []).some((i) => pexprNames(i).has(name))
    : pexprNames(s.cond).has(name) || statementsRead(s.then, name) || statementsRead(s.otherwise, name));
}
