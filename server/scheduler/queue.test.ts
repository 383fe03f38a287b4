import test from 'ava';
import { FakeClock } from '../../testing/fake-clock.ts';
import { makePod } from './testing/objects.ts';
import { SchedulingQueue } from './queue.ts';
import type { ClusterEvent } from './types.ts';

function newQueue(mayHelp?: (r: Set<string>, ev: ClusterEvent) => boolean) {
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  return { clock, q: new SchedulingQueue({ clock, eventMayHelp: mayHelp }) };
}

const names = (q: SchedulingQueue) => {
  const out: string[] = [];
  for (let p = q.tryPop(); p; p = q.tryPop()) out.push(p.info.pod.metadata?.name ?? '');
  return out;
};

test('activeQ: higher priority first, then the longest waiting', (t) => {
  const { clock, q } = newQueue();
  q.add(makePod('low-old', { priority: 0 }));
  clock.advance(10);
  q.add(makePod('high', { priority: 100 }));
  clock.advance(10);
  q.add(makePod('low-new', { priority: 0 }));
  q.add(makePod('mid', { priority: 50 }));
  t.deepEqual(names(q), ['high', 'mid', 'low-old', 'low-new']);
});

const backoffCases = [
  { attempts: 1, ms: 1000 },
  { attempts: 2, ms: 2000 },
  { attempts: 3, ms: 4000 },
  { attempts: 4, ms: 8000 },
  { attempts: 5, ms: 10_000 },
  { attempts: 9, ms: 10_000 },
];
for (const tc of backoffCases) test(`backoff after ${tc.attempts} attempt(s) is ${tc.ms} ms`, (t) => t.is(newQueue().q.backoffDuration(tc.attempts), tc.ms));

test('errors retry after exponential backoff', (t) => {
  const { clock, q } = newQueue();
  q.add(makePod('p'));
  let p = q.tryPop();
  if (!p) return t.fail();
  q.addBackoff(p);
  t.deepEqual(q.counts(), { active: 0, backoff: 1, unschedulable: 0 });
  clock.advance(999);
  t.is(q.tryPop(), undefined);
  clock.advance(1);
  p = q.tryPop();
  t.is(p?.attempts, 2);
  if (!p) return;
  q.addBackoff(p);
  clock.advance(1999);
  t.is(q.counts().backoff, 1);
  clock.advance(1);
  t.is(q.counts().active, 1);
});

test('unschedulable pods wait for an event their rejecting plugin registered for', (t) => {
  const { clock, q } = newQueue((r, ev) => r.has('NodeResourcesFit') && ev.resource === 'Pod' && ev.action === 'Delete');
  q.add(makePod('p'));
  const p = q.tryPop();
  if (!p) return t.fail();
  q.addUnschedulable(p, new Set(['NodeResourcesFit']));
  t.is(q.counts().unschedulable, 1);
  q.moveAllOnEvent({ resource: 'Node', action: 'Update' });
  t.is(q.counts().unschedulable, 1, 'an event the plugin does not care about');
  q.moveAllOnEvent({ resource: 'Pod', action: 'Delete' });
  t.deepEqual(q.counts(), { active: 0, backoff: 1, unschedulable: 0 }, 'still backing off');
  clock.advance(1000);
  t.is(q.counts().active, 1);
});

test('an event during the cycle sends the pod to backoff instead of parking it', (t) => {
  const { q } = newQueue(() => false);
  q.add(makePod('p'));
  const p = q.tryPop();
  if (!p) return t.fail();
  q.moveAllOnEvent({ resource: 'Node', action: 'Add' });
  q.addUnschedulable(p, new Set(['X']));
  t.deepEqual(q.counts(), { active: 0, backoff: 1, unschedulable: 0 });
});

test('parked pods are flushed after 5 minutes', (t) => {
  const { clock, q } = newQueue(() => false);
  q.add(makePod('p'));
  const p = q.tryPop();
  if (!p) return t.fail();
  q.addUnschedulable(p, new Set(['X']));
  clock.advance(299_000);
  t.is(q.counts().unschedulable, 1);
  clock.advance(31_000);
  t.deepEqual(q.counts(), { active: 1, backoff: 0, unschedulable: 0 });
});

test('a spec update moves a parked pod; a status-only update does not', (t) => {
  const { clock, q } = newQueue(() => false);
  const pod = makePod('p', { cpu: '8' });
  q.add(pod);
  const p = q.tryPop();
  if (!p) return t.fail();
  q.addUnschedulable(p, new Set(['NodeResourcesFit']));
  q.update({ ...pod, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } });
  t.is(q.counts().unschedulable, 1);
  clock.advance(2000);
  q.update({ ...pod, metadata: { ...pod.metadata, labels: { a: 'b' } } });
  t.deepEqual(q.counts(), { active: 1, backoff: 0, unschedulable: 0 });
});

test('delete removes the pod from every queue; pop waits and close ends it', async (t) => {
  const { q } = newQueue();
  q.add(makePod('p'));
  q.delete('default/p');
  t.deepEqual(q.counts(), { active: 0, backoff: 0, unschedulable: 0 });
  const waiting = q.pop();
  q.add(makePod('later'));
  t.is((await waiting)?.info.key, 'default/later');
  const ended = q.pop();
  q.close();
  t.is(await ended, undefined);
});

test('an event moves exactly the parked pods whose rejecting plugins registered for it, asking once per group', (t) => {
  let asked = 0;
  const { clock, q } = newQueue((r, ev) => {
    asked++;
    return ev.resource === 'Node' || (r.has('InterPodAffinity') && ev.action === 'Add');
  });
  const park = (name: string, rejectors: string[]) => {
    q.add(makePod(name));
    const p = q.tryPop();
    if (!p) throw new Error('nothing to pop');
    q.addUnschedulable(p, new Set(rejectors));
  };
  // A cycle must pass after the last event, or parking goes to backoff instead.
  for (let i = 0; i < 50; i++) park(`fit-${i}`, ['NodeResourcesFit']);
  park('ipa-0', ['InterPodAffinity']);
  park('both', ['NodeResourcesFit', 'InterPodAffinity']);
  park('both-other-order', ['InterPodAffinity', 'NodeResourcesFit']);
  t.is(q.counts().unschedulable, 53);
  q.moveAllOnEvent({ resource: 'Pod', action: 'Add' });
  t.is(asked, 3, 'one question per distinct set of rejecting plugins');
  t.is(q.counts().unschedulable, 50);
  clock.advance(1000);
  t.deepEqual(names(q).sort(), ['both', 'both-other-order', 'ipa-0']);
  // Deleting and updating parked pods keeps the groups right.
  q.delete('default/fit-0');
  q.update(makePod('fit-1', { labels: { changed: 'yes' } }));
  t.is(q.counts().unschedulable, 48);
  q.moveAllOnEvent({ resource: 'Pod', action: 'Delete' });
  t.is(q.counts().unschedulable, 48);
  q.moveAllOnEvent({ resource: 'Node', action: 'Add' });
  t.is(q.counts().unschedulable, 0);
});
