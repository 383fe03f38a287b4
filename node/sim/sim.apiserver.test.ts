// End to end against a real in-process apiserver (no controllers): three simulated nodes, the
// scheduler, and pods created directly. Crosses layers on purpose (node/ never imports server/
// outside tests).

import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/pod/types.ts';
import { systemClock } from '../../client/clock.ts';
import { createInformerFactory } from '../../client/informer.ts';
import { createClient } from '../../client/rest.ts';
import { startApiServer } from '../../server/apiserver/app.ts';
import { silentLogger } from '../../server/log.ts';
import { ensurePki } from '../../server/pki/index.ts';
import { PODS, startScheduler } from '../../server/scheduler/scheduler.ts';
import { startSimulatedNodes } from './index.ts';
import type { KubeObject } from '../../api/types.ts';

async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('pods created directly get scheduled onto simulated nodes and run', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-sim-'));
  const pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
  const server = await startApiServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
  const client = createClient({ server: server.url, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey, qps: 0 });
  const informers = createInformerFactory(client);
  const sim = startSimulatedNodes({ client, informers, count: 3, namePrefix: 'sim-node-', log: silentLogger, clock: systemClock });
  const sched = startScheduler({ client, informers, log: silentLogger, clock: systemClock });
  t.teardown(async () => {
    sched.stop();
    sim.stop();
    informers.stop();
    client.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  await sim.ready;

  const pod = (name: string, cpu: string, extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'main', image: 'nginx:1.27', resources: { requests: { cpu } } }], ...extra },
  });
  for (let i = 0; i < 6; i++) await client.create(PODS, 'default', pod(`web-${i}`, '2'));
  await client.create(PODS, 'default', pod('job', '100m', { restartPolicy: 'Never' }));
  await client.create(PODS, 'default', pod('huge', '64'));

  const list = async () => (await client.list<Pod>(PODS, 'default')).items;
  // The six web pods (the job's may be Running for a moment too). The first may meet a scheduler
  // whose node informer has not heard of the nodes yet ("no nodes available") and go once they come.
  await eventually(async () => (await list()).filter((p) => p.metadata?.name?.startsWith('web-') && p.status?.phase === 'Running').length === 6, 15_000, 'six running web pods');
  const pods = await list();
  for (const p of pods.filter((x) => x.metadata?.name?.startsWith('web-'))) {
    t.regex(p.spec?.nodeName ?? '', /^sim-node-[012]$/);
    t.is(p.status?.phase, 'Running');
    t.regex(String(p.status?.podIP), /^10\.244\.[012]\.\d+$/);
    // The strategic patch merged as a kubelet's does: its conditions in its order, the scheduler's kept.
    const conds = (p.status?.conditions ?? []) as Array<{ type: string; status: string; reason?: string }>;
    t.deepEqual(conds.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    t.false(Object.keys(p.status ?? {}).some((k) => k.startsWith('$')));
  }
  await eventually(async () => (await list()).find((p) => p.metadata?.name === 'job')?.status?.phase === 'Succeeded', 10_000, 'the job pod to succeed');
  await eventually(async () => {
    const huge = (await list()).find((p) => p.metadata?.name === 'huge');
    const cond = (huge?.status?.conditions as Array<{ type: string; message?: string }> | undefined)?.find((c) => c.type === 'PodScheduled');
    return cond?.message === '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
  }, 10_000, 'the unschedulable condition on the huge pod');
  const nodes = (await client.list({ group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false }, '')).items;
  t.is(nodes.length, 3);
  const leases = (await client.list({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true }, 'kube-node-lease')).items;
  t.is(leases.length, 3);
});

test('a status patch carrying the uid of another pod (one recreated under the same name) is refused and changes nothing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-sim-uid-'));
  const pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
  const server = await startApiServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
  const client = createClient({ server: server.url, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey, qps: 0 });
  t.teardown(async () => {
    client.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  await eventually(async () => Boolean(await client.get(PODS, 'kube-system', 'none').catch((e: { code?: number }) => e.code === 404)), 15_000, 'the apiserver to serve');
  const made = await client.create<Pod>(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  const err = await t.throwsAsync(
    client.patch(PODS, 'default', 'p', 'strategic', { metadata: { uid: 'some-older-pod' }, status: { phase: 'Running' } }, { subresource: 'status' }),
  );
  t.like(err, { code: 422, reason: 'Invalid', message: 'Pod "p" is invalid: metadata.uid: Invalid value: "some-older-pod": field is immutable' });
  const after = await client.get<Pod>(PODS, 'default', 'p');
  t.is(after?.metadata?.uid, made.metadata?.uid);
  t.is(after?.metadata?.resourceVersion, made.metadata?.resourceVersion, 'nothing was written');
  // The pod's own uid is accepted, as a kubelet sends it.
  const ok = await client.patch<Pod>(PODS, 'default', 'p', 'strategic', { metadata: { uid: made.metadata?.uid }, status: { phase: 'Running' } }, { subresource: 'status' });
  t.is(ok.status?.phase, 'Running');
});
