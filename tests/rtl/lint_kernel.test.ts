// `verilator --lint-only -Wall` is clean for every example program, its W = 8 variant and (with a
// time loop) its P = 3 variant, and for the Vitis RTL kernel wrapper; kernel.xml is well-formed
// and names every port and argument of the wrapper.
import { basename } from "node:path";
import { create } from "xmlbuilder2";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/frontend/load_program.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { rtlDesign } from "../../src/rtl/rtl_design.js";
import { rtlProject } from "../../src/rtl/rtl_project.js";
import { kernelArguments, RTL_KERNEL_NAME } from "../../src/rtl/vitis_rtl_kernel.js";
import { lintDesign } from "../../src/rtl/verilator_build.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { jsonFiles } from "../helpers.js";

// Integer programs (image_int.json) included.
const variants = jsonFiles("stencils").flatMap((path) => {
  const bundle = loadProgram(path);
  const own = bundle.vectorization ?? 1;
  const out: [string, number, number, string][] = [[basename(path), own, 1, path], [basename(path), 8, 1, path]];
  if (bundle.sdfg.timeLoop) out.push([basename(path), own, 3, path]);
  return out;
});

describe("verilator --lint-only -Wall", () => {
  it.each(variants)("%s at W = %i, P = %i", async (_name, W, P, path) => {
    const bundle = loadProgram(path);
    const design = rtlDesign(bundle, lowerToPipeline(bundle.sdfg, { vectorWidth: W, replicas: P }));
    expect(await lintDesign(design.files, design.sv, design.topModule)).toBe("");
  });
});

describe("Vitis RTL kernel", () => {
  it.each([["stencils/hdiff.json", 1, 1], ["stencils/hdiff_t7.json", 8, 3], ["stencils/image_int.json", 2, 1]])("%s at W = %i, P = %i: kernel.xml names every port and argument; the wrapper lints", async (path, W, P) => {
    const bundle = loadProgram(path);
    const pipeline = lowerToPipeline(bundle.sdfg, { vectorWidth: W, replicas: P, uram: true });
    const files = rtlProject(bundle, pipeline, loadPlatform("u280"));
    const xml = files.get("kernel/kernel.xml")!.toString();
    const doc = create(xml).end({ format: "object" }) as { root: { kernel: { "@name": string; "@hwControlProtocol": string; ports: { port: { "@name": string; "@mode": string; "@dataWidth": string }[] }; args: { arg: { "@name": string; "@port": string; "@offset": string }[] } } } };
    const kernel = doc.root.kernel;
    expect(kernel["@name"]).toBe(RTL_KERNEL_NAME);
    expect(kernel["@hwControlProtocol"]).toBe("ap_ctrl_hs");
    const args = kernelArguments(pipeline);
    const arrays = [...pipeline.readers.map((r) => r.array), ...pipeline.writers.map((w) => w.array)];
    expect(kernel.args.arg.map((a) => a["@name"])).toEqual([...arrays, ...pipeline.scalars.map((s) => s.name), ...(P > 1 ? ["steps_"] : [])]);
    expect(kernel.args.arg.map((a) => a["@offset"])).toEqual(args.map((a) => `0x${a.offset.toString(16)}`));
    const ports = kernel.ports.port.map((p) => p["@name"]);
    expect(ports).toEqual(["s_axi_control", ...arrays.map((_, n) => `m_axi_gmem${n}`)]);
    for (const a of kernel.args.arg) expect(ports).toContain(a["@port"]);
    // Every port kernel.xml names exists on the wrapper, with the declared width.
    const top = files.get("kernel/top.sv")!.toString();
    for (const p of kernel.ports.port) {
      if (p["@mode"] === "slave") expect(top).toContain(`input  wire logic [31:0] ${p["@name"]}_wdata`);
      else expect(top).toMatch(new RegExp(`\\[${Number(p["@dataWidth"]) - 1}:0\\] ${p["@name"]}_[rw]data`));
    }
    const sv = [...files.keys()].filter((f) => f.startsWith("rtl/") && f.endsWith(".sv"));
    const ordered = ["rtl/sdfg_sim_pkg.sv", ...sv.filter((f) => f !== "rtl/sdfg_sim_pkg.sv"), "kernel/top.sv"];
    const text = new Map([...files].map(([k, v]) => [k, v.toString()]));
    expect(await lintDesign(text, ordered, RTL_KERNEL_NAME)).toBe("");
  });
});
