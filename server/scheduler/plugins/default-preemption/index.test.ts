import test from 'ava';
import { FitError, Framework } from '../../framework.ts';
import { defaultPlugins } from '../registry.ts';
import { cacheOf, makeNode, makePod, podInfo } from '../../testing/objects.ts';
import { CycleState, type Nomination, type Pod, type PodInfo } from '../../types.ts';
import { candidatesToFind, pickOne, REASON_NO_VICTIMS, REASON_NOT_HELPFUL, REASON_WAITING, selectVictims, splitByBudgets } from './index.ts';
import type { KubeObject } from '../../../../api/types.ts';

/** One scheduling cycle with the default plugins: the FitError it ends in. */
function fail(nodes: ReturnType<typeof makeNode>[], pods: Pod[], pod: Pod): FitError {
  const fw = new Framework({ plugins: defaultPlugins().plugins });
  try {
    fw.schedulePod(new CycleState(), podInfo(pod), cacheOf(nodes, pods));
  } catch (e) {
    if (e instanceof FitError) return e;
    throw e;
  }
  throw new Error('the pod fit');
}

const victimsOf = (n: Nomination | undefined) => n && { node: n.nodeName, victims: n.victims.map((v) => v.pod.metadata?.name) };

test('victims: the fewest pods of lower priority whose going lets the pod fit, the more important ones given back first', (t) => {
  const nodes = [makeNode('n1', { cpu: '4' }), makeNode('n2', { cpu: '4' })];
  const pods = [
    makePod('low-a', { nodeName: 'n1', cpu: '2', priority: 0 }),
    makePod('low-b', { nodeName: 'n1', cpu: '1', priority: 10 }),
    makePod('mid', { nodeName: 'n1', cpu: '1', priority: 100 }),
    makePod('high', { nodeName: 'n2', cpu: '3', priority: 1000 }),
  ];
  const err = fail(nodes, pods, makePod('p', { cpu: '2', priority: 500 }));
  // n1: without low-a and low-b 2 cpu are free; low-b (more important) comes back and still fits.
  t.deepEqual(victimsOf(err.nominated), { node: 'n1', victims: ['low-a'] });
  t.is(err.message, '0/2 nodes are available: 2 Insufficient cpu.', 'a nomination adds nothing to FailedScheduling');
});

test('the node whose victims matter least: lowest highest priority, then lowest sum, then fewest', (t) => {
  const v = (name: string, priority: number, startTime = '2026-01-01T00:00:00Z'): PodInfo => podInfo({ ...makePod(name, { priority }), status: { startTime } });
  t.is(pickOne([{ nodeName: 'a', victims: [v('x', 5)] }, { nodeName: 'b', victims: [v('y', 1), v('z', 1)] }]).nodeName, 'b');
  t.is(pickOne([{ nodeName: 'a', victims: [v('x', 1), v('w', 1)] }, { nodeName: 'b', victims: [v('y', 1)] }]).nodeName, 'b');
  t.is(pickOne([{ nodeName: 'a', victims: [v('x', -5), v('w', 1)] }, { nodeName: 'b', victims: [v('y', 1), v('z', 0)] }]).nodeName, 'a');
  t.is(pickOne([{ nodeName: 'a', victims: [v('x', 1, '2026-01-01T00:00:00Z')] }, { nodeName: 'b', victims: [v('y', 1, '2026-02-01T00:00:00Z')] }]).nodeName, 'b', 'the victim that started last');
});

test('no preemption: why per node, in upstream words; preemptionPolicy Never; a terminating victim on the nominated node', (t) => {
  const nodes = [makeNode('low', { cpu: '2' }), makeNode('same', { cpu: '2' }), makeNode('tainted', { cpu: '2', taints: [{ key: 'a', effect: 'NoSchedule' }] })];
  const pods = [makePod('a', { nodeName: 'low', cpu: '1', priority: 0 }), makePod('b', { nodeName: 'low', cpu: '1', priority: 100 }), makePod('c', { nodeName: 'same', cpu: '2', priority: 100 })];
  // Needs 2 cpu: on `low` only 1 would be free without `a`.
  const err = fail(nodes, pods, makePod('p', { cpu: '2', priority: 100 }));
  t.is(err.nominated, undefined);
  t.is(
    err.message,
    `0/3 nodes are available: 1 node(s) had untolerated taint {a: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Insufficient cpu, 1 ${REASON_NO_VICTIMS}, 1 ${REASON_NOT_HELPFUL}.`,
  );
  const never = fail(nodes, pods, makePod('p', { cpu: '1', priority: 1000, spec: { preemptionPolicy: 'Never' } }));
  t.is(never.nominated, undefined);
  t.regex(never.message, /preemption: not eligible due to preemptionPolicy=Never\.$/);

  const dying = { ...makePod('a', { nodeName: 'low', cpu: '1', priority: 0 }), metadata: { name: 'a', namespace: 'default', uid: 'uid-a', deletionTimestamp: '2026-12-07T00:00:00Z' } };
  dying.status = { phase: 'Running', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] };
  const waiting = fail(nodes, [dying, pods[1], pods[2]], { ...makePod('p', { cpu: '1', priority: 1000 }), status: { phase: 'Pending', nominatedNodeName: 'low' } });
  t.is(waiting.nominated, undefined);
  t.true(waiting.message.endsWith(` ${REASON_WAITING}`), waiting.message);
});

const budget = (name: string, app: string, disruptionsAllowed: number, disruptedPods?: Record<string, string>) =>
  ({ metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app } } }, status: { disruptionsAllowed, disruptedPods } }) as KubeObject;

test('PodDisruptionBudgets: each victim uses one disruption of the budgets selecting it; past zero it breaks them', (t) => {
  const p = (name: string, app: string) => podInfo(makePod(name, { labels: { app } }));
  const { violating, other } = splitByBudgets([p('a1', 'a'), p('a2', 'a'), p('b1', 'b'), p('c1', 'c')], [budget('a', 'a', 1), budget('b', 'b', 0, { b1: '2026-12-07T00:00:00Z' })]);
  t.deepEqual(violating.map((v) => v.pod.metadata?.name), ['a2']);
  t.deepEqual(other.map((v) => v.pod.metadata?.name), ['a1', 'b1', 'c1'], 'b1 is already counted as disrupted; c1 has no budget');
});

test('preemption prefers the node whose victims break no PodDisruptionBudget', (t) => {
  const nodes = [makeNode('n1', { cpu: '4' }), makeNode('n2', { cpu: '4' })];
  const pods = [makePod('guarded', { nodeName: 'n1', cpu: '4', priority: 0, labels: { app: 'a' } }), makePod('free', { nodeName: 'n2', cpu: '4', priority: 0, labels: { app: 'b' } })];
  const fw = new Framework({ plugins: defaultPlugins().plugins });
  const cache = cacheOf(nodes, pods);
  const state = new CycleState();
  const pod = podInfo(makePod('p', { cpu: '2', priority: 100 }));
  t.throws(() => fw.schedulePod(state, pod, cache)); // fills the cycle state the filters read
  const budgets = [budget('a', 'a', 0)];
  const n1 = selectVictims(state, pod, cache.get('n1')!, fw, budgets);
  const n2 = selectVictims(state, pod, cache.get('n2')!, fw, budgets);
  t.like(n1, { nodeName: 'n1', violations: 1 });
  t.like(n2, { nodeName: 'n2', violations: 0 });
  t.is(pickOne([n1 as Nomination, n2 as Nomination]).nodeName, 'n2');
});

test('a pod nominated to a node keeps its room there: a pod of lower priority is not placed where it would take it', (t) => {
  const nodes = [makeNode('n1', { cpu: '4' }), makeNode('n2', { cpu: '4' })];
  const pods = [makePod('busy', { nodeName: 'n2', cpu: '3', priority: 0 })];
  const fw = new Framework({ plugins: defaultPlugins().plugins });
  const cache = cacheOf(nodes, pods);
  const preemptor = podInfo(makePod('preemptor', { cpu: '3', priority: 1000 }));
  const nominated = new Map([['n1', [preemptor]]]);
  // 3 cpu: n1 fits it only if the nominated preemptor is not counted; n2 is full.
  const low = podInfo(makePod('low', { cpu: '3', priority: 10 }));
  const err = t.throws(() => fw.schedulePod(new CycleState(), low, cache, nominated), { instanceOf: FitError });
  t.is(err?.message.split('.')[0], '0/2 nodes are available: 2 Insufficient cpu');
  // One of higher priority than the nominated pod is not held back; nor is the nominated pod itself.
  t.is(fw.schedulePod(new CycleState(), podInfo(makePod('urgent', { cpu: '3', priority: 5000 })), cache, nominated).nodeName, 'n1');
  t.is(fw.schedulePod(new CycleState(), preemptor, cache, nominated).nodeName, 'n1');
});

test('the search stops at 10% of the nodes, at least 100, as upstream', (t) => {
  t.deepEqual([3, 100, 999, 1000, 5000].map(candidatesToFind), [3, 100, 100, 100, 500]);
});
