import test from 'ava';
import type { KubeObject } from '../../types.ts';
import { serviceTable } from './table.ts';

const now = new Date('2025-06-01T12:00:00Z');
const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'web', creationTimestamp: '2025-05-30T09:00:00Z' }, spec, status,
});

const cases: Array<[string, KubeObject, unknown[]]> = [
  ['cluster IP with two ports',
    svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], selector: { k8s: 'dns', app: 'x' } }),
    ['web', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '2d3h', 'app=x,k8s=dns']],
  ['node port shows node ports',
    svc({ type: 'NodePort', clusterIPs: ['10.96.1.1'], externalIPs: ['1.2.3.4'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }),
    ['web', 'NodePort', '10.96.1.1', '1.2.3.4', '80:30080/TCP', '2d3h', '<none>']],
  ['load balancer pending',
    svc({ type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [] }),
    ['web', 'LoadBalancer', '10.96.1.2', '<pending>', '<none>', '2d3h', '<none>']],
  ['load balancer addresses, sorted, then external IPs',
    svc({ type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], externalIPs: ['9.9.9.9'] }, { loadBalancer: { ingress: [{ ip: '5.5.5.5' }, { hostname: 'lb.example.com' }] } }),
    ['web', 'LoadBalancer', '10.96.1.2', '5.5.5.5,lb.example.com,9.9.9.9', '<none>', '2d3h', '<none>']],
  ['external name, headless',
    svc({ type: 'ExternalName', externalName: 'db.example.com', clusterIPs: ['None'] }),
    ['web', 'ExternalName', 'None', 'db.example.com', '<none>', '2d3h', '<none>']],
];

for (const [name, obj, cells] of cases) {
  test(`service row: ${name}`, (t) => {
    t.deepEqual(serviceTable.row(obj, now), cells);
  });
}

test('service columns', (t) => {
  t.deepEqual(serviceTable.columns.map((c) => `${c.name}:${c.priority}`), [
    'Name:0', 'Type:0', 'Cluster-IP:0', 'External-IP:0', 'Port(s):0', 'Age:0', 'Selector:1',
  ]);
});
