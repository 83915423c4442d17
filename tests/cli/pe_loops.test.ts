// Every PE loop is written to reach II=1 (issue 10, item 4): for streamed NPBench programs and
// stencil programs, each processing element's main loop is pipelined at II=1 (Vitis) and says
// why in a comment, every loop inside it is fully unrolled, nothing is accumulated into an array,
// and every array it writes is either a fully partitioned register array or a RAM delay line
// whose true dependence distance is declared (Vitis DEPENDENCE; Intel ivdep safelen). A write
// region (NumPy's A[1:-1] = …) is a select on the PE position, not a branch around the loop.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram, type ProgramBundle } from "../../src/frontend/load_program.js";
import { II_ONE_COMMENT } from "../../src/hls/pe_code.js";
import { emitVitisKernel } from "../../src/hls/vitis_kernel.js";
import { emitOpenclKernels } from "../../src/intel/opencl_kernel.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { streamProgram } from "../../src/spatial/streaming/patterns.js";
import { loadSdfgBundle } from "../../src/targets/sdfg_program.js";
import { SHARED } from "../helpers.js";

function streamed(name: string): ProgramBundle {
  const b = loadSdfgBundle(join(SHARED, "peers", "npbench", name, `${name}.sdfg`));
  const d = streamProgram({ program: b.program, symbols: b.symbols, inputsDir: b.inputsDir, name: b.name, file: b.file });
  if (!d.streamed) throw new Error(`${name} is not streamed`);
  return d.bundle;
}

const configs: [string, () => ProgramBundle, number, number][] = [
  ["jacobi_1d.sdfg", () => streamed("jacobi_1d"), 4, 3],
  ["jacobi_2d.sdfg", () => streamed("jacobi_2d"), 2, 2],
  ["heat_3d.sdfg", () => streamed("heat_3d"), 2, 1],
  ["fdtd_2d.sdfg", () => streamed("fdtd_2d"), 4, 2],
  ["stencils/jacobi3d.json", () => loadProgram("stencils/jacobi3d.json"), 4, 1],
  ["stencils/hdiff_t7.json", () => loadProgram("stencils/hdiff_t7.json"), 2, 3],
];

/** The text of each function whose signature line starts with `head`, up to its closing brace. */
function functions(src: string, head: RegExp): { name: string; lines: string[] }[] {
  const lines = src.split("\n");
  const out: { name: string; lines: string[] }[] = [];
  for (let n = 0; n < lines.length; n++) {
    const m = head.exec(lines[n]!);
    if (!m) continue;
    const body: string[] = [];
    let depth = 0;
    for (let k = n; k < lines.length; k++) {
      body.push(lines[k]!);
      depth += (lines[k]!.match(/\{/g) ?? []).length - (lines[k]!.match(/\}/g) ?? []).length;
      if (depth === 0 && k > n) break;
    }
    out.push({ name: m[1]!, lines: body });
  }
  return out;
}

/** The main loop of a PE: the `for (int t_ …)` line and the lines of its body. */
function mainLoop(lines: string[]): { before: string; loop: string[] } {
  const at = lines.findIndex((l) => /^\s*for \(int t_ = 0;/.test(l));
  expect(at, "a PE has one main loop over t_").toBeGreaterThan(0);
  const loop: string[] = [];
  let depth = 0;
  for (let k = at; k < lines.length; k++) {
    loop.push(lines[k]!);
    depth += (lines[k]!.match(/\{/g) ?? []).length - (lines[k]!.match(/\}/g) ?? []).length;
    if (depth === 0) break;
  }
  return { before: lines[at - 1]!, loop };
}

/** Arrays written in the loop: `name[…] = …` and `name[…][…] = …`, never `+=` and friends. */
function arraysWritten(loop: string[]): string[] {
  const names = new Set<string>();
  for (const l of loop) {
    for (const m of l.matchAll(/\b(\w+)\[[^\]]*\](?:\[[^\]]*\])?\s*(=|\+=|-=|\*=|\/=)(?!=)/g)) {
      expect(m[2], `no accumulation into an array: ${l.trim()}`).toBe("=");
      names.add(m[1]!);
    }
  }
  return [...names];
}

describe.each(configs)("%s (W=%i, P=%i): every PE loop reaches II=1", (_file, load, W, P) => {
  const bundle = load();
  const pipeline = lowerToPipeline(bundle.sdfg, { vectorWidth: W, replicas: P, uram: false });

  it("Vitis HLS: pipelined at II=1, inner loops unrolled, windows partitioned or RAM lines with their distance", () => {
    const src = emitVitisKernel(pipeline, { sources: bundle.sources, programFile: _file });
    const pes = functions(src, /^static void (pe_\w+)\(/);
    expect(pes.map((p) => p.name).sort()).toEqual(pipeline.pes.map((p) => p.name).sort());
    const ramParts = pipeline.pes.flatMap((pe) => pe.inputs.flatMap((i) => i.parts.filter((p) => p.kind === "delay" && p.storage !== "srl"))).length;
    let ramSeen = 0;
    for (const pe of pes) {
      const { before, loop } = mainLoop(pe.lines);
      expect(before.trim()).toBe(`// ${II_ONE_COMMENT}`);
      expect(loop[1]!.trim()).toBe("#pragma HLS PIPELINE II=1 style=frp");
      loop.forEach((l, n) => {
        if (n > 0 && /^\s*for \(/.test(l)) expect(loop[n + 1]!.trim(), `${pe.name}: ${l.trim()}`).toBe("#pragma HLS UNROLL");
        expect(l, pe.name).not.toMatch(/\b(while|goto|do)\b/);
      });
      const text = pe.lines.join("\n");
      for (const a of arraysWritten(loop)) {
        if (a === "out_") continue; // the output vector of this iteration
        const partitioned = text.includes(`#pragma HLS ARRAY_PARTITION variable=${a} type=complete dim=1`);
        const ramLine = new RegExp(`#pragma HLS DEPENDENCE variable=${a} type=inter direction=RAW dependent=true distance=\\d+`).test(text)
          && loop.every((l) => !l.includes(`${a}[`) || l.includes(`${a}[${a.replace(/line(\d+)_$/, "ptr$1_")}]`));
        expect(partitioned || ramLine, `${pe.name}: ${a} is partitioned or a RAM delay line indexed by its pointer`).toBe(true);
        if (ramLine) ramSeen++;
      }
    }
    // Every RAM delay line of the pipeline was one of the arrays checked above.
    expect(ramSeen).toBe(ramParts);
  });

  it("Intel OpenCL: one loop per PE, inner loops unrolled, RAM lines covered by ivdep safelen", () => {
    const src = emitOpenclKernels(pipeline, { sources: bundle.sources, programFile: _file });
    let seen = 0;
    for (const pe of pipeline.pes) {
      const at = src.indexOf(`${pe.name}(`);
      expect(at, pe.name).toBeGreaterThan(0);
      const lines = functions(src.slice(src.lastIndexOf("\n", at) + 1), /^(?:__kernel |kernel )?.*?\b(pe_\w+)\(/)[0]!.lines;
      const { before, loop } = mainLoop(lines);
      seen++;
      expect(before.trim()).toBe(`// ${II_ONE_COMMENT}`);
      loop.forEach((l, n) => {
        if (n > 0 && /^\s*for \(/.test(l)) expect(loop[n - 1]!.trim(), `${pe.name}: ${l.trim()}`).toBe("#pragma unroll");
        expect(l, pe.name).not.toMatch(/\b(while|goto|do)\b/);
      });
      const text = lines.join("\n");
      const ram = arraysWritten(loop).filter((a) => loop.some((l) => l.includes(`${a}[${a.replace(/line(\d+)_$/, "ptr$1_")}]`)));
      if (ram.length > 0) expect(text).toMatch(/#pragma ivdep safelen\(\d+\)/);
    }
    expect(seen).toBe(pipeline.pes.length);
  });
});
