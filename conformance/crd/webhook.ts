// A real conversion webhook for the suite: HTTPS on loopback with a certificate from a CA of
// its own (the CRD's caBundle). It converts Widgets between v1 (spec.color) and v2
// (spec.colour); `mode` makes it answer garbage or fail, to see kubets report it. Its
// certificate also names the Services it is reached through (`<svc>.<ns>.svc`).

import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateCa, generateLeaf } from '../../server/pki/certs.ts';

type Obj = { apiVersion: string; spec?: Record<string, unknown>; [k: string]: unknown };

export interface ConversionWebhook {
  url: string;
  /** The loopback port it listens on (an EndpointSlice's port when reached by a Service). */
  port: number;
  caBundle: string;
  mode: 'ok' | 'garbage' | 'fail';
  /** ConversionReviews answered so far. */
  calls: number;
  close(): Promise<void>;
}

function convert(o: Obj, desired: string): Obj {
  const spec = { ...(o.spec ?? {}) };
  if (desired.endsWith('/v2') && 'color' in spec) {
    spec.colour = spec.color;
    delete spec.color;
  } else if (desired.endsWith('/v1') && 'colour' in spec) {
    spec.color = spec.colour;
    delete spec.colour;
  }
  return { ...o, apiVersion: desired, spec };
}

export async function startConversionWebhook(serviceNames: string[] = []): Promise<ConversionWebhook> {
  const ca = await generateCa('conversion-webhook-ca');
  const leaf = await generateLeaf(ca, { commonName: 'conversion-webhook', sans: ['127.0.0.1', ...serviceNames], usage: 'server' });
  const hook: ConversionWebhook = { url: '', port: 0, caBundle: Buffer.from(ca.cert).toString('base64'), mode: 'ok', calls: 0, close: async () => undefined };
  const server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hook.calls++;
      if (hook.mode === 'garbage') return void res.end('this is not JSON');
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string; desiredAPIVersion: string; objects: Obj[] } };
      const { uid, desiredAPIVersion, objects } = review.request;
      const response = hook.mode === 'fail'
        ? { uid, result: { status: 'Failure', message: 'the widget cannot be converted today' } }
        : { uid, result: { status: 'Success' }, convertedObjects: objects.map((o) => convert(o, desiredAPIVersion)) };
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.port = (server.address() as AddressInfo).port;
  hook.url = `https://127.0.0.1:${hook.port}/convert`;
  hook.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return hook;
}
