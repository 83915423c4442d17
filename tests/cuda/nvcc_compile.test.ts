// Every example and StencilFlow program generates CUDA kernels that nvcc compiles with warnings as
// errors (device and host side), for the default architecture; the host (host.cu, the same code
// around other names and sizes) is compiled for the examples and the math-function programs only,
// since each host compile costs several seconds of the suite's time on 2 cores. Compile only (-c): nothing is linked, and
// the objects are cached by content like the g++ builds. Skipped only where nvcc is truly absent.
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { compileCached, findNvcc } from "../../src/emulate/build_cache.js";
import { nvccCompileOnly } from "../../src/emulate/cuda_emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { CUDA_SOURCES } from "../../src/targets/cuda_project.js";
import { jsonFiles, PEERS } from "../helpers.js";

// Plus every math function a program may call (no example uses one), in float32 and float64.
const programs = [...jsonFiles("stencils"), ...jsonFiles(PEERS), ...jsonFiles("tests/cuda/programs")];
const hostCompiled = new Set([...jsonFiles("stencils"), ...jsonFiles("tests/cuda/programs")]);
const nvcc = findNvcc();
if (nvcc === null) console.warn("tests/cuda/nvcc_compile.test.ts: SKIPPED, nvcc not found (set NVCC or install the CUDA toolkit)");

describe.skipIf(nvcc === null).concurrent("nvcc compiles the generated CUDA with -Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror", () => {
  it.for(programs.flatMap((p) => CUDA_SOURCES.filter((s) => s !== "host.cu" || hostCompiled.has(p)).map((s) => [`${basename(p)} ${s}`, p, s] as const)))("%s", async ([, path, source], { expect: check }) => {
    const request = nvccCompileOnly(loadProgram(path), source);
    check(request.flags).toEqual(expect.arrayContaining(["-c", "-arch=sm_90", "-Werror", "all-warnings", "-Wall,-Wextra,-Werror"]));
    const r = await compileCached(request);
    check(r.binary.endsWith(source.replace(/\.cu$/, ".o"))).toBe(true);
  });
});
