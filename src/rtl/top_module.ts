// The pipeline's top module: one valid/ready/data stream port per array (inputs in, outputs out),
// scalar arguments as plain ports, memory readers (a full-domain array is broadcast to its
// consumers as it streams in; a lower-dimensional one is loaded once into on-chip memory and
// then streamed by position), one PE module per stencil and replica, and one sdfg_fifo per
// channel with the pipeline's computed depth. Writers are the output ports themselves: the last
// FIFO of each output drains into them.

import { CodeWriter } from "../codegen/code_writer.js";
import type { MemoryReader, Pipeline } from "../spatial/pipeline.js";
import { bitsOf } from "./datapath.js";
import { STEPS_PORT, streamPorts } from "./pe_module.js";
import { svBlock } from "./sv_syntax.js";

export const TOP_MODULE = "pipeline_top";

/** A stream port of the top module, as the testbench and the AXI wrapper see it. */
export interface TopStream {
  array: string;
  direction: "in" | "out";
  dtype: Pipeline["readers"][number]["dtype"];
  /** Bits per word: W elements, or one element for a lower-dimensional input without k. */
  bits: number;
  /** Words the stream carries per pass. */
  words: number;
  /** Elements per word (W, or 1 for a broadcast element). */
  lanes: number;
}

export function topStreams(p: Pipeline): TopStream[] {
  const W = p.vectorWidth;
  const out: TopStream[] = [];
  for (const r of p.readers) {
    const wide = r.axes.includes(2);
    const elements = r.shape.reduce((a, b) => a * b, 1);
    out.push({ array: r.array, direction: "in", dtype: r.dtype, bits: (wide ? W : 1) * bitsOf(r.dtype), words: elements / (wide ? W : 1), lanes: wide ? W : 1 });
  }
  for (const wr of p.writers) out.push({ array: wr.array, direction: "out", dtype: wr.dtype, bits: W * bitsOf(wr.dtype), words: p.vectors, lanes: W });
  return out;
}

/** The memory readers' modules, one per reader: name → text. */
export function emitReaderModules(p: Pipeline): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of p.readers) {
    const w = new CodeWriter();
    emitReader(w, p, r);
    out.set(r.name, w.toString());
  }
  return out;
}

export function emitTopModule(p: Pipeline): string {
  const w = new CodeWriter();
  const W = p.vectorWidth;

  w.comment([
    `Top of the spatial pipeline of '${p.name}': domain ${p.domain.slice(3 - p.rank).join(" x ")}, W = ${W}, P = ${p.replicas}.`,
    `${p.readers.length} reader(s), ${p.pes.length} PE(s), ${p.writers.length} writer(s), ${p.channels.length} FIFO(s).`,
  ].join("\n"));
  w.line(`module ${TOP_MODULE} (`);
  w.indent();
  const ports = ["input  wire logic ap_clk", "input  wire logic ap_rst_n"];
  for (const s of topStreams(p)) {
    const n = streamPorts(`${s.array}_`);
    if (s.direction === "in") ports.push(`input  wire logic [${s.bits - 1}:0] ${n.data}`, `input  wire logic ${n.valid}`, `output logic ${n.ready}`);
    else ports.push(`output logic [${s.bits - 1}:0] ${n.data}`, `output logic ${n.valid}`, `input  wire logic ${n.ready}`);
  }
  for (const s of p.scalars) ports.push(`input  wire logic [${bitsOf(s.dtype) - 1}:0] ${s.name}_value`);
  if (p.replicas > 1) ports.push(`input  wire logic [31:0] ${STEPS_PORT} // time steps of this pass (1..${p.replicas})`);
  ports.forEach((port, n) => {
    const [decl, comment] = port.split(" // ");
    w.line(`${decl}${n < ports.length - 1 ? "," : ""}${comment ? ` // ${comment}` : ""}`);
  });
  w.dedent();
  w.line(");");
  w.indent();

  p.channels.forEach((c, id) => {
    const bits = W * bitsOf(c.dtype);
    const cons = streamPorts(c.name);
    const prod = streamPorts(`${c.name}in_`);
    w.comment(`FIFO ${c.name}: '${c.field}' from ${c.from} to ${c.to}; delay ${c.delay}, depth ${c.depth} vector(s).`);
    for (const s of [prod, cons]) {
      w.line(`logic [${bits - 1}:0] ${s.data};`);
      w.line(`logic ${s.valid}, ${s.ready};`);
    }
    w.line(`sdfg_fifo #(.WIDTH(${bits}), .DEPTH(${c.depth}), .ID(${id})) u_${c.name} (`);
    w.line(`  .clk(ap_clk), .rst_n(ap_rst_n),`);
    w.line(`  .in_data(${prod.data}), .in_valid(${prod.valid}), .in_ready(${prod.ready}),`);
    w.line(`  .out_data(${cons.data}), .out_valid(${cons.valid}), .out_ready(${cons.ready}));`);
  });
  w.line();

  const connect = (pairs: [string, string][]) => pairs.map(([a, b]) => `.${a}(${b})`).join(", ");
  for (const r of p.readers) {
    const n = streamPorts(`${r.array}_`);
    const pairs: [string, string][] = [];
    if (!full(p, r)) pairs.push(["ap_clk", "ap_clk"], ["ap_rst_n", "ap_rst_n"]);
    pairs.push(["in_data", n.data], ["in_valid", n.valid], ["in_ready", n.ready]);
    for (const c of r.outputs) {
      const prod = streamPorts(`${c}in_`);
      const port = streamPorts(c);
      pairs.push([port.data, prod.data], [port.valid, prod.valid], [port.ready, prod.ready]);
    }
    w.line(`${r.name} u_${r.name} (${connect(pairs)});`);
  }
  for (const pe of p.pes) {
    const pairs: [string, string][] = [["ap_clk", "ap_clk"], ["ap_rst_n", "ap_rst_n"]];
    for (const i of pe.inputs) {
      const s = streamPorts(i.channel);
      pairs.push([s.data, s.data], [s.valid, s.valid], [s.ready, s.ready]);
    }
    for (const c of pe.outputs) {
      const s = streamPorts(c);
      const prod = streamPorts(`${c}in_`);
      pairs.push([s.data, prod.data], [s.valid, prod.valid], [s.ready, prod.ready]);
    }
    for (const s of pe.scalars) pairs.push([`${s}_value`, `${s}_value`]);
    if (pe.bypass) pairs.push([STEPS_PORT, STEPS_PORT]);
    w.line(`${pe.name} u_${pe.name} (${connect(pairs)});`);
  }
  for (const wr of p.writers) {
    const n = streamPorts(`${wr.array}_`);
    const s = streamPorts(wr.input);
    w.comment(`Writer of '${wr.array}': the output port drains FIFO ${wr.input}.`);
    w.line(`assign ${n.data} = ${s.data};`);
    w.line(`assign ${n.valid} = ${s.valid};`);
    w.line(`assign ${s.ready} = ${n.ready};`);
  }
  if (p.replicas > 1 && !p.pes.some((pe) => pe.bypass)) {
    w.directive("/* verilator lint_off UNUSEDSIGNAL */");
    w.line(`logic unused_steps; // no PE forwards on short passes`);
    w.line(`assign unused_steps = |${STEPS_PORT};`);
    w.directive("/* verilator lint_on UNUSEDSIGNAL */");
  }
  w.dedent();
  w.line("endmodule");
  return w.toString();
}

function full(p: Pipeline, r: MemoryReader): boolean {
  return r.axes.length === p.rank;
}

function emitReader(w: CodeWriter, p: Pipeline, r: MemoryReader): void {
  const W = p.vectorWidth;
  const B = bitsOf(r.dtype);
  const wide = r.axes.includes(2);
  const inBits = (wide ? W : 1) * B;
  const outs = r.outputs.map((c) => streamPorts(c));
  const ready = outs.map((o) => o.ready).join(" && ");
  w.line(`module ${r.name} (`);
  w.indent();
  const ports: string[] = [];
  if (!full(p, r)) ports.push("input  wire logic ap_clk", "input  wire logic ap_rst_n");
  ports.push(`input  wire logic [${inBits - 1}:0] in_data`, "input  wire logic in_valid", "output logic in_ready");
  for (const o of outs) ports.push(`output logic [${W * B - 1}:0] ${o.data}`, `output logic ${o.valid}`, `input  wire logic ${o.ready}`);
  ports.forEach((port, n) => w.line(`${port}${n < ports.length - 1 ? "," : ""}`));
  w.dedent();
  w.line(");");
  w.indent();
  if (full(p, r)) {
    w.comment(`Memory reader of '${r.array}' (full domain): each vector goes to all ${outs.length} consumer(s) at once.`);
    w.line(`assign in_ready = ${ready};`);
    for (const o of outs) {
      w.line(`assign ${o.data} = in_data;`);
      w.line(`assign ${o.valid} = in_valid${outs.length > 1 ? ` && in_ready` : ""};`);
    }
  } else {
    const words = r.shape.reduce((a, b) => a * b, 1) / (wide ? W : 1);
    const aw = Math.max(1, Math.ceil(Math.log2(words)));
    const extents = [p.domain[0], p.domain[1], wide ? p.domain[2] / W : p.domain[2]];
    const axisExpr = ["i_q", "j_q", "kv_q"];
    let index = "";
    for (const a of r.axes) index = index === "" ? axisExpr[a]! : `(${index}) * ${extents[a]} + ${axisExpr[a]}`;
    w.comment([
      `Memory reader of '${r.array}' (axes ${r.axes.map((a) => "ijk"[a]).join(",") || "none"}, broadcast over the others): its ${words} word(s)`,
      "arrive once and stay on chip; then one vector per position goes to every consumer.",
    ].join("\n"));
    w.line(`logic [${inBits - 1}:0] mem_q [${words}];`);
    w.line("int loaded_q; // words received");
    w.line("int v_q, i_q, j_q, kv_q; // position of the next vector sent");
    w.line("logic send;");
    w.line(`assign in_ready = loaded_q < ${words};`);
    w.line(`assign send = loaded_q == ${words} && v_q < ${p.vectors} && ${ready};`);
    const word = index === "" ? "mem_q[0]" : `mem_q[${aw}'(${index})]`;
    for (const o of outs) {
      w.line(`assign ${o.data} = ${wide ? word : `{${W}{${word}}}`};`);
      w.line(`assign ${o.valid} = send;`);
    }
    svBlock(w, "always_ff @(posedge ap_clk)", () => {
      w.line(`if (in_valid && in_ready) mem_q[${aw}'(loaded_q)] <= in_data;`);
      svBlock(w, "if (!ap_rst_n)", () => w.many(["loaded_q <= 0;", "v_q <= 0;", "i_q <= 0;", "j_q <= 0;", "kv_q <= 0;"]));
      svBlock(w, "else", () => {
        w.line("if (in_valid && in_ready) loaded_q <= loaded_q + 1;");
        svBlock(w, "if (send)", () => {
          w.line("v_q <= v_q + 1;");
          svBlock(w, `if (kv_q == ${p.domain[2] / W - 1})`, () => {
            w.line("kv_q <= 0;");
            svBlock(w, `if (j_q == ${p.domain[1] - 1})`, () => { w.line("j_q <= 0;"); w.line("i_q <= i_q + 1;"); });
            w.line("else j_q <= j_q + 1;");
          });
          w.line("else kv_q <= kv_q + 1;");
        });
      });
    });
  }
  w.dedent();
  w.line("endmodule");
  w.line();
}
