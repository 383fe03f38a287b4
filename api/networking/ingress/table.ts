// kubectl get ingress: CLASS, HOSTS (three then "+ N more..."), ADDRESS, PORTS.

import type { KubeObject, TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, nameColumn, objAge, objName, rec, recs, spec, statusOf, str } from '../../meta/table-format.ts';

export function formatHosts(rules: unknown): string {
  const rs = recs(rules);
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const r of rs) {
    if (hosts.length === max) more = true;
    if (!more && str(r.host) !== '') hosts.push(str(r.host));
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${rs.length - max} more...` : hosts.join(',');
}

export function loadBalancerText(obj: KubeObject): string {
  const found = new Set<string>();
  for (const ing of recs(rec(statusOf(obj).loadBalancer).ingress)) {
    const a = str(ing.ip) || str(ing.hostname);
    if (a !== '') found.add(a);
  }
  return [...found].sort().join(',');
}

export const ingressTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Class', 'string', 'The IngressClass that implements this ingress.'),
    col('Hosts', 'string', 'Hosts the rules match.'),
    col('Address', 'string', 'Addresses the load balancer serves the ingress at.'),
    col('Ports', 'string', 'Ports served: 80, and 443 when TLS is configured.'),
    ageColumn,
  ],
  row(obj, now) {
    const sp = spec(obj);
    const ports = arr(sp.tls).length > 0 ? '80, 443' : '80';
    return [objName(obj), str(sp.ingressClassName) || '<none>', formatHosts(sp.rules), loadBalancerText(obj), ports, objAge(obj, now)];
  },
};
