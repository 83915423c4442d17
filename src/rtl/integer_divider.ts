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
  w.comment("below them, the divisor's magnitude, the result's sign and whether the divisor is 0; *_n: the");
  w.comment("values the stages take at the next enabled clock (whole arrays, one assignment each).");
  w.line("logic [BITS-1:0] rem_q [STAGES + 1], rem_n [STAGES + 1];");
  w.line("logic [BITS-1:0] quo_q [STAGES + 1], quo_n [STAGES + 1];");
  w.line("logic [BITS-1:0] den_q [STAGES + 1], den_n [STAGES + 1];");
  w.line("logic neg_q [STAGES + 1], neg_n [STAGES + 1];");
  w.line("logic zero_q [STAGES + 1], zero_n [STAGES + 1];");
  w.line("logic [BITS-1:0] y_q;");
  w.line("logic [BITS-1:0] mag;");
  w.line("assign mag = REMAINDER ? rem_q[STAGES] : quo_q[STAGES];");
  w.line();
  w.comment([
    "Stage 0 takes the magnitudes (|MIN| = 2^(BITS-1) as an unsigned number); stage s does PER",
    "restoring steps on stage s - 1 (steps past BITS change nothing). The partial remainder stays below",
    "the divisor, at most 2^(BITS-1), so shifted up by one bit it still fits in BITS bits (a divisor of",
    "0 overflows it, but that result is replaced by 0).",
  ].join("\n"));
  w.line("always_comb begin : g_steps");
  w.indent();
  w.directive("/* verilator lint_off UNUSEDSIGNAL */");
  w.line("logic [BITS-1:0] r, q, shifted;");
  w.directive("/* verilator lint_on UNUSEDSIGNAL */");
  w.line("logic fits;");
  w.line("shifted = '0; // assigned on every path: no latch");
  w.line("fits = 1'b0;");
  w.line("rem_n[0] = '0;");
  w.line("quo_n[0] = a[BITS-1] ? -a : a;");
  w.line("den_n[0] = b[BITS-1] ? -b : b;");
  w.line("neg_n[0] = REMAINDER ? a[BITS-1] : a[BITS-1] ^ b[BITS-1];");
  w.line("zero_n[0] = b == '0;");
  w.line("for (int s = 1; s <= STAGES; s++) begin");
  w.indent();
  w.line("r = rem_q[s - 1];");
  w.line("q = quo_q[s - 1];");
  w.line("for (int k = 0; k < PER; k++) begin");
  w.indent();
  w.line("if ((s - 1) * PER + k < BITS) begin");
  w.indent();
  w.line("shifted = {r[BITS-2:0], q[BITS-1]};");
  w.line("fits = shifted >= den_q[s - 1];");
  w.line("r = fits ? shifted - den_q[s - 1] : shifted;");
  w.line("q = {q[BITS-2:0], fits};");
  w.dedent();
  w.line("end");
  w.dedent();
  w.line("end");
  w.line("rem_n[s] = r;");
  w.line("quo_n[s] = q;");
  w.line("den_n[s] = den_q[s - 1];");
  w.line("neg_n[s] = neg_q[s - 1];");
  w.line("zero_n[s] = zero_q[s - 1];");
  w.dedent();
  w.line("end");
  w.dedent();
  w.line("end");
  w.line();
  w.line("always_ff @(posedge clk) begin");
  w.line("  if (ce) begin");
  w.line("    rem_q <= rem_n;");
  w.line("    quo_q <= quo_n;");
  w.line("    den_q <= den_n;");
  w.line("    neg_q <= neg_n;");
  w.line("    zero_q <= zero_n;");
  w.line("    y_q <= zero_q[STAGES] ? '0 : neg_q[STAGES] ? -mag : mag;");
  w.line("  end");
  w.line("end");
  w.line("assign y = y_q;");
  w.dedent();
  w.line("endmodule");
}
