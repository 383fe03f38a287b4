// NetworkPolicy strategy: policyTypes default to Ingress (plus Egress when egress rules
// exist); selectors, ports and peers are checked; generation tracked.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateLabelSelector, type LabelSelector } from '../../meta/labels.ts';
import { isValidPortName, isValidPortNum, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

interface Port {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr?: string; except?: string[] };
}
interface Rule {
  ports?: Port[];
  from?: Peer[];
  to?: Peer[];
}
type NetworkPolicy = KubeObject & { spec?: { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] } };

function validateRule(r: Rule, field: string, peersKey: 'from' | 'to'): FieldError[] {
  const errs: FieldError[] = [];
  (r.ports ?? []).forEach((p, i) => {
    const f = `${field}.ports[${i}]`;
    errs.push(...validateEnum(p.protocol, ['SCTP', 'TCP', 'UDP'], `${f}.protocol`));
    if (typeof p.port === 'number') for (const m of isValidPortNum(p.port)) errs.push(fieldError.invalid(`${f}.port`, p.port, m));
    if (typeof p.port === 'string') for (const m of isValidPortName(p.port)) errs.push(fieldError.invalid(`${f}.port`, p.port, m));
    if (p.endPort !== undefined && (typeof p.port !== 'number' || p.endPort < p.port)) {
      errs.push(fieldError.invalid(`${f}.endPort`, p.endPort, typeof p.port === 'number' ? 'must be greater than or equal to `port`' : 'may not be specified when `port` is non-numeric'));
    }
  });
  (r[peersKey] ?? []).forEach((peer, i) => {
    const f = `${field}.${peersKey}[${i}]`;
    const n = [peer.podSelector, peer.namespaceSelector].filter(Boolean).length;
    if (peer.ipBlock && n > 0) errs.push(fieldError.forbidden(f, 'may not specify more than 1 peer type'));
    if (!peer.ipBlock && n === 0) errs.push(fieldError.required(f, 'must specify a peer'));
    errs.push(...validateLabelSelector(peer.podSelector, `${f}.podSelector`));
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${f}.namespaceSelector`));
    if (peer.ipBlock && !peer.ipBlock.cidr) errs.push(fieldError.required(`${f}.ipBlock.cidr`));
  });
  return errs;
}

export const networkPolicyStrategy = simpleStrategy<NetworkPolicy>({
  namespaced: true,
  generation: true,
  defaults: (np) => {
    const spec = (np.spec ??= {});
    spec.podSelector ??= {};
    for (const r of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const p of r.ports ?? []) p.protocol ??= 'TCP';
    if (!spec.policyTypes || spec.policyTypes.length === 0) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  },
  validate: (np) => {
    const spec = np.spec ?? {};
    const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
    (spec.policyTypes ?? []).forEach((t, i) => errs.push(...validateEnum(t, ['Ingress', 'Egress'], `spec.policyTypes[${i}]`)));
    if ((spec.policyTypes ?? []).length > 2) errs.push(fieldError.invalid('spec.policyTypes', spec.policyTypes, 'may not have more than 2 values'));
    (spec.ingress ?? []).forEach((r, i) => errs.push(...validateRule(r, `spec.ingress[${i}]`, 'from')));
    (spec.egress ?? []).forEach((r, i) => errs.push(...validateRule(r, `spec.egress[${i}]`, 'to')));
    return errs;
  },
});
