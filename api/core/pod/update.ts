// What a Pod update may change: images, a shorter activeDeadlineSeconds, added tolerations,
// removed scheduling gates. Anything else in spec is forbidden, as upstream says.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { semanticEqual, validateObjectMetaUpdate } from '../../meta/validation.ts';
import type { Container, Pod, PodSpec, Toleration } from './types.ts';
import { validatePodSpec } from './validation.ts';

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') &&
    (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

function validateTolerationsUpdate(next: Toleration[], prev: Toleration[]): FieldError[] {
  for (const old of prev) {
    const kept = next.find((t) => sameToleration(t, old));
    const okSeconds =
      kept !== undefined &&
      (kept.tolerationSeconds === old.tolerationSeconds ||
        (old.tolerationSeconds !== undefined && kept.tolerationSeconds !== undefined && kept.tolerationSeconds <= old.tolerationSeconds));
    if (!okSeconds) return [fieldError.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

/** Paths (top-level spec fields, plus container fields) that differ. */
function changedPaths(a: PodSpec, b: PodSpec): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (semanticEqual(a[k], b[k])) continue;
    const x = a[k];
    const y = b[k];
    if ((k === 'containers' || k === 'initContainers') && Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      (x as Container[]).forEach((c, i) => {
        for (const f of new Set([...Object.keys(c), ...Object.keys((y as Container[])[i])])) {
          if (!semanticEqual(c[f], (y as Container[])[i][f])) out.push(`spec.${k}[${i}].${f}`);
        }
      });
    } else out.push(`spec.${k}`);
  }
  return out;
}

export function validatePodUpdate(next: Pod, prev: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  const ns = next.spec ?? {};
  const os = prev.spec ?? {};
  errs.push(...validatePodSpec(ns, 'spec'));
  if (ns.activeDeadlineSeconds === undefined && os.activeDeadlineSeconds !== undefined) {
    errs.push(fieldError.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  } else if (ns.activeDeadlineSeconds !== undefined && os.activeDeadlineSeconds !== undefined && ns.activeDeadlineSeconds > os.activeDeadlineSeconds) {
    errs.push(fieldError.invalid('spec.activeDeadlineSeconds', ns.activeDeadlineSeconds, 'must be less than or equal to previous value'));
  }
  errs.push(...validateTolerationsUpdate(ns.tolerations ?? [], os.tolerations ?? []));
  for (const g of ns.schedulingGates ?? []) {
    if (!(os.schedulingGates ?? []).some((o) => o.name === g.name)) {
      errs.push(fieldError.forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${g.name}'`));
    }
  }
  // Mask what may change, then demand equality of the rest.
  const masked: PodSpec = structuredClone(ns);
  const copyImages = (k: 'containers' | 'initContainers') => {
    const mc = masked[k];
    const oc = os[k];
    if (mc && oc && mc.length === oc.length) mc.forEach((c, i) => (c.image = oc[i].image));
  };
  copyImages('containers');
  copyImages('initContainers');
  masked.activeDeadlineSeconds = os.activeDeadlineSeconds;
  masked.tolerations = os.tolerations;
  masked.schedulingGates = os.schedulingGates;
  if ((os.terminationGracePeriodSeconds ?? 0) < 0 && ns.terminationGracePeriodSeconds === 1) {
    masked.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  }
  for (const k of ['activeDeadlineSeconds', 'tolerations', 'schedulingGates'] as const) if (masked[k] === undefined) delete masked[k];
  const changed = changedPaths(masked, os);
  if (changed.length > 0) errs.push(fieldError.forbidden('spec', `${POD_UPDATE_FORBIDDEN}; changed: ${changed.join(', ')}`));
  return errs;
}
