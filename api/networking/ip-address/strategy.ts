// IPAddress strategy: named by an IP in canonical form; a parentRef (resource and name
// required) that never changes. No defaults upstream.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isDNS1123Subdomain, isValidPathSegmentName, validateImmutable } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { canonicalIP } from '../ip.ts';

interface ParentRef { group?: string; resource?: string; namespace?: string; name?: string }
type IPAddress = KubeObject & { spec?: { parentRef?: ParentRef } };

/** metadata.name: an IP, written as Go's netip prints it. */
export function ipAddressName(name: string): string[] {
  const c = canonicalIP(name);
  if (c === undefined) return ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
  return c === name ? [] : [`must be in canonical form ("${c}")`];
}

function validateParentRef(ref: ParentRef | undefined): FieldError[] {
  const p = 'spec.parentRef';
  if (!ref) return [fieldError.required(p)];
  const errs: FieldError[] = [];
  if (ref.group) for (const m of isDNS1123Subdomain(ref.group)) errs.push(fieldError.invalid(`${p}.group`, ref.group, m));
  for (const k of ['resource', 'name'] as const) {
    const v = ref[k];
    if (!v) errs.push(fieldError.required(`${p}.${k}`));
    else for (const m of isValidPathSegmentName(v)) errs.push(fieldError.invalid(`${p}.${k}`, v, m));
  }
  if (ref.namespace) for (const m of isValidPathSegmentName(ref.namespace)) errs.push(fieldError.invalid(`${p}.namespace`, ref.namespace, m));
  return errs;
}

export const ipAddressStrategy = simpleStrategy<IPAddress>({
  namespaced: false,
  nameRule: (name, prefix) => (prefix ? [] : ipAddressName(name)),
  validate: (ip) => validateParentRef(ip.spec?.parentRef),
  validateUpdate: (ip, old) => validateImmutable(ip.spec?.parentRef, old.spec?.parentRef, 'spec.parentRef'),
});
