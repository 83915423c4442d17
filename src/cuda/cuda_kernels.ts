// CUDA kernels for a stencil program, generated from the SDFG like the CPU reference: one
// `__global__` kernel per stencil over its whole domain. The value of a cell is a
// `__host__ __device__` function printed by the same code as the reference's loop body
// (src/codegen/whole_array.ts), so boundary conditions and the float order of operations are the
// reference's. Threads: the innermost axis on threadIdx.x (consecutive threads read consecutive
// addresses), the next on y, the outermost on z; grid-stride loops on every axis, so any grid
// covers any domain and out-of-range threads do nothing. Halos come through the L1/L2 caches:
// there is no shared-memory tiling.

import { UserError } from "../ir/diagnostics.js";
import { cppTypeName, integerHelpers, needsIntegerHelpers, printAssignments } from "../codegen/c_expr.js";
import { emitSourceComment } from "../codegen/user_text.js";
import { CodeWriter } from "../codegen/code_writer.js";
import { linearIndex, stencilOutputData, wholeArrayContext } from "../codegen/whole_array.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import { accessesOf, namesOf } from "../ir/expr.js";
import { linalgNodes, stencilsInOrder, verticalSolverNodes, type SDFG, type StencilNode } from "../ir/sdfg.js";

/** Coordinate variables, outermost first (the CPU reference's loop variables). */
const COORDS = ["i_", "j_", "k_"];
/** CUDA's thread axes for the domain axes, innermost first. */
const THREAD_AXES = ["x", "y", "z"];
/** Grid limits per thread axis (CUDA: 2^31 - 1 blocks in x, 65535 in y and z). */
const GRID_LIMIT = [2 ** 31 - 1, 65535, 65535];

export const KERNELS_HEADER = "kernels.h";

/** One launched kernel: its stencil, the data it reads (arrays and scalars) and writes. */
export interface CudaStencil {
  stencil: StencilNode;
  output: string;
  /** Data names the code reads, in first-use order: arrays then scalars keep that order. */
  reads: string[];
  block: [number, number, number];
  grid: [number, number, number];
}

/** The coordinate type: `int` while every index fits, else `long long`. */
export function indexType(sdfg: SDFG): string {
  const largest = Math.max(1, ...Object.values(sdfg.arrays).map((d) => (d.kind === "array" ? d.shape.map(Number).reduce((a, b) => a * b, 1) : 1)));
  return largest < 2 ** 31 ? "int" : "long long";
}

/**
 * Threads per block along x, y, z. A warp spans 32 cells of the innermost axis. A 3-D stencil that
 * reads neighbours along the outermost axis gets 4 planes per block (32 x 4 x 4), so most of
 * those neighbours are in the block's own footprint and come from L1 rather than L2: the block
 * fetches (32+2)(4+2)(4+2) cells for 512 instead of (32+2)(8+2)3 for 256. Others get 32 x 8.
 */
function blockShape(s: StencilNode): [number, number, number] {
  const rank = s.domain.length;
  if (rank === 1) return [256, 1, 1];
  const outerOffsets = rank === 3 && accessesOf(s.code).some((a) => a.offset[0] !== 0);
  return outerOffsets ? [32, 4, 4] : [32, 8, 1];
}

export function cudaStencils(sdfg: SDFG): CudaStencil[] {
  const reduce = sdfg.states[0]!.nodes.find((n) => n.kind === "reduce");
  if (reduce) throw new UserError("--target cuda", `has no reductions yet: '${reduce.label}' (use --target xilinx, intel or cpu)`);
  return stencilsInOrder(sdfg.states[0]!).map((s) => {
    const used = new Set([...accessesOf(s.code).map((a) => a.field), ...namesOf(s.code)]);
    const reads = Object.keys(s.inputs).filter((n) => used.has(n)).map((n) => s.inputs[n]!.data);
    const block = blockShape(s);
    // Thread axis t covers domain axis rank-1-t.
    const extents = [...s.domain].reverse();
    const grid = [0, 1, 2].map((t) => Math.min(GRID_LIMIT[t]!, Math.ceil((extents[t] ?? 1) / block[t]!))) as [number, number, number];
    return { stencil: s, output: stencilOutputData(sdfg, s), reads: [...new Set(reads)], block, grid };
  });
}

/** Where the kernels' math functions live (std's, plus min/max callable on the device). */
const MATH_NAMESPACE = "sdfg_math";

const cellName = (s: StencilNode) => `${s.label}_cell_`;
const kernelName = (s: StencilNode) => `${s.label}_kernel_`;
/** The host function that launches a stencil's kernel. */
export const launcherName = (s: StencilNode) => `${s.label}_launch_`;
/** The copy kernel's launcher (`--bandwidth`). */
export const COPY_LAUNCHER = "sdfg_copy_launch_";

function cType(sdfg: SDFG, data: string): string {
  return DTYPE_INFO[sdfg.arrays[data]!.dtype].cType;
}

function isScalar(sdfg: SDFG, data: string): boolean {
  return sdfg.arrays[data]!.kind === "scalar";
}

/** Parameters of the kernel and its launcher: the inputs (arrays const), then the output. */
function kernelParams(sdfg: SDFG, k: CudaStencil, restrict: boolean): string[] {
  const r = restrict ? " __restrict__" : "";
  return [
    ...k.reads.map((d) => (isScalar(sdfg, d) ? `const ${cType(sdfg, d)} ${d}` : `const ${cType(sdfg, d)}*${r} ${d}`)),
    `${cType(sdfg, k.output)}*${r} ${k.output}`,
  ];
}

/** kernels.h: the launchers host.cu calls, and how a launch is spelled for nvcc and for g++. */
export function emitKernelsHeader(sdfg: SDFG): string {
  const w = new CodeWriter();
  w.comment(`CUDA kernels of '${sdfg.name}' (generated by sdfg-fpga): one launcher per stencil.`);
  w.directive("#ifndef SDFG_KERNELS_H");
  w.directive("#define SDFG_KERNELS_H");
  w.line();
  w.directive("#if defined(__CUDACC__)");
  w.directive("#include <cuda_runtime.h>");
  w.directive("#define SDFG_LAUNCH(kernel, grid, block, ...) kernel<<<(grid), (block)>>>(__VA_ARGS__)");
  w.directive("#else");
  w.comment("g++ build (make sim, sdfg-fpga emulate): the kernels run on the CPU, thread by thread.");
  w.directive('#include "cuda_host_sim.h"');
  w.directive("#endif");
  w.line();
  for (const k of cudaStencils(sdfg)) {
    w.comment(`Stencil '${k.stencil.label}' over ${k.stencil.domain.join(" x ")}: grid (${k.grid.join(", ")}), block (${k.block.join(", ")}).`);
    w.line(`void ${launcherName(k.stencil)}(${kernelParams(sdfg, k, false).join(", ")});`);
  }
  w.comment("Copies n floats (the reference for achieved bandwidth: host --bandwidth).");
  w.line(`void ${COPY_LAUNCHER}(const float* in, float* out, long long n);`);
  w.line();
  w.directive("#endif");
  return w.toString();
}

/** kernels.cu: per stencil a cell function, a kernel and its launcher; the copy kernel. */
export function emitKernels(sdfg: SDFG, sources: Record<string, string> = {}): string {
  requireStencilNodes(sdfg);
  const w = new CodeWriter();
  const I = indexType(sdfg);
  w.comment([
    `CUDA kernels of '${sdfg.name}' (generated by sdfg-fpga from the SDFG): one kernel per stencil.`,
    "The cell functions are the CPU reference's loop bodies; they compile for the device (nvcc) and",
    "for the host (g++ with cuda_host_sim.h), where the tests compare them with the reference.",
  ].join("\n"));
  const integerTypes = needsIntegerHelpers(stencilsInOrder(sdfg.states[0]!));
  w.directive("#include <cmath>");
  if (integerTypes.length > 0) w.directive("#include <cstdint>");
  w.directive(`#include "${KERNELS_HEADER}"`);
  w.line();
  w.comment([
    "The math functions the cell functions call, for host and device alike. std::min/std::max are",
    "constexpr host functions nvcc refuses in device code: these have their exact definitions.",
  ].join("\n"));
  w.block(`namespace ${MATH_NAMESPACE}`, () => {
    w.line(`using std::ceil; using std::cos; using std::exp; using std::fabs; using std::floor; using std::log; using std::pow; using std::sin; using std::sqrt; using std::tan;`);
    w.line("template <typename T> __host__ __device__ inline T min(const T a, const T b) { return b < a ? b : a; }");
    w.line("template <typename T> __host__ __device__ inline T max(const T a, const T b) { return a < b ? b : a; }");
    if (integerTypes.length > 0) {
      w.comment("Integer abs (the only abs a program has: float stencils print fabs); |INT_MIN| wraps to INT_MIN as in the reference.");
      w.line("__host__ __device__ inline int32_t abs(const int32_t a) { return a < 0 ? int32_t(0u - uint32_t(a)) : a; }");
      w.line("__host__ __device__ inline int64_t abs(const int64_t a) { return a < 0 ? int64_t(0ull - uint64_t(a)) : a; }");
    }
  }, `  // namespace ${MATH_NAMESPACE}`);
  const helpers = integerHelpers(integerTypes, cppTypeName, (d) => DTYPE_INFO[d].unsignedC!);
  if (helpers.length > 0) {
    w.comment("Integer division, remainder and shifts with every case defined, as the CPU reference defines them.");
    // Not static: nvcc warns of unused static functions (the helpers come per type, not per use).
    w.many(helpers.map((l) => l.replace(/^static inline /, "__host__ __device__ inline ")));
  }
  for (const k of cudaStencils(sdfg)) emitStencil(w, sdfg, k, I, sources[k.stencil.label]);
  w.line();
  w.comment("out[n] = in[n]: the copy bandwidth the stencil kernels are measured against.");
  w.block("__global__ void sdfg_copy_kernel_(const float* __restrict__ in, float* __restrict__ out, long long n)", () => {
    w.line("const long long stride = static_cast<long long>(blockDim.x) * gridDim.x;");
    w.line("for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < n; e += stride) out[e] = in[e];");
  });
  w.line();
  w.block(`void ${COPY_LAUNCHER}(const float* in, float* out, long long n)`, () => {
    w.line("const long long blocks = (n + 255) / 256;");
    w.line(`const dim3 grid(static_cast<unsigned>(blocks < ${GRID_LIMIT[0]} ? blocks : ${GRID_LIMIT[0]})), block(256);`);
    w.line("SDFG_LAUNCH(sdfg_copy_kernel_, grid, block, in, out, n);");
  });
  return w.toString();
}

function emitStencil(w: CodeWriter, sdfg: SDFG, k: CudaStencil, I: string, source: string | undefined): void {
  const s = k.stencil;
  const rank = s.domain.length;
  const coords = COORDS.slice(3 - rank);
  const T = DTYPE_INFO[s.dtype].cType;
  const { statements, result } = printAssignments(s.code, wholeArrayContext(sdfg, s, coords, `${MATH_NAMESPACE}::`), (t) => `${t}_t_`);
  const body = [...statements, result].join("\n");
  const cellParams = [
    ...coords.map((c) => `const ${I} ${c}`),
    ...k.reads.map((d) => (isScalar(sdfg, d) ? `const ${cType(sdfg, d)} ${d}` : `const ${cType(sdfg, d)}* __restrict__ ${d}`)),
  ];
  w.line();
  emitSourceComment(w, s.label, source);
  w.comment("The value of one cell; out-of-domain reads follow the boundary conditions as in the CPU reference.");
  w.block(`__host__ __device__ inline ${T} ${cellName(s)}(${cellParams.join(", ")})`, () => {
    for (const c of coords) if (!new RegExp(`\\b${c}\\b`).test(body)) w.line(`(void)${c};`);
    w.many(statements);
    w.line(`return ${result};`);
  });
  w.line();
  w.comment(`One thread per cell: ${coords[rank - 1]} on threadIdx.x, grid-stride loops over the ${s.domain.join(" x ")} domain.`);
  w.block(`__global__ void ${kernelName(s)}(${kernelParams(sdfg, k, true).join(", ")})`, () => {
    const open = (a: number): void => {
      if (a === rank) {
        const index = linearIndex([...Array(rank).keys()], s.domain, (x) => coords[x]!);
        w.line(`${k.output}[${index}] = ${cellName(s)}(${[...coords, ...k.reads].join(", ")});`);
        return;
      }
      const t = THREAD_AXES[rank - 1 - a]!;
      const c = coords[a]!;
      const first = `static_cast<${I}>(blockIdx.${t}) * static_cast<${I}>(blockDim.${t}) + static_cast<${I}>(threadIdx.${t})`;
      const stride = `static_cast<${I}>(blockDim.${t}) * static_cast<${I}>(gridDim.${t})`;
      w.block(`for (${I} ${c} = ${first}; ${c} < ${s.domain[a]}; ${c} += ${stride})`, () => open(a + 1));
    };
    open(0);
  });
  w.line();
  w.block(`void ${launcherName(s)}(${kernelParams(sdfg, k, false).join(", ")})`, () => {
    w.line(`const dim3 grid_(${k.grid.join(", ")}), block_(${k.block.join(", ")});`);
    w.line(`SDFG_LAUNCH(${kernelName(s)}, grid_, block_, ${[...k.reads, k.output].join(", ")});`);
  });
}

/** CUDA kernels exist for stencils only: linear-algebra nodes are refused by name, in one line. */
export function requireStencilNodes(sdfg: SDFG): void {
  const vertical = verticalSolverNodes(sdfg.states[0]!)[0];
  if (vertical) throw new UserError("--target cuda", `has no vertical-solver kernels yet ('${vertical.label}', ${vertical.sweeps.length} sweeps along k): use --target xilinx, intel or cpu for streamed vertical solvers`);
  const linalg = linalgNodes(sdfg.states[0]!)[0];
  if (linalg) throw new UserError("--target cuda", `has no ${({ matvec: "matrix-vector", matmul: "matrix-matrix", "rank-update": "rank-update", "vector-sum": "vector-sum", "radial-bin": "binning" } as const)[linalg.kind]} kernels yet ('${linalg.label}'): use --target xilinx, intel or cpu for streamed linear algebra`);
}
