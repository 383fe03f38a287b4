// The patch engines of the apiserver: pure functions from (live object, patch) to the new
// object, managedFields included. The HTTP handler reads the body, finds the live object
// and stores the result; everything about the patch itself happens here.

import * as yaml from 'js-yaml';
import { badRequest, notFound } from '../../../api/meta/errors.ts';
import type { GroupResource } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import { apply } from './apply.ts';
import {
  ALL_PATCH_TYPES,
  APPLY_PATCH,
  CUSTOM_RESOURCE_PATCH_TYPES,
  JSON_PATCH,
  MERGE_PATCH,
  unsupportedPatchType,
  validatePatchOptions,
} from './errors.ts';
import { applyJsonPatch } from './json-patch.ts';
import { managedFieldsAfter } from './managed-fields.ts';
import { applyMergePatch } from './merge-patch.ts';
import type { PatchSchema } from './schema.ts';
import { applyStrategicMergePatch } from './strategic.ts';

export interface PatchOptions {
  /** The request's clock reading, for managedFields times. */
  now: Date;
  /** ?fieldManager=; required for apply. Other patches fall back to the user agent. */
  fieldManager?: string;
  /** ?force= (apply only; 422 on other patch types). */
  force?: boolean;
  /** The request's User-Agent: its product part names the manager when fieldManager is empty. */
  userAgent?: string;
  /** 'status', 'scale', ...: recorded on the managedFields entry. */
  subresource?: string;
  /** Custom resources take no strategic merge patch (415). */
  customResource?: boolean;
  /** For the 404 of a non-apply patch on a missing object. */
  resource?: GroupResource;
  name?: string;
}

export function patchTypeOf(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/**
 * Applies a patch of the given content type to `live` (undefined: the object does not
 * exist; only apply creates) and returns the new object with managedFields updated.
 * `patchBody` is the raw body (string or bytes) or the already decoded value.
 */
export function applyPatch(
  contentType: string,
  live: KubeObject | undefined,
  patchBody: unknown,
  schema: PatchSchema | undefined,
  opts: PatchOptions,
): KubeObject {
  const type = patchTypeOf(contentType);
  const accepted = opts.customResource ? CUSTOM_RESOURCE_PATCH_TYPES : ALL_PATCH_TYPES;
  if (!accepted.includes(type)) throw unsupportedPatchType(accepted);
  validatePatchOptions(type, opts.fieldManager, opts.force);

  if (type === APPLY_PATCH) {
    const config = decodeYaml(patchBody);
    return apply(live, config, opts.fieldManager as string, opts.force ?? false, schema, opts.now, opts.subresource);
  }
  if (!live) throw notFound(opts.resource ?? { group: '', resource: '' }, opts.name ?? '');

  let patched: KubeObject;
  if (type === JSON_PATCH) patched = applyJsonPatch(live, patchBody);
  else if (type === MERGE_PATCH) patched = applyMergePatch(live, patchBody);
  else patched = applyStrategicMergePatch(live, patchBody, schema);

  const manager = opts.fieldManager || managerFromUserAgent(opts.userAgent);
  if (!manager) return patched;
  // `patched` is the engine's own new object (its untouched subtrees may be shared with
  // `live`, its root and metadata are not): managedFields are recorded on it in place.
  const entries = managedFieldsAfter(live, patched, manager, 'Update', opts.now, opts.subresource, schema);
  patched.metadata = { ...(patched.metadata ?? {}) };
  if (entries) patched.metadata.managedFields = entries;
  else delete patched.metadata.managedFields;
  return patched;
}

/** Upstream names an unnamed manager after the user agent's product: "kubectl/v1.30 (...)" gives "kubectl". */
export function managerFromUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return '';
  return userAgent.split('/')[0].slice(0, 128);
}

function decodeYaml(body: unknown): unknown {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return yaml.load(text);
  } catch (e) {
    throw badRequest(`error decoding YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}

export { apply, BEFORE_FIRST_APPLY } from './apply.ts';
export {
  ALL_PATCH_TYPES,
  APPLY_PATCH,
  CUSTOM_RESOURCE_PATCH_TYPES,
  JSON_PATCH,
  MERGE_PATCH,
  STRATEGIC_MERGE_PATCH,
  applyConflict,
  strategicMergePatchNotSupported,
  unsupportedPatchType,
  validatePatchOptions,
} from './errors.ts';
export type { ApplyConflict } from './errors.ts';
export { FieldSet, pathToString } from './fieldpath.ts';
export { compareObjects, fieldSetOf } from './fieldset.ts';
export { applyJsonPatch } from './json-patch.ts';
export {
  decodeManagedFields,
  encodeManagedFields,
  managedFieldsAfter,
  updateManagedFields,
} from './managed-fields.ts';
export type { ManagedFieldsEntry, ManagedFieldsOperation, Manager } from './managed-fields.ts';
export { applyMergePatch } from './merge-patch.ts';
export { schemaFromSpec, ssaListKind, smpListRule } from './schema.ts';
export type { ListStrategy, PatchSchema, SchemaSpec } from './schema.ts';
export { applyStrategicMergePatch } from './strategic.ts';
