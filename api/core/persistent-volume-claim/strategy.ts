// PersistentVolumeClaim strategy: access modes and a storage request are required, volume
// mode Filesystem by default, phase Pending on create; spec is fixed after create except
// a one-time volumeName binding and the storage request of bound claims (never below
// status.capacity; whether it may grow is PersistentVolumeClaimResize admission's call).

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { semanticEqual, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject, Strategy } from '../../types.ts';
import { parseQuantity, QUANTITY_ERROR } from '../pod/quantity.ts';

export interface PVCSpec {
  accessModes?: string[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMode?: string;
  volumeName?: string;
  storageClassName?: string;
  volumeAttributesClassName?: string;
  [k: string]: unknown;
}
interface PVC extends KubeObject {
  spec?: PVCSpec;
  status?: { phase?: string; capacity?: Record<string, string>; [k: string]: unknown };
}

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

export function validateAccessModes(modes: string[] | undefined, field: string): FieldError[] {
  if (!modes || modes.length === 0) return [fieldError.required(field, 'at least 1 access mode is required')];
  const errs = modes.flatMap((m) => validateEnum(m, ACCESS_MODES, field));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    errs.push(fieldError.forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

export function validatePVCSpec(spec: PVCSpec, field = 'spec'): FieldError[] {
  const errs = validateAccessModes(spec.accessModes, `${field}.accessModes`);
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) errs.push(fieldError.required(`${field}.resources[storage]`));
  else {
    const q = parseQuantity(storage);
    if (q === undefined) errs.push(fieldError.invalid(`${field}.resources.requests[storage]`, storage, QUANTITY_ERROR));
    else if (q <= 0) errs.push(fieldError.invalid(`${field}.resources[storage]`, storage, 'must be greater than zero'));
  }
  errs.push(...validateEnum(spec.volumeMode, ['Block', 'Filesystem'], `${field}.volumeMode`));
  return errs;
}

const IMMUTABLE_SPEC = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

export function validatePVCUpdate(n: PVC, o: PVC): FieldError[] {
  const ns = structuredClone(n.spec ?? {});
  const os = structuredClone(o.spec ?? {});
  if (!os.volumeName) os.volumeName = ns.volumeName;
  // A claim without a class may get one later (the default class, retroactively).
  if ((os.storageClassName ?? null) === null && !o.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class']) os.storageClassName = ns.storageClassName;
  const errs: FieldError[] = [];
  if (o.status?.phase === 'Bound') {
    // Only the storage request may change (and the attributes class), as upstream's clone-and-compare.
    if (ns.resources?.requests) {
      const was = os.resources?.requests?.storage;
      if (was === undefined) delete ns.resources.requests.storage;
      else ns.resources.requests.storage = was;
    }
    os.volumeAttributesClassName = ns.volumeAttributesClassName;
  }
  if (!semanticEqual(ns, os)) errs.push(fieldError.forbidden('spec', IMMUTABLE_SPEC));
  // Less than before is allowed only above status.capacity (recovery from a failed expansion).
  const next = parseQuantity(n.spec?.resources?.requests?.storage);
  const prev = parseQuantity(o.spec?.resources?.requests?.storage);
  if (next !== undefined && prev !== undefined && next < prev && next <= (parseQuantity(o.status?.capacity?.storage) ?? 0)) {
    errs.push(fieldError.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  return errs;
}

/** Upstream's ClaimResourceStatus values: where an expansion of that resource stands. */
export const RESIZE_STATUSES = ['ControllerResizeInProgress', 'ControllerResizeInfeasible', 'NodeResizeInProgress', 'NodeResizeInfeasible', 'NodeResizePending'];

/** What a resizer writes: allocated sizes that are quantities, resize statuses upstream knows. */
export function validatePVCStatus(n: PVC): FieldError[] {
  const st = (n.status ?? {}) as { allocatedResources?: Record<string, unknown>; allocatedResourceStatuses?: Record<string, unknown> };
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(st.allocatedResources ?? {})) {
    const q = typeof v === 'string' ? parseQuantity(v) : undefined;
    if (q === undefined) errs.push(fieldError.invalid(`status.allocatedResources[${k}]`, v, QUANTITY_ERROR));
    else if (q < 0) errs.push(fieldError.invalid(`status.allocatedResources[${k}]`, v, 'must be greater than or equal to 0'));
  }
  for (const [k, v] of Object.entries(st.allocatedResourceStatuses ?? {})) {
    if (!RESIZE_STATUSES.includes(v as string)) errs.push(fieldError.notSupported(`status.allocatedResourceStatuses[${k}]`, v, RESIZE_STATUSES));
  }
  return errs;
}

export const persistentVolumeClaimStrategy: Strategy = {
  ...simpleStrategy<PVC>({
    returnDeletedObject: true,
    namespaced: true,
    defaults: (pvc) => {
      pvc.spec ??= {};
      pvc.spec.volumeMode ??= 'Filesystem';
    },
    initialStatus: () => ({ phase: 'Pending' }),
    validate: (pvc) => validatePVCSpec(pvc.spec ?? {}),
    validateUpdate: validatePVCUpdate,
  }),
  validateStatusUpdate: (obj) => validatePVCStatus(obj as PVC),
};
