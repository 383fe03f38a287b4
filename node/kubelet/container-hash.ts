// A running container whose definition changed is restarted (upstream's containerChanged):
// each container the kubelet creates carries a hash of the spec fields a pod update may
// change (the image; with the name, as upstream's pickFieldsToHash) in a runtime annotation,
// and each sync compares it with the Pod's spec. Only those fields are hashed, so an agent
// upgrade that fills in other fields differently restarts nothing; and a container created
// before the hash existed (adopted after an agent restart) carries none and is left alone.
// Pure.

import { createHash } from 'node:crypto';
import type { Container } from '../../api/core/pod/types.ts';

export const HASH_ANNOTATION = 'io.kubernetes.container.hash';

export function containerHash(c: Container): string {
  return createHash('sha256').update(JSON.stringify({ image: c.image ?? '', name: c.name ?? '' })).digest('hex').slice(0, 16);
}

/** The running container was created from another definition than `c`'s (never when it carries no hash). */
export function definitionChanged(c: Container, run: { state: string; annotations?: Record<string, string> } | undefined): boolean {
  const had = run?.annotations?.[HASH_ANNOTATION];
  return run?.state === 'CONTAINER_RUNNING' && !!had && had !== containerHash(c);
}

/** The Killing event's message, as upstream words it for a container and for a sidecar (a restartable init container). */
export function definitionChangedMessage(c: Container, sidecar: boolean): string {
  return sidecar ? `Init container ${c.name} definition changed` : `Container ${c.name} definition changed, will be restarted`;
}
