// How Kubernetes objects sit in the store: key layout, the stored form (JSON without
// metadata.resourceVersion) and the form clients see (resourceVersion = the revision), and the
// typed watch events. Shared by ./object-store.ts and the watch cache.

import type { KubeObject } from '../../api/types.ts';
import { badRequest, type GroupResource } from '../../api/meta/errors.ts';
import { cloneJson } from '../../api/meta/json.ts';

/** `/registry/<group/><resource>/` and, for a namespace, `.../<namespace>/`. */
export function prefixFor(gr: GroupResource, namespace?: string): string {
  const base = `/registry/${gr.group ? `${gr.group}/` : ''}${gr.resource}/`;
  return namespace ? `${base}${namespace}/` : base;
}

/** The key of one object; namespace undefined or '' for cluster-scoped kinds. */
export function keyFor(gr: GroupResource, namespace: string | undefined, name: string): string {
  return `${prefixFor(gr, namespace)}${name}`;
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
  /**
   * JSON of object when already serialized: the watch cache's UTF-8 bytes, shared by every
   * watcher and written to the socket as they are (never to be written to), or a string.
   */
  raw?: string | Buffer;
}

/**
 * Accepts or rejects an object. `fieldEquals`: fields it requires to equal one value (a field
 * selector's `f=v` terms), by which a watch cache index may narrow what it tests.
 */
export type Predicate = ((obj: KubeObject) => boolean) & { readonly fieldEquals?: Readonly<Record<string, string>> };

/** Read-modify-write step: gets the current object (undefined when absent and allowed). */
export type TryUpdate = (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

export interface ListOptions {
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  limit?: number;
  continue?: string;
  /** Only items it accepts are returned (and count towards limit). */
  predicate?: Predicate;
}

export interface ListResult {
  items: KubeObject[];
  /** items as JSON, when served from the watch cache (its bytes): a response joins them without serializing. */
  raw?: (string | Buffer)[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A stored value as the object clients see: resourceVersion set from the revision. */
export function decodeObject(value: string, revision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
  return obj;
}

/**
 * What decodeObject(encodeObject(obj), revision) gives, from the object itself: a copy
 * (objects written are plain JSON), resourceVersion last in metadata as decodeObject puts it.
 */
export function storedObject(obj: KubeObject, revision: number): KubeObject {
  const out = cloneJson(obj);
  const { resourceVersion: _rv, ...metadata } = out.metadata ?? {};
  out.metadata = { ...metadata, resourceVersion: String(revision) };
  return out;
}

/** The stored form: JSON without metadata.resourceVersion. */
export function encodeObject(obj: KubeObject): string {
  if (!obj.metadata || obj.metadata.resourceVersion === undefined) return JSON.stringify(obj);
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

/** Parses a resourceVersion parameter: '' and '0' are 0, anything else a positive integer. */
export function parseResourceVersion(rv: string | undefined): number {
  if (rv === undefined || rv === '' || rv === '0') return 0;
  if (!/^[1-9][0-9]{0,15}$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}
