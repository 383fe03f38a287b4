// A real admission webhook for the suites: HTTPS on 127.0.0.1 with a certificate from a CA of
// its own (sent as caBundle), valid for 127.0.0.1 and for a Service's DNS names. Each path has
// a handler (by path; the query is recorded apart) that gets the AdmissionReview request and returns the response fields (uid is
// filled in unless the handler sets one) or a raw body to send as it is; every review is
// recorded with its path.

import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateCa, generateLeaf } from '../../server/pki/certs.ts';

export type AdmissionRequest = {
  uid: string;
  operation: string;
  name?: string;
  namespace?: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  requestKind?: { group: string; version: string; kind: string };
  requestResource?: { group: string; version: string; resource: string };
  dryRun?: boolean;
  object?: { metadata?: { name?: string; labels?: Record<string, string> }; [k: string]: unknown } | null;
  oldObject?: unknown;
  userInfo?: { username?: string };
};
export type Handler = (req: AdmissionRequest) => Record<string, unknown> | string;

export interface AdmissionWebhook {
  port: number;
  caBundle: string;
  /** `https://127.0.0.1:PORT<path>` */
  url(path: string): string;
  handlers: Map<string, Handler>;
  /** Every review received: the path, the query upstream adds (`timeout=10s`), the request. */
  calls: { path: string; query: string; request: AdmissionRequest }[];
  close(): Promise<void>;
}

/** A JSONPatch response (base64, as the API wants it). */
export function patch(ops: unknown[]): Record<string, unknown> {
  return { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
}

export async function startAdmissionWebhook(serviceNames: string[] = []): Promise<AdmissionWebhook> {
  const ca = await generateCa('admission-webhook-ca');
  const leaf = await generateLeaf(ca, { commonName: 'admission-webhook', sans: ['127.0.0.1', ...serviceNames], usage: 'server' });
  const handlers = new Map<string, Handler>();
  const calls: AdmissionWebhook['calls'] = [];
  const server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: AdmissionRequest };
      const [path = '/', query = ''] = (req.url ?? '/').split('?');
      calls.push({ path, query, request: review.request });
      const handler = handlers.get(path);
      const out = handler ? handler(review.request) : { allowed: true };
      res.setHeader('Content-Type', 'application/json');
      if (typeof out === 'string') return void res.end(out);
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, ...out } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    caBundle: Buffer.from(ca.cert).toString('base64'),
    url: (path) => `https://127.0.0.1:${port}${path}`,
    handlers,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
