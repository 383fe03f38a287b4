// IP addresses and CIDRs as upstream's networking validation reads them: an IPAddress is named
// by its IP in canonical form (Go's netip: dotted IPv4 without leading zeros, RFC 5952 IPv6),
// and a ServiceCIDR holds canonical prefixes, at most one per family.

import { isIP } from 'node:net';

/** The canonical text of an IP, or undefined when it is not one. */
export function canonicalIP(s: string): string | undefined {
  const family = isIP(s);
  if (family === 4) return s.split('.').map(Number).join('.');
  if (family === 6 && !s.includes('%')) return new URL(`http://[${s}]/`).hostname.slice(1, -1);
  return undefined;
}

export interface Prefix { family: 4 | 6; canonical: string }

/** A CIDR's family and canonical form (the address masked to its prefix), or undefined. */
export function parseCIDR(s: string): Prefix | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  const family = isIP(addr);
  if ((family !== 4 && family !== 6) || !/^\d{1,3}$/.test(bitsText) || addr.includes('%')) return undefined;
  const bits = Number(bitsText);
  const width = family === 4 ? 32 : 128;
  if (bits > width) return undefined;
  const bytes = family === 4 ? addr.split('.').map(Number) : ipv6Bytes(canonicalIP(addr)!);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i] &= (0xff << (8 - keep)) & 0xff;
  }
  const masked = family === 4 ? bytes.join('.') : canonicalIP(bytesToIPv6(bytes))!;
  return { family, canonical: `${masked}/${bits}` };
}

function ipv6Bytes(canonical: string): number[] {
  const [head, tail] = canonical.includes('::') ? canonical.split('::') : [canonical, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function bytesToIPv6(bytes: number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}
