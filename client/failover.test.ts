// A client given several apiservers: a kubeconfig that lists them (the kubets-servers cluster
// extension, one context per server for kubectl) loads into a failover list, and calls and
// watches move past a server that refuses connections.

import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, configMaps, type TestServer } from '../testing/test-server.ts';
import { freePort } from '../testing/tools.ts';
import { renderKubeconfig } from '../server/pki/kubeconfig.ts';
import { ensurePki } from '../server/pki/index.ts';
import { loadKubeconfig, kubeconfigFromString } from './kubeconfig.ts';
import { createClient } from './rest.ts';
import type { WatchEvent } from './types.ts';

let ts: TestServer;
test.before(async () => {
  ts = await startTestServer();
});
test.after.always(async () => ts?.close());

test('a kubeconfig listing every server loads into a failover list; kubectl gets a context per server', async (t) => {
  const pki = await ensurePki(join(ts.kubeconfig, '..'), { bindAddress: '127.0.0.1' });
  const text = renderKubeconfig(pki, { server: 'https://127.0.0.1:1', servers: ['https://127.0.0.1:1', 'https://127.0.0.1:2', 'https://127.0.0.1:3'] });
  const config = kubeconfigFromString(text);
  t.is(config.server, 'https://127.0.0.1:1');
  t.deepEqual(config.servers, ['https://127.0.0.1:1', 'https://127.0.0.1:2', 'https://127.0.0.1:3']);
  t.is(kubeconfigFromString(text, { context: 'kubets-3' }).server, 'https://127.0.0.1:3');
  t.is(kubeconfigFromString(text, { context: 'kubets-3' }).servers, undefined);
  const path = join(ts.kubeconfig, '..', 'ha-kubeconfig');
  await writeFile(path, text);
  t.deepEqual(loadKubeconfig(path).servers, config.servers);
  t.is(kubeconfigFromString(renderKubeconfig(pki, { server: 'https://127.0.0.1:1' })).servers, undefined);
});

test('calls and watches move past a server that refuses connections', async (t) => {
  const dead = `https://127.0.0.1:${await freePort()}`;
  const c = createClient({ ...ts.config, server: dead, servers: [dead, ts.config.server] });
  t.teardown(() => c.close());
  const made = await c.create(configMaps, 'default', { metadata: { name: 'failover' }, data: { a: '1' } });
  t.is(made.metadata?.name, 'failover');
  const events: WatchEvent[] = [];
  const w = createClient({ ...ts.config, server: dead, servers: [dead, ts.config.server] });
  t.teardown(() => w.close());
  // The first watch finds nobody there and fails; the next one goes to the live server.
  const first = w.watch(configMaps, 'default', { resourceVersion: '0' }, (e) => events.push(e));
  await t.throwsAsync(first.done, { message: /ECONNREFUSED/ });
  const second = w.watch(configMaps, 'default', { resourceVersion: '0' }, (e) => events.push(e));
  const end = Date.now() + 5000;
  while (!events.some((e) => e.object.metadata?.name === 'failover') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  second.stop();
  t.true(events.some((e) => e.type === 'ADDED' && e.object.metadata?.name === 'failover'));
});
