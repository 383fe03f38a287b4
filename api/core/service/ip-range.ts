// An IPv4 Service CIDR: membership, offsets and how a free address is looked for.

export const SERVICE_CIDR = '10.96.0.0/12';
export const NODE_PORT_RANGE: readonly [number, number] = [30000, 32767];

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export class IpRange {
  private readonly base: number;
  /** Usable addresses: the CIDR without its network and broadcast addresses. */
  readonly size: number;

  constructor(readonly cidr = SERVICE_CIDR) {
    const [addr, bits] = cidr.split('/');
    this.base = ipToInt(addr);
    this.size = 2 ** (32 - Number(bits)) - 2;
  }

  /** Canonical dotted IPv4 inside the range (not the network or broadcast address). */
  contains(ip: string): boolean {
    if (!/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(ip)) return false;
    const n = ipToInt(ip);
    return n > this.base && n <= this.base + this.size;
  }

  /** The address at offset 0..size-1. */
  at(offset: number): string {
    return intToIp(this.base + 1 + offset);
  }

  /**
   * Candidate addresses for a dynamic allocation, in the order to try them: as upstream's
   * static sub-range (KEP-3070), the lower band (size/16, 16 to 256) is left to Services that
   * ask for a given IP and is tried only once the rest is full.
   */
  *candidates(random = Math.random): Generator<string> {
    for (const i of bandedWalk(this.size, Math.min(Math.max(16, Math.floor(this.size / 16)), 256), random)) yield this.at(i);
  }
}

/**
 * Node ports for a dynamic allocation, in the order to try them: as upstream's static
 * sub-range (KEP-3668), the lowest size/32 ports (16 to 128) are left to Services that ask
 * for a given port and are tried only once the rest is full.
 */
export function* portCandidates(range: readonly [number, number], random = Math.random): Generator<number> {
  const [lo, hi] = range;
  const n = hi - lo + 1;
  for (const i of bandedWalk(n, Math.min(Math.max(16, Math.floor(n / 32)), 128), random)) yield lo + i;
}

/**
 * Offsets 0..size-1: those from `band` up first, from a random start and wrapping, then the
 * lower band the same way. A range too small for a band is walked whole.
 */
export function* bandedWalk(size: number, band: number, random = Math.random): Generator<number> {
  if (band >= size) band = 0;
  const upper = size - band;
  const start = Math.floor(random() * upper);
  for (let i = 0; i < upper; i++) yield band + ((start + i) % upper);
  const low = Math.floor(random() * band);
  for (let i = 0; i < band; i++) yield (low + i) % band;
}
