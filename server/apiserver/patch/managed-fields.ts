// metadata.managedFields: who owns which fields. Every write records the fields it
// changed for its manager (operation Update) and takes them away from the others;
// server-side apply (apply.ts) records the applied configuration (operation Apply).

import { rfc3339 } from '../../../api/meta/time.ts';
import type { KubeObject } from '../../../api/types.ts';
import { FieldSet } from './fieldpath.ts';
import { compareObjects, fieldSetOf, stripSystemFields } from './fieldset.ts';
import { fieldsV1Of } from './fields-v1.ts';
import { clone, deepEqual, isObject } from './json.ts';
import type { JsonObject } from './json.ts';
import type { PatchSchema } from './schema.ts';

export type ManagedFieldsOperation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: ManagedFieldsOperation;
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: JsonObject;
  subresource?: string;
}

/** One decoded entry: its identity and its field set. */
export interface Manager {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/** Entries are one per manager, operation and subresource; Update entries also per apiVersion. */
export function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.subresource ?? '', m.operation === 'Update' ? m.apiVersion : '']);
}

/** How upstream names a manager in conflicts: `"kubectl"`, `"x" with subresource "status" using v1`. */
export function describeManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/**
 * The FieldsV1 a set was decoded from, when encoding the set gives that JSON back: a manager
 * whose fields a write did not touch keeps its set object, and its entry is written without
 * encoding the set again. Sets are never changed in place once decoded (set operations
 * return new sets), so the JSON stays true to its set.
 */
const decodedFrom = new WeakMap<FieldSet, JsonObject>();

export function decodeManagedFields(entries: unknown): Manager[] {
  if (!Array.isArray(entries)) return [];
  const out: Manager[] = [];
  for (const e of entries) {
    if (!isObject(e)) continue;
    const m: Manager = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    };
    if (isObject(e.fieldsV1) && FieldSet.isCanonicalFieldsV1(e.fieldsV1)) decodedFrom.set(m.set, e.fieldsV1);
    if (typeof e.time === 'string') m.time = e.time;
    if (typeof e.subresource === 'string' && e.subresource) m.subresource = e.subresource;
    out.push(m);
  }
  return out;
}

/** Entries as upstream orders them: Apply before Update, then by time, manager, apiVersion. */
export function encodeManagedFields(managers: Manager[]): ManagedFieldsEntry[] {
  const live = managers.filter((m) => !m.set.isEmpty());
  live.sort(
    (a, b) =>
      cmp(a.operation, b.operation) ||
      cmp(a.time ?? '', b.time ?? '') ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource ?? '', b.subresource ?? ''),
  );
  return live.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = decodedFrom.get(m.set) ?? m.set.toFieldsV1();
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

/**
 * encodeManagedFields of one manager that owns `fields` (a FieldsV1) since `now`: its entry,
 * none when it owns nothing.
 */
export function soleManagerEntries(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>, now: Date, fields: JsonObject): ManagedFieldsEntry[] | undefined {
  let owned = false;
  for (const _k in fields) {
    owned = true;
    break;
  }
  if (!owned) return undefined;
  const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, time: rfc3339(now), fieldsType: 'FieldsV1', fieldsV1: fields };
  if (m.subresource) e.subresource = m.subresource;
  return [e];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}


/** The user wrote managedFields `[{}]`: upstream's documented way to clear them. */
function isReset(entries: unknown): boolean {
  return Array.isArray(entries) && entries.length === 1 && isObject(entries[0]) && Object.keys(entries[0]).length === 0;
}

/** obj without metadata.managedFields, sharing everything else: for reading only. */
export function managedFieldsOmitted(obj: KubeObject): KubeObject {
  const m = obj.metadata;
  if (!m || m.managedFields === undefined) return obj;
  const { managedFields: _mf, ...metadata } = m;
  return { ...obj, metadata };
}

/**
 * Records a write in `newObj`'s managedFields and returns the updated copy (see
 * managedFieldsAfter for the arguments and what is recorded).
 */
export function updateManagedFields(...args: Parameters<typeof managedFieldsAfter>): KubeObject {
  const entries = managedFieldsAfter(...args);
  const result = clone(args[1]);
  result.metadata = { ...(result.metadata ?? {}) };
  if (entries) result.metadata.managedFields = entries;
  else delete result.metadata.managedFields;
  return result;
}

/**
 * The managedFields `newObj` gets for a write (undefined: none); neither object is modified.
 * The fields that changed from `oldObj` (undefined on create) go to `manager` and are taken
 * from every other manager; removed fields are owned by nobody. Operation 'Apply' records all
 * of `newObj`'s fields as an applier's (an apply that creates). A request that rewrites
 * managedFields replaces them (`[{}]` clears them); leaving them out keeps the live ones.
 */
export function managedFieldsAfter(
  oldObj: KubeObject | undefined,
  newObj: KubeObject,
  manager: string,
  operation: ManagedFieldsOperation,
  now: Date,
  subresource?: string,
  schema?: PatchSchema,
): ManagedFieldsEntry[] | undefined {
  const liveEntries = oldObj?.metadata?.managedFields;
  const sent = newObj.metadata?.managedFields;
  let managers: Manager[];
  if (isReset(sent)) managers = [];
  else if (Array.isArray(sent) && sent.length > 0 && !deepEqual(sent, liveEntries)) managers = decodeManagedFields(sent);
  else managers = decodeManagedFields(liveEntries);

  const before = oldObj ? managedFieldsOmitted(oldObj) : undefined;
  const after = managedFieldsOmitted(newObj);
  const apiVersion = typeof newObj.apiVersion === 'string' ? newObj.apiVersion : '';
  // A create with no other manager: every field is this manager's, written straight as FieldsV1.
  if (!oldObj && managers.length === 0) {
    const fields = fieldsV1Of(after, schema, operation === 'Apply' ? 'apply' : 'all');
    if (fields) return soleManagerEntries({ manager, operation, apiVersion, subresource }, now, fields);
  }
  const me: Manager = { manager, operation, apiVersion, set: new FieldSet() };
  if (subresource) me.subresource = subresource;
  const id = managerId(me);

  const diff = compareObjects(before, after, schema);
  const changed = stripSystemFields(diff.modified.isEmpty() ? diff.added : diff.added.union(diff.modified));
  const removed = stripSystemFields(diff.removed);
  // Managers owning none of what changed keep their sets as they are (and their JSON).
  for (const m of managers) {
    if (m.set.intersects(changed) || m.set.intersects(removed)) m.set = m.set.difference(changed).difference(removed);
  }

  const previous = managers.find((m) => managerId(m) === id);
  if (operation === 'Apply') {
    me.set = stripSystemFields(fieldSetOf(after, schema, 'apply'));
    me.time = rfc3339(now);
  } else if (changed.isEmpty()) {
    me.set = previous?.set ?? new FieldSet();
    me.time = previous?.time;
  } else {
    me.set = previous ? previous.set.union(changed) : changed;
    me.time = rfc3339(now);
  }
  const entries = encodeManagedFields([...managers.filter((m) => managerId(m) !== id), me]);
  return entries.length > 0 ? entries : undefined;
}
