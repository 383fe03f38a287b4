// CSINode strategy: named as its Node; each driver a CSI driver name (unique), a node ID of at
// most 128 characters, distinct qualified topology keys. A driver entry never changes once
// registered (the kubelet removes and adds it instead). No defaults upstream.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { invalidGo, isQualifiedName, semanticEqual, validateNonNegative } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { validateCSIDriverName } from '../csi.ts';

interface Driver { name?: string; nodeID?: string; topologyKeys?: string[]; allocatable?: { count?: number } }
type CSINode = KubeObject & { spec?: { drivers?: Driver[] } };

function validateDrivers(drivers: Driver[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (drivers ?? []).forEach((d, i) => {
    const p = `spec.drivers[${i}]`;
    errs.push(...validateCSIDriverName(d.name, `${p}.name`));
    const id = d.nodeID ?? '';
    if (!id) errs.push(fieldError.required(`${p}.nodeID`));
    if (id.length > 128) errs.push(fieldError.invalid(`${p}.nodeID`, id, 'must be 128 characters or less'));
    errs.push(...validateNonNegative(d.allocatable?.count, `${p}.allocatable.count`));
    if (d.name && names.has(d.name)) errs.push(fieldError.duplicate(`${p}.name`, d.name));
    if (d.name) names.add(d.name);
    const keys = new Set<string>();
    for (const k of d.topologyKeys ?? []) {
      if (!k) errs.push(fieldError.required(p));
      if (keys.has(k)) errs.push(fieldError.duplicate(p, k));
      keys.add(k);
      for (const m of isQualifiedName(k)) errs.push(invalidGo(p, d.topologyKeys, m));
    }
  });
  return errs;
}

export const csiNodeStrategy = simpleStrategy<CSINode>({
  returnDeletedObject: true,
  namespaced: false,
  validate: (n) => validateDrivers(n.spec?.drivers),
  validateUpdate: (n, old) => {
    const errs: FieldError[] = [];
    for (const was of old.spec?.drivers ?? []) {
      const now = (n.spec?.drivers ?? []).find((d) => d.name === was.name);
      if (now && !semanticEqual(now, was)) errs.push(invalidGo('CSINodeDriver', now, 'field is immutable'));
    }
    return errs;
  },
});
