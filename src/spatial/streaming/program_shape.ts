// The control flow a stencil pass accepts: a straight line of dataflow states, optionally inside
// one counted loop (`for t in range(a, b)`: the stencil road's time loop). Everything else (a
// branch, an interstate assignment, a loop whose count is unknown) is refused with the reason. A
// loop whose body reads its variable is returned with `variable` set: the caller must prove it
// handles those reads (step_table.ts) or refuse.
// Inside the time loop, a counted inner loop (cavity_flow's `for q in range(nit)` Poisson
// iterations) is unrolled: its states repeat in the straight line once per iteration, so every
// iteration is one more stage of the step's pipeline. States before the time loop are returned
// as its `prologue`; the caller must prove that nothing reads what they write.

import { pexprNames, type PBlock, type PExpr, type PLoop, type PRegion, type PState, type PStmt, type Program } from "../../ir/program.js";
import { constantValue } from "./affine_index.js";

export interface StraightLineProgram {
  /** The dataflow states of one pass (one time step), in execution order. */
  states: PState[];
  /** Trip count of the loop around them; absent without a loop. */
  steps?: number;
  /** The loop's variable and first value, when its body reads it (see step_table.ts). */
  variable?: { name: string; start: number; where: string };
  /** Dataflow states before the loop (run once; the caller decides whether they matter). */
  prologue?: PState[];
  /** Inner loops unrolled into `states`: label and iterations, in program order. */
  unrolled?: UnrolledLoop[];
}

const isEmptyState = (b: PBlock) => b.kind === "state" && b.nodes.length === 0;

/** The program as a straight line of states, or why it is not one. */
export function straightLine(program: Program, values: Readonly<Record<string, number>>): StraightLineProgram | string {
  const convergence = whileLoop(program.root, values);
  if (convergence) return convergence;
  const blocks = ordered(program.root);
  if (typeof blocks === "string") return blocks;
  const work = blocks.filter((b) => !isEmptyState(b));
  if (work.every((b) => b.kind === "state")) return { states: work as PState[] };
  // States before one last loop: a prologue (b = np.zeros(...) before cavity_flow's time loop).
  const last = work[work.length - 1]!;
  const before = work.slice(0, -1);
  if (last.kind !== "loop" || !before.every((b) => b.kind === "state")) {
    const found = work.filter((b) => b.kind !== "state").map((b) => `${b.kind} '${b.label}'`);
    return `the control flow is not a straight line of states or one loop around them (it has ${found.join(", ")}${work.length > found.length ? " beside dataflow states" : ""})`;
  }
  const loop = last;
  const steps = tripCount(loop, values);
  if (typeof steps === "string") return steps;
  const body = ordered(loop.body);
  if (typeof body === "string") return body;
  const flat = unrollInnerLoops(body.filter((b) => !isEmptyState(b)), loop.label, values);
  if (typeof flat === "string") return flat;
  const { states, unrolled } = flat;
  const extra = {
    ...(before.length > 0 ? { prologue: before as PState[] } : {}),
    ...(unrolled.length > 0 ? { unrolled } : {}),
  };
  if (loop.variable && readsName(states, loop.variable)) {
    const start = constantValue(loop.init[0]![1], values)!;
    return { states, steps, variable: { name: loop.variable, start, where: `loop '${loop.label}'` }, ...extra };
  }
  return { states, steps, ...extra };
}

/**
 * Why a `while` loop (a LoopRegion with only a condition, as DaCe writes `while udiff > .001:`)
 * whose condition reads data rather than known symbols is not streamed: its step count is only
 * known when the run has computed it (channel_flow's convergence test on sums of u). Null when
 * the program has no such loop.
 */
function whileLoop(r: PRegion, values: Readonly<Record<string, number>>): string | null {
  for (const b of r.blocks) {
    if (b.kind === "region") { const inner = whileLoop(b, values); if (inner) return inner; }
    if (b.kind !== "loop") continue;
    if (b.variable === null && b.init.length === 0 && b.update.length === 0) {
      const data = [...pexprNames(b.condition)].filter((n) => !Object.hasOwn(values, n)).sort();
      if (data.length > 0) {
        return `${b.where}: loop '${b.label}' is a while loop whose condition reads ${data.map((n) => `'${n}'`).join(", ")}, computed in the run: its step count is data-dependent (a convergence loop whose host reads the loop's scalars after every streamed pass is not built yet)`;
      }
    }
    const inner = whileLoop(b.body, values);
    if (inner) return inner;
  }
  return null;
}

/** An inner loop unrolled into the time loop's body. */
export interface UnrolledLoop {
  label: string;
  /** Its variable (the suffix `[q=0]` of the unrolled states' labels). */
  variable: string;
  iterations: number;
  /** How many dataflow states one iteration holds. */
  states: number;
}

/**
 * Most iterations an inner loop is unrolled to: each is a stage of the pipeline (a PE and its
 * line buffers per stencil), so a long inner loop would be a long chain of PEs.
 */
export const MAX_UNROLLED_ITERATIONS = 16;

/**
 * The time loop's body as one straight line of states: each counted inner loop whose body is a
 * straight line of states not reading its variable repeats that line once per iteration. A
 * repeated state is a copy labelled with its iteration (`call_37_0[q=1]`), so that the maps of
 * different iterations have different names.
 */
function unrollInnerLoops(blocks: PBlock[], outer: string, values: Readonly<Record<string, number>>): { states: PState[]; unrolled: UnrolledLoop[] } | string {
  const states: PState[] = [];
  const unrolled: UnrolledLoop[] = [];
  for (const b of blocks) {
    if (b.kind === "state") { states.push(b); continue; }
    if (b.kind !== "loop") return `loop '${outer}' holds ${b.kind} '${b.label}' (only a straight line of states and counted loops of states is streamed)`;
    const where = `loop '${b.label}' inside loop '${outer}'`;
    const times = tripCount(b, values);
    if (typeof times === "string") return `${times} (an inner loop is unrolled into the time step's pipeline)`;
    const inner = ordered(b.body);
    if (typeof inner === "string") return inner;
    const body = inner.filter((x) => !isEmptyState(x));
    const nested = body.find((x) => x.kind !== "state");
    if (nested) return `${where} holds ${nested.kind} '${nested.label}' (only a straight line of states is unrolled)`;
    if (b.variable && readsName(body as PState[], b.variable)) return `${where}: its body reads '${b.variable}' (an unrolled inner loop's iterations must be alike)`;
    if (times === 0) return `${where} runs zero times`;
    if (times > MAX_UNROLLED_ITERATIONS) return `${where} runs ${times} times; an inner loop is unrolled into the time step's pipeline up to ${MAX_UNROLLED_ITERATIONS} iterations`;
    for (let q = 0; q < times; q++) for (const s of body as PState[]) states.push({ ...s, label: `${s.label}[${b.variable}=${q}]` });
    unrolled.push({ label: b.label, variable: b.variable!, iterations: times, states: body.length });
  }
  return { states, unrolled };
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
