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
   * static sub-range, the lower band is left to Services that ask for a given IP, so the walk
   * starts at a random point above it and wraps.
   */
  *candidates(random = Math.random): Generator<string> {
    const band = Math.min(Math.max(16, Math.floor(this.size / 16)), 256);
    const upper = this.size - band;
    const start = band + Math.floor(random() * upper);
    for (let i = 0; i < this.size; i++) yield this.at((start + i) % this.size);
  }
}

/** Node ports from a random start, wrapping over the range. */
export function* portCandidates(range: readonly [number, number], random = Math.random): Generator<number> {
  const [lo, hi] = range;
  const n = hi - lo + 1;
  const start = Math.floor(random() * n);
  for (let i = 0; i < n; i++) yield lo + ((start + i) % n);
}
