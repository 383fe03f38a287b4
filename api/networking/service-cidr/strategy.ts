// ServiceCIDR strategy: one or two canonical CIDRs (two only for dual stack); the CIDRs never
// change, except that a single-stack range may gain the other family. Status starts empty.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { FIELD_IMMUTABLE, invalidGo } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { parseCIDR } from '../ip.ts';

type ServiceCIDR = KubeObject & { spec?: { cidrs?: string[] } };

const PATH = 'spec.cidrs';

function validateCIDRs(spec: { cidrs?: string[] }): FieldError[] {
  const cidrs = spec.cidrs ?? [];
  if (!cidrs.length) return [fieldError.required(PATH, 'at least one CIDR required')];
  if (cidrs.length > 2) return [invalidGo(PATH, spec, 'may only hold up to 2 values')];
  const errs: FieldError[] = [];
  const parsed = cidrs.map((c, i) => {
    const p = parseCIDR(c);
    if (!p) errs.push(fieldError.invalid(`${PATH}[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    else if (p.canonical !== c) errs.push(fieldError.invalid(`${PATH}[${i}]`, c, `must be in canonical form ("${p.canonical}")`));
    return p;
  });
  if (cidrs.length === 2 && !errs.length && parsed[0]!.family === parsed[1]!.family) {
    errs.push(invalidGo(PATH, spec, 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64'));
  }
  return errs;
}

function validateCIDRsUpdate(next: string[], prev: string[]): FieldError[] {
  if (next.length === prev.length) {
    return prev.flatMap((c, i) => (c === next[i] ? [] : [fieldError.invalid(`${PATH}[${i}]`, next[i], FIELD_IMMUTABLE)]));
  }
  // A single-stack range may become dual stack (the first CIDR stays).
  if (prev.length === 1 && next.length === 2) return next[0] === prev[0] ? [] : [fieldError.invalid(`${PATH}[0]`, next[0], FIELD_IMMUTABLE)];
  return [invalidGo(PATH, next, FIELD_IMMUTABLE)];
}

export const serviceCIDRStrategy = simpleStrategy<ServiceCIDR>({
  namespaced: false,
  initialStatus: () => ({}),
  validate: (s) => validateCIDRs(s.spec ?? {}),
  validateUpdate: (s, old) => validateCIDRsUpdate(s.spec?.cidrs ?? [], old.spec?.cidrs ?? []),
});
