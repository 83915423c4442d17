import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { cli } from "../helpers.js";
import { describe, expect, test } from "vitest";
import { loadProgram, parseProgram } from "../../src/frontend/load_program.js";
import { UserError } from "../../src/ir/diagnostics.js";

const dir = mkdtempSync(join(tmpdir(), "sdfg-fpga-frontend-"));
writeFileSync(join(dir, "four.dat"), Buffer.alloc(4 * 4)); // four float32 values
let counter = 0;

type Json = Record<string, unknown>;

/** A valid 2-D program, with top-level keys replaced by `over`. */
function program(over: Json = {}): Json {
  return {
    inputs: { a: { data: "constant:1.0", data_type: "float32" }, c: { data: 0.5, data_type: "float64", input_dims: [] } },
    outputs: ["b"],
    dimensions: [4, 4],
    program: {
      b: {
        computation_string: "b = a[j,k] + a[j+1,k] * c",
        boundary_conditions: { a: { type: "constant", value: 0.0 } },
        data_type: "float32",
      },
    },
    ...over,
  };
}

/** The valid program with stencil b's code replaced. */
function withCode(code: string, bc: Json = { a: { type: "constant", value: 0 } }): Json {
  return program({ program: { b: { computation_string: code, boundary_conditions: bc, data_type: "float32" } } });
}

/** The valid program with stencil b made an int32 stencil with this code. */
function intCode(code: string, bc: Json = { a: { type: "constant", value: 0 } }): Json {
  return program({ program: { b: { computation_string: code, boundary_conditions: bc, data_type: "int32" } } });
}

function write(content: Json | string): string {
  const path = join(dir, `prog${counter++}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

/** `line:col` of the `nth` occurrence of `needle` in `text`. */
function posOf(text: string, needle: string, nth = 0): string {
  let idx = -1;
  for (let n = 0; n <= nth; n++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`'${needle}' not found`);
  }
  const before = text.slice(0, idx).split("\n");
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

function loadError(path: string): UserError {
  try {
    loadProgram(path);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error(`${path} was accepted`);
}

interface Case {
  name: string;
  content: Json | string;
  /** A `$.json.path`, or the text (and occurrence) the error must point at. */
  at: string | { needle: string; nth?: number };
  msg: string;
}

const CASES: Case[] = [
  // JSON and schema
  { name: "missing comma", content: '{\n  "inputs": {}\n  "outputs": ["b"]\n}', at: { needle: '"outputs"' }, msg: "malformed JSON: expected ','" },
  { name: "trailing comma", content: '{"outputs": ["b"],\n "dimensions": [4,],\n}', at: { needle: "],", nth: 1 }, msg: "malformed JSON: expected a value" },
  { name: "comment", content: '{ // hi\n "outputs": [] }', at: { needle: "//" }, msg: "comments are not allowed" },
  { name: "duplicate key", content: '{"outputs": ["b"],\n  "outputs": ["c"]}', at: { needle: '"outputs"', nth: 1 }, msg: 'duplicate key "outputs"' },
  { name: "__proto__ key", content: '{"inputs": {\n  "__proto__": {}}}', at: { needle: '"__proto__"' }, msg: 'the key "__proto__" is not allowed' },
  { name: "unknown top-level key", content: program({ vectorisation: 4 }), at: "$.vectorisation", msg: "unknown key 'vectorisation' (allowed: inputs, outputs" },
  { name: "unknown stencil key", content: program({ program: { b: { computation_string: "b = 1", data_type: "float32", boundary_condition: {} } } }), at: "$.program.b.boundary_condition", msg: "unknown key 'boundary_condition'" },
  { name: "missing outputs", content: (() => { const p = program(); delete p.outputs; return p; })(), at: "$.outputs", msg: "missing required field" },
  { name: "empty outputs", content: program({ outputs: [] }), at: "$.outputs", msg: "at least one field" },
  { name: "bad data_type", content: program({ program: { b: { computation_string: "b = 1", data_type: "float16" } } }), at: "$.program.b.data_type", msg: 'expected one of "float32"|"float64"' },
  { name: "four dimensions", content: program({ dimensions: [2, 2, 2, 2] }), at: "$.dimensions", msg: "1 to 3 extents" },
  { name: "zero extent", content: program({ dimensions: [4, 0] }), at: "$.dimensions[1]", msg: "must be a positive integer" },
  { name: "fractional vectorization", content: program({ vectorization: 2.5 }), at: "$.vectorization", msg: "must be a positive integer" },
  { name: "bad boundary type", content: withCode("b = a[j,k]", { a: { type: "wrap" } }), at: "$.program.b.boundary_conditions.a.type", msg: "must be \"constant\", \"copy\" or \"shrink\"" },
  { name: "constant boundary without value", content: withCode("b = a[j,k]", { a: { type: "constant" } }), at: "$.program.b.boundary_conditions.a.value", msg: "missing required field" },
  { name: "bad inline data element", content: program({ inputs: { a: { data: [1, "x"], data_type: "float32" } } }), at: "$.inputs.a.data", msg: "'data' must be" },
  // names
  { name: "input named like a keyword", content: program({ inputs: { int: { data: 1, data_type: "float32" } } }), at: "$.inputs.int", msg: "invalid input name: 'int' is a C/C++/OpenCL/Verilog keyword" },
  { name: "stencil with reserved prefix", content: program({ outputs: ["sdfg_b"], program: { sdfg_b: { computation_string: "x = a[j,k]", data_type: "float32" } } }), at: "$.program.sdfg_b", msg: "invalid stencil name: 'sdfg_b' uses the prefix 'sdfg_'" },
  { name: "constant with bad name", content: program({ constants: { "two words": { value: 1, data_type: "float32" } } }), at: '$.constants["two words"]', msg: "invalid constant name" },
  { name: "temporary named like a keyword", content: withCode("class = a[j,k]; b = class"), at: { needle: "class =" }, msg: "invalid name for assignment target: 'class' is a C/C++" },
  { name: "input and stencil share a name", content: program({ inputs: { b: { data: 1, data_type: "float32" } }, program: { b: { computation_string: "b = 1", data_type: "float32" } } }), at: "$.program.b", msg: "'b' is both an input and a stencil" },
  { name: "constant shadows an input", content: program({ constants: { a: { value: 1, data_type: "float32" } } }), at: "$.constants.a", msg: "constant 'a' has the name of an input" },
  { name: "assignment to an input", content: withCode("a = 1; b = a"), at: { needle: "a = 1" }, msg: "cannot assign to 'a': it is an input" },
  { name: "temporary assigned twice", content: withCode("t = 1; t = 2; b = t"), at: { needle: "t = 2" }, msg: "'t' is assigned twice" },
  // code
  { name: "syntax error", content: withCode("b = a[j,k] + )"), at: { needle: ")" }, msg: "expected an expression, found ')'" },
  { name: "unknown field", content: withCode("b = a[j,k] + q[j,k]"), at: { needle: "q[j,k]" }, msg: "unknown field 'q'" },
  { name: "unknown name", content: withCode("b = a[j,k] + zeta"), at: { needle: "zeta" }, msg: "unknown name 'zeta'" },
  { name: "wrong iterator order", content: withCode("b = a[k,j]"), at: { needle: "k,j]" }, msg: "wrong iterator order: index 1 of 'a' must use 'j' (write a[j, k])" },
  { name: "iterator of a missing dimension", content: withCode("b = a[i,k]"), at: { needle: "i,k]" }, msg: "iterator 'i' does not exist in a 2-D program" },
  { name: "unknown iterator", content: withCode("b = a[j,m]"), at: { needle: "m]" }, msg: "unknown iterator 'm'" },
  { name: "rank mismatch", content: withCode("b = a[k]"), at: { needle: "a[k]" }, msg: "'a' has 2 dimensions (j, k) but 1 index is given" },
  { name: "non-integer offset", content: withCode("b = a[j,k+0.25]"), at: { needle: "0.25" }, msg: "offset '0.25' is not an integer" },
  { name: "subscripted scalar", content: withCode("b = a[j,k] * c[j,k]"), at: { needle: "c[j,k]" }, msg: "scalar input 'c' cannot be subscripted" },
  { name: "field without subscript", content: withCode("b = a + 1"), at: { needle: "a + 1" }, msg: "field 'a' is used without a subscript; write a[j, k]" },
  { name: "iterator as a value", content: withCode("b = a[j,k] * k"), at: { needle: "k\"" }, msg: "iterator 'k' cannot be used as a value" },
  { name: "unknown function", content: withCode("b = foo(a[j,k])"), at: { needle: "foo" }, msg: "unknown function 'foo'" },
  { name: "wrong arity", content: withCode("b = pow(a[j,k])"), at: { needle: "pow" }, msg: "function 'pow' takes 2 arguments, 1 given" },
  { name: "temporary used before assignment", content: withCode("b = t * 2; t = a[j,k]"), at: { needle: "t * 2" }, msg: "temporary 't' is used before it is assigned" },
  { name: "stencil reads itself", content: withCode("b = b[j,k-1] + a[j,k]"), at: { needle: "b[j,k-1]" }, msg: "stencil 'b' reads its own output" },
  { name: "missing boundary condition at an offset", content: withCode("b = a[j,k] + a[j,k+1]", {}), at: { needle: "a[j,k+1]" }, msg: "no boundary condition for field 'a'" },
  {
    name: "cycle among stencils",
    content: program({ outputs: ["b"], program: {
      b: { computation_string: "b = x[j,k]", boundary_conditions: {}, data_type: "float32" },
      x: { computation_string: "x = y[j,k] + a[j,k]", data_type: "float32" },
      y: { computation_string: "y = x[j,k]", data_type: "float32" },
    } }),
    at: { needle: "y[j,k] +" },
    msg: "dependency cycle among stencils: x -> y -> x",
  },
  // inputs and outputs
  { name: "output that is not a stencil or input", content: program({ outputs: ["b", "nope"] }), at: "$.outputs[1]", msg: "output 'nope' is neither a stencil nor an input" },
  { name: "duplicate output", content: program({ outputs: ["b", "b"] }), at: "$.outputs[1]", msg: "output 'b' is listed twice" },
  { name: "input_dims unknown iterator", content: program({ inputs: { a: { data: 1, data_type: "float32", input_dims: ["x"] } } }), at: "$.inputs.a.input_dims[0]", msg: "unknown iterator 'x'" },
  { name: "input_dims out of order", content: program({ inputs: { a: { data: 1, data_type: "float32", input_dims: ["k", "j"] } } }), at: "$.inputs.a.input_dims[1]", msg: "input_dims must follow the order j, k" },
  { name: "input_dims of a missing dimension", content: program({ inputs: { a: { data: 1, data_type: "float32", input_dims: ["i"] } } }), at: "$.inputs.a.input_dims[0]", msg: "iterator 'i' does not exist in a 2-D program" },
  { name: "inline data of the wrong length", content: program({ inputs: { a: { data: [1, 2, 3], data_type: "float32" } } }), at: "$.inputs.a.data", msg: "inline data has 3 values, shape 4x4 needs 16" },
  { name: "missing data file", content: program({ inputs: { a: { data: "nope.dat", data_type: "float32" } } }), at: "$.inputs.a.data", msg: "data file '" + join(dir, "nope.dat") + "' does not exist" },
  { name: "data file of the wrong size", content: program({ inputs: { a: { data: "four.dat", data_type: "float32" } } }), at: "$.inputs.a.data", msg: "has 16 bytes; shape 4x4 of float32 needs 64" },
  { name: "bad constant data", content: program({ inputs: { a: { data: "constant:one", data_type: "float32" } } }), at: "$.inputs.a.data", msg: "is not \"constant:\" followed by a number" },
  // integer types (issue 7 item 16)
  { name: "% in a float stencil", content: withCode("b = a[j,k] % 2"), at: { needle: "%" }, msg: "operator '%' needs an integer stencil (data_type int32 or int64); 'b' is float32" },
  { name: "<< in a float stencil", content: withCode("b = a[j,k] << 2"), at: { needle: "<<" }, msg: "operator '<<' needs an integer stencil" },
  { name: "~ in a float stencil", content: withCode("b = ~a[j,k]"), at: { needle: "~" }, msg: "operator '~' needs an integer stencil" },
  { name: "fractional literal in an integer stencil", content: intCode("b = a[j,k] * 2.5"), at: { needle: "2.5" }, msg: "literal 2.5 in integer stencil 'b' (int32) must be a whole number" },
  { name: "literal beyond int32", content: intCode("b = a[j,k] + 3000000000"), at: { needle: "3000000000" }, msg: "must be a whole number from 0 to 2147483647" },
  { name: "sqrt in an integer stencil", content: intCode("b = sqrt(a[j,k])"), at: { needle: "sqrt" }, msg: "function 'sqrt' is not defined on integers ('b' is int32); integer stencils can call abs, min, max" },
  { name: "fractional power in an integer stencil", content: intCode("b = a[j,k] ** 1.25"), at: { needle: "1.25" }, msg: "'**' takes a literal exponent from 2 to 4" },
  { name: "fractional int32 constant", content: program({ constants: { K: { value: 1.5, data_type: "int32" } } }), at: "$.constants.K.value", msg: "1.5 is not an int32 value (a whole number in -2147483648..2147483647)" },
  { name: "fractional int32 input data", content: program({ inputs: { a: { data: "constant:1.5", data_type: "int32" }, c: { data: 0.5, data_type: "float64", input_dims: [] } } }), at: "$.inputs.a.data", msg: "1.5 is not an int32 value" },
  { name: "fractional inline int64 data", content: program({ inputs: { a: { data: [[1, 2, 3, 4], [5, 6.5, 7, 8], [1, 2, 3, 4], [1, 2, 3, 4]], data_type: "int64" }, c: { data: 0.5, data_type: "float64", input_dims: [] } } }), at: "$.inputs.a.data[1][1]", msg: "6.5 is not an int64 value" },
  { name: "fractional boundary value of an integer stencil", content: intCode("b = a[j,k+1]", { a: { type: "constant", value: 0.5 } }), at: "$.program.b.boundary_conditions.a.value", msg: "0.5 is not an int32 value" },
  // time loop
  { name: "feedback from a non-output", content: program({ time_loop: { steps: 2, feedback: { a: "a" } } }), at: "$.time_loop.feedback.a", msg: "'a' is not an output" },
  { name: "feedback into a non-input", content: program({ time_loop: { steps: 2, feedback: { b: "b" } } }), at: "$.time_loop.feedback.b", msg: "'b' is not an input" },
  { name: "feedback of mismatched shape", content: program({ time_loop: { steps: 2, feedback: { b: "c" } } }), at: "$.time_loop.feedback.b", msg: "output 'b' has shape (4, 4) but input 'c' has shape () (a scalar)" },
  { name: "zero time steps", content: program({ time_loop: { steps: 0, feedback: { b: "a" } } }), at: "$.time_loop.steps", msg: "must be a positive integer" },
];

describe("malformed programs are rejected with a located UserError", () => {
  test("there are enough cases", () => expect(CASES.length).toBeGreaterThanOrEqual(25));
  test.each(CASES)("$name", ({ content, at, msg }) => {
    const path = write(content);
    const text = typeof content === "string" ? content : JSON.stringify(content, null, 2);
    const e = loadError(path);
    const where = typeof at === "string" ? `${path}: ${at}` : `${path}:${posOf(text, at.needle, at.nth)}`;
    expect(e.where).toBe(where);
    expect(e.message.startsWith(`${where}: `)).toBe(true);
    expect(e.detail).toContain(msg);
  });
});

describe("the command line refuses every malformed program: one line, exit 2, nothing written", () => {
  test.concurrent.each(CASES)("$name", async ({ content }) => {
    const path = write(content);
    const expected = loadError(path).message;
    const out = join(dir, `out-${basename(path, ".json")}`);
    const r = await cli(["generate", path, "-o", out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(expected);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });
});

test("positions account for escapes inside the computation string", () => {
  // The file holds `\n`, `\t` and `\u0031` escapes before the error.
  const text = '{"inputs": {"a": {"data": 1, "data_type": "float32"}}, "outputs": ["b"], "dimensions": [4],\n'
    + ' "program": {"b": {"computation_string": "t = \\u0031;\\n\\tb = t + a[k] + bad", "data_type": "float32"}}}';
  const path = write(text);
  expect(loadError(path).where).toBe(`${path}:${posOf(text, "bad")}`);
  // Syntax errors too (reported at the offending token).
  const text2 = text.replace("+ bad", "+ )");
  const path2 = write(text2);
  expect(loadError(path2).where).toBe(`${path2}:${posOf(text2, ")\"")}`);
  // End of input is reported at the closing quote.
  const text3 = text.replace("+ bad", "+");
  const path3 = write(text3);
  const e3 = loadError(path3);
  const [line, col] = posOf(text3, "+\"").split(":").map(Number);
  expect(e3.where).toBe(`${path3}:${line}:${col! + 1}`);
  expect(e3.detail).toBe("expected an expression, found end of input");
});

test("a missing program file is a UserError", () => {
  const e = loadError(join(dir, "absent.json"));
  expect(e.message).toBe(`${join(dir, "absent.json")}: program file does not exist`);
});

test("valid variations are accepted", () => {
  // Constants, a boundary condition for a field that is not read, fields read only at the centre
  // without a boundary condition, a 1-D program, a time loop, nested inline data, an input as output.
  const text = JSON.stringify({
    inputs: { u: { data: [[1, 2], [3, 4]], data_type: "float64", input_dims: ["k"] }, v: { data: "constant:2", data_type: "float64", input_dims: ["k"] } },
    outputs: ["w", "u"],
    dimensions: [4],
    constants: { alpha: { value: 0.5, data_type: "float64" } },
    time_loop: { steps: 3, feedback: { w: "v" } },
    program: { w: { computation_string: "t = u[k] * alpha\nw = t + v[k-1]\n", boundary_conditions: { v: { type: "copy" }, zz: { type: "shrink" } }, data_type: "float64" } },
  });
  const b = parseProgram(text, "inline.json", dir);
  expect(b.iterators).toEqual(["k"]);
  expect(b.sdfg.constants).toEqual({ alpha: { value: 0.5, dtype: "float64" } });
  expect(b.timeLoop).toEqual({ steps: 3, feedback: { w: "v" } });
  expect(b.sdfg.returnedInputs).toEqual(["u"]); // returned unchanged (an input the loop feeds back cannot be)
  expect(b.inputs[0]!.source).toEqual({ kind: "values", values: [1, 2, 3, 4] });
  const node = b.sdfg.states[0]!.nodes.find((n) => n.kind === "stencil");
  expect(node && node.kind === "stencil" && node.inputs).toEqual({
    u: { data: "u", axes: [0], boundary: { type: "constant", value: 0 } },
    v: { data: "v", axes: [0], boundary: { type: "copy" } },
  });
  expect(parseProgram(text, "3d-weird name.json", dir).name).toBe("p3d_weird_name");
  expect(parseProgram(text, "/x/main.json", dir).name).toBe("prog_main");
});
