import test from 'ava';
import { deploymentTable } from './table.ts';

const now = new Date('2025-06-01T12:00:00Z');

test('deployment row: ready/desired, counts, wide template and selector', (t) => {
  const d = {
    metadata: { name: 'web', creationTimestamp: '2025-06-01T11:57:00Z' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] },
      template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } },
    },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  t.deepEqual(deploymentTable.row(d, now), ['web', '2/3', 3, 2, '3m', 'app,log', 'nginx:1.27,busybox', 'app=web,tier in (edge,front)']);
});

test('deployment row: fresh object without status', (t) => {
  const d = { metadata: { name: 'new' }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  t.deepEqual(deploymentTable.row(d, now), ['new', '0/1', 0, 0, '<unknown>', 'c', 'i', '']);
});

test('deployment columns', (t) => {
  t.deepEqual(deploymentTable.columns.map((c) => `${c.name}:${c.type}:${c.priority}`), [
    'Name:string:0', 'Ready:string:0', 'Up-to-date:string:0', 'Available:string:0', 'Age:string:0',
    'Containers:string:1', 'Images:string:1', 'Selector:string:1',
  ]);
});
