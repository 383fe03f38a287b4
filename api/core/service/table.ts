// kubectl get services: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE and (wide) SELECTOR.

import type { KubeObject, TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, formatLabels, nameColumn, objAge, objName, recs, spec, statusOf, rec, str, num } from '../../meta/table-format.ts';

function loadBalancerAddresses(obj: KubeObject): string[] {
  const found = new Set<string>();
  for (const ing of recs(rec(statusOf(obj).loadBalancer).ingress)) {
    const a = str(ing.ip) || str(ing.hostname);
    if (a !== '') found.add(a);
  }
  return [...found].sort();
}

export function externalIP(obj: KubeObject): string {
  const sp = spec(obj);
  const externalIPs = arr(sp.externalIPs).map(str);
  switch (sp.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(obj), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(sp.externalName);
    default:
      return '<unknown>';
  }
}

export function portsText(ports: unknown): string {
  const text = recs(ports)
    .map((p) => (num(p.nodePort) > 0 ? `${num(p.port)}:${num(p.nodePort)}/${str(p.protocol)}` : `${num(p.port)}/${str(p.protocol)}`))
    .join(',');
  return text || '<none>';
}

export const serviceTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Type', 'string', 'How the Service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'The virtual IP allocated to the Service inside the cluster.'),
    col('External-IP', 'string', 'Addresses the Service is reachable at from outside the cluster.'),
    col('Port(s)', 'string', 'Service ports, with node ports, as port[:nodePort]/protocol.'),
    ageColumn,
    col('Selector', 'string', 'Labels of the pods the Service routes to.', true),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const clusterIP = str(arr(sp.clusterIPs)[0]) || '<none>';
    return [objName(obj), str(sp.type), clusterIP, externalIP(obj), portsText(sp.ports), objAge(obj, now), formatLabels(sp.selector)];
  },
};
