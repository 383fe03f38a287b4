import test from 'ava';
import { cacheOf, makeNode, makePod, podInfo } from '../../testing/objects.ts';
import { unresolvable, unschedulable, type Status } from '../../types.ts';
import { diagnose, REASON_NO_VICTIMS, REASON_NOT_HELPFUL } from './index.ts';

test('diagnose: victims are pods of lower priority, counted as pods come and go', (t) => {
  const nodes = ['low', 'same', 'empty', 'tainted'].map((n) => makeNode(n));
  const cache = cacheOf(nodes, [
    makePod('a', { nodeName: 'low', priority: 0 }),
    makePod('b', { nodeName: 'low', priority: 100 }),
    makePod('c', { nodeName: 'same', priority: 100 }),
  ]);
  const statuses = new Map<string, Status>([
    ['low', unschedulable('Insufficient cpu')],
    ['same', unschedulable('Insufficient cpu')],
    ['empty', unschedulable('Insufficient cpu')],
    ['tainted', unresolvable('node(s) had untolerated taint {a: }')],
  ]);
  const pod = podInfo(makePod('p', { priority: 100 }));
  const reasons = () => Object.fromEntries([...diagnose(pod, statuses, cache)].map(([n, s]) => [n, s.reasons[0]]));
  t.deepEqual(reasons(), { low: 'Insufficient cpu', same: REASON_NO_VICTIMS, empty: REASON_NO_VICTIMS, tainted: REASON_NOT_HELPFUL });
  cache.removePod('default/a');
  t.is(reasons().low, REASON_NO_VICTIMS, 'the only lower-priority pod is gone');
  cache.setPod(makePod('d', { nodeName: 'same', priority: -5 }));
  t.is(reasons().same, 'Insufficient cpu');
});
