import test from 'ava';
import { cacheOf, makeNode, makePod, nodeInfo, podInfo } from '../../testing/objects.ts';
import { CycleState } from '../../types.ts';
import { ERR_REASON, fits, newNodeName } from './index.ts';

const cases = [
  { name: 'no nodeName fits any node', nodeName: undefined, node: 'a', fits: true },
  { name: 'matching nodeName fits', nodeName: 'a', node: 'a', fits: true },
  { name: 'other nodeName does not fit', nodeName: 'b', node: 'a', fits: false },
];

for (const tc of cases) {
  test(tc.name, (t) => {
    const pod = makePod('p', { nodeName: tc.nodeName });
    t.is(fits(pod, tc.node), tc.fits);
    const s = newNodeName().filter(new CycleState(), podInfo(pod), nodeInfo(makeNode(tc.node)));
    t.is(s.code, tc.fits ? 'Success' : 'UnschedulableAndUnresolvable');
    if (!tc.fits) t.deepEqual(s.reasons, [ERR_REASON]);
  });
}

test('PreFilter skips a pod that names no node', (t) => {
  t.is(newNodeName().preFilter(new CycleState(), podInfo(makePod('p')), cacheOf([])).code, 'Skip');
  t.is(newNodeName().preFilter(new CycleState(), podInfo(makePod('p', { nodeName: 'a' })), cacheOf([])).code, 'Success');
});
