// StatefulSet strategy: replicas 1, OrderedReady, RollingUpdate partition 0, history 10,
// PVC retention Retain/Retain, claim template and pod template defaults. Updates may only
// touch replicas, ordinals, template, updateStrategy, retention policy and minReadySeconds.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { semanticEqual, validateEnum, validateNonNegative, validateObjectMeta } from '../../meta/validation.ts';
import { defaultPodTemplate, validateWorkloadBase, workloadStrategy, type Workload } from '../workload.ts';
import { validateStatefulSetStatus } from '../status-validation.ts';

type Obj = Record<string, unknown>;
interface UpdateStrategy {
  type?: string;
  rollingUpdate?: { partition?: number; maxUnavailable?: number | string };
}

export function defaultStatefulSet(sts: Workload): void {
  const spec = (sts.spec ??= {});
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  const us = (spec.updateStrategy ??= {}) as UpdateStrategy;
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    us.rollingUpdate ??= {};
    us.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {}) as Obj;
  retention.whenDeleted ??= 'Retain';
  retention.whenScaled ??= 'Retain';
  for (const pvc of (spec.volumeClaimTemplates as Obj[] | undefined) ?? []) {
    const s = (pvc.spec ??= {}) as Obj;
    s.volumeMode ??= 'Filesystem';
    pvc.status ??= { phase: 'Pending' };
  }
  defaultPodTemplate(spec.template);
}

/**
 * The workload with each volumeClaimTemplate as a pod volume: containers mount claim
 * templates by name, and the pods the controller makes carry them so.
 */
function withClaimVolumes(sts: Workload): Workload {
  const claims = ((sts.spec?.volumeClaimTemplates as Array<{ metadata?: { name?: unknown } }> | undefined) ?? [])
    .map((c) => c.metadata?.name)
    .filter((n): n is string => typeof n === 'string' && n !== '');
  const tpl = sts.spec?.template;
  if (!claims.length || !tpl) return sts;
  const volumes = tpl.spec?.volumes ?? [];
  const extra = claims.filter((n) => !volumes.some((v) => v.name === n)).map((n) => ({ name: n, persistentVolumeClaim: { claimName: n } }));
  return { ...sts, spec: { ...sts.spec, template: { ...tpl, spec: { ...tpl.spec, volumes: [...volumes, ...extra] } } } } as Workload;
}

export function validateStatefulSet(sts: Workload): FieldError[] {
  const errs = validateWorkloadBase(withClaimVolumes(sts), 'StatefulSet', ['Always']);
  const spec = sts.spec ?? {};
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateEnum(spec.podManagementPolicy, ['OrderedReady', 'Parallel'], 'spec.podManagementPolicy', true));
  const us = (spec.updateStrategy ?? {}) as UpdateStrategy;
  errs.push(...validateEnum(us.type, ['OnDelete', 'RollingUpdate'], 'spec.updateStrategy.type', true));
  if (us.type === 'OnDelete' && us.rollingUpdate) {
    errs.push(fieldError.invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  }
  errs.push(...validateNonNegative(us.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  const retention = (spec.persistentVolumeClaimRetentionPolicy ?? {}) as Obj;
  errs.push(...validateEnum(retention.whenDeleted, ['Retain', 'Delete'], 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted'));
  errs.push(...validateEnum(retention.whenScaled, ['Retain', 'Delete'], 'spec.persistentVolumeClaimRetentionPolicy.whenScaled'));
  ((spec.volumeClaimTemplates as Array<{ metadata?: Obj }> | undefined) ?? []).forEach((pvc, i) => {
    const p = `spec.volumeClaimTemplates[${i}].metadata`;
    errs.push(...validateObjectMeta(pvc.metadata, false, 'subdomain', p).filter((e) => e.field !== `${p}.namespace`));
  });
  return errs;
}

const MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSetUpdate(sts: Workload, old: Workload): FieldError[] {
  const strip = (w: Workload) => Object.fromEntries(Object.entries(w.spec ?? {}).filter(([k]) => !MUTABLE.includes(k)));
  if (semanticEqual(strip(sts), strip(old))) return [];
  return [
    fieldError.forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

export const statefulSetStrategy = workloadStrategy<Workload>({
  defaults: defaultStatefulSet,
  validate: validateStatefulSet,
  initialStatus: () => ({ replicas: 0, availableReplicas: 0 }),
  validateStatus: validateStatefulSetStatus,
  validateUpdate: validateStatefulSetUpdate,
});
