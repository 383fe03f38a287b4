import test from 'ava';
import type { KubeObject } from '../../types.ts';
import { nodeTable } from './table.ts';

const now = new Date('2025-06-01T12:00:00Z');

const node = (labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({
  metadata: { name: 'n1', creationTimestamp: '2025-05-01T12:00:00Z', labels }, spec, status,
});

test('ready control-plane node with addresses and system info', (t) => {
  const n = node({ 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master' }, {}, {
    conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
    addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '192.168.1.10' }],
    nodeInfo: { kubeletVersion: 'v1.34.0', osImage: 'Debian 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://2.0.0' },
  });
  t.deepEqual(nodeTable.row(n, now), [
    'n1', 'Ready', 'control-plane,master', '31d', 'v1.34.0', '192.168.1.10', '<none>', 'Debian 12', '6.1.0', 'containerd://2.0.0',
  ]);
});

const statuses: Array<[string, KubeObject, string]> = [
  ['not ready and cordoned', node({}, { unschedulable: true }, { conditions: [{ type: 'Ready', status: 'False' }] }), 'NotReady,SchedulingDisabled'],
  ['no Ready condition yet', node({}, {}, {}), 'Unknown'],
  ['ready condition unknown', node({}, {}, { conditions: [{ type: 'Ready', status: 'Unknown' }] }), 'NotReady'],
];
for (const [name, n, want] of statuses) {
  test(`node status: ${name}`, (t) => {
    const row = nodeTable.row(n, now);
    t.is(row[1], want);
    t.is(row[2], '<none>');
    t.deepEqual(row.slice(7), ['<unknown>', '<unknown>', '<unknown>']);
  });
}
