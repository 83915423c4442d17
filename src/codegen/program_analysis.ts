// What code generation needs to know about an SDFG program (src/ir/program.ts form) before it
// prints a line: the values and ranges of its expressions over known symbols, the names an
// expression mentions, structural equality of expressions, and which symbols are free and which
// containers the program reads and writes. Pure functions of the program; no dialect in sight.

import { isIntegral, type PExpr, type Program, type PRegion, type PStmt } from "../ir/program.js";

/** Numeric value of an expression over known symbols, or undefined. */
export function evalPExpr(e: PExpr, env: Record<string, number>): number | undefined {
  const r = (x: PExpr) => evalPExpr(x, env);
  switch (e.kind) {
    case "number": return e.imag ? undefined : e.value;
    case "bool": return e.value ? 1 : 0;
    case "name": return Object.hasOwn(env, e.name) ? env[e.name] : undefined;
    case "unary": { const v = r(e.operand); if (v === undefined) return undefined; return e.op === "-" ? -v : e.op === "not" ? (v ? 0 : 1) : e.op === "~" ? ~v : v; }
    case "cast": { const v = r(e.operand); return v === undefined ? undefined : isIntegral(e.to) && e.to !== "bool" ? Math.trunc(v) : v; }
    case "ternary": { const c = r(e.cond); return c === undefined ? undefined : c ? r(e.then) : r(e.otherwise); }
    case "call": {
      const a = e.args.map(r);
      if (a.some((x) => x === undefined)) return undefined;
      const [x, y] = a as number[];
      switch (e.fn) {
        case "min": return Math.min(x!, y!);
        case "max": return Math.max(x!, y!);
        case "floordiv": return Math.floor(x! / y!);
        case "ceildiv": return Math.ceil(x! / y!);
        case "mod": return x! - y! * Math.floor(x! / y!);
        case "abs": return Math.abs(x!);
        case "floor": return Math.floor(x!);
        case "ceil": return Math.ceil(x!);
        case "pow": return x! ** y!;
        case "sqrt": return Math.sqrt(x!);
        default: return undefined;
      }
    }
    case "binary": {
      const a = r(e.left);
      const b = r(e.right);
      if (a === undefined || b === undefined) return undefined;
      switch (e.op) {
        case "+": return a + b; case "-": return a - b; case "*": return a * b; case "/": return a / b;
        case "//": return Math.floor(a / b); case "%": return a - b * Math.floor(a / b); case "**": return a ** b;
        case "<": return +(a < b); case "<=": return +(a <= b); case ">": return +(a > b); case ">=": return +(a >= b);
        case "==": return +(a === b); case "!=": return +(a !== b); case "and": return a && b; case "or": return a || b;
        case "&": return Number(BigInt(a) & BigInt(b)); case "|": return Number(BigInt(a) | BigInt(b)); case "^": return Number(BigInt(a) ^ BigInt(b));
        case "<<": return a * 2 ** b; case ">>": return Math.floor(a / 2 ** b);
      }
    }
    // eslint-disable-next-line no-fallthrough
    default: return undefined;
  }
}

/** The range of an expression over intervals of its names (evaluated at their corners). */
export function evalInterval(e: PExpr, env: Record<string, [number, number]>): [number, number] | undefined {
  const names = [...new Set(collectNames(e))];
  if (names.some((n) => !Object.hasOwn(env, n)) || names.length > 8) return undefined;
  let lo = Infinity, hi = -Infinity;
  for (let m = 0; m < 1 << names.length; m++) {
    const vals: Record<string, number> = {};
    names.forEach((n, i) => { vals[n] = env[n]![(m >> i) & 1]!; });
    const v = evalPExpr(e, vals);
    if (v === undefined) return undefined;
    lo = Math.min(lo, v); hi = Math.max(hi, v);
  }
  return [lo, hi];
}

/** The expressions of a statement and of the statements inside it. */
export function stmtExprs(s: PStmt): PExpr[] {
  if (s.kind === "if") return [s.cond, ...s.then.flatMap(stmtExprs), ...s.otherwise.flatMap(stmtExprs)];
  return [...(s.indices ?? []), s.value];
}

export function collectNames(e: PExpr): string[] {
  const out: string[] = [];
  const go = (x: PExpr) => {
    if (x.kind === "name") out.push(x.name);
    else if (x.kind === "index") { out.push(x.name); x.indices.forEach(go); }
    else if (x.kind === "unary" || x.kind === "cast") go(x.operand);
    else if (x.kind === "binary") { go(x.left); go(x.right); }
    else if (x.kind === "call") x.args.forEach(go);
    else if (x.kind === "ternary") { go(x.cond); go(x.then); go(x.otherwise); }
  };
  go(e);
  return out;
}

/** Structural equality of two expressions (source positions ignored). */
export function sameExpr(a: PExpr, b: PExpr): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "number": return a.value === (b as typeof a).value && !!a.imag === !!(b as typeof a).imag;
    case "bool": return a.value === (b as typeof a).value;
    case "name": return a.name === (b as typeof a).name;
    case "index": { const y = b as typeof a; return a.name === y.name && a.indices.length === y.indices.length && a.indices.every((x, i) => sameExpr(x, y.indices[i]!)); }
    case "unary": { const y = b as typeof a; return a.op === y.op && sameExpr(a.operand, y.operand); }
    case "cast": { const y = b as typeof a; return a.to === y.to && sameExpr(a.operand, y.operand); }
    case "binary": { const y = b as typeof a; return a.op === y.op && sameExpr(a.left, y.left) && sameExpr(a.right, y.right); }
    case "call": { const y = b as typeof a; return a.fn === y.fn && a.args.length === y.args.length && a.args.every((x, i) => sameExpr(x, y.args[i]!)); }
    case "ternary": { const y = b as typeof a; return sameExpr(a.cond, y.cond) && sameExpr(a.then, y.then) && sameExpr(a.otherwise, y.otherwise); }
  }
}

/** Free symbols: declared symbols no interstate edge, loop or map assigns. */
export function freeSymbols(p: Program): string[] {
  const assigned = new Set<string>();
  const visit = (r: PRegion) => {
    for (const e of r.edges) for (const [k] of e.assignments) assigned.add(k);
    for (const b of r.blocks) {
      if (b.kind === "region") visit(b);
      else if (b.kind === "loop") { if (b.variable) assigned.add(b.variable); for (const [k] of [...b.init, ...b.update]) assigned.add(k); visit(b.body); }
      else if (b.kind === "conditional") for (const br of b.branches) visit(br.body);
    }
  };
  visit(p.root);
  return Object.keys(p.symbols).filter((s) => !assigned.has(s) && !Object.hasOwn(p.arrays, s));
}

/** Non-transient containers the top-level program writes (through any access node). */
export function writtenData(p: Program): Set<string> {
  const out = new Set<string>();
  const visit = (r: PRegion) => {
    for (const b of r.blocks) {
      if (b.kind === "state") {
        for (const e of b.edges) {
          const n = b.nodes.find((x) => x.id === e.dst)!;
          if (n.kind === "access" && e.memlet) out.add(n.data);
        }
      } else if (b.kind === "region") visit(b);
      else if (b.kind === "loop") visit(b.body);
      else for (const br of b.branches) visit(br.body);
    }
  };
  visit(p.root);
  return out;
}

export function readData(p: Program): Set<string> {
  const out = new Set<string>();
  const visit = (r: PRegion) => {
    for (const e of r.edges) { if (e.condition) names(e.condition); for (const [, v] of e.assignments) names(v); }
    for (const b of r.blocks) {
      if (b.kind === "state") {
        for (const e of b.edges) {
          const n = b.nodes.find((x) => x.id === e.src)!;
          if (n.kind === "access" && e.memlet) out.add(n.data);
        }
      } else if (b.kind === "region") visit(b);
      else if (b.kind === "loop") { names(b.condition); visit(b.body); }
      else for (const br of b.branches) { if (br.condition) names(br.condition); visit(br.body); }
    }
  };
  const names = (e: PExpr) => {
    const stack = [e];
    while (stack.length) {
      const x = stack.pop()!;
      if (x.kind === "name" || x.kind === "index") out.add(x.name);
      if (x.kind === "index") stack.push(...x.indices);
      if (x.kind === "unary" || x.kind === "cast") stack.push(x.operand);
      if (x.kind === "binary") stack.push(x.left, x.right);
      if (x.kind === "call") stack.push(...x.args);
      if (x.kind === "ternary") stack.push(x.cond, x.then, x.otherwise);
    }
  };
  visit(p.root);
  return out;
}
