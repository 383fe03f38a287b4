import test from 'ava';
import { cacheOf, makeNode, makePod, nodeInfo, podInfo } from '../../testing/objects.ts';
import { CycleState, type Pod } from '../../types.ts';
import { ERR_REASON, newNodePorts } from './index.ts';

const withPort = (name: string, hostPort: number, protocol = 'TCP', hostIP?: string): Pod =>
  makePod(name, { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort, protocol, hostIP }] }] });

const cases: Array<{ name: string; pod: Pod; existing: Pod[]; fits: boolean }> = [
  { name: 'no host ports', pod: makePod('p'), existing: [withPort('e', 80)], fits: true },
  { name: 'free port', pod: withPort('p', 8080), existing: [withPort('e', 80)], fits: true },
  { name: 'same port and protocol', pod: withPort('p', 80), existing: [withPort('e', 80)], fits: false },
  { name: 'same port, other protocol', pod: withPort('p', 53, 'UDP'), existing: [withPort('e', 53, 'TCP')], fits: true },
  { name: 'different specific addresses', pod: withPort('p', 80, 'TCP', '10.0.0.1'), existing: [withPort('e', 80, 'TCP', '10.0.0.2')], fits: true },
  { name: 'specific address against wildcard', pod: withPort('p', 80, 'TCP', '10.0.0.1'), existing: [withPort('e', 80)], fits: false },
  { name: 'wildcard against specific address', pod: withPort('p', 80), existing: [withPort('e', 80, 'TCP', '10.0.0.2')], fits: false },
];

for (const tc of cases) {
  test(tc.name, (t) => {
    const existing = tc.existing.map((p, i) => ({ ...p, metadata: { ...p.metadata, name: `existing-${i}` } }));
    const s = newNodePorts().filter(new CycleState(), podInfo(tc.pod), nodeInfo(makeNode('n'), existing));
    t.is(s.code, tc.fits ? 'Success' : 'Unschedulable');
    if (!tc.fits) t.deepEqual(s.reasons, [ERR_REASON]);
  });
}

test('PreFilter skips a pod without host ports', (t) => {
  t.is(newNodePorts().preFilter(new CycleState(), podInfo(makePod('p')), cacheOf([])).code, 'Skip');
  t.is(newNodePorts().preFilter(new CycleState(), podInfo(withPort('p', 80)), cacheOf([])).code, 'Success');
});
