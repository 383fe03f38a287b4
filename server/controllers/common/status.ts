// Status writes through the status subresource: skipped when nothing changed, and retried
// once on a fresh copy when the cached object was stale (as upstream's status updaters do).

import type { KubeObject } from '../../../api/types.ts';
import type { Client, ResourceRef } from '../../../client/types.ts';
import { isConflict, isNotFound } from './errors.ts';
import { clone } from './keys.ts';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/** Writes `status` onto obj; returns the written object, or undefined when it was gone or unchanged. */
export async function writeStatus<T extends KubeObject>(client: Client, r: ResourceRef, obj: T, status: unknown): Promise<T | undefined> {
  if (same(obj.status, status)) return undefined;
  const ns = obj.metadata?.namespace ?? '';
  try {
    return await client.update<T>(r, ns, { ...clone(obj), status }, { subresource: 'status' });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    if (!isConflict(e)) throw e;
  }
  let fresh: T;
  try {
    fresh = await client.get<T>(r, ns, obj.metadata?.name ?? '');
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  if (fresh.metadata?.uid !== obj.metadata?.uid || same(fresh.status, status)) return undefined;
  return client.update<T>(r, ns, { ...fresh, status }, { subresource: 'status' });
}
