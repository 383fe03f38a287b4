import test from 'ava';
import { cacheOf, filterVerdicts, makeNode, makePod, normalizedScores, podInfo } from '../../testing/objects.ts';
import { CycleState, type Pod } from '../../types.ts';
import { ERR_AFFINITY, ERR_ANTI_AFFINITY, ERR_EXISTING_ANTI_AFFINITY, newInterPodAffinity } from './index.ts';

const zone = 'topology.kubernetes.io/zone';
const nodes = [makeNode('a1', { labels: { [zone]: 'a' } }), makeNode('a2', { labels: { [zone]: 'a' } }), makeNode('b1', { labels: { [zone]: 'b' } })];
const term = (app: string, key = zone) => ({ labelSelector: { matchLabels: { app } }, topologyKey: key });
const withAffinity = (name: string, affinity: Record<string, unknown>, labels: Record<string, string> = {}, nodeName?: string): Pod =>
  makePod(name, { labels, nodeName, spec: { affinity } });

const cases: Array<{ name: string; pod: Pod; existing: Pod[]; want: Record<string, string> }> = [
  {
    name: 'required affinity: only the zone with a db pod',
    pod: withAffinity('web', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } }),
    existing: [makePod('db', { labels: { app: 'db' }, nodeName: 'a2' })],
    want: { a1: 'Success', a2: 'Success', b1: ERR_AFFINITY },
  },
  {
    name: 'required affinity with no match anywhere is unresolvable',
    pod: withAffinity('web', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } }),
    existing: [],
    want: { a1: ERR_AFFINITY, a2: ERR_AFFINITY, b1: ERR_AFFINITY },
  },
  {
    name: 'the first pod of a group that selects itself fits anywhere',
    pod: withAffinity('web', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } }, { app: 'web' }),
    existing: [],
    want: { a1: 'Success', a2: 'Success', b1: 'Success' },
  },
  {
    name: 'required anti-affinity by hostname',
    pod: withAffinity('web', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'kubernetes.io/hostname')] } }, { app: 'web' }),
    existing: [makePod('web-0', { labels: { app: 'web' }, nodeName: 'a1' })],
    want: { a1: ERR_ANTI_AFFINITY, a2: 'Success', b1: 'Success' },
  },
  {
    name: "existing pods' anti-affinity keeps the pod out of their zone",
    pod: makePod('web', { labels: { app: 'web' } }),
    existing: [withAffinity('loner', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } }, {}, 'b1')],
    want: { a1: 'Success', a2: 'Success', b1: ERR_EXISTING_ANTI_AFFINITY },
  },
  {
    name: 'other namespaces do not count',
    pod: withAffinity('web', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } }),
    existing: [makePod('web-0', { ns: 'other', labels: { app: 'web' }, nodeName: 'a1' })],
    want: { a1: 'Success', a2: 'Success', b1: 'Success' },
  },
];

for (const tc of cases) {
  test(`filter: ${tc.name}`, (t) => {
    const { preFilter, verdicts } = filterVerdicts(newInterPodAffinity(), podInfo(tc.pod), cacheOf(nodes, tc.existing));
    t.is(preFilter.code, 'Success');
    t.deepEqual(verdicts, tc.want);
  });
}

test('prefilter skips pods without terms when no pod has any', (t) => {
  t.is(newInterPodAffinity().preFilter(new CycleState(), podInfo(makePod('p')), cacheOf(nodes, [makePod('x', { nodeName: 'a1' })])).code, 'Skip');
});

test('score: preferred affinity pulls toward the zone, anti-affinity away', (t) => {
  const pl = newInterPodAffinity();
  const cache = cacheOf(nodes, [makePod('db', { labels: { app: 'db' }, nodeName: 'a1' }), makePod('noisy', { labels: { app: 'noisy' }, nodeName: 'a2' })]);
  const pod = podInfo(withAffinity('web', {
    podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term('db') }] },
    podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term('noisy', 'kubernetes.io/hostname') }] },
  }));
  const state = new CycleState();
  t.is(pl.preScore(state, pod, cache.list(), cache).code, 'Success');
  const scores = cache.list().map((n) => pl.score(state, pod, n));
  t.deepEqual(scores, [50, -50, 0]);
  pl.normalizeScore?.(state, pod, scores);
  t.deepEqual(scores, [100, 0, 50]);
});

test("score: a pod without terms is still pulled by existing pods' preferred affinity toward it", (t) => {
  const pl = newInterPodAffinity();
  const cache = cacheOf(nodes, [
    withAffinity('fan', { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 30, podAffinityTerm: term('web') }] } }, {}, 'b1'),
    makePod('other', { labels: { app: 'web' }, nodeName: 'a1' }),
  ]);
  const pod = podInfo(makePod('web', { labels: { app: 'web' } }));
  const state = new CycleState();
  t.is(pl.preScore(state, pod, cache.list(), cache).code, 'Success');
  t.deepEqual(cache.list().map((n) => pl.score(state, pod, n)), [0, 0, 30]);
});
