// ResourceQuota strategy: hard limits are quantities; status starts empty.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { parseQuantity, QUANTITY_ERROR } from '../pod/quantity.ts';

interface ResourceQuota extends KubeObject {
  spec?: { hard?: Record<string, string | number>; scopes?: string[] };
}

const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];

export function validateQuantities(m: Record<string, string | number> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(m ?? {})) {
    const q = parseQuantity(v);
    if (q === undefined) errs.push(fieldError.invalid(`${field}[${k}]`, v, QUANTITY_ERROR));
    else if (q < 0) errs.push(fieldError.invalid(`${field}[${k}]`, String(v), 'must be greater than or equal to 0'));
  }
  return errs;
}

export const resourceQuotaStrategy = simpleStrategy<ResourceQuota>({
  returnDeletedObject: true,
  namespaced: true,
  initialStatus: () => ({}),
  validate: (rq) => [
    ...validateQuantities(rq.spec?.hard, 'spec.hard'),
    ...(rq.spec?.scopes ?? []).flatMap((s, i) => validateEnum(s, SCOPES, `spec.scopes[${i}]`)),
  ],
});
