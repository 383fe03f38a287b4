// Server-side apply (application/apply-patch+yaml): merge the applied configuration into
// the live object, drop what this manager applied before and no longer applies, and
// refuse (409) to change fields other managers own unless forced.

import { rfc3339 } from '../../../api/meta/time.ts';
import { badRequest } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import { completeKeys, mergeApplied, pruneFields } from './apply-merge.ts';
import { applyConflict } from './errors.ts';
import type { ApplyConflict } from './errors.ts';
import { FieldSet, pathToString } from './fieldpath.ts';
import { compareObjects, fieldSetOf, stripSystemFields } from './fieldset.ts';
import { clone, isObject } from './json.ts';
import {
  decodeManagedFields,
  describeManager,
  encodeManagedFields,
  managedFieldsOmitted,
  managerId,
  soleManagerEntries,
} from './managed-fields.ts';
import type { ManagedFieldsEntry, Manager } from './managed-fields.ts';
import { fieldsV1Of } from './fields-v1.ts';
import type { PatchSchema } from './schema.ts';

/** Who owns an object's fields when it is first applied to without any managedFields. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/**
 * Applies `applied` for `manager` to `live` (undefined: the apply creates the object) and
 * returns the new object with its managedFields. Throws 409 Conflict listing every field
 * another manager owns and the configuration changes, unless `force`, which moves those
 * fields to `manager`.
 */
export function apply(
  live: KubeObject | undefined,
  applied: unknown,
  manager: string,
  force: boolean,
  schema: PatchSchema | undefined,
  now: Date,
  subresource?: string,
): KubeObject {
  const config = checkConfig(applied);
  const apiVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '';
  // Shared, not copied: the merge builds new containers wherever the configuration goes,
  // and the one step that edits the merged object in place (pruning) copies it first.
  const liveObj = live ? managedFieldsOmitted(live) : {};

  let managers = live ? decodeManagedFields(live.metadata?.managedFields) : [];
  if (live && managers.length === 0) {
    managers = [
      {
        manager: BEFORE_FIRST_APPLY,
        operation: 'Update',
        apiVersion: typeof live.apiVersion === 'string' ? live.apiVersion : apiVersion,
        set: stripSystemFields(fieldSetOf(liveObj, schema, 'all')),
      },
    ];
  }
  const me: Manager = { manager, operation: 'Apply', apiVersion, set: new FieldSet() };
  if (subresource) me.subresource = subresource;
  const id = managerId(me);
  const previous = managers.find((m) => managerId(m) === id);
  const others = managers.filter((m) => managerId(m) !== id);

  // The apply that creates: this manager owns every field it applies, written straight as FieldsV1.
  if (!live) {
    const fields = fieldsV1Of(config, schema, 'apply', true);
    if (fields) return withEntries(mergeApplied(liveObj, config, schema) as KubeObject, soleManagerEntries(me, now, fields) ?? []);
  }
  const fullConfig = live ? completeKeys(config, liveObj, schema) : config;
  me.set = stripSystemFields(fieldSetOf(fullConfig, schema, 'apply', true));
  let merged = mergeApplied(liveObj, fullConfig, schema) as KubeObject;

  if (previous) {
    const dropped = previous.set.difference(me.set);
    if (!dropped.isEmpty()) {
      // merged shares the subtrees the configuration did not reach with live, and what is
      // pruned lives there: pruning works on a copy.
      merged = clone(merged);
      const ownedByOthers = others.reduce((acc, m) => acc.union(m.set), new FieldSet());
      pruneFields(merged, dropped, ownedByOthers, schema);
    }
  }

  // An apply with no earlier entry of its own and no other manager (the apply that creates)
  // changes the object and takes nothing from anyone: no comparison needed.
  if (!previous && others.length === 0) {
    me.time = rfc3339(now);
    return withManagedFields(merged, [me]);
  }

  const diff = compareObjects(liveObj, merged, schema);
  const changed = stripSystemFields(diff.added.union(diff.modified));
  const conflicts: ApplyConflict[] = [];
  const taken = new Map<Manager, FieldSet>();
  for (const m of [...others].sort((a, b) => (managerId(a) < managerId(b) ? -1 : 1))) {
    const overlap = m.set.intersection(changed);
    if (overlap.isEmpty()) continue;
    taken.set(m, overlap);
    for (const p of overlap.paths()) conflicts.push({ manager: describeManager(m), field: pathToString(p) });
  }
  if (conflicts.length > 0 && !force) throw applyConflict(conflicts);

  const removed = stripSystemFields(diff.removed);
  for (const m of others) {
    m.set = m.set.difference(taken.get(m) ?? new FieldSet()).difference(removed);
  }
  const objectChanged = !diff.added.isEmpty() || !diff.modified.isEmpty() || !diff.removed.isEmpty();
  const setChanged = !previous || !previous.set.equals(me.set);
  // The same fields as before: the decoded set keeps its FieldsV1, written back without encoding.
  if (previous && !setChanged) me.set = previous.set;
  me.time = objectChanged || setChanged ? rfc3339(now) : previous?.time;
  return withManagedFields(merged, [...others, me]);
}

function withManagedFields(merged: KubeObject, managers: Manager[]): KubeObject {
  return withEntries(merged, encodeManagedFields(managers));
}

function withEntries(merged: KubeObject, entries: ManagedFieldsEntry[]): KubeObject {
  const result: KubeObject = { ...merged, metadata: { ...(merged.metadata ?? {}) } };
  if (entries.length > 0 && result.metadata) result.metadata.managedFields = entries;
  return result;
}

/** The applied configuration must be an object with apiVersion and kind, and no managedFields. */
function checkConfig(applied: unknown): KubeObject {
  if (!isObject(applied)) throw badRequest('error decoding YAML: the applied configuration must be an object');
  if (typeof applied.apiVersion !== 'string' || applied.apiVersion === '') {
    throw badRequest("error decoding YAML: Object 'apiVersion' is missing in the applied configuration");
  }
  if (typeof applied.kind !== 'string' || applied.kind === '') {
    throw badRequest("error decoding YAML: Object 'Kind' is missing in the applied configuration");
  }
  const meta = applied.metadata;
  if (isObject(meta) && meta.managedFields !== undefined && meta.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  return applied as KubeObject;
}
