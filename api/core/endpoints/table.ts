// kubectl get endpoints: up to three address:port pairs, then "+ N more...".

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, recs, str, num } from '../../meta/table-format.ts';

export function formatEndpoints(subsets: unknown): string {
  const ss = recs(subsets);
  if (ss.length === 0) return '<none>';
  const max = 3;
  const shown: string[] = [];
  let count = 0;
  const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const s of ss) {
    const addresses = recs(s.addresses).map((a) => str(a.ip));
    const ports = recs(s.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (shown.length < max) shown.push(a);
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) if (shown.length < max) shown.push(hostPort(a, num(p.port)));
    }
  }
  const text = shown.join(',');
  return count > max ? `${text} + ${count - max} more...` : text;
}

export const endpointsTable: TablePrinter = {
  columns: [nameColumn, col('Endpoints', 'string', 'Ready addresses with their ports.'), ageColumn],
  row: (obj, now) => [objName(obj), formatEndpoints(obj.subsets), objAge(obj, now)],
};
