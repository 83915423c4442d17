// Structural and semantic validation of an SDFG. Every problem is reported with the path of the
// offending element, so a frontend bug or a hand-written IR file is easy to locate.

import { accessesOf, namesOf, walkExpr } from "./expr.js";
import { nameProblem } from "./names.js";
import { reduceOutputShape, topologicalOrder, type Edge, type SDFG, type State } from "./sdfg.js";

export interface Issue {
  path: string;
  message: string;
}

export function formatIssues(issues: Issue[]): string {
  return issues.map((i) => `  ${i.path}: ${i.message}`).join("\n");
}

export function validateSDFG(sdfg: SDFG): Issue[] {
  const issues: Issue[] = [];
  const report = (path: string, message: string) => issues.push({ path, message });

  for (const [name, desc] of Object.entries(sdfg.arrays)) {
    const p = `arrays.${name}`;
    const bad = nameProblem(name);
    if (bad) report(p, bad);
    if (desc.kind === "array") {
      desc.shape.forEach((s, d) => {
        if (typeof s === "number" && (!Number.isInteger(s) || s < 1)) report(`${p}.shape[${d}]`, `extent must be a positive integer, got ${s}`);
        if (typeof s === "string" && !Object.hasOwn(sdfg.symbols, s)) report(`${p}.shape[${d}]`, `unknown symbol '${s}'`);
      });
    }
    if (desc.kind === "stream" && (!Number.isInteger(desc.depth) || desc.depth < 1)) report(`${p}.depth`, `stream depth must be a positive integer, got ${desc.depth}`);
  }

  const stateNames = new Set<string>();
  sdfg.states.forEach((state, si) => {
    if (stateNames.has(state.name)) report(`states[${si}].name`, `duplicate state name '${state.name}'`);
    stateNames.add(state.name);
    validateState(sdfg, state, `states[${si}]`, report);
  });
  if (!stateNames.has(sdfg.startState)) report("startState", `no state named '${sdfg.startState}'`);
  if (sdfg.timeLoop) {
    for (const [out, inp] of Object.entries(sdfg.timeLoop.feedback)) {
      const o = sdfg.arrays[out];
      const i = sdfg.arrays[inp];
      const p = `timeLoop.feedback.${out}`;
      if (!o || o.transient) report(p, `'${out}' is not an output array`);
      else if (!i || i.transient) report(p, `'${inp}' is not an input`);
      else if (o.dtype !== i.dtype || o.kind !== i.kind || (o.kind === "array" && i.kind === "array" && o.shape.join() !== i.shape.join())) {
        report(p, `'${out}' and '${inp}' differ in type or shape`);
      }
    }
  }
  sdfg.interstate.forEach((e, i) => {
    if (!stateNames.has(e.src)) report(`interstate[${i}].src`, `no state named '${e.src}'`);
    if (!stateNames.has(e.dst)) report(`interstate[${i}].dst`, `no state named '${e.dst}'`);
  });
  return issues;
}

function validateState(sdfg: SDFG, state: State, p: string, report: (path: string, m: string) => void): void {
  const ids = new Set<number>();
  state.nodes.forEach((n, ni) => {
    if (ids.has(n.id)) report(`${p}.nodes[${ni}]`, `duplicate node id ${n.id}`);
    ids.add(n.id);
    if (n.kind === "access" && !Object.hasOwn(sdfg.arrays, n.data)) report(`${p}.nodes[${ni}]`, `access node of undeclared data '${n.data}'`);
  });
  state.edges.forEach((e, ei) => {
    const ep = `${p}.edges[${ei}]`;
    if (!ids.has(e.src)) report(ep, `source node ${e.src} does not exist`);
    if (!ids.has(e.dst)) report(ep, `destination node ${e.dst} does not exist`);
    if (e.memlet) {
      const desc = sdfg.arrays[e.memlet.data];
      if (!desc) report(`${ep}.memlet`, `memlet of undeclared data '${e.memlet.data}'`);
      else if (desc.kind === "array") {
        if (e.memlet.subset.length !== desc.shape.length) {
          report(`${ep}.memlet.subset`, `subset has ${e.memlet.subset.length} dimensions, '${e.memlet.data}' has ${desc.shape.length}`);
        } else {
          e.memlet.subset.forEach((r, d) => {
            const ext = desc.shape[d];
            if (r.start > r.end || r.start < 0 || (typeof ext === "number" && r.end >= ext) || r.step < 1) {
              report(`${ep}.memlet.subset[${d}]`, `range ${r.start}:${r.end}:${r.step} is outside 0..${typeof ext === "number" ? ext - 1 : ext}`);
            }
          });
        }
      }
    }
  });
  if (hasDanglingEdges(state, ids)) return;
  try {
    topologicalOrder(state);
  } catch {
    report(p, "the dataflow graph has a cycle");
  }

  // Edges by endpoint, built once: per-node scans would make validation quadratic.
  const edgesInto = new Map<number, Edge[]>();
  const edgesFrom = new Map<number, Edge[]>();
  for (const e of state.edges) {
    (edgesInto.get(e.dst) ?? edgesInto.set(e.dst, []).get(e.dst)!).push(e);
    (edgesFrom.get(e.src) ?? edgesFrom.set(e.src, []).get(e.src)!).push(e);
  }
  state.nodes.forEach((n, ni) => {
    const np = `${p}.nodes[${ni}]`;
    if (n.kind === "map_entry") {
      const exit = state.nodes.find((x) => x.id === n.exit);
      if (!exit || exit.kind !== "map_exit" || exit.entry !== n.id) report(np, `map '${n.label}' has no matching exit node`);
      if (n.params.length !== n.ranges.length) report(np, `map '${n.label}' has ${n.params.length} parameters but ${n.ranges.length} ranges`);
    }
    if (n.kind === "tasklet") {
      const known = new Set([...n.inputs, ...n.outputs]);
      for (const s of n.code) known.add(s.target);
      for (const name of namesOf(n.code)) {
        if (!known.has(name) && !Object.hasOwn(sdfg.constants, name)) report(np, `tasklet '${n.label}' reads '${name}', which is not an input connector`);
      }
    }
    if (n.kind === "reduce") {
      if (!Number.isInteger(n.reducedAxes) || n.reducedAxes < 1 || n.reducedAxes > n.domain.length) report(`${np}.reducedAxes`, `reduction '${n.label}' reduces ${n.reducedAxes} trailing axes of a ${n.domain.length}-axis domain`);
      const d = sdfg.arrays[n.input];
      if (!d || d.kind !== "array" || d.shape.map(Number).join() !== n.domain.join()) report(`${np}.input`, `reduction '${n.label}' reads '${n.input}', which is not an array of its domain's shape ${n.domain.join("x")}`);
      const out = (edgesFrom.get(n.id) ?? []).find((e) => e.srcConn === n.output)?.memlet?.data;
      const kept = reduceOutputShape(n);
      const o = out === undefined ? undefined : sdfg.arrays[out];
      if (!o || o.kind !== "array" || o.shape.map(Number).join() !== kept.join()) report(`${np}.output`, `reduction '${n.label}' writes ${out === undefined ? "nothing" : `'${out}'`}, which is not an array of the reduced shape ${kept.join("x")}`);
      if (n.columns && (n.diagonal || n.reducedAxes >= n.domain.length)) report(`${np}.columns`, `reduction '${n.label}' of columns must keep a trailing axis and not be diagonal`);
      if (n.diagonal && !(n.domain.length === 2 && n.reducedAxes === 2 && n.domain[0] === n.domain[1] && (n.op === "sum" || n.op === "product"))) {
        report(`${np}.diagonal`, `reduction '${n.label}' of the diagonal needs a square 2-axis domain reduced over both axes with sum or product (it has ${n.domain.join("x")}, ${n.reducedAxes} axes, ${n.op})`);
      }
    }
    if (n.kind !== "stencil") return;
    const incoming = edgesInto.get(n.id) ?? [];
    const outgoing = edgesFrom.get(n.id) ?? [];
    if (n.code.length === 0) report(`${np}.code`, `stencil '${n.label}' has no code`);
    for (const [conn, input] of Object.entries(n.inputs)) {
      const edge = incoming.find((e) => e.dstConn === conn);
      if (!edge) report(`${np}.inputs.${conn}`, `stencil '${n.label}' has no edge into connector '${conn}'`);
      else if (edge.memlet?.data !== input.data) report(`${np}.inputs.${conn}`, `connector '${conn}' is fed '${edge.memlet?.data}', expected '${input.data}'`);
      const desc = sdfg.arrays[input.data];
      if (!desc) { report(`${np}.inputs.${conn}`, `undeclared data '${input.data}'`); continue; }
      if (input.axes.some((a) => a < 0 || a >= n.domain.length)) report(`${np}.inputs.${conn}.axes`, `axes ${JSON.stringify(input.axes)} are outside the ${n.domain.length}-D domain`);
      // A one-element array read with no axes is a value broadcast over the domain (a reduction over every axis).
      const broadcastValue = input.axes.length === 0 && desc.kind === "array" && desc.shape.length === 1 && Number(desc.shape[0]) === 1;
      if (desc.kind === "array" && desc.shape.length !== input.axes.length && !broadcastValue) {
        report(`${np}.inputs.${conn}.axes`, `'${input.data}' has ${desc.shape.length} dimensions but ${input.axes.length} axes are given`);
      }
    }
    if (!outgoing.some((e) => e.srcConn === n.output)) report(np, `stencil '${n.label}' writes nothing`);
    const temps = new Set<string>();
    n.code.forEach((s, si) => {
      walkExpr(s.value, (e) => {
        if (e.kind === "name" && !temps.has(e.name) && !Object.hasOwn(sdfg.constants, e.name)) {
          const input = Object.hasOwn(n.inputs, e.name) ? n.inputs[e.name] : undefined;
          if (!input || !Object.hasOwn(sdfg.arrays, input.data) || sdfg.arrays[input.data]!.kind !== "scalar") report(`${np}.code[${si}]`, `'${e.name}' is neither a temporary, a constant nor a scalar input`);
        }
      });
      temps.add(s.target);
    });
    for (const a of accessesOf(n.code)) {
      if (!Object.hasOwn(n.inputs, a.field)) report(`${np}.code`, `access to '${a.field}', which is not an input of stencil '${n.label}'`);
      if (a.offset.length !== n.domain.length) report(`${np}.code`, `access to '${a.field}' has ${a.offset.length} offsets, the domain has ${n.domain.length} dimensions`);
    }
  });
}

function hasDanglingEdges(state: State, ids: Set<number>): boolean {
  return state.edges.some((e) => !ids.has(e.src) || !ids.has(e.dst));
}
