// The REST paths and query strings of the Kubernetes API for a resource reference.

import type { DeleteOptions, ListOptions, PatchOptions, PatchType, ResourceRef, WatchOptions, WriteOptions } from './types.ts';

/** /api/v1 or /apis/{group}/{version}, then namespaces/{ns}/ when namespaced and given. */
export function resourcePath(r: ResourceRef, namespace: string, name?: string, subresource?: string): string {
  let p = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.plural}`;
  if (name !== undefined && name !== '') {
    p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
  }
  return p;
}

export function withQuery(path: string, q: URLSearchParams): string {
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function listQuery(o: ListOptions = {}): URLSearchParams {
  const q = new URLSearchParams();
  if (o.labelSelector) q.set('labelSelector', o.labelSelector);
  if (o.fieldSelector) q.set('fieldSelector', o.fieldSelector);
  if (o.resourceVersion !== undefined) q.set('resourceVersion', o.resourceVersion);
  if (o.resourceVersionMatch) q.set('resourceVersionMatch', o.resourceVersionMatch);
  if (o.limit !== undefined && o.limit > 0) q.set('limit', String(o.limit));
  if (o.continue) q.set('continue', o.continue);
  return q;
}

export function watchQuery(o: WatchOptions): URLSearchParams {
  const q = listQuery({ ...o, limit: undefined, continue: undefined });
  q.set('watch', 'true');
  if (o.allowWatchBookmarks) q.set('allowWatchBookmarks', 'true');
  if (o.timeoutSeconds !== undefined) q.set('timeoutSeconds', String(o.timeoutSeconds));
  if (o.sendInitialEvents !== undefined) q.set('sendInitialEvents', String(o.sendInitialEvents));
  return q;
}

export function writeQuery(o: WriteOptions & { force?: boolean } = {}): URLSearchParams {
  const q = new URLSearchParams();
  if (o.dryRun) q.set('dryRun', 'All');
  if (o.fieldManager) q.set('fieldManager', o.fieldManager);
  if (o.fieldValidation) q.set('fieldValidation', o.fieldValidation);
  if (o.force !== undefined) q.set('force', String(o.force));
  return q;
}

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export function patchQuery(type: PatchType, o: PatchOptions = {}): URLSearchParams {
  if (type === 'apply' && !o.fieldManager) throw new TypeError('an apply patch needs a fieldManager');
  return writeQuery({ ...o, force: type === 'apply' ? o.force : undefined });
}

/** The DeleteOptions body a delete sends (or undefined when there is nothing to say). */
export function deleteBody(o: DeleteOptions = {}): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  let any = false;
  if (o.gracePeriodSeconds !== undefined) (body.gracePeriodSeconds = o.gracePeriodSeconds), (any = true);
  if (o.propagationPolicy) (body.propagationPolicy = o.propagationPolicy), (any = true);
  if (o.preconditions) (body.preconditions = o.preconditions), (any = true);
  if (o.dryRun) (body.dryRun = ['All']), (any = true);
  return any ? body : undefined;
}
