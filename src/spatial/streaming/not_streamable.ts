// How a pattern pass says a program is not its shape: thrown with the reason, turned into the
// pass's `{ ok: false, reason }` (and so into the kernel's memory-mapped reason), never a UserError.

export class NotStreamable extends Error {}
