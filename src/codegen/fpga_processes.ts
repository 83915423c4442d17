// FPGA-form SDFGs (as DaCe's FPGA samples build them): a top-level state that holds stream
// access nodes is a dataflow region whose weakly connected components are concurrent processes
// (DaCe's `concurrent_subgraphs`), connected only through the streams. A top-level map with
// `unroll` over a constant range inside a component is a row of processing elements: one
// process instance per value of its parameter, so every stream index `pipe[p]`, `pipe[p+1]` is
// a constant (HLS needs constant stream indices). Transients that only one process touches
// (registers, row buffers) belong to that process: each instance gets its own.

import { UserError } from "../ir/diagnostics.js";
import { pexprNames, type PExpr, type PNode, type Program, type PState, type PStmt } from "../ir/program.js";

export interface ProcessInstance {
  /** Function name part, from the component's label (identifier characters only). */
  label: string;
  /** Node ids of the component. */
  nodes: Set<number>;
  /** The component's smallest node id: the same for every PE instance of one unrolled map. */
  component: number;
  /** The unrolled PE map this instance is one value of, when there is one. */
  unrolled?: { map: number; param: string; value: number };
  /** Containers the component's memlets and tasklet code name. */
  data: Set<string>;
}

export interface DataflowState {
  state: PState;
  processes: ProcessInstance[];
  /** Stream containers the state's access nodes name, in declaration order. */
  streams: string[];
}

/** Top-level states that are dataflow regions (they hold stream access nodes). */
export function dataflowStates(p: Program, evalConst: (e: PExpr, where: string) => number): Map<PState, DataflowState> {
  const out = new Map<PState, DataflowState>();
  const streamStates = new Map<string, PState>();
  for (const b of topLevelStates(p)) {
    const streams = [...new Set(b.nodes.flatMap((n) => (n.kind === "access" && p.arrays[n.data]?.kind === "stream" ? [n.data] : [])))];
    if (streams.length === 0) continue;
    for (const s of streams) {
      const seen = streamStates.get(s);
      if (seen && seen !== b) throw new UserError(`${p.file}: $.attributes._arrays.${s}`, `stream '${s}' is used in states '${seen.label}' and '${b.label}'; a stream must live in one dataflow state`);
      streamStates.set(s, b);
    }
    const ordered = Object.keys(p.arrays).filter((a) => streams.includes(a));
    out.set(b, { state: b, processes: processesOf(p, b, evalConst), streams: ordered });
  }
  return out;
}

function topLevelStates(p: Program): PState[] {
  const out: PState[] = [];
  const visit = (blocks: Program["root"]["blocks"]) => {
    for (const b of blocks) {
      if (b.kind === "state") out.push(b);
      else if (b.kind === "region") visit(b.blocks);
      else if (b.kind === "loop") visit(b.body.blocks);
      else for (const br of b.branches) visit(br.body.blocks);
    }
  };
  visit(p.root.blocks);
  return out;
}

/** Weakly connected components of a state (map exits and scoped nodes join their entry). */
function components(s: PState): number[][] {
  const parent = new Map(s.nodes.map((n) => [n.id, n.id]));
  const find = (x: number): number => { let r = x; while (parent.get(r) !== r) r = parent.get(r)!; parent.set(x, r); return r; };
  const join = (a: number, b: number) => { const x = find(a), y = find(b); if (x !== y) parent.set(Math.max(x, y), Math.min(x, y)); };
  for (const e of s.edges) join(e.src, e.dst);
  for (const n of s.nodes) {
    const sc = s.scope.get(n.id);
    if (sc !== undefined && sc !== null) join(n.id, sc);
    if (n.kind === "map_exit") join(n.id, n.entry);
  }
  const groups = new Map<number, number[]>();
  for (const n of s.nodes) {
    const r = find(n.id);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(n.id);
  }
  return [...groups.values()].sort((a, b) => a[0]! - b[0]!);
}

function codeNames(code: PStmt[], out: Set<string>): void {
  for (const st of code) {
    if (st.kind === "assign") { for (const x of [st.value, ...(st.indices ?? [])]) for (const n of pexprNames(x)) out.add(n); }
    else { for (const n of pexprNames(st.cond)) out.add(n); codeNames(st.then, out); codeNames(st.otherwise, out); }
  }
}

const safeLabel = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_").replace(/^([^A-Za-z_])/, "_$1") || "process";

function processesOf(p: Program, s: PState, evalConst: (e: PExpr, where: string) => number): ProcessInstance[] {
  const byId = new Map(s.nodes.map((n) => [n.id, n]));
  const out: ProcessInstance[] = [];
  for (const comp of components(s)) {
    const nodes = comp.map((id) => byId.get(id)!);
    // A component of access nodes only (a stream nobody touches here) does nothing.
    if (nodes.every((n) => n.kind === "access") && !s.edges.some((e) => comp.includes(e.src) && e.memlet)) continue;
    const data = new Set<string>();
    for (const e of s.edges) if (e.memlet && comp.includes(e.src)) data.add(e.memlet.data);
    for (const n of nodes) {
      if (n.kind === "access") data.add(n.data);
      if (n.kind === "tasklet") codeNames(n.code, data);
    }
    for (const d of [...data]) if (!Object.hasOwn(p.arrays, d)) data.delete(d);
    const top = nodes.filter((n) => (s.scope.get(n.id) ?? null) === null && n.kind !== "map_exit");
    const unrolled = top.filter((n): n is Extract<PNode, { kind: "map_entry" }> => n.kind === "map_entry" && n.unroll);
    const label = safeLabel(labelOf(top));
    if (unrolled.length === 0) { out.push({ label, nodes: new Set(comp), component: comp[0]!, data }); continue; }
    const u = unrolled[0]!;
    if (unrolled.length > 1) throw new UserError(unrolled[1]!.where, `a process holds two unrolled maps ('${u.label}', '${unrolled[1]!.label}'); each row of processing elements must be its own component`);
    const stray = top.find((n) => n.kind !== "access" && n.id !== u.id);
    if (stray) throw new UserError(stray.where, `'${(stray as { label?: string }).label ?? stray.kind}' sits beside the unrolled map '${u.label}' in one process; only access nodes may`);
    if (u.params.length !== 1) throw new UserError(u.where, `unrolled map '${u.label}' has ${u.params.length} parameters; processing-element rows with one parameter are supported`);
    const r = u.ranges[0]!;
    const start = evalConst(r.start, `${u.where}.attributes.range`);
    const end = evalConst(r.end, `${u.where}.attributes.range`);
    const step = evalConst(r.step, `${u.where}.attributes.range`);
    if (step <= 0) throw new UserError(`${u.where}.attributes.range`, `unrolled map '${u.label}' needs a positive step`);
    for (let v = start; v <= end; v += step) out.push({ label: `${safeLabel(u.label)}_${v}`, nodes: new Set(comp), component: comp[0]!, data, unrolled: { map: u.id, param: u.params[0]!, value: v } });
  }
  // Two components with one label (two maps named `read`) get distinct function names.
  const seen = new Map<string, number>();
  for (const pr of out) {
    const n = seen.get(pr.label) ?? 0;
    seen.set(pr.label, n + 1);
    if (n > 0) pr.label = `${pr.label}_${n}`;
  }
  return out;
}

function labelOf(top: PNode[]): string {
  const named = top.find((n) => n.kind === "map_entry" || n.kind === "tasklet" || n.kind === "nested" || n.kind === "library") as { label: string } | undefined;
  if (named) return named.label;
  const acc = top.filter((n): n is Extract<PNode, { kind: "access" }> => n.kind === "access");
  return acc.length ? `copy_${acc.map((a) => a.data).join("_")}` : "process";
}

/**
 * Transients of the program that exactly one process of one dataflow state touches: declared in
 * that process (each PE instance its own). Name -> the process's component (ProcessInstance.component).
 */
export function processLocalData(p: Program, dataflow: Map<PState, DataflowState>): Map<string, number> {
  const users = new Map<string, Set<number | "elsewhere">>();
  const use = (d: string, by: number | "elsewhere") => { if (!users.has(d)) users.set(d, new Set()); users.get(d)!.add(by); };
  for (const s of topLevelStates(p)) {
    const df = dataflow.get(s);
    const compOf = new Map<number, number>();
    for (const pr of df?.processes ?? []) for (const id of pr.nodes) compOf.set(id, pr.component);
    for (const n of s.nodes) {
      const names = new Set<string>();
      if (n.kind === "access") names.add(n.data);
      if (n.kind === "tasklet") codeNames(n.code, names);
      for (const d of names) use(d, compOf.get(n.id) ?? "elsewhere");
    }
    for (const e of s.edges) if (e.memlet) use(e.memlet.data, compOf.get(e.src) ?? "elsewhere");
  }
  // Control flow (interstate conditions and assignments, loop conditions) runs outside every process.
  const control = (r: Program["root"]) => {
    for (const e of r.edges) for (const x of [...(e.condition ? [e.condition] : []), ...e.assignments.map(([, v]) => v)]) for (const n of pexprNames(x)) use(n, "elsewhere");
    for (const b of r.blocks) {
      if (b.kind === "region") control(b);
      else if (b.kind === "loop") { for (const n of pexprNames(b.condition)) use(n, "elsewhere"); control(b.body); }
      else if (b.kind === "conditional") for (const br of b.branches) { if (br.condition) for (const n of pexprNames(br.condition)) use(n, "elsewhere"); control(br.body); }
    }
  };
  control(p.root);
  const out = new Map<string, number>();
  for (const [d, by] of users) {
    const desc = p.arrays[d];
    if (!desc || !desc.transient || desc.kind === "stream" || desc.kind === "view" || by.size !== 1) continue;
    const only = [...by][0]!;
    if (only !== "elsewhere") out.set(d, only);
  }
  return out;
}
