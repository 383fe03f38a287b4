import test from 'ava';
import { microTime, rfc3339 } from '../../api/meta/time.ts';
import { buildLease } from '../common/node-status.ts';
import { buildNode, nodeSubnet } from './node.ts';

const subnetCases: Array<[number, string]> = [[0, '10.244.0.0/24'], [7, '10.244.7.0/24'], [256, '10.245.0.0/24'], [999, '10.247.231.0/24']];
for (const [i, cidr] of subnetCases) test(`nodeSubnet(${i})`, (t) => t.is(nodeSubnet(i).cidr, cidr));

test('time formats', (t) => {
  const d = new Date('2024-01-01T00:00:05.123Z');
  t.is(rfc3339(d), '2024-01-01T00:00:05Z');
  t.is(microTime(d), '2024-01-01T00:00:05.123000Z');
});

test('buildNode: capacity, labels, addresses, conditions', (t) => {
  const n = buildNode('sim-node-4', 4, new Date('2024-01-01T00:00:00Z'));
  t.like(n.metadata, { name: 'sim-node-4', labels: { 'kubernetes.io/hostname': 'sim-node-4', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': 'kubets-sim', 'topology.kubernetes.io/zone': 'zone-b' } });
  const status = n.status as Record<string, unknown>;
  t.like(status, { capacity: { cpu: '8', memory: '32Gi', pods: '110' }, allocatable: { cpu: '8' }, addresses: [{ type: 'InternalIP', address: '10.244.4.1' }, { type: 'Hostname', address: 'sim-node-4' }] });
  t.like(status.nodeInfo, { operatingSystem: 'linux', architecture: 'amd64', kubeletVersion: 'v1.34.0' });
  const conds = status.conditions as Array<{ type: string; status: string; reason: string }>;
  t.deepEqual(conds.map((c) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
  t.is(conds[3].reason, 'KubeletReady');
});

test('buildLease: holder, duration, micro time, owned by the node', (t) => {
  const l = buildLease('n', 'uid-n', new Date('2024-01-01T00:00:00Z'));
  t.like(l, { metadata: { name: 'n', namespace: 'kube-node-lease', ownerReferences: [{ kind: 'Node', name: 'n', uid: 'uid-n' }] }, spec: { holderIdentity: 'n', leaseDurationSeconds: 40, renewTime: '2024-01-01T00:00:00.000000Z' } });
});
