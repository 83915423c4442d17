import { describe, expect, it } from "vitest";
import { SDFGBuilder } from "../../src/ir/builder.js";
import { sdfgFromJSON, sdfgToJSON } from "../../src/ir/serialize.js";
import { validateSDFG } from "../../src/ir/validate.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import type { SDFG } from "../../src/ir/sdfg.js";

function smallSdfg(): SDFG {
  return new SDFGBuilder("blur")
    .addArray("a", "float32", [8, 8])
    .addScalar("c", "float64")
    .addConstant("half", "float32", 0.5)
    .addArray("b", "float32", [8, 8])
    .addStencil({
      label: "b", dtype: "float32", iterators: ["j", "k"], domain: [8, 8], output: "b",
      inputs: { a: { data: "a", axes: [0, 1], boundary: { type: "copy" } }, c: { data: "c", axes: [], boundary: { type: "constant", value: 0 } } },
      code: [
        { target: "t", value: { kind: "binary", op: "+", left: { kind: "access", field: "a", offset: [0, -1] }, right: { kind: "access", field: "a", offset: [1, 0] } } },
        { target: "b", value: { kind: "ternary", cond: { kind: "binary", op: ">", left: { kind: "name", name: "t" }, right: { kind: "number", value: 0 } },
          then: { kind: "binary", op: "*", left: { kind: "name", name: "half" }, right: { kind: "name", name: "t" } }, otherwise: { kind: "name", name: "c" } } },
      ],
    })
    .build();
}

describe("SDFG JSON serialization", () => {
  it("round-trips a builder-made SDFG exactly", () => {
    const sdfg = smallSdfg();
    const text = sdfgToJSON(sdfg);
    const back = sdfgFromJSON(text);
    expect(back).toEqual(sdfg);
    expect(sdfgToJSON(back)).toBe(text);
  });

  it("round-trips the SDFG of every example stencil", () => {
    for (const f of ["hdiff", "jacobi2d", "jacobi3d", "diffusion2d", "diffusion3d"]) {
      const sdfg = loadProgram(`stencils/${f}.json`).sdfg;
      expect(sdfgFromJSON(sdfgToJSON(sdfg))).toEqual(sdfg);
    }
  });

  it("rejects a file with a bad field, naming its path", () => {
    const json = JSON.parse(sdfgToJSON(smallSdfg()));
    json.arrays.a.dtype = "float16";
    expect(() => sdfgFromJSON(JSON.stringify(json))).toThrow(/\$\.arrays\.a\.dtype/);
  });

  it("rejects a structurally valid file whose graph is inconsistent", () => {
    const json = JSON.parse(sdfgToJSON(smallSdfg()));
    json.states[0].edges[0].memlet.data = "nope";
    expect(() => sdfgFromJSON(JSON.stringify(json))).toThrow(/undeclared data 'nope'/);
  });
});

describe("SDFG validation", () => {
  it("accepts the builder's output", () => {
    expect(validateSDFG(smallSdfg())).toEqual([]);
  });

  it("reports a cycle, an undeclared access node and a bad subset with their paths", () => {
    const sdfg = smallSdfg();
    const state = sdfg.states[0]!;
    state.edges.push({ src: state.nodes[state.nodes.length - 1]!.id, srcConn: null, dst: state.nodes[0]!.id, dstConn: null, memlet: null });
    expect(validateSDFG(sdfg).map((i) => i.message)).toContain("the dataflow graph has a cycle");

    const s2 = smallSdfg();
    s2.states[0]!.nodes.push({ kind: "access", id: 99, data: "ghost" });
    expect(validateSDFG(s2)).toContainEqual({ path: "states[0].nodes[4]", message: "access node of undeclared data 'ghost'" });

    const s3 = smallSdfg();
    s3.states[0]!.edges[0]!.memlet!.subset[1]!.end = 8;
    expect(validateSDFG(s3)[0]!.path).toBe("states[0].edges[0].memlet.subset[1]");
  });

  it("reports a stencil reading a field it has no connector for", () => {
    const sdfg = smallSdfg();
    const st = sdfg.states[0]!.nodes.find((n) => n.kind === "stencil")!;
    if (st.kind !== "stencil") throw new Error();
    st.code[0]!.value = { kind: "access", field: "zz", offset: [0, 0] };
    expect(validateSDFG(sdfg).some((i) => /access to 'zz'/.test(i.message))).toBe(true);
  });

  it("rejects names that would break generated code", () => {
    expect(() => new SDFGBuilder("x").addArray("int", "float32", [4]).build()).toThrow(/keyword/);
    expect(() => new SDFGBuilder("x").addArray("a_", "float32", [4]).build()).toThrow(/ends with '_'/);
  });
});
