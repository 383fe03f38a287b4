import test from 'ava';
import { statusDiff } from './status-patch.ts';

const cond = (status: string, extra: object = {}) => ({ type: 'Ready', status, lastTransitionTime: '2026-12-07T18:00:00Z', ...extra });

test('a condition written with lastProbeTime: null and stored without it is unchanged (a merge patch\'s null deletes the field)', (t) => {
  const stored = { phase: 'Running', conditions: [cond('True')] };
  t.is(statusDiff(stored, { phase: 'Running', conditions: [cond('True', { lastProbeTime: null })] }), undefined);
  t.is(statusDiff({ phase: 'Running' }, { phase: 'Running', nominatedNodeName: null }), undefined);
});

test('a real change is still sent: only the changed fields of the keyed item, with the list order', (t) => {
  const stored = { conditions: [cond('False', { reason: 'ContainersNotReady' })] };
  t.deepEqual(statusDiff(stored, { conditions: [cond('True', { lastProbeTime: null })] }), {
    '$setElementOrder/conditions': [{ type: 'Ready' }],
    conditions: [{ type: 'Ready', status: 'True', reason: null }],
  });
  t.deepEqual(statusDiff({ phase: 'Pending', podIP: '10.0.0.1' }, { phase: 'Pending', podIP: null }), { podIP: null });
});
