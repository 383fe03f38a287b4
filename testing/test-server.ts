// For client/ tests: a real kubets apiserver in this process (port 0, a temp data dir) and an
// admin kubeconfig for it.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../server/apiserver/app.ts';
import { ensurePki } from '../server/pki/index.ts';
import { writeKubeconfig } from '../server/pki/kubeconfig.ts';
import { silentLogger } from '../server/log.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { createClient, type RestClient, type RestConfig } from '../client/rest.ts';
import type { ResourceRef } from '../client/types.ts';

export interface TestServer {
  server: ApiServer;
  kubeconfig: string;
  config: RestConfig;
  client(extra?: Partial<RestConfig>): RestClient;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-client-'));
  const pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
  const server = await startApiServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
  const kubeconfig = await writeKubeconfig(dir, pki, { server: server.url });
  const config = loadKubeconfig(kubeconfig);
  const clients: RestClient[] = [];
  return {
    server,
    kubeconfig,
    config,
    client(extra = {}) {
      const c = createClient({ ...config, ...extra });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const configMaps: ResourceRef = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true };
export const leases: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };
export const events: ResourceRef = { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true };
export const namespaces: ResourceRef = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };

/** Polls until the check passes or the time runs out. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
