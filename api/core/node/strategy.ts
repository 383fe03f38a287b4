// Node strategy: cluster-scoped, status may be set on create (kubelets register that way),
// allocatable defaults to capacity, pod CIDRs and taints are checked.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isQualifiedName, isValidLabelValue, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

interface Taint {
  key?: string;
  value?: string;
  effect?: string;
}
interface Node extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; taints?: Taint[]; unschedulable?: boolean; providerID?: string };
  status?: { capacity?: Record<string, unknown>; allocatable?: Record<string, unknown>; [k: string]: unknown };
}

const CIDR = /^((\d{1,3}\.){3}\d{1,3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

export function validateNodeSpec(n: Node): FieldError[] {
  const errs: FieldError[] = [];
  const spec = n.spec ?? {};
  (spec.podCIDRs ?? (spec.podCIDR ? [spec.podCIDR] : [])).forEach((c, i) => {
    if (!CIDR.test(c)) errs.push(fieldError.invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  const seen = new Set<string>();
  (spec.taints ?? []).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    if (!t.key) errs.push(fieldError.required(`${p}.key`));
    else for (const m of isQualifiedName(t.key)) errs.push(fieldError.invalid(`${p}.key`, t.key, m));
    if (t.value) for (const m of isValidLabelValue(t.value)) errs.push(fieldError.invalid(`${p}.value`, t.value, m));
    errs.push(...validateEnum(t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], `${p}.effect`, true));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) errs.push(fieldError.duplicate(p, `${t.key}:${t.effect}`));
    seen.add(key);
  });
  return errs;
}

export const nodeStrategy = simpleStrategy<Node>({
  returnDeletedObject: true,
  namespaced: false,
  defaults: (n) => {
    if (n.status?.capacity && !n.status.allocatable) n.status.allocatable = { ...n.status.capacity };
  },
  validate: validateNodeSpec,
  prepareForUpdate: (n, old) => {
    n.status = old.status;
  },
});
