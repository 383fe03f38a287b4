// What the webhooks write on the request's audit event, as upstream's annotator (Metadata
// level): for each mutating call `mutation.webhook.admission.k8s.io/round_<r>_index_<i>` =
// {"configuration","webhook","mutated"}; for a call that failed open under failurePolicy
// Ignore `failed-open.<mutation|validating>.webhook.admission.k8s.io/round_<r>_index_<i>` =
// the webhook's name; and the webhook's own response.auditAnnotations as `<webhook>/<key>`.
// `index` counts every webhook of every configuration of the kind (in name order), matching
// or not. The JSONPatch annotation upstream keeps for Request level is not written.

import { addAuditAnnotation, type Attributes } from '../types.ts';

export interface Called {
  webhook: string;
  configuration: string;
  index: number;
}

export function annotateMutation(a: Attributes, round: number, c: Called, mutated: boolean): void {
  addAuditAnnotation(a, `mutation.webhook.admission.k8s.io/round_${round}_index_${c.index}`, JSON.stringify({ configuration: c.configuration, webhook: c.webhook, mutated }));
}

export function annotateFailedOpen(a: Attributes, kind: 'mutation' | 'validating', round: number, c: Called): void {
  addAuditAnnotation(a, `failed-open.${kind}.webhook.admission.k8s.io/round_${round}_index_${c.index}`, c.webhook);
}

export function annotateFromResponse(a: Attributes, webhook: string, annotations: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(annotations ?? {})) addAuditAnnotation(a, `${webhook}/${k}`, v);
}
