// The Status errors the patch engines answer with, shaped like upstream's.

import { StatusError, badRequest, fieldError, invalid } from '../../../api/meta/errors.ts';
import type { StatusCause } from '../../../api/meta/errors.ts';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export const ALL_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];
/** What custom resources accept: no strategic merge patch (they have no patch strategies). */
export const CUSTOM_RESOURCE_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];

/** 415 for a patch content type the resource does not take. */
export function unsupportedPatchType(accepted: string[]): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 415 for a strategic merge patch sent to a custom resource, as upstream answers it. */
export function strategicMergePatchNotSupported(): StatusError {
  return unsupportedPatchType(CUSTOM_RESOURCE_PATCH_TYPES);
}

/**
 * 422 for a well-formed patch that cannot be applied to the object (a failing `test`, a path
 * that does not exist). Upstream gives only the generic message; our cause names what failed
 * under the field "patch", so kubectl prints `patch: testing value ... failed`.
 */
export function patchNotApplicable(detail: string): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'FieldValueInvalid', field: 'patch', message: detail }],
  });
}

/** 400 for a patch document that cannot be read at all. */
export function malformedPatch(detail: string): StatusError {
  return badRequest(detail);
}

/** 422 for a patch whose result is not an object (upstream: the decode of the result fails). */
export function patchResultInvalid(result: unknown, detail: string): StatusError {
  return invalid('', '', '', [fieldError.invalid('patch', JSON.stringify(result), detail)]);
}

/** 422 PatchOptions validation, as upstream's ValidatePatchOptions. */
export function validatePatchOptions(contentType: string, fieldManager: string | undefined, force: boolean | undefined): void {
  if (contentType === APPLY_PATCH) {
    if (!fieldManager) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldError.required('fieldManager', 'is required for apply patch')]);
    }
  } else if (force !== undefined) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldError.forbidden('force', 'may not be specified for non-apply patch')]);
  }
  if (fieldManager && fieldManager.length > 128) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldError.tooLong('fieldManager', 128)]);
  }
}

/** One field another manager owns with a different value than the applied one. */
export interface ApplyConflict {
  /** How upstream prints the manager: `"kubectl"` or `"kube-controller-manager" using apps/v1`. */
  manager: string;
  /** Field path as upstream prints it: `.spec.replicas`, `.spec.containers[name="nginx"].image`. */
  field: string;
}

/** 409 Conflict for server-side apply, message and causes as upstream's field manager. */
export function applyConflict(conflicts: ApplyConflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${c.manager}`,
    field: c.field,
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${conflicts[0].manager}: ${conflicts[0].field}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${m}:`);
      for (const f of byManager.get(m) ?? []) lines.push(`- ${f}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
