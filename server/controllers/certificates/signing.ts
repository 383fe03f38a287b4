// csrsigning: signs approved CSRs of the kubernetes.io signers kubets runs
// (kube-apiserver-client-kubelet, kubelet-serving, kube-apiserver-client) with the cluster CA,
// for spec.expirationSeconds capped by the cluster signing duration (upstream: 1 year). A
// request that does not fit its signer gets a Failed condition (SignerValidationFailure).

import type { Result } from '../../../client/types.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { ControllerContext } from '../common/types.ts';
import { isNotFound } from '../common/errors.ts';
import { parseCsr, signCsr } from '../../pki/csr.ts';
import { R } from './resources.ts';
import { SIGNERS, hasCondition, requestPem, signerMismatch, type CsrObject } from './signers.ts';

export const CLUSTER_SIGNING_DURATION_MS = 365 * 24 * 3600 * 1000;
const MIN_DURATION_MS = 600 * 1000;

export interface SigningDeps extends ControllerContext {
  ca: { cert: string; key: string };
  /** --cluster-signing-duration; default one year. */
  maxDurationMs?: number;
}

export function signingDuration(expirationSeconds: number | undefined, maxMs: number): number {
  if (expirationSeconds === undefined) return maxMs;
  return Math.min(maxMs, Math.max(MIN_DURATION_MS, expirationSeconds * 1000));
}

export function newCsrSigningReconciler(deps: SigningDeps): (name: string) => Promise<Result> {
  const lister = deps.informers.informer<CsrObject>(R.csrs).lister;
  return async (name) => {
    const csr = lister.get('', name);
    if (!csr || !SIGNERS.includes(csr.spec?.signerName ?? '')) return {};
    if (!hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied') || hasCondition(csr, 'Failed') || csr.status?.certificate) return {};
    const next = structuredClone(csr);
    const now = deps.clock.now();
    let problem: string | undefined;
    let parsed;
    try {
      parsed = await parseCsr(requestPem(csr));
      problem = signerMismatch(csr.spec!.signerName!, parsed, csr.spec?.usages ?? []);
    } catch (e) {
      problem = `the request cannot be parsed: ${(e as Error).message}`;
    }
    if (problem || !parsed) {
      const t = rfc3339(now);
      next.status = { ...next.status, conditions: [...(next.status?.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: problem ?? 'invalid request', lastUpdateTime: t, lastTransitionTime: t } as never] };
    } else {
      const pem = await signCsr(deps.ca, parsed, csr.spec?.usages ?? [], signingDuration(csr.spec?.expirationSeconds, deps.maxDurationMs ?? CLUSTER_SIGNING_DURATION_MS), now);
      next.status = { ...next.status, certificate: Buffer.from(pem).toString('base64') };
    }
    try {
      await deps.client.update(R.csrs, '', next, { subresource: 'status' });
    } catch (e) {
      if (isNotFound(e)) return {};
      throw e; // a conflict: the next event (or the backoff) runs this again on the new object
    }
    deps.log.info(problem ? 'certificate signing request failed' : 'signed certificate', { name, signer: csr.spec?.signerName, problem });
    return {};
  };
}
