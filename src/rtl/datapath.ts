// A PE's arithmetic as a scheduled datapath: the stencil code (expression AST) becomes a DAG of
// operators, each with the fixed latency of the operator it stands for (a Xilinx floating_point
// core, or native integer logic; the same table the spatial pipeline uses for its FIFO depths,
// src/spatial/op_latency.ts), scheduled as soon as possible with delay registers balancing
// operands that arrive early. The semantics follow src/codegen/c_expr.ts operation for operation
// (everything in the stencil's type T, comparisons give booleans, booleans used as numbers become
// 1/0), so the DPI-C models of the float operators and the native integer operators give the CPU
// reference's results bit for bit.

import { DTYPE_INFO, isIntegerDType, type DType } from "../ir/dtype.js";
import { multipliedPower, type Expr } from "../ir/expr.js";
import { operatorLatency } from "../spatial/op_latency.js";
import type { PEInput, Pipeline, ProcessingElement, WindowTap } from "../spatial/pipeline.js";

/** Operators computed by a DPI-C model (simulation) / a floating_point IP core (synthesis). */
export const FP_OPS = ["add", "sub", "mul", "div", "pow", "sqrt", "exp", "log", "sin", "cos", "tan", "floor", "ceil", "min", "max"] as const;
export type FpOp = (typeof FP_OPS)[number];
export const FP_CMPS = ["lt", "le", "gt", "ge", "eq", "ne"] as const;
export type FpCmp = (typeof FP_CMPS)[number];

/** Operator class of op_latency.ts each operator's latency comes from. */
const LATENCY_CLASS: Record<FpOp, string> = {
  add: "add", sub: "add", mul: "mul", div: "div", pow: "pow", sqrt: "sqrt", exp: "exp", log: "log",
  sin: "trig", cos: "trig", tan: "trig", floor: "round", ceil: "round", min: "minmax", max: "minmax",
};

export function fpLatency(op: FpOp | "cmp" | "select", dtype: DType): number {
  return operatorLatency(op === "cmp" || op === "select" ? op : LATENCY_CLASS[op], dtype);
}

/**
 * Native integer operators (two's complement, wrapping like the reference built with -fwrapv;
 * `div`/`rem`/`shl`/`shr` with the cases c_expr.ts's integer helpers define).
 */
export const INT_OPS = ["add", "sub", "mul", "div", "rem", "shl", "shr", "and", "or", "xor", "min", "max"] as const;
export type IntOp = (typeof INT_OPS)[number];

const INT_LATENCY_CLASS: Record<IntOp, string> = {
  add: "add", sub: "add", mul: "mul", div: "div", rem: "div", shl: "shift", shr: "shift",
  and: "logic", or: "logic", xor: "logic", min: "minmax", max: "minmax",
};

const INT_BINARY: Record<string, IntOp> = { "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "rem", "<<": "shl", ">>": "shr", "&": "and", "|": "or", "^": "xor" };

export type Node =
  /** A window tap of one input, boundary condition applied, converted to T (stage-0 register). */
  | { kind: "tap"; input: PEInput; tap: WindowTap }
  /** A constant of type T, as raw bits (hex). */
  | { kind: "const"; bits: string }
  /** A scalar kernel argument (constant for a run), converted to T. */
  | { kind: "scalar"; name: string; dtype: DType }
  | { kind: "fp"; op: FpOp; args: number[] }
  /** An integer operator of T (integer stencils only). */
  | { kind: "int"; op: IntOp; args: number[] }
  /** Comparison in T (floats: the floating_point core's; integers: signed). */
  | { kind: "cmp"; op: FpCmp; args: number[] }
  /** Native logic: sign flip, |x| (integers: one stage), boolean logic, bool ↔ T, bitwise not. */
  | { kind: "neg" | "abs" | "not" | "nonzero" | "bool2t" | "bitnot"; args: number[] }
  | { kind: "and" | "or"; args: number[] }
  /** cond ? a : b, registered once (the select latency). */
  | { kind: "select"; args: number[] };

export interface ScheduledNode {
  node: Node;
  /** Boolean (1 bit) or a value of T. */
  bool: boolean;
  /** Pipeline stage at which the value is available; -1 for constants (any stage). */
  ready: number;
  /** Stage at which the operator starts (its operands are delayed to it). */
  start: number;
  latency: number;
}

export interface Datapath {
  dtype: DType;
  nodes: ScheduledNode[];
  result: number;
  /** Stages from the tap registers (stage 0) to the result. */
  depth: number;
}

/**
 * Raw bits of `v` as a value of `dtype`, in hex (what `typedLiteral` gives in C: integers are
 * truncated toward zero and taken modulo 2^bits, two's complement).
 */
export function constantBits(v: number, dtype: DType): string {
  if (isIntegerDType(dtype)) {
    const bits = bitsOf(dtype);
    return BigInt.asUintN(bits, BigInt(Math.trunc(v))).toString(16).padStart(bits / 4, "0");
  }
  if (dtype === "float32") {
    const b = new DataView(new ArrayBuffer(4));
    b.setFloat32(0, v, true);
    return b.getUint32(0, true).toString(16).padStart(8, "0");
  }
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v, true);
  return b.getBigUint64(0, true).toString(16).padStart(16, "0");
}

const CMP: Record<string, FpCmp> = { "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne" };
const CALLS: Record<string, FpOp> = { sqrt: "sqrt", exp: "exp", log: "log", sin: "sin", cos: "cos", tan: "tan", floor: "floor", ceil: "ceil", min: "min", max: "max", pow: "pow" };

export function buildDatapath(p: Pipeline, pe: ProcessingElement): Datapath {
  const T = pe.dtype;
  const integer = isIntegerDType(T);
  const pad = 3 - p.rank;
  const nodes: ScheduledNode[] = [];
  const memo = new Map<string, number>();
  const add = (node: Node, bool: boolean): number => {
    const key = JSON.stringify(node, (k, v) => (k === "input" ? v.field : v));
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const args = "args" in node ? node.args.map((a) => nodes[a]!) : [];
    const latency = node.kind === "fp" ? fpLatency(node.op, T) : node.kind === "cmp" ? fpLatency("cmp", T) : node.kind === "select" ? fpLatency("select", T)
      : node.kind === "int" ? operatorLatency(INT_LATENCY_CLASS[node.op], T) : node.kind === "abs" ? operatorLatency("abs", T) : 0;
    const leaf = node.kind === "tap" ? 0 : -1;
    const start = args.length === 0 ? leaf : Math.max(0, ...args.map((a) => a.ready));
    const ready = args.length === 0 ? leaf : args.every((a) => a.ready < 0) && latency === 0 ? -1 : start + latency;
    nodes.push({ node, bool, ready, start, latency });
    memo.set(key, nodes.length - 1);
    return nodes.length - 1;
  };
  const asT = (n: number) => (nodes[n]!.bool ? add({ kind: "bool2t", args: [n] }, false) : n);
  const asBool = (n: number) => (nodes[n]!.bool ? n : add({ kind: "nonzero", args: [n] }, true));
  const temps = new Map<string, number>();

  const visit = (e: Expr): number => {
    switch (e.kind) {
      case "number": return add({ kind: "const", bits: constantBits(e.value, T) }, false);
      case "name": {
        const t = temps.get(e.name);
        if (t !== undefined) return t;
        const c = p.constants[e.name];
        if (c) return add({ kind: "const", bits: constantBits(c.dtype === "float32" ? Math.fround(c.value) : c.value, T) }, false);
        const s = p.scalars.find((x) => x.name === e.name);
        if (!s) throw new Error(`unknown name '${e.name}' in stencil '${pe.stencil}'`);
        return add({ kind: "scalar", name: s.name, dtype: s.dtype }, false);
      }
      case "access": {
        const offset = [...Array(pad).fill(0), ...e.offset] as [number, number, number];
        // Stencil connectors carry the names of the data they read (as the HLS emitter assumes).
        const input = pe.inputs.find((i) => i.field === e.field);
        if (!input) throw new Error(`stencil '${pe.stencil}' reads '${e.field}', which is not one of its windows`);
        const tap = input.taps.find((t) => t.offset.join() === offset.join())!;
        return add({ kind: "tap", input, tap }, false);
      }
      case "unary": {
        const x = visit(e.operand);
        if (e.op === "not") return add({ kind: "not", args: [asBool(x)] }, true);
        if (e.op === "+") return x;
        if (e.op === "~") return add({ kind: "bitnot", args: [asT(x)] }, false);
        return add({ kind: "neg", args: [asT(x)] }, false);
      }
      case "binary": {
        const l = visit(e.left);
        const r = visit(e.right);
        if (e.op === "and" || e.op === "or") return add({ kind: e.op, args: [asBool(l), asBool(r)] }, true);
        if (e.op in CMP) return add({ kind: "cmp", op: CMP[e.op]!, args: [asT(l), asT(r)] }, true);
        if (integer) {
          // x**n (a literal n of 2..4, as the frontend requires for integers) is n - 1 multiplications.
          const n = e.op === "**" ? multipliedPower(e.right) : null;
          if (n !== null) {
            let product = asT(l);
            for (let k = 1; k < n; k++) product = add({ kind: "int", op: "mul", args: [product, asT(l)] }, false);
            return product;
          }
          const op = INT_BINARY[e.op];
          if (!op) throw new Error(`operator '${e.op}' has no integer form in stencil '${pe.stencil}'`);
          return add({ kind: "int", op, args: [asT(l), asT(r)] }, false);
        }
        const op: FpOp = e.op === "+" ? "add" : e.op === "-" ? "sub" : e.op === "*" ? "mul" : e.op === "/" ? "div" : "pow";
        return add({ kind: "fp", op, args: [asT(l), asT(r)] }, false);
      }
      case "call": {
        const args = e.args.map((a) => asT(visit(a)));
        if (e.fn === "abs" || e.fn === "fabs") return add({ kind: "abs", args }, false);
        if (integer && (e.fn === "min" || e.fn === "max")) return add({ kind: "int", op: e.fn, args }, false);
        if (integer) throw new Error(`function '${e.fn}' has no integer form in stencil '${pe.stencil}'`);
        return add({ kind: "fp", op: CALLS[e.fn]!, args }, false);
      }
      case "ternary": {
        const c = asBool(visit(e.cond));
        return add({ kind: "select", args: [c, asT(visit(e.then)), asT(visit(e.otherwise))] }, false);
      }
    }
  };
  let result = -1;
  for (const s of pe.code) {
    result = asT(visit(s.value));
    temps.set(s.target, result);
  }
  const depth = Math.max(0, nodes[result]!.ready);
  return { dtype: T, nodes, result, depth };
}

export function bitsOf(dtype: DType): number {
  return DTYPE_INFO[dtype].bytes * 8;
}
