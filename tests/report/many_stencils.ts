// A stencil program of n stencils for the pictures' scaling tests: a chain where every stencil
// also reads one earlier stencil (fan-out, reconvergence and long edges across many layers) and
// the input; every stencil no other reads is an output.
import { parseProgram, type ProgramBundle } from "../../src/frontend/load_program.js";

export function manyStencilsProgram(n: number): ProgramBundle {
  const program: Record<string, unknown> = {};
  const read = new Set<string>();
  for (let i = 0; i < n; i++) {
    const prev = i === 0 ? "u" : `s${i - 1}`;
    const far = i < 2 ? "u" : `s${(i * 37) % (i - 1)}`;
    read.add(prev).add(far);
    program[`s${i}`] = {
      computation_string: `s${i} = 0.5 * ${prev}[i,j+1,k] + 0.25 * (${far}[i,j,k-1] + u[i,j,k])`,
      boundary_conditions: { [prev]: { type: "constant", value: 0.0 }, [far]: { type: "constant", value: 0.0 }, u: { type: "constant", value: 0.0 } },
      data_type: "float32",
    };
  }
  const outputs = Object.keys(program).filter((s) => !read.has(s));
  const text = JSON.stringify({ inputs: { u: { data: "constant:1", data_type: "float32" } }, outputs, dimensions: [4, 8, 16], program });
  return parseProgram(text, `stencils${n}.json`, ".");
}
