// Ingress strategy: a default backend or rules, each path with a pathType and a backend
// naming a service port by number or name; status starts empty; generation tracked.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

interface Backend {
  service?: { name?: string; port?: { name?: string; number?: number } };
  resource?: { kind?: string; name?: string; apiGroup?: string };
}
interface IngressSpec {
  ingressClassName?: string;
  defaultBackend?: Backend;
  tls?: Array<{ hosts?: string[]; secretName?: string }>;
  rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string; pathType?: string; backend?: Backend }> } }>;
}
type Ingress = KubeObject & { spec?: IngressSpec };

export function validateBackend(b: Backend | undefined, field: string): FieldError[] {
  if (!b) return [fieldError.required(field)];
  const errs: FieldError[] = [];
  if (b.service && b.resource) errs.push(fieldError.invalid(field, '', 'cannot set both resource and service backends'));
  else if (!b.service && !b.resource) errs.push(fieldError.invalid(field, '', 'resource or service must be specified'));
  if (b.service) {
    const s = b.service;
    if (!s.name) errs.push(fieldError.required(`${field}.service.name`));
    else for (const m of isDNS1123Label(s.name)) errs.push(fieldError.invalid(`${field}.service.name`, s.name, m));
    const port = s.port ?? {};
    if (port.name && port.number) errs.push(fieldError.invalid(`${field}.service.port`, port.name, 'cannot set both port name & port number'));
    else if (port.name) for (const m of isValidPortName(port.name)) errs.push(fieldError.invalid(`${field}.service.port.name`, port.name, m));
    else if (port.number !== undefined) for (const m of isValidPortNum(port.number)) errs.push(fieldError.invalid(`${field}.service.port.number`, port.number, m));
    else errs.push(fieldError.invalid(`${field}.service.port`, '', 'port name or number is required'));
  }
  if (b.resource && (!b.resource.kind || !b.resource.name)) errs.push(fieldError.required(`${field}.resource`, 'kind and name are required'));
  return errs;
}

function validateHost(host: string, field: string): FieldError[] {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  return isDNS1123Subdomain(bare).map((m) => fieldError.invalid(field, host, m));
}

export function validateIngressSpec(spec: IngressSpec): FieldError[] {
  const errs: FieldError[] = [];
  const rules = spec.rules ?? [];
  if (!spec.defaultBackend && rules.length === 0) errs.push(fieldError.invalid('spec', '', 'either `defaultBackend` or `rules` must be specified'));
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  if (spec.ingressClassName) for (const m of isDNS1123Subdomain(spec.ingressClassName)) errs.push(fieldError.invalid('spec.ingressClassName', spec.ingressClassName, m));
  rules.forEach((r, i) => {
    const p = `spec.rules[${i}]`;
    if (r.host) errs.push(...validateHost(r.host, `${p}.host`));
    if (!r.http) return;
    const paths = r.http.paths ?? [];
    if (paths.length === 0) errs.push(fieldError.required(`${p}.http.paths`));
    paths.forEach((path, j) => {
      const pp = `${p}.http.paths[${j}]`;
      if (!path.pathType) errs.push(fieldError.required(`${pp}.pathType`, 'pathType must be specified'));
      else errs.push(...validateEnum(path.pathType, ['Exact', 'ImplementationSpecific', 'Prefix'], `${pp}.pathType`));
      if ((path.pathType === 'Exact' || path.pathType === 'Prefix') && !(path.path ?? '').startsWith('/')) {
        errs.push(fieldError.invalid(`${pp}.path`, path.path ?? '', 'must be an absolute path'));
      } else if (path.pathType === 'ImplementationSpecific' && path.path && !path.path.startsWith('/')) {
        errs.push(fieldError.invalid(`${pp}.path`, path.path, 'must be an absolute path'));
      }
      errs.push(...validateBackend(path.backend, `${pp}.backend`));
    });
  });
  (spec.tls ?? []).forEach((t, i) => (t.hosts ?? []).forEach((h, j) => errs.push(...validateHost(h, `spec.tls[${i}].hosts[${j}]`))));
  return errs;
}

export const ingressStrategy = simpleStrategy<Ingress>({
  namespaced: true,
  generation: true,
  initialStatus: () => ({ loadBalancer: {} }),
  validate: (ing) => validateIngressSpec(ing.spec ?? {}),
});
