// The CUDA project as a user gets it (`generate --target cuda`), and `emulate --target cuda` on a
// machine with or without a GPU: never a pass when nothing ran.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { decodeNpy, encodeNpy } from "../../src/data/npy.js";
import { cudaStencils, emitKernels, indexType } from "../../src/cuda/cuda_kernels.js";
import { loadProgram, parseProgram } from "../../src/frontend/load_program.js";
import { nameProblem } from "../../src/ir/names.js";
import { findNvcc } from "../../src/emulate/build_cache.js";
import { cli, tree } from "../helpers.js";

/** A GPU this process could use (the held-out check runs these tests on one). */
const gpuPresent = existsSync("/dev/nvidia0");
/** emulate --target cuda needs nvcc; only where it is truly absent are those tests skipped. */
const nvcc = findNvcc() !== null;
if (!nvcc) console.warn("tests/cuda/project.test.ts: emulate --target cuda tests SKIPPED, nvcc not found");

describe("generate --target cuda", () => {
  it("writes kernels, host, headers, Makefile, README and data, byte-identical on a rerun", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "cuda-gen-"));
    for (const d of ["a", "b"]) {
      const r = await cli(["generate", "stencils/hdiff_t7.json", "--target", "cuda", "-o", join(tmp, d)]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const a = tree(join(tmp, "a"));
    const b = tree(join(tmp, "b"));
    for (const f of ["kernels.cu", "kernels.h", "host.cu", "sdfg_npy.h", "cuda_host_sim.h", "Makefile", "README.md", "hdiff_t7.sdfg.json", "data/u.npy", "data/coeff.npy"]) expect(a.has(f), f).toBe(true);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
    const make = a.get("Makefile")!.toString();
    expect(make).toMatch(/^ARCH \?= sm_90$/m);
    expect(make).toMatch(/^\t\$\(NVCC\) \$\(NVCCFLAGS\) -arch=\$\(ARCH\) \$\(WARNINGS\) -I\. kernels\.cu host\.cu -o \$@$/m);
    expect(make).toMatch(/^NVCCFLAGS \?= -O3 /m);
  });

  it("one kernel per stencil, innermost axis on threadIdx.x, and a grid that covers the domain", () => {
    const bundle = loadProgram("stencils/hdiff.json");
    const cu = emitKernels(bundle.sdfg, bundle.sources);
    const ks = cudaStencils(bundle.sdfg);
    expect(ks.map((k) => k.stencil.label)).toEqual(["lap", "flx", "fly", "out"]);
    // One kernel per stencil plus the copy kernel of --bandwidth.
    expect(cu.match(/^__global__ void /gm)!.length).toBe(ks.length + 1);
    for (const k of ks) {
      expect(cu).toMatch(new RegExp(`__global__ void ${k.stencil.label}_kernel_\\(`));
      const [ni, nj, nk] = k.stencil.domain as [number, number, number];
      expect(k.grid[0] * k.block[0]).toBeGreaterThanOrEqual(nk);
      expect(k.grid[1] * k.block[1]).toBeGreaterThanOrEqual(nj);
      expect(k.grid[2] * k.block[2]).toBeGreaterThanOrEqual(ni);
    }
    expect(cu).toMatch(/for \(int k_ = static_cast<int>\(blockIdx\.x\) \* static_cast<int>\(blockDim\.x\) \+ static_cast<int>\(threadIdx\.x\); k_ < 64;/);
    expect(cu).toMatch(/for \(int j_ = static_cast<int>\(blockIdx\.y\)/);
    expect(cu).toMatch(/for \(int i_ = static_cast<int>\(blockIdx\.z\)/);
    expect(cu).toMatch(/__host__ __device__ inline float lap_cell_\(/);
  });

  it("a 3-D stencil reading along the outermost axis gets 4 planes per block, others 32 x 8", () => {
    expect(cudaStencils(loadProgram("stencils/jacobi3d.json").sdfg).map((k) => k.block)).toEqual([[32, 4, 4]]);
    expect(cudaStencils(loadProgram("stencils/hdiff.json").sdfg).map((k) => k.block)).toEqual(Array(4).fill([32, 8, 1]));
    expect(cudaStencils(loadProgram("stencils/jacobi2d.json").sdfg).map((k) => k.block)).toEqual([[32, 8, 1]]);
  });

  it("indexes in long long when an array has 2^31 elements or more", () => {
    const prog = (dims: number[]) => parseProgram(JSON.stringify({
      inputs: { a: { data: "constant:1", data_type: "float32" } }, outputs: ["b"], dimensions: dims,
      program: { b: { computation_string: "b = a[i,j,k+1]", boundary_conditions: { a: { type: "copy" } }, data_type: "float32" } },
    }), "big.json", ".");
    expect(indexType(prog([2048, 1024, 1023]).sdfg)).toBe("int");
    const big = prog([2048, 1024, 1024]).sdfg;
    expect(indexType(big)).toBe("long long");
    expect(emitKernels(big)).toMatch(/for \(long long k_ = /);
  });

  it("refuses program names that would shadow CUDA built-ins", () => {
    for (const n of ["threadIdx", "blockDim", "dim3", "float4", "int2", "cudaMalloc", "warpSize"]) expect(nameProblem(n), n).not.toBeNull();
    for (const n of ["thread", "cu", "grid", "block"]) expect(nameProblem(n), n).toBeNull();
  });

  it("the project's `make sim` runs the time loop on the CPU and --verify passes against the reference, fails against altered data", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "cuda-verify-"));
    const dir = join(tmp, "p");
    expect((await cli(["generate", "stencils/diffusion2d_t4.json", "--target", "cuda", "-o", dir])).exitCode).toBe(0);
    const ref = join(tmp, "ref");
    const e = await cli(["emulate", "stencils/diffusion2d_t4.json", "--target", "cpu", "--outputs", ref]);
    expect(e.exitCode, e.stderr).toBe(0);
    const build = await execa("make", ["-s", "host_sim"], { cwd: dir, reject: false, all: true });
    expect(build.exitCode, build.all).toBe(0);
    const ok = await execa("./host_sim", ["--inputs", "data", "--outputs", "out/nested", "--verify", ref, "--repeat", "2"], { cwd: dir, reject: false, all: true });
    expect(ok.exitCode, ok.all).toBe(0);
    expect(ok.stdout).toMatch(/verification passed/);
    expect(ok.stdout).toMatch(/kernel: [0-9.e+-]+ s, [0-9.e+]+ cells\/s, [0-9.]+ GB\/s \(best of 2\)/);
    const got = decodeNpy(readFileSync(join(dir, "out/nested/out.npy")), "out");
    const values = Float64Array.from(got.values);
    values[77] = values[77]! + 1;
    writeFileSync(join(ref, "out.npy"), encodeNpy("float32", got.shape, values));
    const bad = await execa("./host_sim", ["--inputs", "data", "--outputs", "out", "--verify", ref], { cwd: dir, reject: false, all: true });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/verification FAILED/);
    expect(bad.stderr).toMatch(/out\[77\]: got/);
  });
});

describe("emulate --target cuda", () => {
  it.skipIf(gpuPresent || !nvcc)("without a GPU: the host simulation matches, nvcc compiled, nothing ran, exit 4, never ok", async () => {
    const r = await cli(["emulate", "stencils/hdiff.json", "--target", "cuda", "--json"]);
    expect(r.exitCode, r.stderr).toBe(4);
    const j = JSON.parse(r.stdout);
    expect(j.ran).toBe(false);
    expect(j.ok).toBe(false);
    expect(j.message).toMatch(/^compiled, not run: no CUDA device/);
    expect(j.outputs).toEqual([]);
    expect(j.hostSimulation.ok).toBe(true);
    expect(j.hostSimulation.outputs.map((o: { name: string; mismatches: number }) => [o.name, o.mismatches])).toEqual([["out", 0]]);
    expect(j.arch).toBe("sm_90");
    const text = await cli(["emulate", "stencils/hdiff.json", "--target", "cuda"]);
    expect(text.exitCode).toBe(4);
    expect(text.stdout).toMatch(/hdiff: host simulation \(g\+\+\): out \(65536 elements\) matches the CPU reference/);
    expect(text.stdout).toMatch(/hdiff: compiled, not run: no CUDA device/);
  });

  it.runIf(gpuPresent && nvcc)("on a GPU: runs, equals the CPU reference, reports kernel time and bandwidth", async () => {
    const r = await cli(["emulate", "stencils/hdiff_t7.json", "--target", "cuda", "--json"]);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ran).toBe(true);
    expect(j.ok).toBe(true);
    expect(j.outputs.map((o: { mismatches: number }) => o.mismatches)).toEqual([0]);
    expect(j.kernelSeconds).toBeGreaterThan(0);
    expect(j.copyGBs).toBeGreaterThan(0);
  });

  it("without nvcc: one line naming --target cuda, exit 2, nothing on stdout", async () => {
    const r = await execa("node", [join(process.cwd(), "dist/src/cli/main.js"), "emulate", "stencils/jacobi2d.json", "--target", "cuda"], { reject: false, env: { NVCC: "/nonexistent/nvcc" } });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^--target cuda: nvcc was not found/);
  });
});
