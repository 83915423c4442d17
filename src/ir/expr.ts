// Expression AST of tasklet and stencil code. Code is never kept as a string in the IR: every
// backend prints this tree in its own language, so the semantics live in one place.

/** A position inside the program text the node came from (1-based line and column). */
export interface SourcePos {
  line: number;
  column: number;
}

export const MATH_FUNCTIONS = {
  sqrt: 1, exp: 1, log: 1, sin: 1, cos: 1, tan: 1, fabs: 1, abs: 1,
  floor: 1, ceil: 1, min: 2, max: 2, pow: 2,
  // From NumPy programs (np.arctan2, np.tanh); the RTL backend refuses them by name.
  atan2: 2, tanh: 1,
} as const;
export type MathFunction = keyof typeof MATH_FUNCTIONS;

export type UnaryOp = "-" | "+" | "not" | "~";
export type ArithOp = "+" | "-" | "*" | "/" | "**";
/** Integer-only operators (C semantics: `%` truncating, shifts, bitwise). */
export type IntegerOp = "%" | "<<" | ">>" | "&" | "|" | "^";
export type CompareOp = "<" | "<=" | ">" | ">=" | "==" | "!=";
export type LogicOp = "and" | "or";
export type BinaryOp = ArithOp | IntegerOp | CompareOp | LogicOp;

export const INTEGER_OPS: readonly string[] = ["%", "<<", ">>", "&", "|", "^", "~"];

export type Expr =
  | { kind: "number"; value: number; pos?: SourcePos }
  /** A temporary, a scalar input or a program constant. */
  | { kind: "name"; name: string; pos?: SourcePos }
  /**
   * A read of field `field` at `offset`, one entry per domain axis (0 on the axes the field
   * does not have: a lower-dimensional field is broadcast along them).
   */
  | { kind: "access"; field: string; offset: number[]; pos?: SourcePos }
  | { kind: "unary"; op: UnaryOp; operand: Expr; pos?: SourcePos }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; pos?: SourcePos }
  | { kind: "call"; fn: MathFunction; args: Expr[]; pos?: SourcePos }
  | { kind: "ternary"; cond: Expr; then: Expr; otherwise: Expr; pos?: SourcePos };

/** `target = value`; in a stencil the last assignment is the result. */
export interface Assignment {
  target: string;
  value: Expr;
  pos?: SourcePos;
}

export function isBooleanOp(op: BinaryOp | UnaryOp): boolean {
  return ["<", "<=", ">", ">=", "==", "!=", "and", "or", "not"].includes(op);
}

/** Visits every node of an expression, parents before children. */
export function walkExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  switch (e.kind) {
    case "unary": walkExpr(e.operand, visit); break;
    case "binary": walkExpr(e.left, visit); walkExpr(e.right, visit); break;
    case "call": for (const a of e.args) walkExpr(a, visit); break;
    case "ternary": walkExpr(e.cond, visit); walkExpr(e.then, visit); walkExpr(e.otherwise, visit); break;
    default: break;
  }
}

/** Rebuilds an expression bottom-up; `f` may replace any node after its children were mapped. */
export function mapExpr(e: Expr, f: (e: Expr) => Expr): Expr {
  switch (e.kind) {
    case "unary": return f({ ...e, operand: mapExpr(e.operand, f) });
    case "binary": return f({ ...e, left: mapExpr(e.left, f), right: mapExpr(e.right, f) });
    case "call": return f({ ...e, args: e.args.map((a) => mapExpr(a, f)) });
    case "ternary":
      return f({ ...e, cond: mapExpr(e.cond, f), then: mapExpr(e.then, f), otherwise: mapExpr(e.otherwise, f) });
    default: return f(e);
  }
}

/** Every field access in a list of assignments, in source order. */
export function accessesOf(code: Assignment[]): Extract<Expr, { kind: "access" }>[] {
  const out: Extract<Expr, { kind: "access" }>[] = [];
  for (const s of code) walkExpr(s.value, (e) => { if (e.kind === "access") out.push(e); });
  return out;
}

/** Names (temporaries, scalars, constants) read by a list of assignments. */
export function namesOf(code: Assignment[]): Set<string> {
  const out = new Set<string>();
  for (const s of code) walkExpr(s.value, (e) => { if (e.kind === "name") out.add(e.name); });
  return out;
}

/** Counts arithmetic operations (for operational intensity in reports). */
export function countOps(code: Assignment[]): number {
  let n = 0;
  for (const s of code) {
    walkExpr(s.value, (e) => {
      if (e.kind === "binary" && !["and", "or"].includes(e.op)) n++;
      else if (e.kind === "call") n++;
      else if (e.kind === "unary" && e.op === "-") n++;
      else if (e.kind === "ternary") n++;
    });
  }
  return n;
}

/** Powers up to this exponent are written as multiplications by every backend. */
export const MAX_MULTIPLIED_POWER = 4;

/** n when `e` (an exponent) is a literal integer 2..MAX_MULTIPLIED_POWER: `x**n` is n - 1 multiplications. */
export function multipliedPower(e: Expr): number | null {
  return e.kind === "number" && Number.isInteger(e.value) && e.value >= 2 && e.value <= MAX_MULTIPLIED_POWER ? e.value : null;
}
