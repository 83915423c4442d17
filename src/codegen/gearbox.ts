// DaCe's Gearbox (dace.libraries.standard.nodes.gearbox): a library node between two vector
// streams of one lane type that turns each wide vector into `gear` narrow ones (unpack) or packs
// `gear` narrow vectors into one wide one (pack), `size` wide vectors in all. Written here as
// DaCe's elementwise expansion (ExpandGearbox) computes it: a loop over size x gear, one narrow
// vector per iteration, the wide vector held in a register array of its lanes.

import { UserError } from "../ir/diagnostics.js";

export interface GearboxPlan {
  /** Narrow vectors in, one wide vector out (else: one wide vector in, narrow vectors out). */
  pack: boolean;
  /** Narrow vectors per wide vector. */
  gear: number;
  narrow: number;
  wide: number;
}

/** How a Gearbox from vectors of `inLanes` lanes to `outLanes` lanes works (Gearbox.validate). */
export function gearboxPlan(inLanes: number, outLanes: number, label: string, where: string): GearboxPlan {
  const [narrow, wide] = [Math.min(inLanes, outLanes), Math.max(inLanes, outLanes)];
  if (wide % narrow !== 0 || wide === narrow) {
    throw new UserError(where, `Gearbox '${label}' converts vectors of ${inLanes} lanes to vectors of ${outLanes}: one width must be a multiple (> 1) of the other`);
  }
  return { pack: outLanes > inLanes, gear: wide / narrow, narrow, wide };
}
