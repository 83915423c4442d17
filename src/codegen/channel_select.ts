// Intel channels are named with indices known when aoc compiles the kernel (a constant, or the
// variable of a fully unrolled loop): `read_channel_intel(pipe[k])` with `k` a pipelined loop's
// variable does not compile. DaCe's samples index stream arrays that way (the vectorized GEMM's
// `transpose[k1]` pops the 16 channels in turn), so such an access becomes a chain of conditional
// expressions with one constant channel per case: only the chosen case's read or write runs.

/** Marks a channel text whose index is only known at run time (decoded by the stream accessors). */
const SELECTED = "@selected-channel:";

/** The channel `base[index]` of `count` channels, with `index` a run-time C expression. */
export function selectedChannel(base: string, count: number, index: string): string {
  return `${SELECTED}${count}:${base}:${index}`;
}

/**
 * `use(channel)` for the channel a text names: one call for a constant channel, a conditional
 * chain over the `count` channels for a selected one (the last case catches every other index,
 * which the program never produces for a channel that exists).
 */
export function onChannel(channel: string, use: (constant: string) => string): string {
  if (!channel.startsWith(SELECTED)) return use(channel);
  const m = /^(\d+):([^:]+):(.*)$/s.exec(channel.slice(SELECTED.length))!;
  const count = Number(m[1]);
  const base = m[2]!;
  const index = m[3]!;
  const cases = Array.from({ length: count }, (_, k) => use(`${base}[${k}]`));
  return `(${cases.slice(0, -1).map((c, k) => `(${index}) == ${k} ? ${c} : `).join("")}${cases[count - 1]})`;
}
