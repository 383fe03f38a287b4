import test from 'ava';
import { eventTable } from './table.ts';
import { eventsV1Table } from '../../events/event/table.ts';

const now = new Date('2025-06-01T12:00:00Z');

test('core event: all cells, wide ones included', (t) => {
  const ev = {
    metadata: { name: 'web.17f1' },
    involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff', type: 'Warning', message: ' Back-off restarting failed container \n',
    source: { component: 'kubelet', host: 'n1' }, count: 7,
    firstTimestamp: '2025-06-01T11:00:00Z', lastTimestamp: '2025-06-01T11:59:30Z',
  };
  t.deepEqual(eventTable.row(ev, now), [
    '30s', 'Warning', 'BackOff', 'pod/web', 'spec.containers{app}', 'kubelet, n1',
    'Back-off restarting failed container', '60m', 7, 'web.17f1',
  ]);
});

test('event without timestamps or count falls back to eventTime and one occurrence', (t) => {
  const ev = {
    metadata: { name: 'e' }, involvedObject: { kind: 'Node' }, type: 'Normal', reason: 'Starting', message: 'hi',
    reportingComponent: 'kube-proxy', eventTime: '2025-06-01T11:58:00.123456Z',
  };
  t.deepEqual(eventTable.row(ev, now), ['119s', 'Normal', 'Starting', 'node', '', 'kube-proxy', 'hi', '119s', 1, 'e']);
});

test('series events report the series count and last observation', (t) => {
  const ev = {
    metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p' }, count: 1,
    firstTimestamp: '2025-06-01T10:00:00Z', series: { count: 12, lastObservedTime: '2025-06-01T11:59:50.000000Z' },
  };
  const row = eventTable.row(ev, now);
  t.is(row[0], '10s');
  t.is(row[8], 12);
});

test('events.k8s.io/v1 events print like core ones', (t) => {
  const ev = {
    metadata: { name: 'e' }, regarding: { kind: 'Deployment', name: 'web' }, note: 'Scaled up', reason: 'ScalingReplicaSet',
    type: 'Normal', reportingController: 'deployment-controller', eventTime: '2025-06-01T11:59:00.000000Z',
  };
  t.deepEqual(eventsV1Table.row(ev, now), ['60s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up', '60s', 1, 'e']);
  t.deepEqual(eventsV1Table.columns, eventTable.columns);
  t.deepEqual(eventTable.columns.map((c) => `${c.name}:${c.priority}`), [
    'Last Seen:0', 'Type:0', 'Reason:0', 'Object:0', 'Subobject:1', 'Source:1', 'Message:0', 'First Seen:1', 'Count:1', 'Name:1',
  ]);
});
