// How a pattern pass says a program is not its shape: thrown with the reason, turned into the
// pass's `{ ok: false, reason }` (and so into the kernel's memory-mapped reason), never a UserError.

export class NotStreamable extends Error {}

/** A pass whose shape checks throw NotStreamable: the thrown reason becomes `{ ok: false, reason }`. */
export function catchingNotStreamable<I, R>(raise: (input: I) => R): (input: I) => R | { ok: false; reason: string } {
  return (input) => {
    try {
      return raise(input);
    } catch (e) {
      if (e instanceof NotStreamable) return { ok: false, reason: e.message };
      throw e;
    }
  };
}
