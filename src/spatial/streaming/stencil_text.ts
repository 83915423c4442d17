// A raised stencil written back as StencilFlow-style text (`B = 0.33333 * (A_in[i-1] + …)`), for
// the comments of generated code and for reports: the program text each PE came from.

import type { Assignment, Expr } from "../../ir/expr.js";
import type { WriteRegion } from "../../ir/sdfg.js";

const PREC: Record<string, number> = { or: 1, and: 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3, "|": 4, "^": 5, "&": 6, "<<": 7, ">>": 7, "+": 8, "-": 8, "*": 9, "/": 9, "%": 9, "**": 11 };

function text(e: Expr, iterators: readonly string[]): { s: string; p: number } {
  switch (e.kind) {
    case "number": return { s: String(e.value), p: 12 };
    case "name": return { s: e.name, p: 12 };
    case "access": return { s: `${e.field}[${e.offset.map((d, a) => (d === 0 ? iterators[a] : `${iterators[a]}${d > 0 ? "+" : ""}${d}`)).join(", ")}]`, p: 12 };
    case "unary": {
      const x = text(e.operand, iterators);
      return { s: `${e.op === "not" ? "not " : e.op}${x.p < 10 ? `(${x.s})` : x.s}`, p: 10 };
    }
    case "binary": {
      const p = PREC[e.op] ?? 0;
      const l = text(e.left, iterators);
      const r = text(e.right, iterators);
      return { s: `${l.p < p ? `(${l.s})` : l.s} ${e.op} ${r.p <= p ? `(${r.s})` : r.s}`, p };
    }
    case "call": return { s: `${e.fn}(${e.args.map((a) => text(a, iterators).s).join(", ")})`, p: 12 };
    case "ternary": return { s: `(${text(e.then, iterators).s} if ${text(e.cond, iterators).s} else ${text(e.otherwise, iterators).s})`, p: 12 };
  }
}

/** `name = expr` (temporaries first, `;`-separated), with the write region when there is one. */
export function stencilText(name: string, code: readonly Assignment[], iterators: readonly string[], region?: WriteRegion): string {
  const parts = code.map((a, n) => `${n === code.length - 1 ? name : a.target} = ${text(a.value, iterators).s}`);
  const where = region ? ` where ${region.lo.map((lo, a) => `${lo} <= ${iterators[a]} <= ${region.hi[a]}`).join(", ")}, else ${region.keep}[${iterators.join(", ")}]` : "";
  return `${parts.join("; ")}${where}`;
}
