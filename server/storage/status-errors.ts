// Where backend StorageErrors become client-facing StatusErrors (the store boundary).
// Choices where upstream has no single answer:
// - an oversize value is 413 RequestEntityTooLarge with etcd's own words ("etcdserver: request is
//   too large"), as clients of a real cluster see it through the apiserver;
// - a value that is not JSON or a malformed key can only come from a bug above us: 500.

import {
  alreadyExists,
  conflict,
  internalError,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  serviceUnavailable,
  StatusError,
  timeout,
  tooLarge,
  tooOldResourceVersion,
  type GroupResource,
} from '../../api/meta/errors.ts';
import { isStorageError, type Backend } from './types.ts';

/** The last path segment of a key: the object's name for messages. */
export function nameOfKey(key: string): string {
  const i = key.lastIndexOf('/');
  return i >= 0 ? key.slice(i + 1) : key;
}

export const REQUEST_TOO_LARGE_MESSAGE = 'etcdserver: request is too large';

/** 504 that client-go recognises as "Too large resource version" (it retries after a second). */
export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  const err = timeout(`Too large resource version: ${requested}, current: ${current}`, 1);
  err.details!.causes = [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }];
  return err;
}

/** Translates anything thrown by a backend; StatusErrors pass through unchanged. */
export function toStatusError(e: unknown, gr: GroupResource, key: string, backend: Pick<Backend, 'name'>): StatusError {
  if (e instanceof StatusError) return e;
  const name = nameOfKey(key);
  if (!isStorageError(e)) return internalError(e instanceof Error ? e.message : String(e));
  const store = backend.name === 'etcd' ? 'etcd' : `${backend.name} store`;
  switch (e.code) {
    case 'KeyExists':
      return alreadyExists(gr, name);
    case 'KeyNotFound':
      return notFound(gr, name);
    case 'Conflict':
      return conflict(gr, name, OPTIMISTIC_LOCK_MESSAGE);
    case 'Compacted':
      return tooOldResourceVersion(e.extra?.requested ?? 0, e.extra?.compacted);
    case 'Unavailable':
      return serviceUnavailable(`${store} is unavailable: ${e.message}`);
    case 'Timeout':
      return timeout(`${store}: request timed out: ${e.message}`, 1);
    case 'InvalidValue':
      // Over our value limit, or over etcd's own request limit (etcd said so).
      return / bytes, over the |rejected the request as too large/.test(e.message) ? tooLarge(REQUEST_TOO_LARGE_MESSAGE) : internalError(e.message);
    default:
      return internalError(e.message);
  }
}
