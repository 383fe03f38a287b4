// APIService strategy: named "<version>.<group>", priorities in range, and a service
// reference (port 443 by default) or none for a local group version; status starts empty.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName, isValidPortNum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

interface Spec {
  group?: string;
  version?: string;
  service?: { namespace?: string; name?: string; port?: number };
  caBundle?: string;
  insecureSkipTLSVerify?: boolean;
  groupPriorityMinimum?: number;
  versionPriority?: number;
}
type APIService = KubeObject & { spec?: Spec };

function validateSpec(s: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const group = s.group ?? '';
  const version = s.version ?? '';
  if (!group && version !== 'v1') errs.push(fieldError.required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group) for (const m of isDNS1123Subdomain(group)) errs.push(fieldError.invalid('spec.group', group, m));
  for (const m of isDNS1035Label(version)) errs.push(fieldError.invalid('spec.version', version, m));
  const gp = s.groupPriorityMinimum ?? 0;
  if (gp <= 0 || gp > 20000) errs.push(fieldError.invalid('spec.groupPriorityMinimum', gp, 'must be positive and less than 20000'));
  const vp = s.versionPriority ?? 0;
  if (vp <= 0 || vp > 1000) errs.push(fieldError.invalid('spec.versionPriority', vp, 'must be positive and less than 1000'));
  const ca = s.caBundle ? Buffer.from(s.caBundle, 'base64').length : 0;
  if (!s.service) {
    if (ca) errs.push(fieldError.invalid('spec.caBundle', `${ca} bytes`, 'local APIServices may not have a caBundle'));
    if (s.insecureSkipTLSVerify) errs.push(fieldError.invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  if (!s.service.namespace) errs.push(fieldError.required('spec.service.namespace'));
  if (!s.service.name) errs.push(fieldError.required('spec.service.name'));
  const port = s.service.port ?? 443;
  const portErrs = isValidPortNum(port);
  if (portErrs.length) errs.push(fieldError.invalid('spec.service.port', port, `port is not valid: ${portErrs.join(', ')}`));
  if (s.insecureSkipTLSVerify && ca) errs.push(fieldError.invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  return errs;
}

/** metadata.name must be spec.version + "." + spec.group. */
function nameProblems(name: string, s: Spec): string[] {
  const minimal = isValidPathSegmentName(name);
  if (minimal.length) return minimal;
  const required = `${s.version ?? ''}.${s.group ?? ''}`;
  return name === required ? [] : [`must be \`spec.version+"."+spec.group\`: "${required}"`];
}

export const apiServiceStrategy = simpleStrategy<APIService>({
  namespaced: false,
  nameRule: () => [],
  initialStatus: () => ({}),
  defaults: (a) => {
    if (a.spec?.service) a.spec.service.port ??= 443;
  },
  validate: (a) => {
    const name = a.metadata?.name;
    const errs = name ? nameProblems(name, a.spec ?? {}).map((m) => fieldError.invalid('metadata.name', name, m)) : [];
    return [...errs, ...validateSpec(a.spec ?? {})];
  },
});
