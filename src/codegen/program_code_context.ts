// What the layers of the program code generator (program_code.ts and the files it extends)
// share: its options and what it hands its callers (kernel arguments, dataflow launches), the
// environment program names resolve in, typed values and the context of a tasklet's statements,
// and the check that a program name can be a C identifier.

import type { Dialect, Space } from "./dialect.js";
import { UserError } from "../ir/diagnostics.js";
import type { PDataDesc, PDType, PExpr, Program, PRange, Wcr } from "../ir/program.js";

export interface ProgramCodeOptions {
  dialect: Dialect;
  /** Values of the program's free symbols. */
  symbols: Record<string, number>;
  /** Transients up to this many bytes go on chip (FPGA dialects). */
  onchipLimitBytes: number;
  /**
   * Host code of an FPGA-form program on Intel (dialect cpp): a dataflow state is a call to a
   * launcher the host defines (it starts the state's process kernels), not processes of its own.
   */
  hostLaunch?: boolean;
}

/** One dataflow state as the Intel host launches it: its kernels and their arguments. */
export interface DataflowLaunch {
  fn: string;
  /** Parameters of the launcher (symbols by value, then data pointers), in C. */
  params: string[];
  /** Data pointers of the launcher: C name, element count, element type in C. */
  data: { c: string; elements: number; type: string }[];
  /** Symbols of the launcher: C name. */
  symbols: string[];
  /** Process kernels with their arguments (C names of symbols and data). */
  processes: { name: string; args: { c: string; kind: "symbol" | "data" }[] }[];
}

/** A kernel argument: a non-transient container, or a transient kept in device memory. */
export interface KernelArg {
  name: string;
  cName: string;
  desc: PDataDesc;
  /**
   * Scalar elements, with symbols specialised: what the host's `.npy` holds. A vector container
   * (`lanes` > 1) has `elements / lanes` vectors; its host shape is its shape with the last axis
   * `lanes` times longer (a 0-d vector scalar: shape [lanes]), as DaCe's host passes it.
   */
  elements: number;
  shape: number[];
  /** Lanes of each element (1: scalars; W: `dace.vector(T, W)`). */
  lanes: number;
  /** Passed by value (a read-only scalar): `s_axilite` only. */
  byValue: boolean;
  /** The program writes it. */
  written: boolean;
  read: boolean;
  /** A transient the kernel keeps in device memory (too large for on-chip memory). */
  deviceTransient: boolean;
}

export interface DataRef {
  c: string; desc: PDataDesc; space: Space; byValue: boolean; scalarPtr: boolean;
  /**
   * A stream (FIFO array): its depth and number of channels; `offset`: a nested SDFG's stream
   * that is channels of the outer array `c` from this constant channel on.
   */
  stream?: { depth: number; count: number; offset?: number };
  /** A transient one process owns: declared inside that process's function. */
  processLocal?: number;
  /** A nested SDFG's pointer into an array: that array's C name. */
  array?: string;
}

export class Env {
  readonly data = new Map<string, DataRef>();
  readonly syms = new Map<string, { c: string; t: PDType }>();
  constructor(readonly prog: Program, readonly parent: Env | null, readonly prefix: string) {}
  sym(n: string): { c: string; t: PDType } | undefined { return this.syms.get(n) ?? (this.parent && !this.data.has(n) ? this.parent.symFallback(n) : undefined); }
  private symFallback(n: string): { c: string; t: PDType } | undefined { return this.syms.get(n) ?? this.parent?.symFallback(n); }
}

/** A value of generated code: its text and lane type; `w` lanes when it is a whole vector. */
export interface Typed { text: string; t: PDType; w?: number }

/** A tasklet connector in generated code; `w`: lanes of a vector connector. */
export interface Conn {
  c: string;
  t: PDType;
  w?: number;
  arr?: { ref: DataRef; sub: PRange[]; wcr?: Wcr | null };
  direct?: { ref: DataRef; idx: PExpr[]; wcr: Wcr | null };
  out?: { ref: DataRef; idx: PExpr[]; wcr: Wcr | null };
  /** A vector whose lanes are combined (by `wcr`) and then combined into one scalar. */
  reduce?: { ref: DataRef; idx: PExpr[]; wcr: Wcr };
  /** A vector written back as W scalars (lane k to `at(k)`). */
  scatter?: { ref: DataRef; at: (k: number) => PExpr[]; wcr: Wcr | null };
  /** A dynamic read of a stream channel: a blocking read where the code names the connector. */
  streamIn?: string;
  /** A dynamic read of a vector stream in a tasklet on vectors: the variable of each use. */
  streamUse?: string[];
  /** A dynamic write to a vector stream in a tasklet on vectors: the flag that says it was written. */
  staged?: string;
}

export interface StmtCtx {
  conns: Map<string, Conn>;
  locals: Map<string, { c: string; t: PDType }>;
  env: Env;
  where: string;
  /** In a tasklet on vectors: the lane this copy of its code computes (a constant or a loop variable). */
  lane?: number | string;
  /** In a tasklet on vectors: how many uses of each dynamic vector stream read this lane has made. */
  streamUses?: Map<string, number>;
  /** In a tasklet on vectors: locals whose value may differ between lanes. */
  varyingLocals?: Set<string>;
  /** Inside a branch whose condition may differ between lanes: the name that makes it so. */
  laneGuard?: string;
}

/** C identifier of a program name (validated: DaCe names are identifiers). */
export function ident(name: string, where: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UserError(where, `'${name}' is not an identifier and cannot be used in generated code`);
  return name;
}

/** What `element` returns for a constant stream channel outside the stream (then its name). */
export const MISSING_CHANNEL = "@missing-channel:";

/** The refusal of a vector stream access that only some lanes might make. */
export function laneGuardMessage(conn: string, verb: "reads" | "writes", guard: string): string {
  return `'${conn}' ${verb} a vector stream under a condition that may differ between lanes (it names '${guard}'): a FIFO moves whole vectors, so the lanes must agree whether it is accessed`;
}
