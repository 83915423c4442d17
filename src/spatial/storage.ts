// Where on-chip buffers live: one decision per delay line and per FIFO, made once during lowering
// and stored in the pipeline, so that the kernels declare it (BIND_STORAGE, Intel memory
// attributes) and `report` counts exactly what they declare.
//
// The choice weighs depth (words) AND width (bits per word): each kind's cost is computed in
// LUT-equivalents and the cheapest wins.
//  * srl: a shift register, one SRL32 LUT per bit per 32 words. Cheapest for short buffers of
//    any width: a 256-bit line 10 deep costs 256 LUTs instead of 4 BRAM36.
//  * lutram: distributed RAM, simple dual port (RAM64M8: 64 words × 7 bits per 8 LUTs, plus
//    the read multiplexer over 64-word banks).
//  * bram: BRAM36 in its best aspect ratio (512×72, 1024×36, 2048×18, 4096×9, 8192×4,
//    16384×2, 32768×1), worth LUTS_PER_BRAM36 LUTs of die area.
//  * uram: UltraRAM 4096×72, worth LUTS_PER_URAM LUTs, on boards that have it.
// The exchange rates are the LUT/BRAM and LUT/URAM ratios of an Alveo U280 (1.30M LUTs,
// 2016 BRAM36, 960 URAM), the board family we target first.

/** Storage kinds of delay lines and FIFOs. */
export type Storage = "srl" | "lutram" | "bram" | "uram";

export const LUTS_PER_BRAM36 = 645;
export const LUTS_PER_URAM = 1355;

const BRAM36_ASPECTS: [number, number][] = [[72, 512], [36, 1024], [18, 2048], [9, 4096], [4, 8192], [2, 16384], [1, 32768]];

/** BRAM36 blocks for `depth` words of `width` bits, in the cheapest aspect ratio. */
export function bram36Blocks(width: number, depth: number): number {
  return Math.min(...BRAM36_ASPECTS.map(([w, d]) => Math.ceil(width / w) * Math.ceil(depth / d)));
}

export const uramBlocks = (width: number, depth: number): number => Math.ceil(width / 72) * Math.ceil(depth / 4096);

/** LUTs of a shift register of `depth` words of `width` bits (SRL32 per bit per 32 words). */
export const srlLuts = (width: number, depth: number): number => width * Math.ceil(depth / 32);

/**
 * LUTs of a simple-dual-port distributed RAM: RAM64M8 primitives (64 words × 7 bits per 8 LUTs)
 * plus, beyond 64 words, a read multiplexer over the 64-word banks (a LUT6 selects one of 4).
 */
export function lutramLuts(width: number, depth: number): number {
  const banks = Math.ceil(depth / 64);
  return Math.ceil(width / 7) * 8 * banks + (banks > 1 ? width * Math.ceil((banks - 1) / 3) : 0);
}

/** Cost of each kind in LUT-equivalents, for the choice. */
function costs(width: number, depth: number, uram: boolean): [Storage, number][] {
  const c: [Storage, number][] = [
    ["srl", srlLuts(width, depth)],
    ["lutram", lutramLuts(width, depth)],
    ["bram", bram36Blocks(width, depth) * LUTS_PER_BRAM36],
  ];
  if (uram) c.push(["uram", uramBlocks(width, depth) * LUTS_PER_URAM]);
  return c;
}

/** The cheapest storage for a buffer of `depth` words of `width` bits (ties: the earlier kind). */
export function chooseStorage(depth: number, width: number, uram: boolean): Storage {
  let best: [Storage, number] = ["srl", Infinity];
  for (const c of costs(width, depth, uram)) if (c[1] < best[1]) best = c;
  return best[0];
}
