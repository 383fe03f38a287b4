// System metadata the generic engine owns: uid, creationTimestamp, generateName, generation,
// and what a write may not change. Name and uid generators are injected for determinism.

import { randomUUID, randomInt } from 'node:crypto';
import type { KubeObject, ObjectMeta } from '../../../api/types.ts';
import { semanticEqual } from '../../../api/meta/validation.ts';
import { rfc3339 } from '../../../api/meta/time.ts';

export interface NameGenerator {
  /** base + 5 random characters from upstream's alphabet (no vowels, no confusable digits). */
  generate(base: string): string;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME_LENGTH = 63 - 5;

export const randomNameGenerator: NameGenerator = {
  generate(base: string): string {
    const b = base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base;
    let s = '';
    for (let i = 0; i < 5; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    return b + s;
  },
};

export interface UidGenerator {
  uid(): string;
}
export const randomUid: UidGenerator = { uid: () => randomUUID() };

export function meta(obj: KubeObject): ObjectMeta {
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  return obj.metadata;
}

/** Fields of ObjectMeta a client may not set on create: the engine fills them. */
export function fillCreateMeta(obj: KubeObject, now: Date, uids: UidGenerator): void {
  const m = meta(obj);
  m.uid = uids.uid();
  m.creationTimestamp = rfc3339(now);
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.resourceVersion;
  delete m.selfLink;
  if (m.generation !== undefined) m.generation = 1;
}

/** On update: the fields that never change through a plain write come from the stored object. */
export function keepSystemMeta(obj: KubeObject, old: KubeObject): void {
  const m = meta(obj);
  const o = meta(old);
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  m.namespace = o.namespace;
  m.name = o.name;
  if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  if (o.generation !== undefined) m.generation = o.generation;
  else delete m.generation;
  if (o.generateName !== undefined && m.generateName === undefined) m.generateName = o.generateName;
  delete m.selfLink;
}

const NON_SPEC = new Set(['metadata', 'status', 'apiVersion', 'kind']);

/** Everything but metadata and status: what a generation bump watches. */
export function specOf(obj: KubeObject): string {
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) if (!NON_SPEC.has(k)) rest[k] = obj[k];
  return JSON.stringify(rest);
}

function at(obj: KubeObject, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

const TYPE_META = new Set(['apiVersion', 'kind', 'metadata']);

/** Every top-level field but apiVersion, kind and metadata equal ('*' in generationFields). */
function sameBeyondMeta(obj: KubeObject, old: KubeObject): boolean {
  for (const k of new Set([...Object.keys(obj), ...Object.keys(old)])) {
    if (!TYPE_META.has(k) && !semanticEqual(obj[k], old[k])) return false;
  }
  return true;
}

/**
 * Generation on update, the one place it is decided: +1 when a field the kind tracks changed
 * (or, for kinds that name none, anything but metadata and status), else the stored one.
 */
export function bumpGeneration(obj: KubeObject, old: KubeObject, fields: string[] | '*' | undefined): void {
  const m = meta(obj);
  if (fields) {
    const gen = meta(old).generation ?? 1;
    const same = fields === '*' ? sameBeyondMeta(obj, old) : fields.every((f) => semanticEqual(at(obj, f), at(old, f)));
    m.generation = same ? gen : gen + 1;
    return;
  }
  if (m.generation === undefined) return;
  if (specOf(obj) !== specOf(old)) m.generation = (meta(old).generation ?? 0) + 1;
}

export { cloneJson as clone } from '../../../api/meta/json.ts';

/** ObjectMeta maps and lists upstream omits when empty (`omitempty`); an empty managedFields
 * in a request has a meaning of its own (reset), so it is left to the field manager. */
const OMIT_EMPTY_META = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

/**
 * Drops empty labels, annotations, finalizers and owner references, as
 * upstream's serialization does: removing the last label leaves no `labels` key at all.
 */
export function dropEmptyMeta(obj: KubeObject): void {
  const m = obj.metadata as Record<string, unknown> | undefined;
  if (!m) return;
  for (const k of OMIT_EMPTY_META) {
    const v = m[k];
    if (v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)) {
      delete m[k];
    }
  }
}
