// One call of one webhook: an AdmissionReview v1 POSTed over HTTPS (trusting the webhook's
// caBundle), within its timeout, and the answer checked as upstream checks it. Any failure
// to get a well-formed answer is a CallError: the caller applies the failurePolicy.

import { randomUUID } from 'node:crypto';
import type { KubeObject, ResourceType } from '../../../../api/types.ts';
import type { Attributes } from '../types.ts';
import { CallError, postJson, type Target } from './target.ts';

export interface ReviewResponse {
  uid: string;
  allowed: boolean;
  status?: { code?: number; reason?: string; message?: string };
  patch?: string;
  patchType?: string;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/**
 * The AdmissionReview of a request. `requested`: the resource the client wrote when the
 * webhook is called at an equivalent version (`a` then carries that version's objects).
 */
export function buildReview(a: Attributes, uid = randomUUID(), requested: ResourceType = a.resource): Record<string, unknown> {
  const gvk = (rt: ResourceType) => ({ group: rt.group, version: rt.version, kind: rt.kind });
  const gvr = (rt: ResourceType) => ({ group: rt.group, version: rt.version, resource: rt.plural });
  const request: Record<string, unknown> = {
    uid,
    kind: gvk(a.resource),
    resource: gvr(a.resource),
    requestKind: gvk(requested),
    requestResource: gvr(requested),
    name: a.name,
    operation: a.operation,
    userInfo: a.user,
    object: a.object ?? null,
    oldObject: a.oldObject ?? null,
    dryRun: a.dryRun,
    options: optionsFor(a),
  };
  if (a.subresource) {
    request.subResource = a.subresource;
    request.requestSubResource = a.subresource;
  }
  if (a.namespace) request.namespace = a.namespace;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

// The operation's options object, as upstream sends it (without the caller's own values).
function optionsFor(a: Attributes): KubeObject | null {
  const kind = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: '' }[a.operation];
  if (!kind) return null;
  return { apiVersion: 'meta.k8s.io/v1', kind, ...(a.dryRun ? { dryRun: ['All'] } : {}) } as KubeObject;
}

export async function callWebhook(target: Target, caBundle: string | undefined, review: Record<string, unknown>, timeoutMs: number, mutating = false): Promise<ReviewResponse> {
  const body = JSON.stringify(review);
  let answer: { status: number; text: string };
  try {
    answer = await postJson(target, caBundle, body, timeoutMs);
  } catch (e) {
    throw e instanceof CallError ? new CallError(`failed to call webhook: ${e.message}`) : e;
  }
  const { status, text } = answer;
  if (status >= 300) throw new CallError(`failed to call webhook: Post "${target.shown}": unexpected status ${status}: ${text.slice(0, 200)}`);
  return parseResponse(text, (review.request as { uid: string }).uid, mutating);
}

/**
 * The webhook's answer checked as upstream's VerifyAdmissionResponse (in its order); what the
 * answer got wrong is worded as upstream's after "received invalid webhook response: ".
 */
export function parseResponse(text: string, uid: string, mutating = false): ReviewResponse {
  let review: { apiVersion?: unknown; kind?: unknown; response?: ReviewResponse };
  try {
    review = JSON.parse(text);
  } catch (e) {
    throw new CallError(`failed to call webhook: couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
  if (!review || typeof review !== 'object' || Array.isArray(review)) throw new CallError('failed to call webhook: couldn\'t get version/kind; json parse error: not an object');
  const invalid = (why: string) => new CallError(`received invalid webhook response: ${why}`);
  const r = review.response;
  if (!r || typeof r !== 'object') throw invalid('webhook response was absent');
  if (r.uid !== uid) throw invalid(`expected response.uid="${uid}", got "${typeof r.uid === 'string' ? r.uid : ''}"`);
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
    throw invalid(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${gvkString(review.apiVersion, review.kind)}`);
  }
  if (mutating) {
    if (r.patch && r.patchType == null) throw invalid('webhook returned response.patch but not response.patchType');
    if (!r.patch && r.patchType != null) throw invalid('webhook returned response.patchType but not response.patch');
    if (r.patchType === '') throw invalid('webhook returned invalid response.patchType of ""');
  } else {
    if (r.patch) throw invalid('validating webhooks may not return patches');
    if (r.patchType != null) throw invalid('validating webhooks may not return response.patchType');
  }
  if (typeof r.allowed !== 'boolean') r.allowed = false;
  return r;
}

// Go's GroupVersionKind.String(): "group/version, Kind=kind" ("/, Kind=" when all are empty).
function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = av.indexOf('/');
  const [g, v] = slash < 0 ? ['', av] : [av.slice(0, slash), av.slice(slash + 1)];
  return `${g}/${v}, Kind=${typeof kind === 'string' ? kind : ''}`;
}
