import { describe, expect, test } from "vitest";
import {
  ExpressionSyntaxError, parseComputation, parseExpression, type SyntaxExpr,
} from "../../src/frontend/expression_parser.js";

/** Fully parenthesized rendering, to check precedence and associativity. */
function show(e: SyntaxExpr): string {
  switch (e.kind) {
    case "number": return String(e.value);
    case "name": return e.name;
    case "subscript": return `${e.name}[${e.indices.map((i) => (i.offset === 0 ? i.iterator : `${i.iterator}${i.offset > 0 ? "+" : ""}${i.offset}`)).join(",")}]`;
    case "unary": return `(${e.op}${e.op === "not" ? " " : ""}${show(e.operand)})`;
    case "binary": return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "call": return `${e.fn}(${e.args.map(show).join(", ")})`;
    case "ternary": return `(${show(e.then)} if ${show(e.cond)} else ${show(e.otherwise)})`;
  }
}

const p = (src: string) => show(parseExpression(src));

function syntaxError(src: string): ExpressionSyntaxError {
  try {
    parseComputation(src);
  } catch (e) {
    if (e instanceof ExpressionSyntaxError) return e;
    throw e;
  }
  throw new Error(`no error for ${src}`);
}

describe("precedence", () => {
  test.each([
    ["1 + 2 * 3", "(1 + (2 * 3))"],
    ["1 - 2 - 3", "((1 - 2) - 3)"],
    ["8 / 4 / 2", "((8 / 4) / 2)"],
    ["2 ** 3 ** 2", "(2 ** (3 ** 2))"],
    ["-x ** 2", "(-(x ** 2))"],
    ["2 ** -1", "(2 ** (-1))"],
    ["-2 * 3", "((-2) * 3)"],
    ["--x", "(-(-x))"],
    ["+x - -y", "((+x) - (-y))"],
    ["(1 + 2) * 3", "((1 + 2) * 3)"],
    ["a < b + 1", "(a < (b + 1))"],
    ["not a < b", "(not (a < b))"],
    ["a and b or c and d", "((a and b) or (c and d))"],
    ["not a and not b", "((not a) and (not b))"],
    ["x if a or b else y", "(x if (a or b) else y)"],
    ["x if c else y if d else z", "(x if c else (y if d else z))"],
    ["(x if c else y) + 1", "((x if c else y) + 1)"],
    ["max(a, b * 2) + sqrt(c)", "(max(a, (b * 2)) + sqrt(c))"],
    ["pow(2, 3) ** 2", "(pow(2, 3) ** 2)"],
    ["a[i, j+1, k-2] * 0.5", "(a[i,j+1,k-2] * 0.5)"],
    ["a[1 + i, -1 + j]", "a[i+1,j-1]"],
    ["a[i - -1]", "a[i+1]"],
    ["a == b", "(a == b)"],
    ["a != b", "(a != b)"],
    ["a >= b", "(a >= b)"],
  ])("%s", (src, expected) => {
    expect(p(src)).toBe(expected);
  });
});

test("numeric literals", () => {
  for (const [src, v] of [["1", 1], ["1.5", 1.5], [".5", 0.5], ["5.", 5], ["1e-3", 0.001], ["2E+4", 20000], ["0.16666666", 0.16666666]] as const) {
    expect(parseExpression(src)).toMatchObject({ kind: "number", value: v });
  }
});

test("assignments: separators, trailing ';', newlines, comments", () => {
  const a = parseComputation("t = a[i] ;\n u = t * 2;  res = u;  ");
  expect(a.map((s) => s.target)).toEqual(["t", "u", "res"]);
  expect(parseComputation("x = 1\ny = (2 +\n 3)  # sum\n").map((s) => s.target)).toEqual(["x", "y"]);
});

test("positions are 1-based line/column of the node start", () => {
  const [s1, s2] = parseComputation("t = a[i, j] + 2\n  res = -t ** 2");
  expect(s1!.pos).toEqual({ line: 1, column: 1 });
  const v1 = s1!.value;
  expect(v1.pos).toEqual({ line: 1, column: 5 });
  if (v1.kind !== "binary") throw new Error("binary expected");
  expect(v1.left.pos).toEqual({ line: 1, column: 5 });
  if (v1.left.kind !== "subscript") throw new Error("subscript expected");
  expect(v1.left.indices[1]!.pos).toEqual({ line: 1, column: 10 });
  expect(v1.right.pos).toEqual({ line: 1, column: 15 });
  expect(s2!.pos).toEqual({ line: 2, column: 3 });
  const v2 = s2!.value;
  expect(v2.pos).toEqual({ line: 2, column: 9 });
  if (v2.kind !== "unary") throw new Error("unary expected");
  expect(v2.operand.pos).toEqual({ line: 2, column: 10 });
});

describe("syntax errors carry a position", () => {
  test.each([
    ["res = a +", 1, 10, "expected an expression, found end of input"],
    ["res = (a + b", 1, 13, "expected ')'"],
    ["res = a b", 1, 9, "expected ';' or end of input, found 'b'"],
    ["res a", 1, 5, "expected '=' after 'res'"],
    ["1 = a", 1, 1, "expected an assignment"],
    ["res = a < b < c", 1, 13, "chained comparisons are not supported"],
    ["res = a @ 2", 1, 9, "operator '@' is not supported"],
    ["res = a // 2", 1, 9, "operator '//' is not supported"],
    ["res = a $ 2", 1, 9, "unexpected character '$'"],
    ["res = foo(a)", 1, 7, "unknown function 'foo'"],
    ["res = sqrt(a, b)", 1, 7, "function 'sqrt' takes 1 argument, 2 given"],
    ["res = max(a)", 1, 7, "function 'max' takes 2 arguments, 1 given"],
    ["res = a[i * 2]", 1, 11, "an index must be"],
    ["res = a[i + 1.5]", 1, 13, "offset '1.5' is not an integer"],
    ["res = a[i + 1e2]", 1, 13, "offset '1e2' is not an integer"],
    ["res = a[i + j]", 1, 13, "an index must be"],
    ["res = a[]", 1, 9, "an index must be"],
    ["x = 1;\nres = 2 +\n", 2, 10, "expected an expression, found end of line"],
    ["res = 1x", 1, 7, "invalid numeric literal '1x'"],
    ["a[i] = 1", 1, 2, "cannot assign to a subscript"],
    ["", 1, 1, "expected at least one assignment"],
    ["res = a if b", 1, 13, "expected 'else'"],
  ])("%j", (src, line, column, msg) => {
    const e = syntaxError(src);
    expect(e.pos).toEqual({ line, column });
    expect(e.detail).toContain(msg);
  });
});

test("error offsets index the source string", () => {
  const src = "x = 1;\n  res = x +* 2";
  const e = syntaxError(src);
  expect(src[e.offset]).toBe("*");
  expect(e.pos).toEqual({ line: 2, column: 12 });
});
