// The pipelined signed integer divider of the RTL datapath (integer `/` and `%`): one operation
// accepted per cycle (II = 1), results after exactly LATENCY cycles, advanced by the PE's clock
// enable like every other operator. An input stage takes the operands' magnitudes, LATENCY - 2
// restoring-division stages produce ceil(BITS / (LATENCY - 2)) quotient bits each, and an output
// stage applies the signs and the cases the CPU reference defines (c_expr.ts integerHelpers):
// truncation toward zero, the remainder has the dividend's sign, x / 0 = x % 0 = 0,
// MIN / -1 = MIN (wraps), x % -1 = 0. Synthesisable as it stands (no IP core).

import type { CodeWriter } from "../codegen/code_writer.js";

export const INTEGER_DIVIDER = "sdfg_int_div";

export function emitIntegerDivider(w: CodeWriter): void {
  w.comment([
    "Signed integer division (REMAINDER = 0) or remainder (REMAINDER = 1), C semantics with every case",
    "defined: truncation toward zero, remainder with the dividend's sign, x / 0 = x % 0 = 0,",
    "MIN / -1 = MIN, x % -1 = 0. Pipelined restoring division: II = 1, LATENCY cycles.",
  ].join("\n"));
  w.line(`module ${INTEGER_DIVIDER} #(`);
  w.line("  parameter int BITS = 32,");
  w.line("  parameter int LATENCY = 36,");
  w.line("  parameter bit REMAINDER = 1'b0");
  w.line(") (");
  w.line("  input  wire logic            clk,");
  w.line("  input  wire logic            ce,");
  w.line("  input  wire logic [BITS-1:0] a,");
  w.line("  input  wire logic [BITS-1:0] b,");
  w.line("  output logic      [BITS-1:0] y");
  w.line(");");
  w.indent();
  w.line("localparam int STAGES = LATENCY - 2; // restoring-division stages between the input and output stages");
  w.line("localparam int PER = (BITS + STAGES - 1) / STAGES; // quotient bits each stage produces");
  w.comment("Stage s: the partial remainder, the dividend's unused bits shifted up with the quotient bits");
  w.comment("below them, the divisor's magnitude, the result's sign and whether the divisor is 0.");
  w.line("logic [BITS-1:0] rem_q [STAGES + 1];");
  w.line("logic [BITS-1:0] quo_q [STAGES + 1];");
  w.line("logic [BITS-1:0] den_q [STAGES + 1];");
  w.line("logic neg_q [STAGES + 1];");
  w.line("logic zero_q [STAGES + 1];");
  w.line("logic [BITS-1:0] y_q;");
  w.line("logic [BITS-1:0] mag;");
  w.line("assign mag = REMAINDER ? rem_q[STAGES] : quo_q[STAGES];");
  w.line();
  w.comment("PER restoring steps, the first being step `first` of BITS (steps past BITS change nothing).");
  w.line("function automatic logic [2*BITS-1:0] steps(input logic [BITS-1:0] rem, input logic [BITS-1:0] quo, input logic [BITS-1:0] den, input int first);");
  w.indent();
  w.line("logic [BITS:0] r;");
  w.line("logic [BITS-1:0] rr, q;");
  w.line("rr = rem;");
  w.line("q = quo;");
  w.line("for (int k = 0; k < PER; k++) begin");
  w.line("  if (first + k < BITS) begin");
  w.line("    r = {rr, q[BITS-1]};");
  w.line("    q = {q[BITS-2:0], 1'b0};");
  w.line("    if (r >= {1'b0, den}) begin");
  w.line("      r = r - {1'b0, den};");
  w.line("      q[0] = 1'b1;");
  w.line("    end");
  w.line("    rr = r[BITS-1:0];");
  w.line("  end");
  w.line("end");
  w.line("return {rr, q};");
  w.dedent();
  w.line("endfunction");
  w.line();
  w.line("always_ff @(posedge clk) begin");
  w.line("  if (ce) begin");
  w.line("    rem_q[0] <= '0;");
  w.line("    quo_q[0] <= a[BITS-1] ? -a : a; // |MIN| = 2^(BITS-1) as an unsigned number");
  w.line("    den_q[0] <= b[BITS-1] ? -b : b;");
  w.line("    neg_q[0] <= REMAINDER ? a[BITS-1] : a[BITS-1] ^ b[BITS-1];");
  w.line("    zero_q[0] <= b == '0;");
  w.line("    for (int s = 1; s <= STAGES; s++) begin");
  w.line("      {rem_q[s], quo_q[s]} <= steps(rem_q[s - 1], quo_q[s - 1], den_q[s - 1], (s - 1) * PER);");
  w.line("      den_q[s] <= den_q[s - 1];");
  w.line("      neg_q[s] <= neg_q[s - 1];");
  w.line("      zero_q[s] <= zero_q[s - 1];");
  w.line("    end");
  w.line("    y_q <= zero_q[STAGES] ? '0 : neg_q[STAGES] ? -mag : mag;");
  w.line("  end");
  w.line("end");
  w.line("assign y = y_q;");
  w.dedent();
  w.line("endmodule");
}
