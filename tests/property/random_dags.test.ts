// Property: any stencil DAG (random offsets, fan-out, reconvergence, boundary conditions), at any
// vector width W ∈ {1,2,4,8} and replication P ∈ {1,2,3}, emulates equal to the CPU reference
// with the computed FIFO depths and no deadlock.
//
// Each fast-check run draws a batch of independent DAGs and emulates them as one program (each
// DAG its own connected component with its own inputs and outputs), so 128 DAGs cost a handful
// of g++ builds instead of a hundred. Every DAG's output is still compared on its own.
import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulate } from "../../src/emulate/emulate.js";
import { loadProgram } from "../../src/frontend/load_program.js";

interface Dag {
  inputs: number;
  stencils: { reads: { from: number; offsets: number[][] }[]; bc: string; op: string }[];
}

const offset = fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }), fc.integer({ min: -3, max: 3 }));
const dagArb: fc.Arbitrary<Dag> = fc.integer({ min: 1, max: 2 }).chain((inputs) =>
  fc.array(
    fc.record({
      reads: fc.array(fc.record({ from: fc.nat(), offsets: fc.array(offset, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 3 }),
      bc: fc.constantFrom("constant", "copy", "shrink"),
      op: fc.constantFrom("+", "-", "*", "ternary"),
    }),
    { minLength: 1, maxLength: 4 },
  ).map((stencils) => ({ inputs, stencils })),
);

const BATCH = 16;
const RUNS = 8; // 8 × 16 = 128 DAGs (eight g++ builds: the suite's time budget on 2 cores)

/** One program holding every DAG of the batch; DAG g's fields are prefixed `g<g>`. */
function program(dags: Dag[], dims: number[], steps: number | null) {
  const inputs: Record<string, unknown> = {};
  const prog: Record<string, unknown> = {};
  const outputs: string[] = [];
  const feedback: Record<string, string> = {};
  dags.forEach((dag, g) => {
    const fields: string[] = [];
    for (let n = 0; n < dag.inputs; n++) {
      const name = `g${g}in${n}`;
      inputs[name] = { data: "constant:0", data_type: "float32" };
      fields.push(name);
    }
    dag.stencils.forEach((st, s) => {
      const name = `g${g}s${s}`;
      const terms: string[] = [];
      const bcs: Record<string, unknown> = {};
      for (const r of st.reads) {
        const f = fields[r.from % fields.length]!;
        bcs[f] = st.bc === "constant" ? { type: "constant", value: 0.5 } : { type: st.bc };
        for (const o of r.offsets) terms.push(`${f}[i${sign(o[0]!)}, j${sign(o[1]!)}, k${sign(o[2]!)}]`);
      }
      const a = terms.slice(0, Math.ceil(terms.length / 2)).join(" + ");
      const b = terms.slice(Math.ceil(terms.length / 2)).join(" + ") || "1.0";
      const code = st.op === "ternary" ? `${name} = (${a}) if (${a}) > (${b}) else 0.5 * (${b})` : `${name} = 0.25 * ((${a}) ${st.op} (${b}))`;
      prog[name] = { computation_string: code, boundary_conditions: bcs, data_type: "float32" };
      fields.push(name);
    });
    const last = `g${g}s${dag.stencils.length - 1}`;
    outputs.push(last);
    feedback[last] = `g${g}in0`;
  });
  return { inputs, outputs, dimensions: dims, program: prog, ...(steps ? { time_loop: { steps, feedback } } : {}) };
}

function sign(d: number): string {
  return d === 0 ? "" : d > 0 ? `+${d}` : `${d}`;
}

describe("random stencil DAGs", () => {
  it(`${RUNS * BATCH} DAGs at random W and P emulate equal to the CPU reference`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "dags-"));
    let checked = 0;
    let run = 0;
    const widths = new Set<number>();
    const replicas = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(dagArb, { minLength: BATCH, maxLength: BATCH }),
        fc.constantFrom(1, 2, 4, 8),
        fc.constantFrom(1, 2, 3),
        fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 3, max: 6 }), fc.constantFrom(8, 16)),
        fc.integer({ min: 2, max: 5 }),
        async (dags, W, P, dims, steps) => {
          const file = join(dir, `batch${run++}.json`);
          writeFileSync(file, JSON.stringify(program(dags, dims, P > 1 ? steps : null), null, 1));
          const bundle = loadProgram(file);
          // Random inputs: the program's data is constant, so feed a .npy per input.
          const inDir = join(dir, `in${run}`);
          const { encodeNpy } = await import("../../src/data/npy.js");
          const { mkdirSync } = await import("node:fs");
          mkdirSync(inDir);
          let seed = run * 7919;
          for (const i of bundle.inputs) {
            const n = i.shape.reduce((a, b) => a * b, 1);
            const values = Float64Array.from({ length: n }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1);
            writeFileSync(join(inDir, `${i.name}.npy`), encodeNpy(i.dtype, i.shape, values));
          }
          const r = await emulate(bundle, { target: "xilinx", spatial: { vectorWidth: W, replicas: P }, inputsDir: inDir });
          expect(r.deadlock, `W=${W} P=${P} ${file}`).toBeUndefined();
          expect(r.outputs.length).toBe(BATCH);
          for (const o of r.outputs) expect({ file, W, P, output: o.name, mismatches: o.mismatches }).toEqual({ file, W, P, output: o.name, mismatches: 0 });
          checked += r.outputs.length;
          widths.add(W);
          replicas.add(P);
        },
      ),
      { numRuns: RUNS, seed: 20261120, endOnFailure: true },
    );
    expect(checked).toBe(RUNS * BATCH);
    // The fixed seed draws every W and every P at least once.
    expect([...widths].sort()).toEqual([1, 2, 4, 8]);
    expect([...replicas].sort()).toEqual([1, 2, 3]);
  // Eight g++ builds of ~60-PE kernels from a cold cache: minutes on two cores.
  }, 900_000);
});
