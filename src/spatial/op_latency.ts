// Estimated pipeline depth (cycles) of a PE's arithmetic: the critical path through its
// expression tree with typical Vitis HLS floating-point operator latencies at 300 MHz. Only the
// differences between reconvergent paths matter: they add to the FIFO depths hardware needs
// beyond the element delays, since a PE's output leaves that many cycles after its inputs.

import { isIntegerDType, type DType } from "../ir/dtype.js";
import { multipliedPower, type Assignment, type Expr } from "../ir/expr.js";

const FLOAT: Record<string, number> = { add: 5, mul: 4, div: 12, sqrt: 12, exp: 15, log: 15, trig: 25, pow: 30, cmp: 2, select: 1, round: 2, abs: 0, minmax: 2 };
/** Integers (int32 and int64 alike): one-cycle adds and logic, DSP multipliers, long dividers. */
const INTEGER: Record<string, number> = { add: 1, mul: 3, div: 36, sqrt: 0, exp: 0, log: 0, trig: 0, pow: 0, cmp: 1, select: 1, round: 0, abs: 1, minmax: 1, logic: 0, shift: 1 };
const DOUBLE: Record<string, number> = { add: 8, mul: 6, div: 31, sqrt: 31, exp: 25, log: 25, trig: 40, pow: 50, cmp: 2, select: 1, round: 2, abs: 0, minmax: 2 };

/**
 * Latency in cycles of one operator class (`add`, `mul`, `div`, `sqrt`, `exp`, `log`, `trig`,
 * `pow`, `cmp`, `select`, `round`, `abs`, `minmax`; integers also `logic`, `shift`, and `div`
 * for `%`): the RTL backend builds its operators with exactly these latencies so its PEs are as
 * deep as the FIFO depths assume.
 */
export function operatorLatency(op: string, dtype: DType): number {
  const lat = (dtype === "float64" ? DOUBLE : isIntegerDType(dtype) ? INTEGER : FLOAT)[op];
  if (lat === undefined) throw new Error(`no latency for operator class '${op}'`);
  return lat;
}

/** Cycles for reading the window, converting and writing the result stream. */
const IO_CYCLES = 3;

export function estimatePipelineDepth(code: Assignment[], dtype: DType): number {
  const lat = dtype === "float64" ? DOUBLE : dtype === "int32" || dtype === "int64" ? INTEGER : FLOAT;
  const temps = new Map<string, number>();
  const depth = (e: Expr): number => {
    switch (e.kind) {
      case "number": case "access": return 0;
      case "name": return temps.get(e.name) ?? 0;
      case "unary": return depth(e.operand); // a sign flip or a negation costs no stage
      case "binary": {
        const op = e.op;
        const cost = op === "+" || op === "-" ? lat.add! : op === "*" ? lat.mul! : op === "/" || op === "%" ? lat.div! : op === "**" ? powerCost(e.right, lat)
          : op === "and" || op === "or" ? 0 : op === "&" || op === "|" || op === "^" ? (lat.logic ?? 0) : op === "<<" || op === ">>" ? (lat.shift ?? 1) : lat.cmp!;
        return Math.max(depth(e.left), depth(e.right)) + cost;
      }
      case "call": {
        const fn = e.fn;
        const cost = fn === "sqrt" ? lat.sqrt! : fn === "exp" ? lat.exp! : fn === "log" ? lat.log! : ["sin", "cos", "tan", "atan2", "tanh"].includes(fn) ? lat.trig!
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

/** `x**n` with a literal n of 2..4 is n - 1 multiplications (as printed), any other power a pow core. */
function powerCost(exponent: Expr, lat: Record<string, number>): number {
  const n = multipliedPower(exponent);
  return n === null ? lat.pow! : (n - 1) * lat.mul!;
}
