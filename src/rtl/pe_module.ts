// One SystemVerilog module per processing element, cycle for cycle the loop the HLS emitter
// writes (src/hls/vitis_kernel.ts): iteration t_ of V + latency reads each input while its stream
// lasts (from t_ = latency - lead on), shifts the window by one vector (registers for the taps,
// delay lines in inferred RAM over the gaps), and from t_ = latency on computes the output
// vector at position (i, j, kv) with the boundary conditions decided by those counters. The
// arithmetic is a fixed-latency datapath (datapath.ts) stalled, not flushed, by a clock enable
// when an output FIFO is full, like HLS's default pipeline style.

import { CodeWriter } from "../codegen/code_writer.js";
import { domainChecks, registerIndex, windowSlot, type PEInput, type Pipeline, type ProcessingElement, type WindowPart } from "../spatial/pipeline.js";
import { isIntegerDType } from "../ir/dtype.js";
import { FP_CMP_CODE, FP_OP_CODE } from "./common_modules.js";
import { bitsOf, buildDatapath, constantBits, type Datapath } from "./datapath.js";
import { emitIntegerNode } from "./integer_datapath.js";
import { svBlock, svHex, svLanes } from "./sv_syntax.js";
import { convertValue } from "./type_conversion.js";

const AXES = ["i", "j", "k"];

/** Signal-name part of a tap: `u_c`, `u_jp1`, `lap_im1_km2`. */
export function tapLabel(field: string, offset: readonly number[]): string {
  const parts = offset.map((d, a) => (d === 0 ? "" : `${AXES[a]}${d > 0 ? "p" : "m"}${Math.abs(d)}`)).filter((s) => s !== "");
  return `${field}_${parts.length === 0 ? "c" : parts.join("_")}`;
}

/** Port names of a stream (a channel or a top-level array): `<base>data`, `<base>valid`, `<base>ready`. */
export function streamPorts(base: string): { data: string; valid: string; ready: string } {
  return { data: `${base}data`, valid: `${base}valid`, ready: `${base}ready` };
}

export const STEPS_PORT = "steps_";

export interface PEModuleInfo {
  datapath: Datapath;
  text: string;
}

export function emitPEModule(p: Pipeline, pe: ProcessingElement, source: string | undefined): PEModuleInfo {
  const w = new CodeWriter();
  const dp = buildDatapath(p, pe);
  const W = p.vectorWidth;
  const B = bitsOf(pe.dtype);
  const [, J, K] = p.domain;
  const KV = K / W;
  const V = p.vectors;
  const L = pe.latency;
  const outs = pe.outputs.map((n) => p.channels.find((c) => c.name === n)!);
  const scalarType = (s: string) => p.scalars.find((x) => x.name === s)!.dtype;

  const replica = p.replicas > 1 ? ` (time step ${pe.replica + 1} of ${p.replicas} in a pass)` : "";
  w.comment([
    `Processing element of stencil '${pe.stencil}'${replica}${source ? `: ${source}` : ""}`,
    `Window lead ${L} vector(s); arithmetic ${dp.depth} stage(s) after the tap registers; ${W} lane(s).`,
  ].join("\n"));
  w.line(`module ${pe.name} (`);
  w.indent();
  const ports: string[] = ["input  wire logic ap_clk", "input  wire logic ap_rst_n"];
  for (const input of pe.inputs) {
    const s = streamPorts(input.channel);
    ports.push(`input  wire logic [${W * bitsOf(input.dtype) - 1}:0] ${s.data}`, `input  wire logic ${s.valid}`, `output logic ${s.ready}`);
  }
  for (const c of outs) {
    const s = streamPorts(c.name);
    ports.push(`output logic [${W * B - 1}:0] ${s.data}`, `output logic ${s.valid}`, `input  wire logic ${s.ready}`);
  }
  for (const s of pe.scalars) ports.push(`input  wire logic [${bitsOf(scalarType(s)) - 1}:0] ${s}_value`);
  if (pe.bypass) ports.push(`input  wire logic [31:0] ${STEPS_PORT}`);
  ports.forEach((port, n) => w.line(`${port}${n < ports.length - 1 ? "," : ""}`));
  w.dedent();
  w.line(");");
  w.indent();

  // Iteration and position counters, handshakes.
  w.line(`localparam int V = ${V}; // vectors per field`);
  w.line(`localparam int LATENCY = ${L}; // vectors read ahead of the first output`);
  w.line("int t_q; // iteration: 0 .. V + LATENCY - 1");
  w.line("int i_q, j_q, kv_q; // position of the next output vector");
  w.line("logic ce; // the datapath advances (its last stage is empty or leaves this cycle)");
  w.line("logic fire; // iteration t_q happens this cycle");
  w.line("logic emit; // iteration t_q produces an output vector");
  w.line("logic outs_ready;");
  w.line(`logic [${dp.depth}:0] valid_q; // valid bit of every datapath stage`);
  w.line(`assign outs_ready = ${outs.map((c) => streamPorts(c.name).ready).join(" && ") || "1'b1"};`);
  w.line(`assign ce = !(valid_q[${dp.depth}] && !outs_ready);`);
  w.line("assign emit = t_q >= LATENCY;");
  const ok: string[] = [];
  for (const input of pe.inputs) {
    const start = L - input.lead;
    const s = streamPorts(input.channel);
    const reading = start === 0 ? "t_q < V" : `t_q >= ${start} && t_q < V + ${start}`;
    w.line(`logic ${input.field}_reading; // its stream lasts: read one vector per iteration`);
    w.line(`assign ${input.field}_reading = ${reading};`);
    ok.push(`(!${input.field}_reading || ${s.valid})`);
  }
  w.line(`assign fire = ce && t_q < V + LATENCY${ok.length > 0 ? ` && ${ok.join(" && ")}` : ""};`);
  for (const input of pe.inputs) w.line(`assign ${streamPorts(input.channel).ready} = fire && ${input.field}_reading;`);
  w.line();
  svBlock(w, "always_ff @(posedge ap_clk)", () => {
    svBlock(w, "if (!ap_rst_n)", () => {
      w.line("t_q <= 0;");
      w.line("i_q <= 0;");
      w.line("j_q <= 0;");
      w.line("kv_q <= 0;");
    });
    svBlock(w, "else if (fire)", () => {
      w.line("t_q <= t_q + 1;");
      svBlock(w, "if (emit)", () => {
        svBlock(w, `if (kv_q == ${KV - 1})`, () => {
          w.line("kv_q <= 0;");
          svBlock(w, `if (j_q == ${J - 1})`, () => {
            w.line("j_q <= 0;");
            w.line("i_q <= i_q + 1;");
          });
          w.line("else j_q <= j_q + 1;");
        });
        w.line("else kv_q <= kv_q + 1;");
      });
    });
  });
  w.line();

  // Windows.
  for (const input of pe.inputs) emitWindow(w, input, W, streamPorts(input.channel).data);

  // Stage 0: boundary-resolved taps of every lane, registered.
  const used = reachable(dp);
  const tapNodes = dp.nodes.map((n, id) => ({ n, id })).filter(({ n, id }) => n.node.kind === "tap" && used.has(id));
  const bypass = pe.bypass ? pe.inputs.find((i) => i.field === pe.bypass)! : undefined;
  const conv = (from: typeof pe.dtype, text: string) => convertValue(from, pe.dtype, text);
  const integer = isIntegerDType(pe.dtype);
  w.comment("Stage 0: the taps of every lane with the boundary conditions applied, registered.");
  const stage0: string[] = [];
  for (let lane = 0; lane < W; lane++) {
    for (const { n, id } of tapNodes) {
      if (n.node.kind !== "tap") continue;
      const { input, tap } = n.node;
      const value = conv(input.dtype, element(input, tap.linear, lane, W));
      const inside = inDomain(tap.offset, p.domain, lane, W);
      const outside = input.boundary.type === "constant" ? svHex(B, constantBits(input.boundary.value, pe.dtype)) : conv(input.dtype, element(input, 0, lane, W));
      const reg = `${tapLabel(input.field, tap.offset)}_l${lane}_q`;
      w.line(`logic [${B - 1}:0] ${reg};`);
      stage0.push(`${reg} <= ${inside === null ? value : `(${inside}) ? ${value} : ${outside}`};`);
      w.line(`logic [${B - 1}:0] n${id}_l${lane};`);
      w.line(`assign n${id}_l${lane} = ${reg};`);
    }
    if (bypass) {
      w.line(`logic [${B - 1}:0] bypass_l${lane}_q; // '${bypass.field}' at the centre, forwarded when inactive`);
      stage0.push(`bypass_l${lane}_q <= ${conv(bypass.dtype, element(bypass, 0, lane, W))};`);
    }
  }
  svBlock(w, "always_ff @(posedge ap_clk)", () => {
    svBlock(w, "if (!ap_rst_n)", () => w.line("valid_q <= '0;"));
    svBlock(w, "else if (ce)", () => w.line(dp.depth === 0 ? "valid_q <= fire && emit;" : `valid_q <= {valid_q[${dp.depth - 1}:0], fire && emit};`));
  });
  if (stage0.length > 0) svBlock(w, "always_ff @(posedge ap_clk)", () => svBlock(w, "if (ce)", () => w.many(stage0)));
  w.line();

  // Datapath of every lane.
  w.comment(`Datapath: ${dp.depth} stage(s); operands that arrive early are delayed to their operator's start.`);
  const results: string[] = [];
  for (let lane = 0; lane < W; lane++) {
    const delayed = new Map<string, string>();
    const at = (arg: number, stage: number): string => {
      const a = dp.nodes[arg]!;
      const name = `n${arg}_l${lane}`;
      if (a.ready < 0 || a.ready === stage) return name;
      const key = `${arg}@${stage}`;
      const hit = delayed.get(key);
      if (hit) return hit;
      const d = `n${arg}_s${stage}_l${lane}`;
      const width = a.bool ? 1 : B;
      w.line(`logic [${width - 1}:0] ${d};`);
      w.line(`sdfg_delay #(.WIDTH(${width}), .DEPTH(${stage - a.ready})) u_${d} (.clk(ap_clk), .ce(ce), .d(${name}), .q(${d}));`);
      delayed.set(key, d);
      return d;
    };
    dp.nodes.forEach((sn, id) => {
      if (!used.has(id) || sn.node.kind === "tap") return;
      const name = `n${id}_l${lane}`;
      const node = sn.node;
      w.line(`logic [${sn.bool ? 0 : B - 1}:0] ${name};`);
      const args = "args" in node ? node.args.map((a) => at(a, sn.start)) : [];
      if (integer && emitIntegerNode(w, sn, name, args, B)) return;
      switch (node.kind) {
        case "const": w.line(`assign ${name} = ${svHex(B, node.bits)};`); break;
        case "scalar": w.line(`assign ${name} = ${conv(node.dtype, `${node.name}_value`)};`); break;
        case "fp": w.line(`sdfg_fp${B}_op #(.OP(${FP_OP_CODE[node.op]}), .LATENCY(${sn.latency})) u_${name} (.clk(ap_clk), .ce(ce), .a(${args[0]}), .b(${args[1] ?? `${B}'d0`}), .y(${name})); // ${node.op}`); break;
        case "cmp": w.line(`sdfg_fp${B}_cmp #(.OP(${FP_CMP_CODE[node.op]}), .LATENCY(${sn.latency})) u_${name} (.clk(ap_clk), .ce(ce), .a(${args[0]}), .b(${args[1]}), .y(${name})); // ${node.op}`); break;
        case "neg": w.line(`assign ${name} = {~${args[0]}[${B - 1}], ${args[0]}[${B - 2}:0]};`); break;
        case "abs": w.line(`assign ${name} = {1'b0, ${args[0]}[${B - 2}:0]};`); break;
        case "int": case "bitnot": throw new Error(`integer operator '${node.kind}' in float stencil '${pe.stencil}'`);
        case "not": w.line(`assign ${name} = !${args[0]};`); break;
        case "nonzero": w.line(`assign ${name} = |${args[0]}[${B - 2}:0];`); break;
        case "bool2t": w.line(`assign ${name} = ${args[0]} ? ${svHex(B, constantBits(1, pe.dtype))} : ${svHex(B, constantBits(0, pe.dtype))};`); break;
        case "and": w.line(`assign ${name} = ${args[0]} && ${args[1]};`); break;
        case "or": w.line(`assign ${name} = ${args[0]} || ${args[1]};`); break;
        case "select": {
          const mux = `${args[0]} ? ${args[1]} : ${args[2]}`;
          if (sn.latency === 0) { w.line(`assign ${name} = ${mux};`); break; }
          w.line(`logic [${B - 1}:0] ${name}_mux;`);
          w.line(`assign ${name}_mux = ${mux};`);
          w.line(`sdfg_delay #(.WIDTH(${B}), .DEPTH(${sn.latency})) u_${name} (.clk(ap_clk), .ce(ce), .d(${name}_mux), .q(${name}));`);
          break;
        }
      }
    });
    let result = at(dp.result, dp.depth);
    if (bypass) {
      const fwd = `bypass_l${lane}`;
      w.line(`logic [${B - 1}:0] ${fwd};`);
      if (dp.depth === 0) w.line(`assign ${fwd} = bypass_l${lane}_q;`);
      else w.line(`sdfg_delay #(.WIDTH(${B}), .DEPTH(${dp.depth})) u_${fwd} (.clk(ap_clk), .ce(ce), .d(bypass_l${lane}_q), .q(${fwd}));`);
      result = `active ? ${result} : ${fwd}`;
    }
    results.push(result);
    w.line();
  }
  if (bypass) {
    w.line(`logic active; // this copy does a time step of the pass (else it forwards '${bypass.field}')`);
    w.line(`assign active = ${STEPS_PORT} > 32'd${pe.replica};`);
  }
  for (const c of outs) {
    const s = streamPorts(c.name);
    w.line(`assign ${s.data} = ${svLanes(results)};`);
    // All outputs move together: a copy goes out only when every consumer takes it.
    w.line(`assign ${s.valid} = valid_q[${dp.depth}]${outs.length > 1 ? " && outs_ready" : ""};`);
  }
  w.dedent();
  w.line("endmodule");
  return { datapath: dp, text: w.toString() };
}

/** Node ids the result depends on. */
function reachable(dp: Datapath): Set<number> {
  const seen = new Set<number>();
  const visit = (id: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    const n = dp.nodes[id]!.node;
    if ("args" in n) n.args.forEach(visit);
  };
  visit(dp.result);
  return seen;
}

/** Element of the next window (after this cycle's shift) at linear offset `linear` of `lane`. */
function element(input: PEInput, linear: number, lane: number, W: number): string {
  const slot = windowSlot(input, linear, lane, W);
  const c = registerIndex(input).get(slot.vector);
  if (c === undefined) throw new Error(`tap ${linear} of ${input.field} is not in a register`);
  const B = bitsOf(input.dtype);
  return `${input.field}_win_d[${c}][${slot.lane * B + B - 1}:${slot.lane * B}]`;
}

/** SystemVerilog condition that offset `offset` of lane `lane` stays in the domain (null: always). */
function inDomain(offset: readonly number[], domain: readonly number[], lane: number, W: number): string | null {
  const names = ["i_q", "j_q", `kv_q * ${W}`];
  const terms = domainChecks(offset, domain, lane, W).map((c) => `${names[c.axis]} ${c.op} ${c.bound}`);
  return terms.length === 0 ? null : terms.join(" && ");
}

/**
 * The window of one input: `<f>_win_q` (register vectors) and its next value `<f>_win_d` after
 * this cycle's shift; each delay line is a RAM read one iteration ahead (`<f>_rd<n>_q` holds the
 * vector leaving it), which keeps the read synchronous so block RAM can be inferred.
 */
function emitWindow(w: CodeWriter, input: PEInput, W: number, incoming: string): void {
  const index = registerIndex(input);
  const VB = W * bitsOf(input.dtype);
  const f = input.field;
  const lines = input.parts.filter((x): x is Extract<WindowPart, { kind: "delay" }> => x.kind === "delay");
  w.comment(`Window of '${f}': ${input.vectors} vector(s), linear offsets ${input.lo}..${input.hi}; ${index.size} in registers${lines.length > 0 ? `, delay line(s) of ${lines.map((l) => `${l.count} (${l.storage})`).join(", ")}` : ""}.`);
  w.comment("Whole vectors shift through the window; the taps use only some lanes of some of them.");
  w.directive("/* verilator lint_off UNUSEDSIGNAL */");
  w.line(`logic [${VB - 1}:0] ${f}_win_q [${index.size}];`);
  w.line(`logic [${VB - 1}:0] ${f}_win_d [${index.size}];`);
  w.directive("/* verilator lint_on UNUSEDSIGNAL */");
  const seq: string[] = [];
  const comb: string[] = [];
  const pointers: string[] = [];
  let n = 0;
  input.parts.forEach((part, p) => {
    if (part.kind === "delay") return;
    const first = index.get(part.first)!;
    const last = index.get(part.first + part.count - 1)!;
    for (let s = first; s < last; s++) comb.push(`assign ${f}_win_d[${s}] = ${f}_win_q[${s + 1}];`);
    const next = input.parts[p + 1];
    if (!next) {
      comb.push(`assign ${f}_win_d[${last}] = ${f}_reading ? ${incoming} : '0;`);
      return;
    }
    if (next.kind !== "delay") throw new Error("two register runs without a delay line between them");
    const after = index.get(next.first + next.count)!;
    const rd = `${f}_rd${n}_q`;
    comb.push(`assign ${f}_win_d[${last}] = ${rd};`);
    if (next.count === 1) {
      w.line(`logic [${VB - 1}:0] ${rd}; // a one-vector delay line is a register`);
      seq.push(`${rd} <= ${f}_win_q[${after}];`);
    } else {
      const ram = `${f}_line${n}_q`;
      const ptr = `${f}_ptr${n}_q`;
      const style = next.storage === "uram" ? "ultra" : next.storage === "bram" ? "block" : "distributed";
      w.line(`(* ram_style = "${style}" *) logic [${VB - 1}:0] ${ram} [${next.count}];`);
      w.line(`logic [${VB - 1}:0] ${rd}; // the vector leaving the delay line at the next shift`);
      const aw = Math.max(1, Math.ceil(Math.log2(next.count)));
      w.line(`logic [${aw - 1}:0] ${ptr}, ${ptr}_next;`);
      comb.push(`assign ${ptr}_next = ${ptr} == ${aw}'d${next.count - 1} ? '0 : ${ptr} + 1'b1;`);
      seq.push(`${ram}[${ptr}] <= ${f}_win_q[${after}];`);
      seq.push(`${rd} <= ${ram}[${ptr}_next];`);
      pointers.push(ptr);
    }
    n++;
  });
  w.many(comb);
  svBlock(w, "always_ff @(posedge ap_clk)", () => {
    svBlock(w, "if (fire)", () => {
      for (let s = 0; s < index.size; s++) w.line(`${f}_win_q[${s}] <= ${f}_win_d[${s}];`);
      w.many(seq);
    });
  });
  if (pointers.length > 0) {
    svBlock(w, "always_ff @(posedge ap_clk)", () => {
      svBlock(w, "if (!ap_rst_n)", () => { for (const q of pointers) w.line(`${q} <= '0;`); });
      svBlock(w, "else if (fire)", () => { for (const q of pointers) w.line(`${q} <= ${q}_next;`); });
    });
  }
  w.line();
}
