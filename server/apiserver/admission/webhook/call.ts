// One call of one webhook: an AdmissionReview v1 POSTed over HTTPS (trusting the webhook's
// caBundle), within its timeout, and the answer checked as upstream checks it. Any failure
// to get a well-formed answer is a CallError: the caller applies the failurePolicy.

import { request } from 'node:https';
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../../api/types.ts';
import type { Attributes } from '../types.ts';

export interface ClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

/** Where to send: a URL, and the TLS server name to check the certificate against. */
export interface Target {
  url: URL;
  servername: string | undefined;
}

export interface ReviewResponse {
  uid: string;
  allowed: boolean;
  status?: { code?: number; reason?: string; message?: string };
  patch?: string;
  patchType?: string;
  warnings?: string[];
}

export class CallError extends Error {}

export function buildReview(a: Attributes, uid = randomUUID()): Record<string, unknown> {
  const rt = a.resource;
  const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
  const gvr = { group: rt.group, version: rt.version, resource: rt.plural };
  const request: Record<string, unknown> = {
    uid,
    kind: gvk,
    resource: gvr,
    requestKind: gvk,
    requestResource: gvr,
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

export async function callWebhook(target: Target, caBundle: string | undefined, review: Record<string, unknown>, timeoutMs: number): Promise<ReviewResponse> {
  const body = JSON.stringify(review);
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(
      target.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
        ca: caBundle ? Buffer.from(caBundle, 'base64').toString() : undefined,
        servername: target.servername,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const s = Buffer.concat(chunks).toString();
          if ((res.statusCode ?? 0) >= 300) reject(new CallError(`Post "${target.url}": unexpected status ${res.statusCode}: ${s.slice(0, 200)}`));
          else resolve(s);
        });
        res.on('error', reject);
      },
    );
    req.on('error', (e: Error) =>
      reject(new CallError(`failed to call webhook: Post "${target.url}": ${e.name === 'AbortError' || e.name === 'TimeoutError' ? 'context deadline exceeded' : e.message}`)),
    );
    req.end(body);
  });
  return parseResponse(text, (review.request as { uid: string }).uid);
}

export function parseResponse(text: string, uid: string): ReviewResponse {
  let review: { apiVersion?: unknown; kind?: unknown; response?: ReviewResponse };
  try {
    review = JSON.parse(text);
  } catch (e) {
    throw new CallError(`received invalid webhook response: ${(e as Error).message}`);
  }
  if (review?.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
    throw new CallError(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${String(review?.apiVersion)}, Kind=${String(review?.kind)}`);
  }
  const r = review.response;
  if (!r || typeof r !== 'object') throw new CallError('webhook response was absent');
  if (r.uid !== uid) throw new CallError(`expected response.uid="${uid}", got "${String(r.uid)}"`);
  if (typeof r.allowed !== 'boolean') throw new CallError('webhook response.allowed must be a boolean');
  return r;
}
