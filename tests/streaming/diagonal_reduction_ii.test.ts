// Inspection of go_fast's generated loops (Vitis HLS and Intel OpenCL, W = 4) for what would break
// II=1. The diagonal filter of the reduction PE adds only position counters (di_, dc_) and a
// select per lane: the one read-modify-write in the loop stays the interleaved partial
// acc_[bank_][slot_]. The reader's two passes over `a` are two loops of one read and one write
// per iteration each (Vitis: each pipelined at II=1).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSdfgFile } from "../../src/frontend/dace/load_sdfg.js";
import { emitVitisKernel } from "../../src/hls/vitis_kernel.js";
import { emitOpenclKernels } from "../../src/intel/opencl_kernel.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { raiseDiagonalReduce } from "../../src/spatial/streaming/diagonal_reduce.js";
import { SHARED } from "../helpers.js";
import { functionText } from "../generated_text.js";

const code = (text: string) => text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("//"));

describe("go_fast's generated loops reach II=1", () => {
  const file = join(SHARED, "peers", "npbench", "go_fast", "go_fast.sdfg");
  const r = raiseDiagonalReduce({ program: loadSdfgFile(file), symbols: { N: 64 }, inputsDir: "/data", name: "go_fast", file });
  if (!r.ok) throw new Error(r.reason);
  const p = lowerToPipeline(r.bundle.sdfg, { vectorWidth: 4, replicas: 1 });
  const sources = {
    xilinx: emitVitisKernel(p, { sources: r.bundle.sources, programFile: "go_fast" }),
    intel: emitOpenclKernels(p, { sources: r.bundle.sources, programFile: "go_fast" }),
  };
  it.for(["xilinx", "intel"] as const)("%s: the diagonal reduction PE", (target) => {
    const red = p.reductions![0]!;
    const statements = code(functionText(sources[target], red.name));
    // Each lane is its value on the diagonal (column dc_*4 + l == row di_), else the sum's identity 0.
    const zero = target === "xilinx" ? "double(0)" : "(double)(0)";
    const lane = (l: number) => (target === "xilinx" ? `x_[${l}]` : `x_.s${l}`);
    expect(statements.filter((l) => /^const double l\d_ = /.test(l))).toEqual([0, 1, 2, 3].map((l) =>
      `const double l${l}_ = ${l === 0 ? "dc_ * 4" : `dc_ * 4 + ${l}`} == di_ ? ${lane(l)} : ${zero};`));
    // The counters advance once per input vector, by a compare and an increment: no arithmetic carried.
    expect(statements).toContain(`if (++dc_ == ${red.diagonal!.lineVectors}) { dc_ = 0; ++di_; }`);
    // Every assignment whose right-hand side reads its own target is the partial's update.
    const selfUpdates = statements.filter((l) => {
      const m = /^(?:const\s+\w+\s+)?([A-Za-z_][\w[\]]*)\s*(\+=|-=|\*=|=)\s*(.*);$/.exec(l);
      if (!m) return false;
      const own = new RegExp(`(^|[^\\w])${m[1]!.replace(/[[\]]/g, "\\$&")}($|[^\\w])`);
      return m[2] !== "=" || own.test(m[3]!);
    });
    expect(selfUpdates).toEqual([`acc_[bank_][slot_] = k_ < ${red.partials} ? lanes_ : (acc_[bank_][slot_] + lanes_);`]);
    expect(statements).toContain(`if (++slot_ == ${red.partials}) slot_ = 0;`);
    if (target === "xilinx") expect(statements).toContain(`#pragma HLS DEPENDENCE variable=acc_ type=inter direction=RAW dependent=true distance=${red.partials}`);
    else expect(statements).toContain(`#pragma ivdep array(acc_) safelen(${red.partials})`);
  });

  it.for(["xilinx", "intel"] as const)("%s: the reader's two passes over a", (target) => {
    const reader = p.readers[0]!;
    const text = functionText(sources[target], reader.name);
    const loops = text.split(/for \(int v_ = 0; v_ < V_; \+\+v_\) \{/).slice(1);
    expect(loops).toHaveLength(2);
    const write = (c: string) => (target === "xilinx" ? `${c}.write(x_);` : `write_channel_intel(${c}, x_);`);
    // First pass to the tanh PE, second to a + trace; one read of a and one write per iteration.
    expect(code(loops[0]!).filter((l) => /write/.test(l))).toEqual([write(reader.outputs[0]!)]);
    expect(code(loops[1]!).filter((l) => /write/.test(l))).toEqual([write(reader.secondPass![0]!)]);
    for (const body of loops) {
      expect(code(body).filter((l) => /= a\[/.test(l))).toHaveLength(1);
      if (target === "xilinx") expect(code(body)[0]).toBe("#pragma HLS PIPELINE II=1");
    }
  });
});
