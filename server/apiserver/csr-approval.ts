// certificatesigningrequests/approval: the only way to approve or deny a CSR (what
// `kubectl certificate approve|deny` PUTs). Only status.conditions is taken from the body;
// spec and the issued certificate stay as stored. As upstream: Approved and Denied exclude
// each other, an Approved or Denied condition may not be removed, and their status is True.

import type { KubeObject } from '../../api/types.ts';
import { StatusError, conflict, OPTIMISTIC_LOCK_MESSAGE } from '../../api/meta/errors.ts';
import type { SubresourceHandler } from './api-context.ts';
import type { GenericStore } from './registry/store.ts';
import { rfc3339 } from '../../api/meta/time.ts';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

function conditionsOf(obj: KubeObject | undefined): Condition[] {
  const c = (obj?.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
}

function invalid(name: string, field: string, message: string): StatusError {
  return new StatusError(422, 'Invalid', `CertificateSigningRequest.certificates.k8s.io "${name}" is invalid: ${field}: ${message}`, {
    name, group: 'certificates.k8s.io', kind: 'CertificateSigningRequest', causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

/** The problems of a new condition list against the old one ([] when fine). */
export function approvalErrors(name: string, next: Condition[], old: Condition[]): StatusError | undefined {
  const has = (cs: Condition[], type: string) => cs.some((c) => c.type === type);
  if (has(next, 'Approved') && has(next, 'Denied')) return invalid(name, 'status.conditions', 'Approved and Denied conditions are mutually exclusive');
  for (const [i, c] of next.entries()) {
    if (!c.type) return invalid(name, `status.conditions[${i}].type`, 'Required value');
    if ((c.type === 'Approved' || c.type === 'Denied') && c.status !== 'True') {
      return invalid(name, `status.conditions[${i}].status`, `Unsupported value: "${c.status ?? ''}": supported values: "True"`);
    }
    if (next.filter((x) => x.type === c.type).length > 1) return invalid(name, `status.conditions[${i}].type`, `Duplicate value: "${c.type}"`);
  }
  for (const t of ['Approved', 'Denied']) {
    if (has(old, t) && !has(next, t)) return invalid(name, 'status.conditions', `updates may not remove a condition of type "${t}"`);
  }
  return undefined;
}

export function csrApprovalHandler(csrs: GenericStore): SubresourceHandler {
  return {
    get: (ctx, name) => csrs.get(ctx, name),
    update: async (ctx, name, body) => {
      const wanted = conditionsOf(body);
      const rv = body.metadata?.resourceVersion;
      const r = await csrs.updateWith(ctx, name, (cur) => {
        if (!cur) throw new StatusError(404, 'NotFound', `certificatesigningrequests.certificates.k8s.io "${name}" not found`, { name, group: 'certificates.k8s.io', kind: 'certificatesigningrequests' });
        if (rv && rv !== cur.metadata?.resourceVersion) throw conflict({ group: 'certificates.k8s.io', resource: 'certificatesigningrequests' }, name, OPTIMISTIC_LOCK_MESSAGE);
        const old = conditionsOf(cur);
        const err = approvalErrors(name, wanted, old);
        if (err) throw err;
        const now = rfc3339(ctx.now);
        const conditions = wanted.map((c) => {
          const prev = old.find((o) => o.type === c.type);
          const out: Condition = { ...c, lastUpdateTime: c.lastUpdateTime ?? now };
          out.lastTransitionTime = prev && prev.status === c.status ? (prev.lastTransitionTime ?? now) : (c.lastTransitionTime ?? now);
          return out;
        });
        cur.status = { ...((cur.status as Record<string, unknown> | undefined) ?? {}), conditions };
        return cur;
      }, 'approval', false);
      return { object: r.object, created: false };
    },
  };
}
