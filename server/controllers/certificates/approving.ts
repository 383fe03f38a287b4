// csrapproving: approves the CSRs of nodes joining and renewing. Upstream asks a
// SubjectAccessReview whether the requester may create certificatesigningrequests/nodeclient
// (kubeadm grants it to system:bootstrappers) or /selfnodeclient (system:nodes); kubets applies
// those same default grants directly. A node's serving certificate (kubelet-serving) is also
// approved when the node itself asks for its own name, as k3s does (upstream leaves it to an
// admin): that is what lets `kubets agent` serve logs and exec with no manual step. So is a
// node's request for a `system:kube-proxy` client certificate (kube-apiserver-client, no
// organization): the agent's proxy, DNS and NetworkPolicy run under that identity rather
// than the node's, as k3s agents get theirs from the server (upstream runs kube-proxy in a
// pod with its own ServiceAccount).

import type { Result } from '../../../client/types.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { ControllerContext } from '../common/types.ts';
import { isNotFound } from '../common/errors.ts';
import { parseCsr } from '../../pki/csr.ts';
import { BOOTSTRAPPERS_GROUP } from '../../../client/bootstrap-token.ts';
import { R } from './resources.ts';
import { CLIENT_SIGNER, KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, NODES_GROUP, hasCondition, requestPem, signerMismatch, type CsrObject } from './signers.ts';

export const CLIENT_APPROVAL_MESSAGE = 'Auto approving kubelet client certificate after SubjectAccessReview.';
export const SERVING_APPROVAL_MESSAGE = 'Auto approving kubelet serving certificate for its own node.';
export const PROXY_APPROVAL_MESSAGE = 'Auto approving kube-proxy client certificate for a node.';
export const KUBE_PROXY_USER = 'system:kube-proxy';

/** Which auto-approval applies to a CSR (undefined: none; an admin decides). */
export async function recognize(csr: CsrObject): Promise<'nodeclient' | 'selfnodeclient' | 'nodeserving' | 'nodeproxier' | undefined> {
  const signer = csr.spec?.signerName;
  if (signer !== KUBELET_CLIENT_SIGNER && signer !== KUBELET_SERVING_SIGNER && signer !== CLIENT_SIGNER) return undefined;
  let req;
  try {
    req = await parseCsr(requestPem(csr));
  } catch {
    return undefined;
  }
  if (signerMismatch(signer, req, csr.spec?.usages ?? [])) return undefined;
  const user = csr.spec?.username ?? '';
  const groups = csr.spec?.groups ?? [];
  const self = user === req.commonName && groups.includes(NODES_GROUP);
  if (signer === CLIENT_SIGNER) {
    const node = groups.includes(NODES_GROUP) && user.startsWith('system:node:');
    return node && req.commonName === KUBE_PROXY_USER && req.organizations.length === 0 && req.dnsNames.length + req.ipAddresses.length + req.emailAddresses.length + req.uris.length === 0 ? 'nodeproxier' : undefined;
  }
  // The admin may ask for a node's serving certificate too (`kubets all` runs its node with the admin's kubeconfig).
  if (signer === KUBELET_SERVING_SIGNER) return self || groups.includes('system:masters') ? 'nodeserving' : undefined;
  if (self) return 'selfnodeclient';
  return groups.includes(BOOTSTRAPPERS_GROUP) ? 'nodeclient' : undefined;
}

export function newCsrApprovingReconciler(ctx: ControllerContext): (name: string) => Promise<Result> {
  const lister = ctx.informers.informer<CsrObject>(R.csrs).lister;
  return async (name) => {
    const csr = lister.get('', name);
    if (!csr || hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied')) return {};
    const kind = await recognize(csr);
    if (!kind) return {};
    const now = rfc3339(ctx.clock.now());
    const next = structuredClone(csr);
    next.status = {
      ...next.status,
      conditions: [
        ...(next.status?.conditions ?? []),
        { type: 'Approved', status: 'True', reason: 'AutoApproved', message: kind === 'nodeserving' ? SERVING_APPROVAL_MESSAGE : kind === 'nodeproxier' ? PROXY_APPROVAL_MESSAGE : CLIENT_APPROVAL_MESSAGE, lastUpdateTime: now, lastTransitionTime: now } as never,
      ],
    };
    try {
      await ctx.client.update(R.csrs, '', next, { subresource: 'approval' });
    } catch (e) {
      if (isNotFound(e)) return {};
      throw e;
    }
    ctx.log.info('approved certificate signing request', { name, kind });
    return {};
  };
}
