// The integer operators of a PE's datapath as native SystemVerilog (integer stencils; datapath.ts
// schedules them). Values are two's complement bit vectors of the stencil's width B; each
// operator matches the C++ the CPU reference runs (built with -fwrapv, c_expr.ts's helpers):
//  - + - * and unary - wrap modulo 2^B; comparisons, min, max and abs are signed (abs(MIN) = MIN);
//  - a / b truncates toward zero, a % b takes a's sign; x / 0 = x % 0 = 0, MIN / -1 = MIN,
//    x % -1 = 0 (the pipelined divider of integer_divider.ts);
//  - a << b, a >> b (arithmetic) for 0 <= b < B; any other count gives 0 (<<) or the sign (>>).
// An operator of latency L computes combinationally and is followed by L balancing registers,
// which synthesis retimes into the operator (the multiplier's DSP pipeline, for instance).

import type { CodeWriter } from "../codegen/code_writer.js";
import type { ScheduledNode } from "./datapath.js";
import { INTEGER_DIVIDER } from "./integer_divider.js";

const CMP_OP: Record<string, string> = { lt: "<", le: "<=", gt: ">", ge: ">=", eq: "==", ne: "!=" };

/**
 * Drives `name` (declared by the caller) for a node of an integer stencil with operands `args`
 * (signal names); returns false for the node kinds whose logic is the same as for floats.
 */
export function emitIntegerNode(w: CodeWriter, sn: ScheduledNode, name: string, args: string[], B: number): boolean {
  const node = sn.node;
  const [a, b] = args as [string, string];
  let value: string;
  switch (node.kind) {
    case "int":
      if (node.op === "div" || node.op === "rem") {
        w.line(`${INTEGER_DIVIDER} #(.BITS(${B}), .LATENCY(${sn.latency}), .REMAINDER(1'b${node.op === "rem" ? 1 : 0})) u_${name} (.clk(ap_clk), .ce(ce), .a(${a}), .b(${b}), .y(${name})); // ${node.op}`);
        return true;
      }
      value = integerExpression(w, node.op, name, a, b, B);
      break;
    case "cmp": value = `$signed(${a}) ${CMP_OP[node.op]} $signed(${b})`; break;
    case "neg": value = `-${a}`; break;
    case "abs": value = `${a}[${B - 1}] ? -${a} : ${a}`; break;
    case "bitnot": value = `~${a}`; break;
    case "nonzero": value = `|${a}`; break;
    default: return false;
  }
  const comment = node.kind === "int" || node.kind === "cmp" ? ` // ${node.op}` : ` // ${node.kind}`;
  if (sn.latency === 0) {
    w.line(`assign ${name} = ${value};${comment}`);
    return true;
  }
  const width = sn.bool ? 1 : B;
  w.line(`logic [${width - 1}:0] ${name}_d;`);
  w.line(`assign ${name}_d = ${value};${comment}`);
  w.line(`sdfg_delay #(.WIDTH(${width}), .DEPTH(${sn.latency})) u_${name} (.clk(ap_clk), .ce(ce), .d(${name}_d), .q(${name}));`);
  return true;
}

/** The combinational value of a (non-dividing) integer operator on signals `a` and `b`. */
function integerExpression(w: CodeWriter, op: string, name: string, a: string, b: string, B: number): string {
  const countBits = Math.log2(B);
  switch (op) {
    case "add": return `${a} + ${b}`;
    case "sub": return `${a} - ${b}`;
    case "mul": return `${a} * ${b}`;
    case "and": return `${a} & ${b}`;
    case "or": return `${a} | ${b}`;
    case "xor": return `${a} ^ ${b}`;
    // std::min(x, y) is (y < x) ? y : x, std::max(x, y) is (x < y) ? y : x.
    case "min": return `$signed(${b}) < $signed(${a}) ? ${b} : ${a}`;
    case "max": return `$signed(${a}) < $signed(${b}) ? ${b} : ${a}`;
    // A count outside 0..B-1 (negative ones are huge unsigned) shifts everything out.
    case "shl": return `${b} >= ${B}'d${B} ? '0 : ${a} << ${b}[${countBits - 1}:0]`;
    case "shr": {
      // The arithmetic shift in a signal of its own: inside the ternary it would be unsigned.
      w.line(`logic signed [${B - 1}:0] ${name}_sra;`);
      w.line(`assign ${name}_sra = $signed(${a}) >>> ${b}[${countBits - 1}:0];`);
      return `${b} >= ${B}'d${B} ? {${B}{${a}[${B - 1}]}} : ${name}_sra`;
    }
    default: throw new Error(`no integer operator '${op}'`);
  }
}
