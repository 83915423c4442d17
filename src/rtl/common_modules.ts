// The SystemVerilog modules every generated design shares, written once per project:
//  - sdfg_fifo: the channel FIFO (first-word fall-through, valid/ready on both sides) with its
//    depth from the spatial pipeline; in simulation it reports occupancy and full-stall cycles
//    through DPI-C so the testbench can name stalled and stuck FIFOs;
//  - sdfg_delay: a balancing shift register of the datapath (advances with the PE's clock enable);
//  - sdfg_fp32_op / sdfg_fp64_op / *_cmp: fixed-latency floating-point operators. This file is
//    their *simulation model*: the result is computed by a C function through DPI-C (exactly the
//    operation the CPU reference performs) and delayed by the operator's latency. For synthesis,
//    `ip/floating_point.tcl` generates Xilinx floating_point cores of the same latencies;
//  - sdfg_int_div: the pipelined integer divider (integer_divider.ts), synthesisable as written.

import { CodeWriter } from "../codegen/code_writer.js";
import { FP_CMPS, FP_OPS } from "./datapath.js";
import { emitIntegerDivider, INTEGER_DIVIDER } from "./integer_divider.js";
import { svBlock } from "./sv_syntax.js";

/** Operator codes shared by the SystemVerilog models and the DPI-C functions. */
export const FP_OP_CODE: Record<string, number> = Object.fromEntries(FP_OPS.map((op, n) => [op, n]));
export const FP_CMP_CODE: Record<string, number> = Object.fromEntries(FP_CMPS.map((op, n) => [op, n]));

export const SIM_PACKAGE = "sdfg_sim_pkg";

/** The shared modules, one file each (module name = file name): path → text, in compile order. */
export function emitCommonModules(): Map<string, string> {
  const files = new Map<string, string>();
  let w = new CodeWriter();
  const next = (name: string) => {
    w.directive("`default_nettype wire");
    files.set(`rtl/${name}.sv`, w.toString());
    w = new CodeWriter();
    w.comment("Shared module of sdfg-fpga RTL designs (generated; do not edit).");
    w.directive("`default_nettype none");
    w.line();
  };
  w.comment("Shared module of sdfg-fpga RTL designs (generated; do not edit).");
  w.directive("`default_nettype none");
  w.line();
  w.comment("DPI-C functions of the simulation models (sim/sdfg_dpi.cpp). Not used for synthesis.");
  w.line(`package ${SIM_PACKAGE};`);
  w.indent();
  w.line("import \"DPI-C\" pure function int unsigned sdfg_fp32(input int op, input int unsigned a, input int unsigned b);");
  w.line("import \"DPI-C\" pure function longint unsigned sdfg_fp64(input int op, input longint unsigned a, input longint unsigned b);");
  w.line("import \"DPI-C\" pure function bit sdfg_fp32_cmp(input int op, input int unsigned a, input int unsigned b);");
  w.line("import \"DPI-C\" pure function bit sdfg_fp64_cmp(input int op, input longint unsigned a, input longint unsigned b);");
  w.line("import \"DPI-C\" pure function longint unsigned sdfg_fp32_to_fp64(input int unsigned a);");
  w.line("import \"DPI-C\" pure function int unsigned sdfg_fp64_to_fp32(input longint unsigned a);");
  w.comment("C++ conversion T(x) between a float and an integer type (codes: float32, float64, int32, int64).");
  w.line("import \"DPI-C\" pure function longint unsigned sdfg_convert(input int from_type, input int to_type, input longint unsigned a);");
  w.line("import \"DPI-C\" function void sdfg_fifo_sample(input int id, input int count, input bit full_stall);");
  w.dedent();
  w.line("endpackage");
  next(SIM_PACKAGE);

  w.comment([
    "Channel FIFO: DEPTH entries of WIDTH bits, first-word fall-through. in_ready does not depend on",
    "in_valid, out_valid not on out_ready. A write and a read may happen in the same cycle.",
  ].join("\n"));
  w.line("module sdfg_fifo #(");
  w.line("  parameter int WIDTH = 32,");
  w.line("  parameter int DEPTH = 2,");
  w.line("  parameter int ID = 0");
  w.line(") (");
  w.line("  input  wire logic             clk,");
  w.line("  input  wire logic             rst_n,");
  w.line("  input  wire logic [WIDTH-1:0] in_data,");
  w.line("  input  wire logic             in_valid,");
  w.line("  output logic                  in_ready,");
  w.line("  output logic      [WIDTH-1:0] out_data,");
  w.line("  output logic                  out_valid,");
  w.line("  input  wire logic             out_ready");
  w.line(");");
  w.indent();
  w.line("localparam int AW = DEPTH > 1 ? $clog2(DEPTH) : 1;");
  w.line("localparam int CW = $clog2(DEPTH + 1);");
  w.line("logic [WIDTH-1:0] mem_q [DEPTH];");
  w.line("logic [AW-1:0] wr_q, rd_q;");
  w.line("logic [CW-1:0] count_q;");
  w.line("logic push, pop;");
  w.line("assign in_ready = count_q != CW'(DEPTH);");
  w.line("assign out_valid = count_q != '0;");
  w.line("assign out_data = mem_q[rd_q];");
  w.line("assign push = in_valid && in_ready;");
  w.line("assign pop = out_valid && out_ready;");
  svBlock(w, "always_ff @(posedge clk)", () => {
    w.line("if (push) mem_q[wr_q] <= in_data;");
    w.line("if (!rst_n) begin");
    w.line("  wr_q <= '0;");
    w.line("  rd_q <= '0;");
    w.line("  count_q <= '0;");
    w.line("end else begin");
    w.line("  if (push) wr_q <= wr_q == AW'(DEPTH - 1) ? '0 : wr_q + 1'b1;");
    w.line("  if (pop) rd_q <= rd_q == AW'(DEPTH - 1) ? '0 : rd_q + 1'b1;");
    w.line("  if (push && !pop) count_q <= count_q + 1'b1;");
    w.line("  else if (pop && !push) count_q <= count_q - 1'b1;");
    w.line("end");
  });
  w.directive("`ifndef SYNTHESIS");
  w.comment("Simulation only: occupancy and producer stalls of every cycle, for the testbench's figures.");
  w.line(`always_ff @(posedge clk) if (rst_n) ${SIM_PACKAGE}::sdfg_fifo_sample(ID, int'(count_q), in_valid && !in_ready);`);
  w.directive("`endif");
  w.dedent();
  w.line("endmodule");
  next("sdfg_fifo");

  w.comment("Balancing shift register: DEPTH stages, advanced by the clock enable ce.");
  w.line("module sdfg_delay #(");
  w.line("  parameter int WIDTH = 32,");
  w.line("  parameter int DEPTH = 1");
  w.line(") (");
  w.line("  input  wire logic             clk,");
  w.line("  input  wire logic             ce,");
  w.line("  input  wire logic [WIDTH-1:0] d,");
  w.line("  output logic      [WIDTH-1:0] q");
  w.line(");");
  w.indent();
  w.line("logic [WIDTH-1:0] pipe_q [DEPTH];");
  w.line("always_ff @(posedge clk) begin");
  w.line("  if (ce) begin");
  w.line("    pipe_q[0] <= d;");
  w.line("    for (int s = 1; s < DEPTH; s++) pipe_q[s] <= pipe_q[s - 1];");
  w.line("  end");
  w.line("end");
  w.line("assign q = pipe_q[DEPTH - 1];");
  w.dedent();
  w.line("endmodule");
  next("sdfg_delay");

  for (const bits of [32, 64]) {
    w.comment([
      `fp${bits} operator, simulation model: OP (${FP_OPS.map((o, n) => `${n} ${o}`).join(", ")}) computed in C`,
      `through DPI-C, then LATENCY register stages like the floating_point core it stands for.`,
      "A unary operator ignores b.",
    ].join("\n"));
    emitOperatorModel(w, `sdfg_fp${bits}_op`, bits, `${bits}`, `${SIM_PACKAGE}::sdfg_fp${bits}(OP, a, b)`);
    next(`sdfg_fp${bits}_op`);
    w.comment(`fp${bits} comparison, simulation model: OP (${FP_CMPS.map((o, n) => `${n} ${o}`).join(", ")}) as C compares.`);
    emitOperatorModel(w, `sdfg_fp${bits}_cmp`, bits, "1", `${SIM_PACKAGE}::sdfg_fp${bits}_cmp(OP, a, b)`);
    next(`sdfg_fp${bits}_cmp`);
  }
  emitIntegerDivider(w);
  next(INTEGER_DIVIDER);
  return files;
}

function emitOperatorModel(w: CodeWriter, name: string, bits: number, outBits: string, call: string): void {
  w.line(`module ${name} #(`);
  w.line("  parameter int OP = 0,");
  w.line("  parameter int LATENCY = 1");
  w.line(") (");
  w.line("  input  wire logic              clk,");
  w.line("  input  wire logic              ce,");
  w.line(`  input  wire logic [${bits - 1}:0]       a,`);
  w.line(`  input  wire logic [${bits - 1}:0]       b,`);
  w.line(`  output logic      [${Number(outBits) - 1}:0]       y`);
  w.line(");");
  w.indent();
  w.line(`logic [${Number(outBits) - 1}:0] pipe_q [LATENCY];`);
  w.line("always_ff @(posedge clk) begin");
  w.line("  if (ce) begin");
  w.line(`    pipe_q[0] <= ${call};`);
  w.line("    for (int s = 1; s < LATENCY; s++) pipe_q[s] <= pipe_q[s - 1];");
  w.line("  end");
  w.line("end");
  w.line("assign y = pipe_q[LATENCY - 1];");
  w.dedent();
  w.line("endmodule");
  w.line();
}
