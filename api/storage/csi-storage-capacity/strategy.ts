// CSIStorageCapacity strategy: a storage class name, non-negative capacities and a valid node
// topology selector; the class and the topology (the inputs of the driver's GetCapacity)
// never change. No defaults upstream.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateLabelSelector, type LabelSelector } from '../../meta/labels.ts';
import { invalidGo, isDNS1123Subdomain, semanticEqual } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { parseQuantity, QUANTITY_ERROR } from '../../core/pod/quantity.ts';

type Capacity = KubeObject & { storageClassName?: string; nodeTopology?: LabelSelector; capacity?: string; maximumVolumeSize?: string };

function validateQuantity(q: string | undefined, path: string): FieldError[] {
  if (q === undefined || q === null) return [];
  const n = parseQuantity(q);
  if (n === undefined) return [fieldError.invalid(path, q, QUANTITY_ERROR)];
  return n < 0 ? [fieldError.invalid(path, q, 'must be greater than or equal to 0')] : [];
}

function validateCapacity(c: Capacity): FieldError[] {
  const errs = validateLabelSelector(c.nodeTopology, 'nodeTopology');
  const sc = c.storageClassName ?? '';
  for (const m of isDNS1123Subdomain(sc)) errs.push(fieldError.invalid('storageClassName', sc, m));
  errs.push(...validateQuantity(c.capacity, 'capacity'), ...validateQuantity(c.maximumVolumeSize, 'maximumVolumeSize'));
  return errs;
}

export const csiStorageCapacityStrategy = simpleStrategy<Capacity>({
  namespaced: true,
  validate: validateCapacity,
  validateUpdate: (c, old) => [
    ...(semanticEqual(c.nodeTopology, old.nodeTopology) ? [] : [invalidGo('nodeTopology', c.nodeTopology, 'field is immutable')]),
    ...(c.storageClassName === old.storageClassName ? [] : [fieldError.invalid('storageClassName', c.storageClassName ?? '', 'field is immutable')]),
  ],
});
