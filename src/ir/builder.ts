// A small builder API for SDFGs, so that frontends and tests construct valid graphs without
// handling node ids and memlets by hand.

import type { DType } from "./dtype.js";
import type { Assignment } from "./expr.js";
import {
  fullSubset, reduceOutputShape, type WriteRegion, type ArrayDesc, type DataDesc, type ReduceNode, type SDFG, type State, type StencilInput, type StencilNode,
} from "./sdfg.js";
import { validateSDFG, formatIssues } from "./validate.js";

export interface StencilSpec {
  label: string;
  dtype: DType;
  iterators: string[];
  domain: number[];
  inputs: Record<string, StencilInput>;
  /** Data the result is written to. */
  output: string;
  code: Assignment[];
  /** Only this box of the domain is written; elsewhere the output keeps input `keep`. */
  region?: WriteRegion;
}

export class SDFGBuilder {
  private readonly sdfg: SDFG;
  private readonly state: State;
  private nextId = 0;
  /** The latest access node of each data item in the state (writes create a new version). */
  private readonly lastAccess = new Map<string, number>();

  constructor(name: string) {
    this.state = { name: "compute", nodes: [], edges: [] };
    this.sdfg = {
      name, symbols: {}, constants: {}, arrays: {}, states: [this.state], interstate: [], startState: "compute",
    };
  }

  addArray(name: string, dtype: DType, shape: number[], opts: { transient?: boolean; storage?: ArrayDesc["storage"] } = {}): this {
    return this.addData(name, { kind: "array", dtype, shape, transient: opts.transient ?? false, storage: opts.storage ?? "default" });
  }

  addScalar(name: string, dtype: DType, transient = false): this {
    return this.addData(name, { kind: "scalar", dtype, transient });
  }

  addStream(name: string, dtype: DType, depth: number): this {
    return this.addData(name, { kind: "stream", dtype, depth, transient: true });
  }

  addConstant(name: string, dtype: DType, value: number): this {
    this.sdfg.constants[name] = { dtype, value };
    return this;
  }

  /** Inputs the program returns unchanged, as outputs of their own name. */
  returnInputs(names: string[]): this {
    if (names.length > 0) this.sdfg.returnedInputs = [...names];
    return this;
  }

  /** Makes the program a time loop of `steps` steps feeding outputs back into inputs. */
  setTimeLoop(steps: number, feedback: Record<string, string>): this {
    this.sdfg.timeLoop = { steps, feedback: { ...feedback } };
    return this;
  }

  addSymbol(name: string, value?: number): this {
    this.sdfg.symbols[name] = value === undefined ? { dtype: "int64" } : { dtype: "int64", value };
    return this;
  }

  private addData(name: string, desc: DataDesc): this {
    if (Object.hasOwn(this.sdfg.arrays, name)) throw new Error(`data '${name}' is declared twice`);
    this.sdfg.arrays[name] = desc;
    return this;
  }

  private access(data: string, forWrite: boolean): number {
    const existing = this.lastAccess.get(data);
    if (existing !== undefined && !forWrite) return existing;
    const id = this.nextId++;
    this.state.nodes.push({ kind: "access", id, data });
    this.lastAccess.set(data, id);
    return id;
  }

  /** Adds a stencil library node reading its inputs' latest versions and writing `output`. */
  addStencil(spec: StencilSpec): this {
    const id = this.nextId++;
    const node: StencilNode = {
      kind: "stencil", id, label: spec.label, dtype: spec.dtype, iterators: spec.iterators,
      domain: spec.domain, inputs: spec.inputs, output: "_out", code: spec.code,
      ...(spec.region ? { region: structuredClone(spec.region) } : {}),
    };
    const inEdges = Object.entries(spec.inputs).map(([conn, input]) => {
      const desc = this.sdfg.arrays[input.data];
      const subset = desc?.kind === "array" ? fullSubset(desc.shape.map(Number)) : [];
      return { src: this.access(input.data, false), srcConn: null, dst: id, dstConn: conn, memlet: { data: input.data, subset } };
    });
    this.state.nodes.push(node);
    this.state.edges.push(...inEdges);
    const out = this.access(spec.output, true);
    this.state.edges.push({
      src: id, srcConn: "_out", dst: out, dstConn: null,
      memlet: { data: spec.output, subset: fullSubset(spec.domain), volume: spec.domain.reduce((a, b) => a * b, 1) },
    });
    return this;
  }

  /**
   * Adds a reduction library node: `output` is `input` (over `domain`) reduced with `op` along its
   * trailing `reducedAxes` axes (leading ones with `columns`); its shape is the axes it keeps ([1] for all).
   */
  addReduce(spec: Omit<ReduceNode, "kind" | "id" | "output"> & { output: string }): this {
    const id = this.nextId++;
    const node: ReduceNode = { kind: "reduce", id, label: spec.label, dtype: spec.dtype, domain: spec.domain, op: spec.op, reducedAxes: spec.reducedAxes, input: spec.input, output: "_out", ...(spec.diagonal ? { diagonal: true } : {}), ...(spec.columns ? { columns: true } : {}) };
    this.state.edges.push({ src: this.access(spec.input, false), srcConn: null, dst: id, dstConn: spec.input, memlet: { data: spec.input, subset: fullSubset(spec.domain) } });
    this.state.nodes.push(node);
    const out = this.access(spec.output, true);
    this.state.edges.push({ src: id, srcConn: "_out", dst: out, dstConn: null, memlet: { data: spec.output, subset: fullSubset(reduceOutputShape(spec)) } });
    return this;
  }

  /** Returns the SDFG; throws with every problem listed if it does not validate. */
  build(): SDFG {
    const issues = validateSDFG(this.sdfg);
    if (issues.length > 0) throw new Error(`invalid SDFG '${this.sdfg.name}':\n${formatIssues(issues)}`);
    return structuredClone(this.sdfg);
  }
}
