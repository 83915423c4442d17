// Operations per cell of a stencil, counted from its expression tree: the numerator of GOp/s and
// of the operational intensity, and what the resource model prices.
//
// What counts as an operation (the convention of the published stencil figures, e.g. Zohouri et
// al.'s "9 FLOP/cell" for 2-D diffusion): every add/subtract, multiply, divide (and `%`), math
// call, and integer shift or bitwise operator. Comparisons and selects (`a if c else b`) are
// counted apart and are NOT operations; neither is a negation (a sign flip) nor `and`/`or`/`not`.
// `x**n` for n = 2..4 is n - 1 multiplications (what every backend prints); other powers are a
// `pow` call.
//
// Multiply-add pairs: a `+`/`-` whose operand is a product of the same statement can run as one
// multiply-add where the family's DSP does it (operator_costs.ts); `fusable` counts such pairs,
// each product used at most once.

import type { DType } from "../ir/dtype.js";
import { multipliedPower, type Assignment, type Expr } from "../ir/expr.js";

export interface OpCounts {
  add: number;
  mul: number;
  div: number;
  /** Math-library calls (sqrt, exp, sin, pow, min, abs, …), by name. */
  calls: Record<string, number>;
  /** Integer shifts and bitwise operators; `shift` of them are shifts. */
  logic: number;
  shift: number;
  /** Not operations: comparisons and selects. */
  compare: number;
  select: number;
  /** Multiply-add pairs (a product feeding an add/subtract). */
  fusable: number;
  /** Operations per cell: add + mul + div + calls + logic. */
  ops: number;
}

export function emptyCounts(): OpCounts {
  return { add: 0, mul: 0, div: 0, calls: {}, logic: 0, shift: 0, compare: 0, select: 0, fusable: 0, ops: 0 };
}

const isProduct = (e: Expr) => e.kind === "binary" && e.op === "*";

/** Operation counts of one stencil's code (all its statements). */
export function countOperations(code: Assignment[]): OpCounts {
  const c = emptyCounts();
  const fused = new Set<Expr>();
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case "unary": if (e.op === "~") c.logic++; visit(e.operand); return;
      case "call": c.calls[e.fn] = (c.calls[e.fn] ?? 0) + 1; e.args.forEach(visit); return;
      case "ternary": c.select++; visit(e.cond); visit(e.then); visit(e.otherwise); return;
      case "binary": {
        const { op } = e;
        if (op === "+" || op === "-") {
          c.add++;
          const product = [e.left, e.right].find((x) => isProduct(x) && !fused.has(x));
          if (product) { fused.add(product); c.fusable++; }
        } else if (op === "*") c.mul++;
        else if (op === "/" || op === "%") c.div++;
        else if (op === "**") {
          const n = multipliedPower(e.right);
          if (n !== null) c.mul += n - 1;
          else c.calls.pow = (c.calls.pow ?? 0) + 1;
        } else if (op === "<<" || op === ">>") { c.logic++; c.shift++; } else if (op === "&" || op === "|" || op === "^") c.logic++;
        else if (op !== "and" && op !== "or") c.compare++;
        visit(e.left); visit(e.right);
        return;
      }
      default: return;
    }
  };
  for (const s of code) visit(s.value);
  c.ops = c.add + c.mul + c.div + c.logic + Object.values(c.calls).reduce((a, b) => a + b, 0);
  return c;
}

/** Sum of several counts (all stencils of a program). */
export function addCounts(a: OpCounts, b: OpCounts): OpCounts {
  const calls = { ...a.calls };
  for (const [k, v] of Object.entries(b.calls)) calls[k] = (calls[k] ?? 0) + v;
  return { add: a.add + b.add, mul: a.mul + b.mul, div: a.div + b.div, calls, logic: a.logic + b.logic, shift: a.shift + b.shift, compare: a.compare + b.compare, select: a.select + b.select, fusable: a.fusable + b.fusable, ops: a.ops + b.ops };
}

/** One line: "5 op (4 add, 1 mul; 4 multiply-add pairs), 2 compare, 2 select". */
export function describeCounts(c: OpCounts, dtype?: DType): string {
  const parts = [c.add && `${c.add} add`, c.mul && `${c.mul} mul`, c.div && `${c.div} div`, ...Object.entries(c.calls).sort().map(([k, v]) => `${v} ${k}`), c.logic && `${c.logic} logic`].filter(Boolean);
  const extra = [c.compare && `${c.compare} compare`, c.select && `${c.select} select`].filter(Boolean);
  return `${c.ops} op${dtype ? ` ${dtype}` : ""} (${parts.join(", ") || "none"}${c.fusable ? `; ${c.fusable} multiply-add pair(s)` : ""})${extra.length ? `, ${extra.join(", ")} (not counted as op)` : ""}`;
}
