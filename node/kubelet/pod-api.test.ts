import test from 'ava';
import type { Pod } from '../../api/core/pod/types.ts';
import { isStatusEcho } from './pod-api.ts';

const ready = (status: string) => ({ type: 'Ready', status, lastProbeTime: null, lastTransitionTime: '2026-12-07T17:00:00Z' });
const pod = (rv: string, status: Record<string, unknown>, image = 'busybox'): Pod => ({
  metadata: { name: 'p', namespace: 'n', uid: 'u', resourceVersion: rv, managedFields: [{ manager: rv }] },
  spec: { containers: [{ name: 'c', image }] },
  status,
});
const reported = { phase: 'Running', conditions: [ready('True')] };

test('an update carrying the status the worker wrote (and more: the scheduler\'s condition) is an echo', (t) => {
  const before = pod('5', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] });
  const after = pod('6', { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, ready('True')] });
  t.true(isStatusEcho(before, after, reported));
});

test('before the first report any status-only update is (that sync will write the status); a changed spec never is', (t) => {
  const before = pod('5', { phase: 'Pending' });
  t.true(isStatusEcho(before, pod('6', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] }), undefined));
  t.false(isStatusEcho(before, pod('6', { phase: 'Pending' }, 'busybox:2'), undefined));
});

test('not an echo: a status lacking what was reported (overwritten, or the write failed), a changed spec', (t) => {
  const before = pod('5', { phase: 'Pending' });
  t.false(isStatusEcho(before, pod('6', { phase: 'Running', conditions: [ready('False')] }), reported));
  t.false(isStatusEcho(before, pod('6', { phase: 'Pending' }), reported));
  t.false(isStatusEcho(before, pod('6', { phase: 'Running', conditions: [ready('True')] }, 'busybox:2'), reported));
});
