// Endpoints strategy: addresses are IPs, ports valid with protocol TCP by default.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isDNS1123Label, isValidIP, isValidPortNum, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

interface Subset {
  addresses?: Array<{ ip?: string }>;
  notReadyAddresses?: Array<{ ip?: string }>;
  ports?: Array<{ name?: string; port?: number; protocol?: string }>;
}
interface Endpoints extends KubeObject {
  subsets?: Subset[];
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((s, i) => {
    const p = `subsets[${i}]`;
    for (const k of ['addresses', 'notReadyAddresses'] as const) {
      (s[k] ?? []).forEach((a, j) => {
        if (!a.ip || !isValidIP(a.ip)) errs.push(fieldError.invalid(`${p}.${k}[${j}].ip`, a.ip ?? '', 'must be a valid IP address'));
      });
    }
    (s.ports ?? []).forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if ((s.ports ?? []).length > 1 && !port.name) errs.push(fieldError.required(`${pp}.name`));
      if (port.name) for (const m of isDNS1123Label(port.name)) errs.push(fieldError.invalid(`${pp}.name`, port.name, m));
      for (const m of isValidPortNum(port.port ?? 0)) errs.push(fieldError.invalid(`${pp}.port`, port.port ?? 0, m));
      errs.push(...validateEnum(port.protocol, ['SCTP', 'TCP', 'UDP'], `${pp}.protocol`, true));
    });
  });
  return errs;
}

export const endpointsStrategy = simpleStrategy<Endpoints>({
  namespaced: true,
  defaults: (ep) => {
    for (const s of ep.subsets ?? []) for (const p of s.ports ?? []) p.protocol ??= 'TCP';
  },
  validate: validateEndpoints,
});
