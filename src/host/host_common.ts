// The vendor-neutral parts of every generated host program: command-line options, loading the
// inputs from DIR/<name>.npy, saving the outputs and verifying them against reference files with
// the tolerances below. The XRT host (Vitis) and the OpenCL host (Intel) wrap them around their
// own runtime calls.

import type { CodeWriter } from "../codegen/code_writer.js";
import { DTYPE_INFO, type DType } from "../ir/dtype.js";
import { writtenElements, type Pipeline } from "../spatial/pipeline.js";

/** Relative and absolute tolerances the generated verifiers use, per type. */
export const TOLERANCE = {
  float32: { rtol: 1e-5, atol: 1e-6 }, float64: { rtol: 1e-12, atol: 1e-14 },
  // Integers compare exactly.
  int32: { rtol: 0, atol: 0 }, int64: { rtol: 0, atol: 0 },
} as const;

/** An array or scalar the host moves between .npy files and the device. */
export interface HostArgument {
  name: string;
  kind: "input" | "output" | "scalar";
  dtype: DType;
  /** Elements (not vectors) of the array. */
  elements: number;
}

/** Shape of an input, output or scalar as the .npy files hold it. */
export function shapeOfArgument(p: Pipeline, name: string): number[] {
  let index = readerIndex.get(p.readers);
  if (!index || index.size !== p.readers.length) {
    index = new Map(p.readers.map((r) => [r.array, r]));
    readerIndex.set(p.readers, index);
  }
  const r = index.get(name);
  if (r) return r.shape;
  if (p.scalars.some((s) => s.name === name)) return [];
  const shaped = p.writers.find((w) => w.array === name)?.shape;
  if (shaped) return shaped;
  const reduced = p.writers.find((w) => w.array === name && w.rowVectors !== undefined);
  if (reduced) return [writtenElements(p, reduced)];
  return p.domain.slice(3 - p.rank);
}

/** Readers by array, per pipeline: a host with thousands of arguments stays linear. */
const readerIndex = new WeakMap<Pipeline["readers"], Map<string, Pipeline["readers"][number]>>();

/** `close_enough_`: element-wise comparison with a relative and an absolute tolerance. */
export function emitCloseEnough(w: CodeWriter): void {
  w.comment("Element-wise comparison with a relative and an absolute tolerance; NaN matches NaN, an infinity the same infinity.");
  w.line("template <typename T>");
  w.block("static bool close_enough_(const std::vector<T>& got, const std::vector<T>& want, double rtol, double atol, const char* name)", () => {
    w.line("std::size_t bad = 0;");
    w.block("for (std::size_t n = 0; n < got.size(); ++n)", () => {
      w.line("const double a = got[n], b = want[n];");
      w.line("if (std::isnan(a) && std::isnan(b)) continue;");
      w.line("if (a == b) continue; // equal values, infinities of the same sign included");
      w.line("const bool finite_ = std::isfinite(a) && std::isfinite(b); // else unequal: an infinite tolerance must not accept it");
      w.block("if (!finite_ || !(std::fabs(a - b) <= atol + rtol * std::fabs(b)))", () => {
        w.line('if (bad < 5) std::fprintf(stderr, "%s[%zu]: got %.9g, expected %.9g\\n", name, n, a, b);');
        w.line("++bad;");
      });
    });
    w.line('if (bad > 0) std::fprintf(stderr, "%s: %zu of %zu elements differ\\n", name, bad, got.size());');
    w.line("return bad == 0;");
  });
}

export interface HostOption {
  /** `--xclbin` */
  flag: string;
  /** C++ variable holding the value, e.g. `xclbin_`. */
  variable: string;
  /** Default value (C++ string literal contents). */
  value: string;
}

/**
 * Declares `inputs_`, `outputs_`, `verify_` and the vendor's own options, and parses
 * `--flag value` pairs from argv; an unknown flag ends the program with exit code 2.
 */
export function emitOptionParsing(w: CodeWriter, vendor: HostOption[]): void {
  const decls = [...vendor.map((o) => `${o.variable} = "${o.value}"`), 'inputs_ = "data"', 'outputs_ = "."', "verify_"];
  w.line(`std::string ${decls.join(", ")};`);
  w.block("for (int a_ = 1; a_ + 1 < argc; a_ += 2)", () => {
    w.line("const std::string flag_ = argv[a_], value_ = argv[a_ + 1];");
    const all = [...vendor.map((o) => [o.flag, o.variable]), ["--inputs", "inputs_"], ["--outputs", "outputs_"], ["--verify", "verify_"]];
    all.forEach(([flag, variable], n) => w.line(`${n === 0 ? "" : "else "}if (flag_ == "${flag}") ${variable} = value_;`));
    w.line('else { std::fprintf(stderr, "unknown option %s\\n", flag_.c_str()); return 2; }');
  });
}

/** The R x S x K shape of an array the device holds plane-major (pipeline.ts `planeMajor`), else undefined. */
function planeMajorShape(p: Pipeline, name: string): [number, number, number] | undefined {
  const x = p.readers.find((r) => r.array === name) ?? p.writers.find((r) => r.array === name);
  if (!x?.planeMajor) return undefined;
  const s = shapeOfArgument(p, name);
  if (s.length !== 3) throw new Error(`plane-major '${name}' is not 3-D`);
  return s as [number, number, number];
}

/**
 * Copies between NumPy's order (r, s, k; k innermost) and the device's plane-major order (k, r, s):
 * `toDevice` from `from` into `to`, else back.
 */
function emitPlaneMajorCopy(w: CodeWriter, [R, S, K]: [number, number, number], from: string, to: string, toDevice: boolean): void {
  const numpy = `(r_ * ${S} + s_) * ${K} + k_`;
  const device = `(k_ * ${R} + r_) * ${S} + s_`;
  w.block(`for (std::size_t r_ = 0; r_ < ${R}; ++r_)`, () => w.block(`for (std::size_t s_ = 0; s_ < ${S}; ++s_)`, () => w.block(`for (std::size_t k_ = 0; k_ < ${K}; ++k_)`, () => {
    w.line(toDevice ? `${to}[${device}] = ${from}[${numpy}];` : `${to}[${numpy}] = ${from}[${device}];`);
  })));
}

/** Host vectors `<name>_host_` for arrays, plain variables for scalars, loaded from `inputs_`. */
export function emitHostBuffers(w: CodeWriter, p: Pipeline, args: HostArgument[]): void {
  for (const a of args) {
    const T = DTYPE_INFO[a.dtype].cType;
    const shapeText = `{${shapeOfArgument(p, a.name).join(", ")}}`;
    const planeMajor = planeMajorShape(p, a.name);
    if (a.kind === "input" && planeMajor) {
      w.comment(`'${a.name}' plane-major, as the kernel reads it: W neighbouring columns of a plane are one wide word.`);
      w.line(`const std::vector<${T}> ${a.name}_numpy_ = sdfg_npy::load<${T}>(inputs_ + "/${a.name}.npy", ${shapeText});`);
      w.line(`std::vector<${T}> ${a.name}_host_(${a.elements});`);
      emitPlaneMajorCopy(w, planeMajor, `${a.name}_numpy_`, `${a.name}_host_`, true);
    } else if (a.kind === "input") w.line(`const std::vector<${T}> ${a.name}_host_ = sdfg_npy::load<${T}>(inputs_ + "/${a.name}.npy", ${shapeText});`);
    if (a.kind === "scalar") w.line(`const ${T} ${a.name} = sdfg_npy::load<${T}>(inputs_ + "/${a.name}.npy", {})[0];`);
    if (a.kind === "output") w.line(`std::vector<${T}> ${a.name}_host_(${a.elements});`);
  }
}

/**
 * Prints the kernel time (the C++ variable `secondsVariable`: the kernel runs alone), saves every
 * output to `outputs_`, verifies against `verify_`, returns.
 */
export function emitFinish(w: CodeWriter, p: Pipeline, args: HostArgument[], secondsVariable: string): void {
  w.line(`const double seconds_ = ${secondsVariable};`);
  const cells = p.domain[0] * p.domain[1] * p.domain[2];
  w.line(`std::printf("kernel: %.6f s, %.3e cells/s\\n", seconds_, ${cells} / seconds_);`);
  w.line();
  w.line("bool ok_ = true;");
  w.line("std::filesystem::create_directories(outputs_);");
  for (const a of args.filter((x) => x.kind === "output")) {
    const T = DTYPE_INFO[a.dtype].cType;
    const shape = shapeOfArgument(p, a.name);
    const planeMajor = planeMajorShape(p, a.name);
    if (planeMajor) {
      w.comment(`'${a.name}' came back plane-major (the kernel's order): back to NumPy's.`);
      w.line(`const std::vector<${T}> ${a.name}_planes_ = ${a.name}_host_;`);
      emitPlaneMajorCopy(w, planeMajor, `${a.name}_planes_`, `${a.name}_host_`, false);
    }
    w.line(`sdfg_npy::save<${T}>(outputs_ + "/${a.name}.npy", {${shape.join(", ")}}, ${a.name}_host_.data());`);
    const tol = TOLERANCE[a.dtype];
    w.block("if (!verify_.empty())", () => {
      w.line(`const std::vector<${T}> want_ = sdfg_npy::load<${T}>(verify_ + "/${a.name}.npy", {${shape.join(", ")}});`);
      w.line(`ok_ = close_enough_(${a.name}_host_, want_, ${tol.rtol}, ${tol.atol}, "${a.name}") && ok_;`);
    });
  }
  for (const r of p.returnedInputs ?? []) {
    const T = DTYPE_INFO[r.dtype].cType;
    const shape = `{${r.shape.join(", ")}}`;
    w.comment(`'${r.name}' is an input the program also returns: saved as it was read.`);
    w.line(`const std::vector<${T}> ${r.name}_returned_ = sdfg_npy::load<${T}>(inputs_ + "/${r.name}.npy", ${shape});`);
    w.line(`sdfg_npy::save<${T}>(outputs_ + "/${r.name}.npy", ${shape}, ${r.name}_returned_.data());`);
    const tol = TOLERANCE[r.dtype];
    w.block("if (!verify_.empty())", () => {
      w.line(`const std::vector<${T}> want_ = sdfg_npy::load<${T}>(verify_ + "/${r.name}.npy", ${shape});`);
      w.line(`ok_ = close_enough_(${r.name}_returned_, want_, ${tol.rtol}, ${tol.atol}, "${r.name}") && ok_;`);
    });
  }
  w.line('if (!verify_.empty()) std::printf(ok_ ? "verification passed\\n" : "verification FAILED\\n");');
  w.line("return ok_ ? 0 : 1;");
}

/**
 * Runs the kernel for the program's time loop: ceil(T/P) passes, each doing `steps_` = up to P
 * steps, with every fed-back output becoming the next pass's input (`swap(input, output)` gives
 * the statement that exchanges the two buffers). Without a time loop: one pass.
 */
export function emitPasses(w: CodeWriter, p: Pipeline, args: HostArgument[], runPass: () => void, swap: (input: string, output: string) => string): void {
  if (p.timeSteps === 1 && (p.replicas === 1 || p.linalg)) {
    runPass();
    return;
  }
  const names = new Set(args.map((a) => a.name));
  const pairs = Object.entries(p.feedback).filter(([o, i]) => names.has(o) && names.has(i));
  w.comment(`Time loop: ${p.timeSteps} steps in passes of up to ${p.replicas}; ${pairs.map(([o, i]) => `${o} becomes ${i}`).join(", ")} between passes.`);
  w.block(`for (int done_ = 0; done_ < ${p.timeSteps};)`, () => {
    w.line(`const int steps_ = std::min(${p.replicas}, ${p.timeSteps} - done_);`);
    if (p.replicas === 1) w.line("(void)steps_;");
    runPass();
    w.line("done_ += steps_;");
    if (pairs.length > 0) w.block(`if (done_ < ${p.timeSteps})`, () => { for (const [o, i] of pairs) w.line(swap(i, o)); });
  });
}
