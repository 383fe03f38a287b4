// The signers kubets runs and what each accepts (upstream's
// pkg/controller/certificates/authority and certificates/v1 validation): a request that does
// not fit its signer is marked Failed, not signed.

import type { KubeObject } from '../../../api/types.ts';
import type { ParsedCsr } from '../../pki/csr.ts';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
export const CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const SIGNERS = [KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, CLIENT_SIGNER];
export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

export interface CsrObject extends KubeObject {
  spec?: { request?: string; signerName?: string; usages?: string[]; expirationSeconds?: number; username?: string; groups?: string[] };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[]; certificate?: string };
}

export function hasCondition(csr: CsrObject, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function requestPem(csr: CsrObject): string {
  return Buffer.from(csr.spec?.request ?? '', 'base64').toString('utf8');
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
const within = (a: string[], allowed: string[]) => a.every((x) => allowed.includes(x));

/** Why the request does not fit its signer, or undefined when it does. */
export function signerMismatch(signer: string, req: ParsedCsr, usages: string[]): string | undefined {
  if (!req.signatureValid) return 'the request is not signed by the key it carries';
  const noSans = !req.dnsNames.length && !req.ipAddresses.length && !req.emailAddresses.length && !req.uris.length;
  switch (signer) {
    case KUBELET_CLIENT_SIGNER:
      if (!sameSet(req.organizations, [NODES_GROUP])) return `subject organization is not ${NODES_GROUP}`;
      if (!req.commonName.startsWith(NODE_USER_PREFIX)) return `subject common name does not begin with ${NODE_USER_PREFIX}`;
      if (!noSans) return 'no subject alternative names are allowed';
      if (!usages.includes('client auth') || !within(usages, ['key encipherment', 'digital signature', 'client auth'])) {
        return 'usages must be client auth, with digital signature and key encipherment allowed';
      }
      return undefined;
    case KUBELET_SERVING_SIGNER:
      if (!sameSet(req.organizations, [NODES_GROUP])) return `subject organization is not ${NODES_GROUP}`;
      if (!req.commonName.startsWith(NODE_USER_PREFIX)) return `subject common name does not begin with ${NODE_USER_PREFIX}`;
      if (req.emailAddresses.length || req.uris.length) return 'only DNS and IP subject alternative names are allowed';
      if (!req.dnsNames.length && !req.ipAddresses.length) return 'at least one DNS or IP subject alternative name is required';
      if (!usages.includes('server auth') || !within(usages, ['key encipherment', 'digital signature', 'server auth'])) {
        return 'usages must be server auth, with digital signature and key encipherment allowed';
      }
      return undefined;
    case CLIENT_SIGNER:
      if (!usages.includes('client auth') || !within(usages, ['key encipherment', 'digital signature', 'client auth'])) {
        return 'usages must be client auth, with digital signature and key encipherment allowed';
      }
      return undefined;
  }
  return `unknown signer ${signer}`;
}
