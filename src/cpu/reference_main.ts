// The `main` every generated CPU reference has: `reference INPUT_DIR OUTPUT_DIR`, the program's
// body in a try block, an exception reported on stderr with exit code 2.

import type { CodeWriter } from "../codegen/code_writer.js";
import { DTYPE_INFO } from "../ir/dtype.js";
import type { SDFG } from "../ir/sdfg.js";

/** `int main(argc, argv)` around `body`, which reads from `in_dir_` and writes to `out_dir_`. */
export function emitReferenceMain(w: CodeWriter, body: () => void): void {
  w.block("int main(int argc, char** argv)", () => {
    w.line('if (argc != 3) { std::fprintf(stderr, "usage: reference INPUT_DIR OUTPUT_DIR\\n"); return 2; }');
    w.line("const std::string in_dir_ = argv[1], out_dir_ = argv[2];");
    w.block("try", body);
    w.block("catch (const std::exception& e_)", () => {
      w.line('std::fprintf(stderr, "error: %s\\n", e_.what());');
      w.line("return 2;");
    });
    w.line("return 0;");
  });
}

/** The reference's inputs read from `<input>.npy` in `in_dir_`: a scalar as a value, an array as a vector. */
export function emitInputLoads(w: CodeWriter, sdfg: SDFG, inputs: readonly { name: string; shape: readonly number[] }[]): void {
  for (const { name, shape } of inputs) {
    const T = DTYPE_INFO[sdfg.arrays[name]!.dtype].cType;
    if (sdfg.arrays[name]!.kind === "scalar") w.line(`const ${T} ${name} = sdfg_npy::load<${T}>(in_dir_ + "/${name}.npy", {})[0];`);
    else w.line(`const std::vector<${T}> ${name} = sdfg_npy::load<${T}>(in_dir_ + "/${name}.npy", {${shape.join(", ")}});`);
  }
}
