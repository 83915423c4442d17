// Inspects every loop of the generated linear-algebra kernels (Vitis HLS and Intel OpenCL) for
// what would keep it from II=1: a loop nested in a pipelined loop, a floating-point scalar that
// feeds itself through arithmetic, and an array whose written value depends on what was read
// from it (an accumulation) without a true-dependence distance (HLS DEPENDENCE ... distance=D /
// aoc ivdep safelen(D)) at least the adder's latency. The checker is shown to catch each.
import { describe, expect, it } from "vitest";
import { emitLinalgVitisKernel } from "../../src/hls/vitis_linalg.js";
import { emitLinalgOpenclKernels } from "../../src/intel/linalg_kernel.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { operatorLatency } from "../../src/spatial/op_latency.js";
import { streamed } from "./helpers.js";

interface Loop { fn: string; head: string; body: string[]; before: string }

/** Text between the brace opening at `open` and its match. */
function braced(lines: string[], open: number): { body: string[]; end: number } {
  let depth = 0;
  for (let n = open; n < lines.length; n++) {
    for (const ch of lines[n]!) {
      if (ch === "{") depth++;
      if (ch === "}") depth--;
    }
    if (depth === 0) return { body: lines.slice(open + 1, n), end: n };
  }
  throw new Error("unbalanced braces");
}

/** Every innermost `for` loop, with the function it is in. */
function innermostLoops(code: string): { loops: Loop[]; functions: Map<string, string[]> } {
  const lines = code.split("\n");
  const loops: Loop[] = [];
  const functions = new Map<string, string[]>();
  lines.forEach((line, n) => {
    const f = /^(?:static void|__kernel void|extern "C" void) (\w+)\(/.exec(line);
    if (f) functions.set(f[1]!, braced(lines, n).body);
  });
  for (const [fn, body] of functions) {
    body.forEach((line, n) => {
      if (!/^\s*for \(/.test(line)) return;
      const inner = braced(body, n).body;
      if (inner.some((l) => /^\s*for \(/.test(l))) return;
      loops.push({ fn, head: line.trim(), body: inner, before: body[n - 1]?.trim() ?? "" });
    });
  }
  return { loops, functions };
}

const DECL = /^(?:const\s+)?(?:double|float|int|bool|long|\w+_vec_|double\d+|float\d+)\s+(\w+)/;

/** Constructs in the loop that would keep it from II=1, and the arrays it accumulates into. */
function inspectLoop(loop: Loop, fnBody: string[], vendor: "hls" | "intel", latency: number): { problems: string[]; accumulators: string[] } {
  const problems: string[] = [];
  const accumulators: string[] = [];
  const where = `${loop.fn}: ${loop.head}`;
  if (vendor === "hls" && loop.body.find((l) => l.trim() !== "")?.trim() !== "#pragma HLS PIPELINE II=1") problems.push(`${where}: not pipelined at II=1`);
  if (loop.body.some((l) => /\b(while|do)\b/.test(l))) problems.push(`${where}: a nested loop`);
  const locals = new Map<string, Set<string>>();
  const depsOf = (expr: string): Set<string> => {
    const out = new Set<string>();
    for (const m of expr.matchAll(/\b([A-Za-z_]\w*)\b/g)) {
      const id = m[1]!;
      for (const d of locals.get(id) ?? [id]) out.add(d);
    }
    return out;
  };
  // `T name`, `T name[N]` or one of `T a = 0, name = 0`.
  const outerType = (name: string) => fnBody.map((l) => new RegExp(`^\\s*(\\w+)\\s+(?:\\w+(?:\\[\\d+\\])?\\s*(?:=\\s*[^,;]+)?,\\s*)*${name}\\b(\\[)?`).exec(l)).find((m) => m && m[1] !== "return");
  const statements = loop.body.flatMap((l) => l.split(";")).map((s) => s.trim().replace(/^\}?\s*else\s*\{?\s*/, "").replace(/^if \((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\s*\{?\s*/, "").trim());
  for (const s of statements) {
    const decl = DECL.exec(s);
    if (decl) {
      const eq = s.indexOf("=");
      locals.set(decl[1]!, eq >= 0 ? depsOf(s.slice(eq + 1)) : new Set());
      continue;
    }
    // `x = …`, `x[i] = …`, and OpenCL lanes `x.s3 = …`.
    const m = /^(\w+)(\[[^=]*\])?(?:\.s[0-9a-f])?\s*(\+=|-=|\*=|=)(?!=)\s*(.*)$/.exec(s);
    if (!m) continue;
    const [, name, index, op, rhs] = m as unknown as [string, string, string | undefined, string, string];
    const deps = depsOf(rhs);
    if (op !== "=") deps.add(name);
    if (locals.has(name)) { for (const d of deps) locals.get(name)!.add(d); continue; }
    if (!deps.has(name)) continue;
    const decl2 = outerType(name);
    const isArray = Boolean(index) && Boolean(decl2?.[2]);
    if (!isArray) {
      if (decl2 && /^(int|long|bool)$/.test(decl2[1]!)) continue; // a counter: integer increments meet II=1
      problems.push(`${where}: '${name}' feeds itself through arithmetic every iteration`);
      continue;
    }
    accumulators.push(name);
    const distance = vendor === "hls"
      ? fnBody.map((l) => new RegExp(`#pragma HLS DEPENDENCE variable=${name} type=inter direction=RAW dependent=true distance=(\\d+)`).exec(l)).find(Boolean)?.[1]
      : /^#pragma ivdep safelen\((\d+)\)$/.exec(loop.before)?.[1];
    if (distance === undefined) problems.push(`${where}: '${name}' accumulates with no stated dependence distance`);
    else if (Number(distance) < latency) problems.push(`${where}: '${name}' is read again after ${distance} iterations, sooner than the adder's ${latency} cycles`);
  }
  if (vendor === "hls" && fnBody.some((l) => /dependent=false/.test(l))) problems.push(`${loop.fn}: a dependence declared false`);
  return { problems, accumulators };
}

function inspect(code: string, vendor: "hls" | "intel", latency: number) {
  const { loops, functions } = innermostLoops(code);
  const results = loops.map((l) => inspectLoop(l, functions.get(l.fn)!, vendor, latency));
  return { loops: loops.length, problems: results.flatMap((r) => r.problems), accumulators: results.flatMap((r) => r.accumulators) };
}

const CONFIGS = [
  { program: "gemm", W: 4, P: 4 }, { program: "gemm", W: 1, P: 2 }, { program: "k2mm", W: 2, P: 2 },
  { program: "atax", W: 2, P: 1 }, { program: "mvt", W: 4, P: 1 }, { program: "mvt", W: 1, P: 1 },
  { program: "gemver", W: 4, P: 1 }, { program: "gemver", W: 1, P: 1 },
];

describe("every generated linear-algebra loop is written for II=1", () => {
  const latency = operatorLatency("add", "float64");
  it.for(CONFIGS)("$program at W=$W, P=$P", ({ program, W, P }) => {
    const { bundle } = streamed(program);
    const p = lowerToPipeline(bundle.sdfg, { vectorWidth: W, replicas: P });
    const hls = inspect(emitLinalgVitisKernel(p, { sources: bundle.sources, programFile: program }), "hls", latency);
    const cl = inspect(emitLinalgOpenclKernels(p, { sources: bundle.sources, programFile: program }), "intel", latency);
    expect(hls.problems).toEqual([]);
    expect(cl.problems).toEqual([]);
    // The inspection saw every process's loops and the accumulators of every PE.
    const pes = p.linalg!.processes.filter((x) => x.kind === "systolic-pe" || x.kind === "matrix-vector").length;
    expect(hls.accumulators.length).toBe(pes);
    expect(cl.accumulators.length).toBe(pes);
    expect(hls.loops).toBeGreaterThanOrEqual(p.linalg!.processes.length);
  });
});

describe("the inspection catches what breaks II=1", () => {
  const bad = (dependence: string, loopPragma = "#pragma HLS PIPELINE II=1") => [
    "static void bad_(hls::stream<double>& in_, hls::stream<double>& out_) {",
    "  double sum_ = 0.0;",
    "  double acc_[4];",
    dependence,
    "  for (int i_ = 0; i_ < 16; ++i_) {",
    loopPragma,
    "    sum_ = sum_ + in_.read();",
    "    const double p_ = acc_[i_ % 4];",
    "    acc_[i_ % 4] = p_ + 1.0;",
    "  }",
    "  out_.write(sum_);",
    "}",
  ].join("\n");

  it("a scalar accumulation, an accumulation array with no distance, a missing pipeline", () => {
    expect(inspect(bad(""), "hls", 8).problems).toEqual([
      "bad_: for (int i_ = 0; i_ < 16; ++i_) {: 'sum_' feeds itself through arithmetic every iteration",
      "bad_: for (int i_ = 0; i_ < 16; ++i_) {: 'acc_' accumulates with no stated dependence distance",
    ]);
    expect(inspect(bad("", ""), "hls", 8).problems[0]).toBe("bad_: for (int i_ = 0; i_ < 16; ++i_) {: not pipelined at II=1");
  });

  it("a distance shorter than the adder latency, or a dependence declared false", () => {
    const short = inspect(bad("#pragma HLS DEPENDENCE variable=acc_ type=inter direction=RAW dependent=true distance=4"), "hls", 8).problems;
    expect(short).toContain("bad_: for (int i_ = 0; i_ < 16; ++i_) {: 'acc_' is read again after 4 iterations, sooner than the adder's 8 cycles");
    expect(inspect(bad("#pragma HLS DEPENDENCE variable=acc_ type=inter dependent=false"), "hls", 8).problems).toContain("bad_: a dependence declared false");
  });
});
