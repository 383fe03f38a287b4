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

/**
 * A manager read from an object's managedFields. Its set is decoded when first read: a write
 * that changes none of a manager's fields (most writes, for most managers) asks only whether
 * the set intersects what changed (answered from the FieldsV1 itself) and writes the entry
 * back as it was, never building the set.
 */
class DecodedManager implements Manager {
  declare time?: string;
  declare subresource?: string;
  private decoded: FieldSet | undefined;

  constructor(
    public manager: string,
    public operation: ManagedFieldsOperation,
    public apiVersion: string,
    private readonly fieldsV1: JsonObject | undefined,
  ) {}

  get set(): FieldSet {
    if (!this.decoded) {
      this.decoded = FieldSet.fromFieldsV1(this.fieldsV1);
      if (this.fieldsV1 && FieldSet.isCanonicalFieldsV1(this.fieldsV1)) decodedFrom.set(this.decoded, this.fieldsV1);
    }
    return this.decoded;
  }

  set set(s: FieldSet) {
    this.decoded = s;
  }

  /** The entry's FieldsV1 as read, while the set was never decoded (nor replaced). */
  get undecoded(): JsonObject | undefined {
    return this.decoded ? undefined : this.fieldsV1;
  }
}

export function decodeManagedFields(entries: unknown): Manager[] {
  if (!Array.isArray(entries)) return [];
  const out: Manager[] = [];
  for (const e of entries) {
    if (!isObject(e)) continue;
    const m = new DecodedManager(
      typeof e.manager === 'string' ? e.manager : '',
      e.operation === 'Apply' ? 'Apply' : 'Update',
      typeof e.apiVersion === 'string' ? e.apiVersion : '',
      isObject(e.fieldsV1) ? e.fieldsV1 : undefined,
    );
    if (typeof e.time === 'string') m.time = e.time;
    if (typeof e.subresource === 'string' && e.subresource) m.subresource = e.subresource;
    out.push(m);
  }
  return out;
}

/** Whether some path of `m`'s set is a member of `set`, without decoding a set not yet decoded. */
export function ownsAnyOf(m: Manager, set: FieldSet): boolean {
  const raw = m instanceof DecodedManager ? m.undecoded : undefined;
  if (raw === undefined) return m.set.intersects(set);
  return fieldsV1Intersects(raw, hasOwn(raw, '.'), set);
}

/** FieldSet.fromFieldsV1(v).intersects(set), read from the JSON (`member`: v's own membership). */
function fieldsV1Intersects(v: unknown, member: boolean, set: FieldSet): boolean {
  if (member && set.member) return true;
  if (!isObject(v)) return false;
  for (const [pe, c] of set.children) {
    if (!hasOwn(v, pe)) continue;
    const x = v[pe];
    // As fromFieldsV1: a child is a member when it is marked `.`, or a leaf (not an object, or `{}`).
    const m = !isObject(x) || isEmptyObject(x) || hasOwn(x, '.');
    if (fieldsV1Intersects(x, m, c)) return true;
  }
  return false;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isEmptyObject(o: JsonObject): boolean {
  for (const k in o) if (hasOwn(o, k)) return false;
  return true;
}

/**
 * The FieldsV1 to write for a manager: its JSON as read when the set was never decoded and that
 * JSON is what encoding its set would give (canonical, not empty); else its set encoded.
 * Undefined: the manager owns nothing (its entry goes).
 */
function fieldsV1ToWrite(m: Manager): JsonObject | undefined {
  const raw = m instanceof DecodedManager ? m.undecoded : undefined;
  if (raw !== undefined && !isEmptyObject(raw) && FieldSet.isCanonicalFieldsV1(raw)) return raw;
  if (m.set.isEmpty()) return undefined;
  return decodedFrom.get(m.set) ?? m.set.toFieldsV1();
}

/** Same entry: one per manager, operation and subresource; Update entries also per apiVersion (as managerId). */
function sameEntry(a: Manager, b: Manager): boolean {
  return (
    a.manager === b.manager &&
    a.operation === b.operation &&
    (a.subresource ?? '') === (b.subresource ?? '') &&
    (a.operation !== 'Update' || a.apiVersion === b.apiVersion)
  );
}

/** Entries as upstream orders them: Apply before Update, then by time, manager, apiVersion. */
export function encodeManagedFields(managers: Manager[]): ManagedFieldsEntry[] {
  const live: Array<[Manager, JsonObject]> = [];
  for (const m of managers) {
    const fields = fieldsV1ToWrite(m);
    if (fields) live.push([m, fields]);
  }
  live.sort(
    ([a], [b]) =>
      cmp(a.operation, b.operation) ||
      cmp(a.time ?? '', b.time ?? '') ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource ?? '', b.subresource ?? ''),
  );
  return live.map(([m, fields]) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = fields;
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

  const diff = compareObjects(before, after, schema);
  const changed = stripSystemFields(diff.modified.isEmpty() ? diff.added : diff.added.union(diff.modified));
  const removed = stripSystemFields(diff.removed);
  // Managers owning none of what changed keep their sets as they are (and their JSON, undecoded).
  for (const m of managers) {
    if (ownsAnyOf(m, changed) || ownsAnyOf(m, removed)) m.set = m.set.difference(changed).difference(removed);
  }

  const previous = managers.find((m) => sameEntry(m, me));
  const others = managers.filter((m) => !sameEntry(m, me));
  let mine: Manager = me;
  if (operation === 'Apply') {
    me.set = stripSystemFields(fieldSetOf(after, schema, 'apply'));
    me.time = rfc3339(now);
  } else if (changed.isEmpty()) {
    // Nothing changed: this manager's entry stays as it was (time included).
    mine = previous ?? me;
  } else {
    me.set = previous ? previous.set.union(changed) : changed;
    me.time = rfc3339(now);
  }
  const entries = encodeManagedFields([...others, mine]);
  return entries.length > 0 ? entries : undefined;
}
