// serviceaccounts/{name}/token (TokenRequest, `kubectl create token`): a bound token signed
// with the cluster's service-account key, for the audiences asked (the apiserver's by
// default), expiring after expirationSeconds (1 hour by default, 10 minutes at least), and
// bound to a Pod, Secret or Node that must exist (with the uid given) and outlive the token.

import type { KubeObject } from '../../api/types.ts';
import { StatusError, fieldError, invalid, notFound, type FieldError } from '../../api/meta/errors.ts';
import { issueServiceAccountToken, type ServiceAccountIdentity } from '../pki/sa-token.ts';
import type { SubresourceHandler } from './api-context.ts';
import type { Lookup } from './sa-token-live.ts';
import { rfc3339 } from '../../api/meta/time.ts';

export interface TokenRequestDeps {
  lookup: Lookup;
  signingKey: string;
  issuer: string;
  apiAudiences: string[];
}

const BOUND_KINDS: Record<string, { plural: string; namespaced: boolean }> = {
  Pod: { plural: 'pods', namespaced: true },
  Secret: { plural: 'secrets', namespaced: true },
  Node: { plural: 'nodes', namespaced: false },
};
const MIN_SECONDS = 600;
const MAX_SECONDS = 2 ** 32;

export function tokenRequestHandler(deps: TokenRequestDeps): SubresourceHandler {
  return {
    create: async (ctx, name, body) => {
      const spec = (body.spec ?? {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } };
      const errs: FieldError[] = [];
      const seconds = spec.expirationSeconds ?? 3600;
      if (!Number.isInteger(seconds) || seconds < MIN_SECONDS) errs.push(fieldError.invalid('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes'));
      else if (seconds > MAX_SECONDS) errs.push(fieldError.invalid('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds'));
      const ref = spec.boundObjectRef;
      if (ref && !BOUND_KINDS[ref.kind ?? '']) errs.push(fieldError.notSupported('spec.boundObjectRef.kind', ref.kind ?? '', Object.keys(BOUND_KINDS)));
      if (ref && !ref.name) errs.push(fieldError.required('spec.boundObjectRef.name'));
      if (errs.length) throw invalid('TokenRequest', 'authentication.k8s.io', name, errs);

      const sa = await deps.lookup('', 'serviceaccounts', ctx.namespace, name);
      if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
      const identity: ServiceAccountIdentity = { namespace: ctx.namespace, name, uid: sa.metadata?.uid };
      if (ref) {
        const kind = BOUND_KINDS[ref.kind!];
        const bound = await deps.lookup('', kind.plural, kind.namespaced ? ctx.namespace : '', ref.name!);
        if (!bound) throw notFound({ group: '', resource: kind.plural }, ref.name!);
        const uid = bound.metadata?.uid ?? '';
        if (ref.uid && ref.uid !== uid) {
          throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${kind.plural} "${ref.name}": the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`, {
            name: ref.name, kind: kind.plural,
          });
        }
        const boundRef = { name: ref.name!, uid };
        if (ref.kind === 'Pod') identity.pod = boundRef;
        else if (ref.kind === 'Secret') identity.secret = boundRef;
        else identity.node = boundRef;
      }
      const audiences = spec.audiences?.length ? spec.audiences : deps.apiAudiences;
      const now = Math.floor(ctx.now.getTime() / 1000);
      const token = issueServiceAccountToken(identity, deps.signingKey, { audiences, expirationSeconds: seconds, issuer: deps.issuer, now });
      const object: KubeObject = {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { name, namespace: ctx.namespace, creationTimestamp: null as unknown as string },
        spec: { audiences, expirationSeconds: seconds, boundObjectRef: ref ?? null },
        status: { token, expirationTimestamp: rfc3339(new Date((now + seconds) * 1000)) },
      };
      return { object, code: 201 };
    },
  };
}
