// EndpointSlice strategy: a fixed address type, 1-100 addresses per endpoint, ports with
// protocol TCP by default; generation tracked.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum, validateEnum, validateImmutable } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

type EndpointSlice = KubeObject & {
  addressType?: string;
  endpoints?: Array<{ addresses?: string[]; hostname?: string; nodeName?: string }>;
  ports?: Array<{ name?: string; port?: number; protocol?: string }>;
};

export function validateEndpointSlice(s: EndpointSlice): FieldError[] {
  const errs = validateEnum(s.addressType, ['IPv4', 'IPv6', 'FQDN'], 'addressType', true);
  (s.endpoints ?? []).forEach((e, i) => {
    const p = `endpoints[${i}]`;
    const addrs = e.addresses ?? [];
    if (addrs.length === 0) errs.push(fieldError.required(`${p}.addresses`, 'must contain at least 1 address'));
    if (addrs.length > 100) errs.push({ type: 'FieldValueTooMany', field: `${p}.addresses`, detail: `Too many: ${addrs.length}: must have at most 100 items` });
    addrs.forEach((a, j) => {
      const ok = s.addressType === 'FQDN' ? isDNS1123Subdomain(a).length === 0 : isValidIP(a) && (s.addressType === 'IPv6') === a.includes(':');
      if (!ok) errs.push(fieldError.invalid(`${p}.addresses[${j}]`, a, s.addressType === 'FQDN' ? 'must be a valid FQDN' : `must be a valid ${s.addressType} address`));
    });
    if (e.hostname) for (const m of isDNS1123Label(e.hostname)) errs.push(fieldError.invalid(`${p}.hostname`, e.hostname, m));
  });
  const names = new Set<string>();
  (s.ports ?? []).forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name) for (const m of isDNS1123Label(name)) errs.push(fieldError.invalid(`${p}.name`, name, m));
    if (names.has(name)) errs.push(fieldError.duplicate(`${p}.name`, name));
    names.add(name);
    if (port.port !== undefined) for (const m of isValidPortNum(port.port)) errs.push(fieldError.invalid(`${p}.port`, port.port, m));
    errs.push(...validateEnum(port.protocol, ['SCTP', 'TCP', 'UDP'], `${p}.protocol`, true));
  });
  return errs;
}

export const endpointSliceStrategy = simpleStrategy<EndpointSlice>({
  namespaced: true,
  generation: true,
  specFields: ['addressType', 'endpoints', 'ports'],
  defaults: (s) => {
    for (const p of s.ports ?? []) {
      p.protocol ??= 'TCP';
      p.name ??= '';
    }
  },
  validate: validateEndpointSlice,
  validateUpdate: (s, old) => validateImmutable(s.addressType, old.addressType, 'addressType'),
});
