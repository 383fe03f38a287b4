// The load-balancer address pool of the local cloud provider: addresses, CIDRs
// (network and broadcast addresses left out, as MetalLB's avoidBuggyIPs does not but most
// LANs want) and `a-b` ranges, IPv4. Pure.

export interface Pool {
  size: number;
  has(ip: string): boolean;
  /** The first address not in `used`, in pool order. */
  firstFree(used: Set<string>): string | undefined;
}

const toInt = (ip: string) => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const isV4 = (s: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) && s.split('.').every((p) => Number(p) <= 255);

/** Parses pool entries; throws with the offending entry when one is not an address, CIDR or range. */
export function parsePool(entries: string[]): Pool {
  const ranges: Array<[number, number]> = [];
  for (const raw of entries.flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if (isV4(raw)) ranges.push([toInt(raw), toInt(raw)]);
    else if ((m = /^([\d.]+)\/(\d{1,2})$/.exec(raw)) && isV4(m[1]) && Number(m[2]) <= 32) {
      const bits = Number(m[2]);
      const size = 2 ** (32 - bits);
      const base = Math.floor(toInt(m[1]) / size) * size;
      ranges.push(bits >= 31 ? [base, base + size - 1] : [base + 1, base + size - 2]);
    } else if ((m = /^([\d.]+)\s*-\s*([\d.]+)$/.exec(raw)) && isV4(m[1]) && isV4(m[2]) && toInt(m[1]) <= toInt(m[2])) {
      ranges.push([toInt(m[1]), toInt(m[2])]);
    } else throw new Error(`load-balancer pool entry ${JSON.stringify(raw)} is not an IPv4 address, CIDR or range a-b`);
  }
  return {
    size: ranges.reduce((n, [a, b]) => n + b - a + 1, 0),
    has: (ip) => isV4(ip) && ranges.some(([a, b]) => toInt(ip) >= a && toInt(ip) <= b),
    firstFree(used) {
      for (const [a, b] of ranges) for (let n = a; n <= b; n++) if (!used.has(toIp(n))) return toIp(n);
      return undefined;
    },
  };
}
