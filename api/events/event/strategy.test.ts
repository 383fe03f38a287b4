import test from 'ava';
import { eventsV1 } from './index.ts';

const s = eventsV1.strategy!;
const errors = (obj: Record<string, unknown>) => s.validate!(obj).map((e) => `${e.field}: ${e.detail}`);
const event = {
  metadata: { name: 'web.1', namespace: 'default' },
  eventTime: '2026-12-07T06:00:00.000000Z',
  reportingController: 'example.com/controller',
  reportingInstance: 'controller-1',
  action: 'Scaled',
  reason: 'ScalingReplicaSet',
  type: 'Normal',
  regarding: { kind: 'Deployment', namespace: 'default', name: 'web' },
  note: 'Scaled up',
};

test('events.k8s.io/v1 Event: a complete event is valid', (t) => {
  t.deepEqual(errors(event), []);
});

test('events.k8s.io/v1 Event: the new API asks for eventTime and a type and refuses the deprecated fields', (t) => {
  const { eventTime: _e, ...noTime } = event;
  t.deepEqual(errors({ ...noTime, type: 'Info', deprecatedCount: 3, deprecatedSource: { component: 'x' } }), [
    'eventTime: Required value',
    'type: Invalid value: "": has invalid value: Info',
    'count: Invalid value: "": needs to be unset',
    'source: Invalid value: "": needs to be unset',
  ]);
  t.deepEqual(errors({ ...event, reportingController: '', action: 'a'.repeat(129), series: { count: 1 } }), [
    'reportingController: Required value',
    'reportingController: Invalid value: "": name part must be non-empty',
    'action: Invalid value: "": can have at most 128 characters',
    'series.count: Invalid value: "": should be at least 2',
    'series.lastObservedTime: Required value',
  ]);
});

test('events.k8s.io/v1 Event: what the event says never changes, its series may', (t) => {
  const next = { ...event, note: 'changed', series: { count: 2, lastObservedTime: '2026-12-07T06:01:00.000000Z' } };
  t.deepEqual(s.validateUpdate!(next, event).map((e) => `${e.field}: ${e.detail}`), ['message: Invalid value: "changed": field is immutable']);
});
