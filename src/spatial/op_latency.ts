// Estimated pipeline depth (cycles) of a PE's arithmetic: the critical path through its
// expression tree with typical Vitis HLS floating-point operator latencies at 300 MHz. Only the
// differences between reconvergent paths matter: they add to the FIFO depths hardware needs
// beyond the element delays, since a PE's output leaves that many cycles after its inputs.

import type { DType } from "../ir/dtype.js";
import type { Assignment, Expr } from "../ir/expr.js";

const FLOAT: Record<string, number> = { add: 5, mul: 4, div: 12, sqrt: 12, exp: 15, log: 15, trig: 25, pow: 30, cmp: 2, select: 1, round: 2, abs: 0, minmax: 2 };
const DOUBLE: Record<string, number> = { add: 8, mul: 6, div: 31, sqrt: 31, exp: 25, log: 25, trig: 40, pow: 50, cmp: 2, select: 1, round: 2, abs: 0, minmax: 2 };

/**
 * Latency in cycles of one operator class (`add`, `mul`, `div`, `sqrt`, `exp`, `log`, `trig`,
 * `pow`, `cmp`, `select`, `round`, `abs`, `minmax`): the RTL backend builds its operators with
 * exactly these latencies so its PEs are as deep as the FIFO depths assume.
 */
export function operatorLatency(op: string, dtype: DType): number {
  const lat = (dtype === "float64" ? DOUBLE : FLOAT)[op];
  if (lat === undefined) throw new Error(`no latency for operator class '${op}'`);
  return lat;
}

/** Cycles for reading the window, converting and writing the result stream. */
const IO_CYCLES = 3;

export function estimatePipelineDepth(code: Assignment[], dtype: DType): number {
  const lat = dtype === "float64" ? DOUBLE : FLOAT;
  const temps = new Map<string, number>();
  const depth = (e: Expr): number => {
    switch (e.kind) {
      case "number": case "access": return 0;
      case "name": return temps.get(e.name) ?? 0;
      case "unary": return depth(e.operand); // a sign flip or a negation costs no stage
      case "binary": {
        const op = e.op;
        const cost = op === "+" || op === "-" ? lat.add! : op === "*" ? lat.mul! : op === "/" ? lat.div! : op === "**" ? lat.pow! : op === "and" || op === "or" ? 0 : lat.cmp!;
        return Math.max(depth(e.left), depth(e.right)) + cost;
      }
      case "call": {
        const fn = e.fn;
        const cost = fn === "sqrt" ? lat.sqrt! : fn === "exp" ? lat.exp! : fn === "log" ? lat.log! : ["sin", "cos", "tan"].includes(fn) ? lat.trig!
          : fn === "pow" ? lat.pow! : fn === "min" || fn === "max" ? lat.minmax! : fn === "floor" || fn === "ceil" ? lat.round! : lat.abs!;
        return Math.max(0, ...e.args.map(depth)) + cost;
      }
      case "ternary": return Math.max(depth(e.cond), depth(e.then), depth(e.otherwise)) + lat.select!;
    }
  };
  let last = 0;
  for (const s of code) {
    last = depth(s.value);
    temps.set(s.target, last);
  }
  return last + IO_CYCLES;
}
