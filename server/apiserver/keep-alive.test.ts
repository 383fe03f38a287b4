// Large writes one after another on one kept-alive connection, as Helm sends its release
// Secrets: none may be dropped (Node's paused-parser failure, see app.ts).

import test from 'ava';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubets } from '../../conformance/harness.ts';

test('eighty 30 KB PUTs on one keep-alive socket all answer 200', async (t) => {
  // A server in its own process: in this one, client and server share a loop and the timing never lines up.
  const k = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler,cloud-controller-manager'] });
  const pki = (f: string) => readFileSync(join(k.dataDir, 'pki', f));
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: k.caCert, cert: pki('admin.crt'), key: pki('admin.key') });
  const call = (method: string, path: string, body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = https.request(`${k.url}${path}`, { method, agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  try {
    const big = 'y'.repeat(30_000);
    const cm = (i: number) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'default' }, data: { v: `${big}${i}` } });
    t.is(await call('POST', '/api/v1/namespaces/default/configmaps', cm(0)), 201);
    const codes: (number | string)[] = [];
    for (let i = 1; i <= 80; i++) codes.push(await call('PUT', '/api/v1/namespaces/default/configmaps/big', cm(i)).catch((e: Error) => e.message));
    t.deepEqual(codes.filter((c) => c !== 200), [], 'every PUT answered');
  } finally {
    agent.destroy();
    await k.stop();
  }
});
