// Which memory banks each kernel memory port is connected to, and where its buffer lives: the
// one source of truth behind link.cfg (`sp=`), the host's buffer allocation, the emulation's
// model of XRT's connectivity checks and the report's bandwidth figures.
//
// Rules (design.md §3): every port gets its own bank(s) of the preferred memory, in argument
// order, so bandwidths add up; an array larger than one bank gets a range of consecutive banks
// (`HBM[a:b]`, HBM only: its pseudo-channels form one address range) big enough to hold it; two ports that trade buffers between the passes of a time
// loop share ONE range that holds both buffers (XRT would otherwise copy a buffer once into the
// other port's bank and never back), each buffer in a bank of its own within it (the host asks
// for that bank by name). What cannot fit is a problem the caller reports, never a silent "fits".

import { memoryBanks, type MemoryBank, type Platform } from "./platform.js";

/** A kernel memory argument as the placement sees it. */
export interface MemoryPort {
  name: string;
  /** Position among the kernel's arguments (what `kernel.group_id(n)` takes). */
  argIndex: number;
  bytes: number;
  /** Set when the port carries lane group `index` of `count` of an array split for bandwidth. */
  part?: { array: string; index: number; count: number };
}

export interface PortPlacement extends MemoryPort {
  /** Every bank the port is connected to, in order, e.g. `HBM[4]`, `HBM[5]`. */
  banks: string[];
  /** The `sp=` target: `HBM[4]` or `HBM[4:5]`. */
  sp: string;
  /** The banks the port's buffer occupies (allocated from the lowest bank of the range with room). */
  bufferBanks: string[];
  /** Theoretical bandwidth of one bank, GB/s. */
  bankGBs: number;
  /** SLR of the banks when they all sit in one, else undefined. */
  slr?: number;
  /** The port it trades buffers with between passes, if any. */
  sharesWith?: string;
  /** Why the port has more than one bank, in words; undefined when it has one. */
  why?: string;
}

export interface MemoryPlacement {
  ports: PortPlacement[];
  /** Capacity of one bank of the memory used, bytes. */
  bankBytes: number;
  /** Set when the arrays cannot be placed: what does not fit, in one sentence. */
  problem?: string;
}

export const GIB = 1024 ** 3;

export function formatBytes(n: number): string {
  if (n >= GIB) return `${(n / GIB).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(n % 1024 ** 2 === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/**
 * Places `ports` on the preferred memory of `platform`. `pairs` lists [input, output] ports
 * whose buffers are swapped between passes: they share one bank range.
 */
export function placeMemory(ports: MemoryPort[], pairs: [string, string][], platform: Platform): MemoryPlacement {
  const all = memoryBanks(platform);
  const banks = all.filter((b) => b.kind === all[0]!.kind);
  const bankBytes = Math.round(banks[0]!.capacityGB * GIB);
  const memoryName = `${platform.shortName}'s ${banks[0]!.kind}`;
  // Units: a port alone, or the two ports of a pair, placed on one range.
  const partner = new Map<string, string>();
  for (const [i, o] of pairs) { partner.set(i, o); partner.set(o, i); }
  const byName = new Map(ports.map((x) => [x.name, x]));
  const units: MemoryPort[][] = [];
  const seen = new Set<string>();
  for (const port of ports) {
    if (seen.has(port.name)) continue;
    const other = byName.get(partner.get(port.name) ?? "");
    const unit = other ? [port, other] : [port];
    for (const x of unit) seen.add(x.name);
    units.push(unit);
  }
  const used = banks.map(() => 0);
  // Only HBM pseudo-channels form one address range a buffer can run across; a DDR bank is a limit.
  const tooBig = banks[0]!.kind !== "HBM" ? ports.find((x) => x.bytes > bankBytes) : undefined;
  if (tooBig) {
    return { ports: [], bankBytes, problem: `'${tooBig.name}' needs ${formatBytes(tooBig.bytes)}, more than one bank of the ${memoryName} holds (${formatBytes(bankBytes)}); one buffer cannot span ${banks[0]!.kind} banks` };
  }
  const all_ = ports.reduce((a, x) => a + x.bytes, 0);
  if (all_ > banks.length * bankBytes) {
    const sizes = ports.map((x) => `'${x.name}' ${formatBytes(x.bytes)}`).join(", ");
    return { ports: [], bankBytes, problem: `the arrays need ${formatBytes(all_)} (${sizes}), more than the ${memoryName} holds (${banks.length} x ${formatBytes(bankBytes)})` };
  }
  const placed = new Map<string, PortPlacement>();
  let cursor = 0;
  let problem: string | undefined;
  for (const unit of units) {
    // Each buffer gets banks of its own (enough to hold it), one after the other; the ports of a
    // pair are both connected to the whole range, so each reaches both buffers.
    const own = unit.map((x) => Math.max(1, Math.ceil(x.bytes / bankBytes)));
    const need = own.reduce((a, b) => a + b, 0);
    const total = unit.reduce((a, x) => a + x.bytes, 0);
    if (need > banks.length) {
      problem ??= `${unit.map((x) => `'${x.name}'`).join(" and ")} need${unit.length > 1 ? "" : "s"} ${formatBytes(total)}, more than the ${memoryName} holds (${banks.length} x ${formatBytes(bankBytes)})`;
      continue;
    }
    // Ranges follow each other; past the last bank they start over at bank 0 (sharing banks).
    if (cursor + need > banks.length) cursor = 0;
    const range = banks.slice(cursor, cursor + need);
    cursor = (cursor + need) % banks.length;
    let offset = 0;
    unit.forEach((port, k) => {
      const occupied = allocate(port.bytes, range, offset, banks, used, bankBytes);
      offset += own[k]!;
      if (!occupied) {
        problem ??= `'${port.name}' (${formatBytes(port.bytes)}) does not fit in ${spName(range)} of the ${memoryName} (${formatBytes(bankBytes)} per bank) next to the arrays already there`;
        return;
      }
      const slrs = new Set(range.map((b) => b.slr));
      const other = unit.find((x) => x !== port);
      const whys: string[] = [];
      if (port.part) whys.push(`lane group ${port.part.index} (of ${port.part.count}) of '${port.part.array}': a port and channel of its own for bandwidth`);
      if (own[k]! > 1) whys.push(`${formatBytes(port.bytes)} is more than one bank holds (${formatBytes(bankBytes)})`);
      if (other) whys.push(`it trades buffers with '${other.name}' between passes, so both ports reach both buffers`);
      placed.set(port.name, {
        ...port, banks: range.map((b) => b.name), sp: spName(range), bufferBanks: occupied.map((b) => b.name),
        bankGBs: range[0]!.bandwidthGBs,
        ...(slrs.size === 1 && range[0]!.slr !== undefined ? { slr: range[0]!.slr } : {}),
        ...(other ? { sharesWith: other.name } : {}),
        ...(whys.length > 0 ? { why: whys.join("; ") } : {}),
      });
    });
  }
  const result: MemoryPlacement = { ports: ports.filter((x) => placed.has(x.name)).map((x) => placed.get(x.name)!), bankBytes };
  if (problem) result.problem = problem;
  return result;
}

/**
 * The banks a buffer occupies: from bank `offset` of the range on when it has room there (the
 * host asks for that bank), else the lowest-numbered bank with room (XRT's policy for a group).
 */
function allocate(bytes: number, range: MemoryBank[], offset: number, banks: MemoryBank[], used: number[], bankBytes: number): MemoryBank[] | undefined {
  const at = (b: MemoryBank) => banks.indexOf(b);
  const starts = [offset, ...range.map((_, n) => n).filter((n) => n !== offset)];
  for (const s of starts) {
    // A buffer may run on into the following banks of the range (they are contiguous).
    let left = bytes;
    const span: MemoryBank[] = [];
    for (let n = s; n < range.length && left > 0; n++) {
      const free = bankBytes - used[at(range[n]!)]!;
      if (n > s && used[at(range[n]!)]! > 0) break;
      if (free <= 0) break;
      span.push(range[n]!);
      left -= free;
    }
    if (left <= 0 || (bytes === 0 && span.length > 0)) {
      let rest = bytes;
      for (const b of span) {
        const take = Math.min(rest, bankBytes - used[at(b)]!);
        used[at(b)] = used[at(b)]! + take;
        rest -= take;
      }
      return span;
    }
  }
  return undefined;
}

/** `HBM[3]`, or `HBM[0]-HBM[3]` for a buffer over several consecutive banks. */
export function bankSpan(banks: string[]): string {
  return banks.length === 1 ? banks[0]! : `${banks[0]}-${banks[banks.length - 1]}`;
}

function spName(range: MemoryBank[]): string {
  const first = range[0]!;
  const last = range[range.length - 1]!;
  const prefix = first.name.slice(0, first.name.indexOf("["));
  return range.length === 1 ? first.name : `${prefix}[${first.index}:${last.index}]`;
}
