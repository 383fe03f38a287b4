// JSON merge patch (RFC 7386, application/merge-patch+json): objects merge key by key,
// null deletes, everything else (lists included) replaces.

import { malformedPatch, patchResultInvalid } from './errors.ts';
import { clone, decodeJsonBody, isObject } from './json.ts';
import type { JsonObject } from './json.ts';

/**
 * Applies a merge patch to `live` without modifying it; `body` is text, bytes or decoded JSON.
 * Only the objects on a patched path are copied: the result shares every untouched subtree
 * with `live` (which lets managedFields skip them by identity).
 */
export function applyMergePatch(live: JsonObject, body: unknown): JsonObject {
  const decoded = decodeJsonBody(body);
  if (!decoded.ok) throw malformedPatch(`error decoding patch: ${decoded.error}`);
  const patch = decoded.value;
  if (patch === null || patch === undefined) throw malformedPatch('Invalid JSON Patch');
  const result = mergeCopying(live, patch);
  if (!isObject(result)) throw patchResultInvalid(result, 'a merge patch must be a JSON object');
  return result;
}

/** RFC 7386 MergePatch(target, patch); `target` may be modified in place. */
export function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return withoutNulls(patch);
  const out: JsonObject = isObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatchValue(out[k], v);
  }
  return out;
}

/** MergePatch(target, patch) copying the objects it changes; `target` is not modified. */
function mergeCopying(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return withoutNulls(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergeCopying(out[k], v);
  }
  return out;
}

/** A value taken whole from a patch keeps no null members (they would mean "delete"). */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (isObject(x) ? withoutNulls(x) : clone(x)));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
  return out;
}
