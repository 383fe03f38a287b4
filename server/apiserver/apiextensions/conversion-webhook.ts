// A CRD's conversion webhook: a ConversionReview (apiextensions.k8s.io/v1) POSTed over HTTPS
// to clientConfig.url, trusting only its caBundle; the answer is checked as upstream checks
// it (same uid, Success, one object per object sent, each in the desired apiVersion with its
// name, namespace and uid unchanged). Failures are 500 InternalError naming the webhook.

import https from 'node:https';
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import type { CustomResourceDefinition } from '../../../api/apiextensions/custom-resource-definition/types.ts';
import type { Converter } from '../../../api/apiextensions/custom-resource/resource-type.ts';

const TIMEOUT_MS = 10_000;

interface ConversionReview {
  response?: { uid?: string; result?: { status?: string; message?: string }; convertedObjects?: KubeObject[] };
}

function post(url: string, ca: string | undefined, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, timeout: TIMEOUT_MS, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`the server responded with HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
        else resolve(text);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Post "${url}": context deadline exceeded`)));
    req.on('error', (e) => reject(new Error(`Post "${url}": ${e.message}`)));
    req.end(body);
  });
}

/** The converter for a CRD whose conversion strategy is Webhook (undefined otherwise). */
export function conversionWebhook(crd: CustomResourceDefinition): Converter | undefined {
  const conv = crd.spec.conversion;
  if (conv?.strategy !== 'Webhook') return undefined;
  const cc = conv.webhook?.clientConfig;
  const ca = cc?.caBundle ? Buffer.from(cc.caBundle, 'base64').toString('utf8') : undefined;
  const reviewVersion = conv.webhook?.conversionReviewVersions?.includes('v1') ? 'v1' : 'v1beta1';
  return async (objects, desiredAPIVersion) => {
    const kind = objects[0]?.kind ?? crd.spec.names.kind;
    const fail = (why: string) => new StatusError(500, 'InternalError', `conversion webhook for ${objects[0]?.apiVersion ?? crd.spec.group}, Kind=${kind} failed: ${why}`);
    if (!cc?.url) throw fail('kubets calls conversion webhooks by clientConfig.url only; a service reference is not supported');
    const uid = randomUUID();
    const body = JSON.stringify({ apiVersion: `apiextensions.k8s.io/${reviewVersion}`, kind: 'ConversionReview', request: { uid, desiredAPIVersion, objects } });
    let review: ConversionReview;
    try {
      review = JSON.parse(await post(cc.url, ca, body)) as ConversionReview;
    } catch (e) {
      throw fail(e instanceof SyntaxError ? `the response is not a ConversionReview: ${e.message}` : (e as Error).message);
    }
    const r = review?.response;
    if (!r) throw fail('no response provided');
    if (r.uid !== uid) throw fail(`expected response uid ${JSON.stringify(uid)}, got ${JSON.stringify(r.uid)}`);
    if (r.result?.status !== 'Success') throw fail(r.result?.message || 'the webhook did not report Success');
    const out = r.convertedObjects ?? [];
    if (out.length !== objects.length) throw fail(`expected ${objects.length} converted objects, got ${out.length}`);
    out.forEach((o, i) => {
      const m = o?.metadata ?? {};
      const was = objects[i]!.metadata ?? {};
      if (o?.apiVersion !== desiredAPIVersion) throw fail(`invalid converted object at index ${i}: invalid apiVersion ${JSON.stringify(o?.apiVersion)}, expected ${JSON.stringify(desiredAPIVersion)}`);
      if (o.kind !== objects[i]!.kind) throw fail(`invalid converted object at index ${i}: invalid kind ${JSON.stringify(o.kind)}`);
      if (m.name !== was.name || m.namespace !== was.namespace || m.uid !== was.uid) throw fail(`invalid converted object at index ${i}: must not change metadata.name, metadata.namespace or metadata.uid`);
    });
    return out;
  };
}
