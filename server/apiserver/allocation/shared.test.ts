// Two apiservers on one etcd create Services at once: every cluster IP and node port is
// handed out once, each is recorded (an IPAddress named by the IP whose parentRef is the
// Service; a bit in the shared node-port range), a race for one given IP has one winner, a
// delete frees what the Service held, and the repair pass records what is missing and frees
// what leaked.

import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTool } from '../../../testing/tools.ts';
import { startEtcd, type EtcdHarness } from '../../../testing/etcd.ts';
import { ensurePki } from '../../pki/index.ts';
import { silentLogger } from '../../log.ts';
import { startApiServer, type ApiServer } from '../app.ts';
import { createLoopbackClient, type RestClient } from '../../../client/rest.ts';
import { ApiError } from '../../../client/errors.ts';
import type { ResourceRef } from '../../../client/types.ts';
import type { KubeObject } from '../../../api/types.ts';
import { PASSES_BEFORE_FREE } from './repair.ts';

const tool = checkTool('etcd');
const services: ResourceRef = { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true };
const ipAddresses: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'ipaddresses', kind: 'IPAddress', namespaced: false };
const serviceCIDRs: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'servicecidrs', kind: 'ServiceCIDR', namespaced: false };

interface Spec {
  clusterIP: string;
  ports: { nodePort?: number }[];
}

let etcd: EtcdHarness | undefined;
let dir = '';
const servers: ApiServer[] = [];
const clients: RestClient[] = [];

if (tool.skipReason) {
  test('Service addresses shared through etcd', (t) => {
    t.log(tool.skipReason);
    t.pass();
  });
} else {
  test.before(async () => {
    etcd = await startEtcd();
    dir = await mkdtemp(join(tmpdir(), 'kubets-alloc-'));
    const pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
    for (const name of ['a', 'b']) {
      const server = await startApiServer({ dataDir: join(dir, name), port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger, etcdServers: [etcd.endpoint] });
      servers.push(server);
      clients.push(createLoopbackClient(server.url, { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey }));
    }
  });
  test.after.always(async () => {
    for (const c of clients) c.close();
    for (const s of servers) await s.close();
    await etcd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const svc = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });

  test.serial('Services created at once through two apiservers never share an IP or node port', async (t) => {
    const made = await Promise.all(
      Array.from({ length: 60 }, (_, i) => clients[i % 2].create(services, 'default', svc(`race-${i}`, { type: i % 3 ? 'NodePort' : 'ClusterIP', ports: [{ port: 80, name: 'a' }, { port: 81, name: 'b' }] }))),
    );
    const ips = made.map((s) => (s.spec as unknown as Spec).clusterIP);
    const ports = made.flatMap((s) => (s.spec as unknown as Spec).ports.map((p) => p.nodePort).filter((p) => p !== undefined));
    t.is(new Set(ips).size, 60);
    t.is(ports.length, 80);
    t.is(new Set(ports).size, 80);
    const recorded = await clients[1].list(ipAddresses, '');
    for (const s of made) {
      const a = recorded.items.find((o) => o.metadata?.name === (s.spec as unknown as Spec).clusterIP);
      t.deepEqual(a?.spec, { parentRef: { group: '', resource: 'services', namespace: 'default', name: s.metadata!.name } });
      t.is(a?.metadata?.labels?.['ipaddress.kubernetes.io/managed-by'], 'ipallocator.k8s.io');
    }
  });

  // Given addresses are taken from the static bands (the lowest IPs and node ports), which
  // dynamic allocations, like the 60 above, leave alone while the rest has room.
  test.serial('two apiservers racing for one given IP and node port: one wins, the other is Invalid', async (t) => {
    const results = await Promise.allSettled(
      clients.map((c, i) => c.create(services, 'default', svc(`want-${i}`, { type: 'NodePort', clusterIP: '10.96.0.33', ports: [{ port: 80, nodePort: 30033 }] }))),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    t.is(won.length, 1);
    t.is(lost.length, 1);
    const err: unknown = lost[0]?.reason;
    if (!(err instanceof ApiError)) return t.fail(String(err));
    t.is(err.status?.code, 422);
    t.regex(err.message, /provided (IP|port) is already allocated/);
  });

  test.serial('a deleted Service frees its IP and node port for the other apiserver', async (t) => {
    const a = await clients[0].create(services, 'default', svc('freed', { type: 'NodePort', clusterIP: '10.96.0.44', ports: [{ port: 80, nodePort: 30044 }] }));
    t.is((a.spec as unknown as Spec).clusterIP, '10.96.0.44');
    await clients[0].delete(services, 'default', 'freed');
    // The release is asynchronous to the delete: retry briefly.
    let again: KubeObject | undefined;
    for (let i = 0; i < 50 && !again; i++) {
      again = await clients[1].create(services, 'default', svc('again', { type: 'NodePort', clusterIP: '10.96.0.44', ports: [{ port: 80, nodePort: 30044 }] })).catch(async () => {
        await new Promise((r) => setTimeout(r, 50));
        return undefined;
      });
    }
    t.is((again?.spec as Spec | undefined)?.ports[0].nodePort, 30044);
  });

  test.serial('repair records a Service IP that lost its IPAddress and frees a leaked one after several passes', async (t) => {
    const s = await clients[0].create(services, 'default', svc('repaired'));
    const ip = (s.spec as unknown as Spec).clusterIP;
    await clients[0].delete(ipAddresses, '', ip);
    const leak: KubeObject = await clients[0].create(ipAddresses, '', {
      metadata: { name: '10.96.0.55', labels: { 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' } },
      spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'gone' } },
    });
    t.truthy(leak.metadata?.uid);
    const first = await servers[1].repairServiceAddresses();
    t.is(first.ipsRecorded, 1);
    t.deepEqual(first.duplicates, []);
    t.truthy((await clients[0].get(ipAddresses, '', ip)).spec);
    for (let i = 1; i < PASSES_BEFORE_FREE - 1; i++) t.is((await servers[1].repairServiceAddresses()).ipsFreed, 0);
    t.is((await servers[1].repairServiceAddresses()).ipsFreed, 1);
    await t.throwsAsync(clients[0].get(ipAddresses, '', '10.96.0.55'), { message: /not found/ });
  });

  test.serial('the default ServiceCIDR "kubernetes" exists and is Ready', async (t) => {
    const cidr = await clients[1].get(serviceCIDRs, '', 'kubernetes');
    t.deepEqual(cidr.spec, { cidrs: ['10.96.0.0/12'] });
    const ready = (cidr.status as { conditions: { type: string; status: string; message: string }[] }).conditions.find((c) => c.type === 'Ready');
    t.is(ready?.status, 'True');
    t.is(ready?.message, 'Kubernetes default Service CIDR is ready');
  });
}
