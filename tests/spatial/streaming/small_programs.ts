// Small DaCe-shaped programs (the Program IR of src/ir/program.ts) built by hand for the pattern
// passes' IR-in/IR-out tests: maps of one tasklet each, in one state, optionally inside a loop.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeNpy } from "../../../src/data/npy.js";
import { parsePyExpression, parsePyStatements } from "../../../src/frontend/dace/python_code.js";
import type { PDataDesc, PEdge, PExpr, PLoop, PMemlet, PNode, PRange, PState, Program } from "../../../src/ir/program.js";
import type { StreamingInput } from "../../../src/spatial/streaming/patterns.js";

export interface MapSpec {
  params: string[];
  /** Inclusive bounds per parameter, as Python expressions. */
  ranges: [string, string][];
  /** Connector → data and index (one Python expression per axis). */
  reads: Record<string, { data: string; index: string[] }>;
  write: { data: string; index: string[]; wcr?: boolean };
  /** Tasklet code (Python), writing `__out`. */
  code: string;
}

const py = (s: string): PExpr => parsePyExpression(s);
const point = (s: string): PRange => ({ start: py(s), end: py(s), step: py("1") });
const memlet = (data: string, subset: PRange[] | null, wcr = false): PMemlet => ({
  data, subset, otherSubset: null, subsetIsSrc: null, volume: null, dynamic: false, wcr: wcr ? { op: "+" } : null,
});

export function scalar(transient = false): PDataDesc {
  return { kind: "scalar", dtype: "float64", shape: [py("1")], strides: [], transient, storage: "Default" };
}

export function array(shape: string[], transient = false): PDataDesc {
  return { kind: "array", dtype: "float64", shape: shape.map(py), strides: [], transient, storage: "Default" };
}

/** A whole-array copy between two access nodes (DaCe's host-to-device and device-to-host copies). */
export interface CopySpec { copy: { from: string; to: string; shape: string[] } }

/**
 * A copy of a box of one array into an equally sized box of another (`B[N - 1] = B[N - 2]`), as
 * DaCe writes it: the memlet's `subset` is the destination's (`is_data_src` false).
 */
export interface BoxCopySpec { boxCopy: { from: string; to: string; src: [string, string][]; dst: [string, string][] } }

/** A tasklet outside any map computing a scalar from scalars (`h = 2 * c`): connector → data. */
export interface ScalarSpec { scalar: { reads: Record<string, string>; write: string; code: string } }

/** One state holding the maps in order; a map reads the latest write of a data item in the state. */
export function stateOf(maps: (MapSpec | CopySpec | BoxCopySpec | ScalarSpec)[]): PState {
  const nodes: PNode[] = [];
  const edges: PEdge[] = [];
  const scope = new Map<number, number | null>();
  const latest = new Map<string, number>();
  let id = 0;
  const add = (n: PNode, parent: number | null) => { nodes.push(n); scope.set(n.id, parent); return n.id; };
  const edge = (src: number, srcConn: string | null, dst: number, dstConn: string | null, m: PMemlet | null) => edges.push({ src, srcConn, dst, dstConn, memlet: m, where: `edge ${edges.length}` });
  const readNode = (data: string) => {
    let src = latest.get(data);
    if (src === undefined) { src = id++; add({ kind: "access", id: src, data, where: `access ${data}` }, null); latest.set(data, src); }
    return src;
  };
  const box = (b: [string, string][]) => b.map(([lo, hi]) => ({ start: py(lo), end: py(hi), step: py("1") }));
  maps.forEach((m, k) => {
    if ("boxCopy" in m) {
      const src = readNode(m.boxCopy.from);
      const dst = id++;
      add({ kind: "access", id: dst, data: m.boxCopy.to, where: `access ${m.boxCopy.to}` }, null);
      edge(src, null, dst, null, { ...memlet(m.boxCopy.to, box(m.boxCopy.dst)), otherSubset: box(m.boxCopy.src), subsetIsSrc: false });
      latest.set(m.boxCopy.to, dst);
      return;
    }
    if ("scalar" in m) {
      const tasklet = id++;
      add({ kind: "tasklet", id: tasklet, label: `scalar${k}`, inputs: Object.keys(m.scalar.reads), outputs: ["__out"], code: parsePyStatements(m.scalar.code), where: `tasklet ${k}` }, null);
      for (const [conn, data] of Object.entries(m.scalar.reads)) edge(readNode(data), null, tasklet, conn, memlet(data, [point("0")]));
      const dst = id++;
      add({ kind: "access", id: dst, data: m.scalar.write, where: `access ${m.scalar.write}` }, null);
      edge(tasklet, "__out", dst, null, memlet(m.scalar.write, [point("0")]));
      latest.set(m.scalar.write, dst);
      return;
    }
    if ("copy" in m) {
      let src = latest.get(m.copy.from);
      if (src === undefined) { src = id++; add({ kind: "access", id: src, data: m.copy.from, where: `access ${m.copy.from}` }, null); }
      const dst = id++;
      add({ kind: "access", id: dst, data: m.copy.to, where: `access ${m.copy.to}` }, null);
      edge(src, null, dst, null, { ...memlet(m.copy.from, m.copy.shape.map((d) => ({ start: py("0"), end: py(`${d} - 1`), step: py("1") }))) });
      latest.set(m.copy.to, dst);
      return;
    }
    const entry = id++;
    const exit = id++;
    const tasklet = id++;
    add({ kind: "map_entry", id: entry, label: `map${k}`, params: m.params, ranges: m.ranges.map(([a, b]) => ({ start: py(a), end: py(b), step: py("1") })), exit, where: `map ${k}`, schedule: "Default", unroll: false }, null);
    add({ kind: "map_exit", id: exit, entry, where: `map ${k} exit` }, null);
    add({ kind: "tasklet", id: tasklet, label: `tasklet${k}`, inputs: Object.keys(m.reads), outputs: ["__out"], code: parsePyStatements(m.code), where: `tasklet ${k}` }, entry);
    for (const [conn, r] of Object.entries(m.reads)) {
      let src = latest.get(r.data);
      if (src === undefined) { src = id++; add({ kind: "access", id: src, data: r.data, where: `access ${r.data}` }, null); latest.set(r.data, src); }
      edge(src, null, entry, `IN_${conn}`, memlet(r.data, null));
      edge(entry, `OUT_${conn}`, tasklet, conn, memlet(r.data, r.index.map(point)));
    }
    const dst = id++;
    add({ kind: "access", id: dst, data: m.write.data, where: `access ${m.write.data}` }, null);
    edge(tasklet, "__out", exit, `IN_${m.write.data}`, memlet(m.write.data, m.write.index.map(point), m.write.wcr));
    edge(exit, `OUT_${m.write.data}`, dst, null, memlet(m.write.data, null));
    latest.set(m.write.data, dst);
  });
  return { kind: "state", label: "s0", nodes, edges, scope, where: "state s0" };
}

/** A program of one state, or of one loop `for t in range(start, bound)` around it. */
export function programOf(arrays: Record<string, PDataDesc>, maps: (MapSpec | CopySpec)[], loop?: { start: string; bound: string; variable?: string }): Program {
  const state = stateOf(maps);
  const body = { kind: "region" as const, label: "body", blocks: [state], edges: [], start: 0, where: "body" };
  const v = loop?.variable ?? "t";
  const block: PState | PLoop = loop
    ? { kind: "loop", label: "for_t", variable: v, init: [[v, py(loop.start)]], condition: py(`${v} < ${loop.bound}`), update: [[v, py(`${v} + 1`)]], inverted: false, body, where: "loop for_t" }
    : state;
  return {
    name: "small", argNames: Object.keys(arrays).filter((a) => !arrays[a]!.transient), symbols: { N: "int64" }, arrays, constants: {},
    root: { kind: "region", label: "root", blocks: [block], edges: [], start: 0, where: "root" }, file: "small.sdfg",
  };
}

/** The pass input, with `<arg>.npy` of every non-transient array (N elements, zeros) in a fresh folder. */
export function inputOf(program: Program, N: number): StreamingInput {
  const dir = mkdtempSync(join(tmpdir(), "stream-small-"));
  for (const [name, d] of Object.entries(program.arrays)) {
    if (d.transient) continue;
    const shape = d.kind === "scalar" ? [] : [N];
    writeFileSync(join(dir, `${name}.npy`), encodeNpy("float64", shape, new Float64Array(d.kind === "scalar" ? 1 : N)));
  }
  return { program, symbols: { N }, inputsDir: dir, name: "small", file: join(dir, "small.sdfg") };
}
