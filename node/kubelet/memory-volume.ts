// emptyDir with `medium: Memory`: a tmpfs mounted on the volume's directory, sized as upstream's
// kubelet sizes it (SizeMemoryBackedVolumes): the node's allocatable memory, lowered to the
// pod's memory limit when every container has one, lowered to the volume's `sizeLimit` when
// that is smaller still. Files written there count against no disk and go with the pod.

import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Container, Pod } from '../../api/core/pod/types.ts';
import { parseQuantity } from '../../api/core/pod/quantity.ts';
import { mountsUnder } from '../cri/containerd.ts';

const run = promisify(execFile);

const memoryLimit = (c: Container): number | undefined => {
  const v = parseQuantity(c.resources?.limits?.memory);
  return v && v > 0 ? v : undefined;
};

/** The pod's memory limit as its cgroup gets it: only when every container sets one. */
export function podMemoryLimit(pod: Pod): number | undefined {
  const containers = pod.spec?.containers ?? [];
  const limits = containers.map(memoryLimit);
  if (!containers.length || limits.some((l) => l === undefined)) return undefined;
  const sum = (limits as number[]).reduce((a, b) => a + b, 0);
  const inits = (pod.spec?.initContainers ?? []).map(memoryLimit);
  if (inits.some((l) => l === undefined)) return undefined;
  return Math.max(sum, ...(inits as number[]));
}

/** The tmpfs size in bytes for a memory-backed emptyDir of `pod`. */
export function memoryVolumeSize(pod: Pod, sizeLimit: unknown, nodeAllocatable: number): number {
  let size = nodeAllocatable;
  const podLimit = podMemoryLimit(pod);
  if (podLimit && podLimit < size) size = podLimit;
  const volumeLimit = parseQuantity(sizeLimit);
  if (volumeLimit && volumeLimit > 0 && volumeLimit < size) size = volumeLimit;
  return Math.floor(size);
}


/** Mounts the tmpfs on `dir` unless one is there already (an agent restarted under running pods). */
export async function mountMemoryVolume(dir: string, sizeBytes: number): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o777 });
  if (mountsUnder(dir).includes(dir)) return;
  await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0777`, 'tmpfs', dir]);
}
