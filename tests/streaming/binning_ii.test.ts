// Inspection of azimint_naive's binning PE as generated (Vitis HLS and Intel OpenCL, W = 4) for
// what would break II=1. The maximum pass carries only the interleaved partial maxima mx_[s_]
// (8 apart). The binning pass writes to data-dependent bins, but only of copy s_ * 4 + lane: no
// two lanes share a copy in one iteration and s_ comes back to a copy 8 iterations later, which
// the code declares (Vitis: DEPENDENCE distance=8 on sum_ and count_, copies partitioned into
// registers; Intel: ivdep safelen(8)); the bin search itself is straight-line code.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSdfgFile } from "../../src/frontend/dace/load_sdfg.js";
import { emitLinalgVitisKernel } from "../../src/hls/vitis_linalg.js";
import { emitLinalgOpenclKernels } from "../../src/intel/linalg_kernel.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { raiseRadialBinning } from "../../src/spatial/streaming/radial_binning.js";
import { SHARED } from "../helpers.js";
import { functionText } from "../generated_text.js";

const code = (text: string) => text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("//"));

describe("azimint's binning PE reaches II=1", () => {
  const file = join(SHARED, "peers", "npbench", "azimint_naive", "azimint_naive.sdfg");
  const r = raiseRadialBinning({ program: loadSdfgFile(file), symbols: { N: 64, npt: 8 }, inputsDir: "/data", name: "azimint_naive", file });
  if (!r.ok) throw new Error(r.reason);
  const p = lowerToPipeline(r.bundle.sdfg, { vectorWidth: 4, replicas: 1 });
  const pe = p.linalg!.processes.find((x) => x.kind === "binning")!;
  const info = { sources: r.bundle.sources, programFile: "azimint_naive" };
  const sources = { xilinx: emitLinalgVitisKernel(p, info), intel: emitLinalgOpenclKernels(p, info) };

  it.for(["xilinx", "intel"] as const)("%s: the maximum pass and the binning pass", (target) => {
    const text = functionText(sources[target], pe.name);
    const parts = text.split("for (int v_ = 0; v_ < 16; ++v_) {");
    expect(parts).toHaveLength(3);
    const [before, maxPass, binPass] = parts.map(code) as [string[], string[], string[]];
    const loopEnd = (lines: string[]) => lines.slice(0, lines.indexOf("s_ = s_ + 1 == 8 ? 0 : s_ + 1;") + 1);
    const max = loopEnd(maxPass);
    const bins = loopEnd(binPass);
    if (target === "xilinx") {
      for (const body of [max, bins]) expect(body[0]).toBe("#pragma HLS PIPELINE II=1");
      expect(before).toContain("#pragma HLS DEPENDENCE variable=mx_ type=inter direction=RAW dependent=true distance=8");
      for (const a of ["sum_", "count_"]) {
        expect(maxPass).toContain(`#pragma HLS DEPENDENCE variable=${a} type=inter direction=RAW dependent=true distance=8`);
        expect(maxPass).toContain(`#pragma HLS ARRAY_PARTITION variable=${a} type=complete dim=1`);
      }
    } else {
      expect(before.at(-1)).toBe("#pragma ivdep safelen(8)");
      expect(maxPass.at(-1)).toBe("#pragma ivdep safelen(8)");
    }
    // Pass 1: the one value carried is the partial maximum s_ (and the counter).
    const lane = (v: string, l: number) => (target === "xilinx" ? `${v}[${l}]` : `${v}.s${l}`);
    expect(max.filter((l) => /^mx_/.test(l))).toEqual(["mx_[s_] = (mx_[s_] > m_ ? mx_[s_] : m_);"]);
    // Pass 2: every accumulation goes to copy s_ * 4 + lane of a bin; nothing else is added to.
    const updates = bins.join("\n").match(/\w+\[[^\]]+\]\[[^\]]+\] \+= [^;]+;/g);
    expect(updates).toEqual([0, 1, 2, 3].flatMap((l) => [`sum_[s_ * 4 + ${l}][b${l}_] += ${lane("x_", l)};`, `count_[s_ * 4 + ${l}][b${l}_] += 1;`]));
    expect(bins.join("\n").match(/\+=/g)).toHaveLength(8);
    // Straight-line bin search: no loop inside the pipelined loop.
    expect(bins.filter((l) => /^(for|while)\b/.test(l))).toEqual([]);
  });
});
