import test from 'ava';
import { cacheOf, filterVerdicts, makeNode, makePod, normalizedScores, podInfo } from '../../testing/objects.ts';
import { CycleState, type Node, type Pod } from '../../types.ts';
import { ERR_CONSTRAINTS, ERR_MISSING_LABEL, newPodTopologySpread } from './index.ts';

const zone = 'topology.kubernetes.io/zone';
const nodes: Node[] = [
  makeNode('a1', { labels: { [zone]: 'a' } }),
  makeNode('b1', { labels: { [zone]: 'b' } }),
  makeNode('c1', { labels: { [zone]: 'c', disk: 'hdd' } }),
  makeNode('nolabel'),
];
const spread = (maxSkew: number, when = 'DoNotSchedule', extra: Record<string, unknown> = {}) => ({
  topologySpreadConstraints: [{ maxSkew, topologyKey: zone, whenUnsatisfiable: when, labelSelector: { matchLabels: { app: 'web' } }, ...extra }],
});
const web = (name: string, nodeName?: string, labels: Record<string, string> = {}) => makePod(name, { labels: { app: 'web', ...labels }, nodeName });

const cases: Array<{ name: string; pod: Pod; existing: Pod[]; want: Record<string, string> }> = [
  {
    name: 'maxSkew 1: only the emptiest zones',
    pod: makePod('p', { labels: { app: 'web' }, spec: spread(1) }),
    existing: [web('w1', 'a1'), web('w2', 'b1')],
    want: { a1: ERR_CONSTRAINTS, b1: ERR_CONSTRAINTS, c1: 'Success', nolabel: ERR_MISSING_LABEL },
  },
  {
    name: 'maxSkew 2 allows one more',
    pod: makePod('p', { labels: { app: 'web' }, spec: spread(2) }),
    existing: [web('w1', 'a1'), web('w2', 'b1')],
    want: { a1: 'Success', b1: 'Success', c1: 'Success', nolabel: ERR_MISSING_LABEL },
  },
  {
    name: 'nodes outside the pod nodeSelector are not domains',
    pod: makePod('p', { labels: { app: 'web' }, spec: { ...spread(1), nodeSelector: { disk: 'hdd' } } }),
    existing: [web('w1', 'c1')],
    want: { a1: 'Success', b1: 'Success', c1: 'Success', nolabel: ERR_MISSING_LABEL },
  },
  {
    name: 'minDomains above the domain count makes the minimum 0',
    pod: makePod('p', { labels: { app: 'web' }, spec: spread(1, 'DoNotSchedule', { minDomains: 5 }) }),
    existing: [web('w1', 'a1'), web('w2', 'b1'), web('w3', 'c1')],
    want: { a1: ERR_CONSTRAINTS, b1: ERR_CONSTRAINTS, c1: ERR_CONSTRAINTS, nolabel: ERR_MISSING_LABEL },
  },
  {
    name: 'matchLabelKeys narrows to the same revision',
    pod: makePod('p', { labels: { app: 'web', rev: '2' }, spec: spread(1, 'DoNotSchedule', { matchLabelKeys: ['rev'] }) }),
    existing: [web('old1', 'a1', { rev: '1' }), web('old2', 'a1', { rev: '1' }), web('new1', 'b1', { rev: '2' })],
    want: { a1: 'Success', b1: ERR_CONSTRAINTS, c1: 'Success', nolabel: ERR_MISSING_LABEL },
  },
];

for (const tc of cases) {
  test(`filter: ${tc.name}`, (t) => {
    const { preFilter, verdicts } = filterVerdicts(newPodTopologySpread(), podInfo(tc.pod), cacheOf(nodes, tc.existing));
    t.is(preFilter.code, 'Success');
    t.deepEqual(verdicts, tc.want);
  });
}

test('no constraints: prefilter and prescore skip', (t) => {
  const pl = newPodTopologySpread();
  const cache = cacheOf(nodes);
  t.is(pl.preFilter(new CycleState(), podInfo(makePod('p')), cache).code, 'Skip');
  t.is(pl.preScore(new CycleState(), podInfo(makePod('p')), cache.list(), cache).code, 'Skip');
});

test('score: ScheduleAnyway prefers the less loaded zone', (t) => {
  const pl = newPodTopologySpread();
  const cache = cacheOf(nodes.slice(0, 3), [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')]);
  const { preScore, scores } = normalizedScores(pl, podInfo(makePod('p', { labels: { app: 'web' }, spec: spread(1, 'ScheduleAnyway') })), cache);
  t.is(preScore.code, 'Success');
  t.deepEqual(scores, [0, 50, 100]);
});

/** A pod controlled by the ReplicaSet `rs` (uid `rs-uid`), as the ReplicaSet controller makes them. */
const ofReplicaSet = (name: string, rs: string, nodeName?: string, spec: Record<string, unknown> = {}): Pod => {
  const p = makePod(name, { labels: { app: rs }, nodeName, spec });
  p.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `${rs}-uid`, controller: true }];
  return p;
};

test("score: a ReplicaSet's pod without constraints gets the system default, spreading over hostnames", (t) => {
  const pl = newPodTopologySpread();
  const cache = cacheOf(nodes.slice(0, 3), [ofReplicaSet('r1', 'rs', 'a1'), ofReplicaSet('r2', 'rs', 'a1'), ofReplicaSet('r3', 'rs', 'b1'), ofReplicaSet('o1', 'other', 'c1')]);
  const pod = podInfo(ofReplicaSet('p', 'rs'));
  const { preScore, scores } = normalizedScores(pl, pod, cache);
  t.is(preScore.code, 'Success');
  t.deepEqual(scores, [0, 50, 100], 'pods of another ReplicaSet do not count');
  // The cache keeps the per-owner counts as pods come and go.
  cache.removePod('default/r1');
  cache.removePod('default/r2');
  t.deepEqual(normalizedScores(pl, pod, cache).scores, [100, 0, 100]);
});

test('no system default for a pod with constraints of its own, or without a workload controller', (t) => {
  const pl = newPodTopologySpread();
  const cache = cacheOf(nodes.slice(0, 3), [ofReplicaSet('r1', 'rs', 'a1')]);
  const own = ofReplicaSet('p', 'rs', undefined, spread(1, 'DoNotSchedule'));
  t.is(pl.preScore(new CycleState(), podInfo(own), cache.list(), cache).code, 'Skip');
  const job = makePod('j');
  job.metadata!.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'j-uid', controller: true }];
  t.is(pl.preScore(new CycleState(), podInfo(job), cache.list(), cache).code, 'Skip');
});
