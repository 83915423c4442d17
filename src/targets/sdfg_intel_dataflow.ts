// Intel projects of FPGA-form DaCe programs (streams between processes), as DaCe's Intel FPGA
// backend builds them: every process is a single work-item kernel of its own, the streams are
// program-scope channel arrays with `depth(buffer_size)`, and the host runs the program's control
// flow and copies, and for each dataflow state hands the process kernels buffers of the data they
// touch and starts each kernel on its own command queue. Under SDFG_FPGA_SIM (g++) the kernels
// compile as C++ (sim/include/intel_channels.h) and the host starts them as fibers.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CodeWriter } from "../codegen/code_writer.js";
import { SIM_DIR } from "../package_root.js";
import type { Platform } from "../platform/platform.js";
import type { ProjectFiles } from "./project_files.js";
import { emitHostIo, emitMainHead, generate, header, HOST_HEADERS, intelSdfgMakefile, openclPreamble, type Generated, type SdfgBundle } from "./sdfg_program.js";

/** kernels.cl: the channels and one kernel per process. */
function kernelsText(b: SdfgBundle, k: Generated): string {
  const w = new CodeWriter();
  header(w, b, "Intel FPGA SDK for OpenCL kernels (FPGA-form: one kernel per process)");
  w.comment("Each process of a dataflow state is a single work-item kernel; the streams are channel arrays\nwith their buffer_size as depth, indexed with constants (one PE instance per unrolled map value).\nUnder SDFG_FPGA_SIM it compiles as C++ with g++ against sim/include/intel_channels.h.");
  openclPreamble(w);
  w.directive("#ifndef SDFG_FPGA_SIM");
  w.directive("#pragma OPENCL EXTENSION cl_intel_channels : enable");
  w.directive("#endif");
  w.many(k.gen.prelude().trimEnd().split("\n"));
  w.line();
  w.many(k.gen.functions().trimEnd().split("\n"));
  return w.toString();
}

/** The host: the program's control flow, and a launcher per dataflow state. */
function hostText(b: SdfgBundle, k: Generated, h: Generated): string {
  const w = new CodeWriter();
  header(w, b, "Host (OpenCL 1.2 API) of an FPGA-form program");
  w.comment("Usage: host --aocx FILE --inputs DIR --outputs DIR. Runs the program's control flow and copies\non the host; each dataflow state starts its process kernels, one command queue each. With\n-DSDFG_FPGA_SIM the kernels (kernels.cl compiled as C++) run as fibers instead.");
  for (const x of ["cmath", "memory", ...HOST_HEADERS]) w.directive(`#include <${x}>`);
  w.directive('#include "sdfg_npy_raw.h"');
  w.directive("#ifdef SDFG_FPGA_SIM");
  w.directive('#include "intel_channels.h"');
  w.directive('#include "sdfg_dataflow.h"');
  w.comment("The kernels in a namespace of their own: their helpers have the host's names.");
  w.line("namespace sdfg_kernels {");
  w.directive('#include "../kernel/kernels.cl"');
  w.line("}  // namespace sdfg_kernels");
  w.directive("#else");
  w.directive("#define CL_TARGET_OPENCL_VERSION 120");
  w.directive("#include <CL/cl.h>");
  w.line("static cl_context sdfg_context;");
  w.line("static cl_device_id sdfg_device;");
  w.line("static cl_program sdfg_kernels_program;");
  w.block("static void check(cl_int err, const char* what)", () => w.line("if (err != CL_SUCCESS) throw std::runtime_error(std::string(what) + \": OpenCL error \" + std::to_string(err));"));
  w.directive("#endif");
  w.line();
  w.many(h.gen.prelude().trimEnd().split("\n"));
  w.line();
  for (const launch of h.gen.launches) {
    const procs = k.gen.launches.find((x) => x.fn === launch.fn)!.processes;
    w.comment(`dataflow state: ${procs.length} process kernels (${procs.map((p) => p.name).join(", ")})`);
    w.block(`static void ${launch.fn}(${launch.params.join(", ")})`, () => {
      w.directive("#ifdef SDFG_FPGA_SIM");
      w.line("SDFG_DATAFLOW_BEGIN();");
      for (const p of procs) w.line(`SDFG_DATAFLOW_CALL(sdfg_kernels::${p.name}${p.args.map((a) => `, ${a.c}`).join("")});`);
      w.line("SDFG_DATAFLOW_END();");
      w.directive("#else");
      w.line("cl_int err = CL_SUCCESS;");
      for (const d of launch.data) {
        w.line(`cl_mem ${d.c}_buf = clCreateBuffer(sdfg_context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, ${d.elements} * sizeof(${d.type}), ${d.c}, &err); check(err, "clCreateBuffer");`);
      }
      procs.forEach((p, i) => {
        w.line(`cl_command_queue q${i} = clCreateCommandQueue(sdfg_context, sdfg_device, 0, &err); check(err, "clCreateCommandQueue");`);
        w.line(`cl_kernel k${i} = clCreateKernel(sdfg_kernels_program, "${p.name}", &err); check(err, "clCreateKernel");`);
        p.args.forEach((a, j) => {
          if (a.kind === "symbol") w.line(`check(clSetKernelArg(k${i}, ${j}, sizeof(${a.c}), &${a.c}), "clSetKernelArg");`);
          else w.line(`check(clSetKernelArg(k${i}, ${j}, sizeof(cl_mem), &${a.c}_buf), "clSetKernelArg");`);
        });
        w.line(`check(clEnqueueTask(q${i}, k${i}, 0, nullptr, nullptr), "clEnqueueTask");`);
      });
      procs.forEach((_, i) => w.line(`check(clFinish(q${i}), "clFinish");`));
      for (const d of launch.data) {
        w.line(`check(clEnqueueReadBuffer(q0, ${d.c}_buf, CL_TRUE, 0, ${d.elements} * sizeof(${d.type}), ${d.c}, 0, nullptr, nullptr), "clEnqueueReadBuffer");`);
        w.line(`clReleaseMemObject(${d.c}_buf);`);
      }
      procs.forEach((_, i) => { w.line(`clReleaseKernel(k${i});`); w.line(`clReleaseCommandQueue(q${i});`); });
      w.directive("#endif");
    });
    w.line();
  }
  w.block(`static void program(${h.args.map((a) => `${a.byValue ? "" : ""}${h.gen.dataType(a.desc, a.name)}${a.byValue ? "" : "*"} ${a.cName}`).join(", ")})`, () => w.many(h.body.trimEnd().split("\n")));
  w.line();
  w.block("int main(int argc, char** argv)", () => {
    emitMainHead(w, "host --aocx FILE --inputs DIR --outputs DIR");
    w.block("try", () => {
      w.directive("#ifndef SDFG_FPGA_SIM");
      w.line("cl_int err = CL_SUCCESS;");
      w.line("cl_platform_id platform; check(clGetPlatformIDs(1, &platform, nullptr), \"clGetPlatformIDs\");");
      w.line("check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &sdfg_device, nullptr), \"clGetDeviceIDs\");");
      w.line("sdfg_context = clCreateContext(nullptr, 1, &sdfg_device, nullptr, nullptr, &err); check(err, \"clCreateContext\");");
      w.line("std::ifstream f(xclbin, std::ios::binary); std::vector<unsigned char> bin((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());");
      w.line("const unsigned char* bins[] = {bin.data()}; size_t lens[] = {bin.size()};");
      w.line("sdfg_kernels_program = clCreateProgramWithBinary(sdfg_context, 1, &sdfg_device, lens, bins, nullptr, &err); check(err, \"clCreateProgramWithBinary\");");
      w.line("check(clBuildProgram(sdfg_kernels_program, 1, &sdfg_device, \"\", nullptr, nullptr), \"clBuildProgram\");");
      w.directive("#endif");
      emitHostIo(w, h, "cpp", (args) => w.line(`program(${args.join(", ")});`));
    }, "");
    w.block("catch (const std::exception& e)", () => { w.line("std::fprintf(stderr, \"%s\\n\", e.what());"); w.line("return 1;"); });
    w.line("return 0;");
  });
  return w.toString();
}

/** Intel sources of an FPGA-form program: kernels.cl, the host, a Makefile, the sim headers. */
export function sdfgIntelDataflowProject(b: SdfgBundle, platform: Platform, k: Generated): ProjectFiles {
  const h = generate(b, "cpp", true);
  const files: ProjectFiles = new Map();
  files.set("kernel/kernels.cl", kernelsText(b, k));
  files.set("host/host.cpp", hostText(b, k, h));
  files.set("Makefile", intelSdfgMakefile(b, platform, "FPGA-form: one kernel per process, channels"));
  for (const x of ["sdfg_npy_raw.h", "intel_channels.h", "sdfg_dataflow.h", "sdfg_sim/fifo.h", "sdfg_sim/progress.h"]) files.set(`sim/include/${x}`, readFileSync(join(SIM_DIR, "include", x), "utf8"));
  return files;
}
