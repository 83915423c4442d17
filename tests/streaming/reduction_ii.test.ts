// Inspection of the generated reduction loops (Vitis HLS and Intel OpenCL) for what would break
// II=1: an accumulator updated from its own value of the previous iteration. The only
// read-modify-write in the loop must be on the interleaved partial acc_[bank_][slot_], with slot_
// cycling through as many partials as the operator's latency (op_latency.ts), the dependence
// distance declared to the tools equal to that, and the code saying so.
import { describe, expect, it } from "vitest";
import { emitVitisKernel } from "../../src/hls/vitis_kernel.js";
import { emitOpenclKernels } from "../../src/intel/opencl_kernel.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { operatorLatency } from "../../src/spatial/op_latency.js";
import { rowReductionBundle } from "./row_reduction.js";
import { functionText } from "../generated_text.js";

describe("generated reduction loops reach II=1", () => {
  const p = lowerToPipeline(rowReductionBundle().bundle.sdfg, { vectorWidth: 4, replicas: 1 });
  const sources = {
    xilinx: emitVitisKernel(p, { sources: {}, programFile: "rowred" }),
    intel: emitOpenclKernels(p, { sources: {}, programFile: "rowred" }),
  };
  it.for(["xilinx", "intel"] as const)("%s", (target) => {
    for (const r of p.reductions!) {
      const latency = operatorLatency(r.op === "sum" ? "add" : "minmax", "float32");
      expect(r.partials).toBe(Math.min(latency, r.rowVectors));
      const text = functionText(sources[target], r.name);
      // Says so.
      expect(text).toMatch(r.partials === latency
        ? new RegExp(`II=1: ${r.partials} interleaved partial accumulator\\(s\\) per bank, as many as the operator's latency`)
        : new RegExp(`II=1: ${r.partials} partial accumulator\\(s\\) per bank, one per vector of a row shorter than the operator's`));
      expect(text).toMatch(/no loop-carried dependence through one accumulator/);
      const statements = text.split("\n").map((l) => l.trim()).filter((l) => !l.startsWith("//"));
      // Every assignment whose right-hand side reads its own target is the partial's update.
      const selfUpdates = statements.filter((l) => {
        const m = /^(?:const\s+\w+\s+)?([A-Za-z_][\w[\]]*)\s*(\+=|-=|\*=|=)\s*(.*);$/.exec(l);
        if (!m) return false;
        const own = new RegExp(`(^|[^\\w])${m[1]!.replace(/[[\]]/g, "\\$&")}($|[^\\w])`);
        return m[2] !== "=" || own.test(m[3]!);
      });
      expect(selfUpdates, selfUpdates.join("\n")).toHaveLength(1);
      expect(selfUpdates[0]).toMatch(/^acc_\[bank_\]\[slot_\] = k_ < \d+ \? lanes_ : /);
      // slot_ advances every input vector and wraps at `partials`: distance `partials` between updates of one partial.
      expect(statements).toContain(`if (++slot_ == ${r.partials}) slot_ = 0;`);
      // Besides the declaration and the wrap, slot_ is only reset at a row's end (with k_).
      expect(statements.filter((l) => /\bslot_\s*=/.test(l) && !/^if \(\+\+slot_/.test(l) && !/^int k_ = 0, slot_ = 0/.test(l))).toEqual(["slot_ = 0;"]);
      // The final tree reads partials only (never result_ itself).
      expect(statements.some((l) => /result_ = .*result_/.test(l))).toBe(false);
      if (target === "xilinx") {
        expect(text).toContain("#pragma HLS PIPELINE II=1");
        expect(text).toContain(`#pragma HLS DEPENDENCE variable=acc_ type=inter direction=RAW dependent=true distance=${r.partials}`);
      } else {
        expect(text).toContain(`#pragma ivdep array(acc_) safelen(${r.partials})`);
      }
    }
  });
});
