// bench/api, webhook variant: POSTs of ConfigMaps into a namespace a ValidatingWebhookConfiguration
// selects (an allowing HTTPS webhook on loopback, called for each create) beside the same
// POSTs into a namespace it does not select, interleaved in the same run.

import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Pki } from '../../server/pki/index.ts';
import { expect, type Target } from './http.ts';
import type { Load } from './load.ts';
import { configMap } from './reference.ts';
import { comparePosts } from './compare-posts.ts';

export interface WebhookEnv {
  pki: Pki;
  url: string;
  load: Load;
  setup: Target;
}

export async function benchWebhook(env: WebhookEnv, ops: number): Promise<void> {
  let calls = 0;
  const hook = https.createServer({ key: env.pki.servingKey, cert: env.pki.servingCert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      const uid = (JSON.parse(Buffer.concat(chunks).toString()) as { request: { uid: string } }).request.uid;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } }));
    });
  });
  hook.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  try {
    const port = (hook.address() as AddressInfo).port;
    for (const [ns, labels] of [['hooked', { bench: 'webhook' }], ['plain', {}]] as const) {
      await expect(env.setup, 201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } }));
    }
    await expect(env.setup, 201, 'POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'bench' },
      webhooks: [{
        name: 'bench.kubets.test',
        clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: Buffer.from(env.pki.caCert).toString('base64') },
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
        namespaceSelector: { matchLabels: { bench: 'webhook' } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      }],
    }));
    // The configuration must have reached the watch cache before timing starts.
    for (let i = 0; calls === 0 && i < 100; i++) {
      await expect(env.setup, 201, 'POST', '/api/v1/namespaces/hooked/configmaps', JSON.stringify(configMap('hooked', `probe-${i}`)));
      if (calls === 0) await new Promise((r) => setTimeout(r, 50));
    }
    if (calls === 0) throw new Error('the webhook was never called');
    await comparePosts(env, ops, [
      { what: 'POST, no webhook selects the namespace', ns: 'plain' },
      { what: 'POST through a validating webhook (HTTPS, loopback)', ns: 'hooked' },
    ], (rounds) => `bench/api: validating webhook cost at 64 keep-alive connections (best of ${rounds} interleaved rounds; POST durable sqlite; ${calls} webhook calls)`);
  } finally {
    hook.closeAllConnections();
    await new Promise((r) => hook.close(r));
  }
}
