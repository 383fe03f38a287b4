import test from 'ava';
import type { Pod } from '../../api/core/pod/types.ts';
import { memoryVolumeSize, podMemoryLimit } from './memory-volume.ts';

const Mi = 1 << 20;
const pod = (limits: (string | undefined)[], init: (string | undefined)[] = []): Pod => {
  const c = (l: string | undefined, i: number) => ({ name: `c${i}`, resources: l ? { limits: { memory: l } } : {} });
  return { spec: { containers: limits.map(c), initContainers: init.map(c) } } as Pod;
};

test('the pod memory limit counts only when every container has one (init containers: the largest)', (t) => {
  t.is(podMemoryLimit(pod(['64Mi', '32Mi'])), 96 * Mi);
  t.is(podMemoryLimit(pod(['64Mi', undefined])), undefined);
  t.is(podMemoryLimit(pod(['64Mi'], ['128Mi'])), 128 * Mi);
  t.is(podMemoryLimit(pod(['64Mi'], [undefined])), undefined);
});

test('tmpfs size: node allocatable, lowered by the pod limit, lowered by sizeLimit', (t) => {
  const node = 1024 * Mi;
  t.is(memoryVolumeSize(pod([undefined]), undefined, node), node);
  t.is(memoryVolumeSize(pod(['256Mi']), undefined, node), 256 * Mi);
  t.is(memoryVolumeSize(pod(['256Mi']), '16Mi', node), 16 * Mi);
  t.is(memoryVolumeSize(pod(['8Mi']), '16Mi', node), 8 * Mi, 'a sizeLimit above the pod limit does not raise it');
  t.is(memoryVolumeSize(pod([undefined]), '4Gi', node), node, 'nor above the node');
  t.is(memoryVolumeSize(pod([undefined]), '0', node), node, 'zero is no limit');
});
