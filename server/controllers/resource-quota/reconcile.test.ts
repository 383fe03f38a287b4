import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { R } from '../common/resources.ts';
import { PVCS, QUOTAS } from '../node-lifecycle/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { countedResource, newResourceQuotaReconciler, QUOTA_RESYNC_MS } from './reconcile.ts';
import { formatQuantity, type ResourceQuota } from '../../../api/core/resource-quota/usage.ts';

const pod = (name: string, o: { cpu?: string; mem?: string; limCpu?: string; phase?: string; deadline?: number; init?: string } = {}): KubeObject => ({
  metadata: { name, namespace: 'a' },
  spec: {
    containers: [{ name: 'c', resources: { ...(o.cpu || o.mem ? { requests: { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.mem ? { memory: o.mem } : {}) } } : {}), ...(o.limCpu ? { limits: { cpu: o.limCpu } } : {}) } }],
    ...(o.init ? { initContainers: [{ name: 'i', resources: { requests: { cpu: o.init } } }] } : {}),
    ...(o.deadline ? { activeDeadlineSeconds: o.deadline } : {}),
  },
  status: { phase: o.phase ?? 'Running' },
});

interface Case {
  name: string;
  hard: Record<string, string>;
  scopes?: string[];
  objects: [typeof R.pods, KubeObject][];
  expectUsed: Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'counts and compute of non-terminal pods',
    hard: { pods: '10', 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', cpu: '4' },
    objects: [[R.pods, pod('a', { cpu: '500m', mem: '1Gi', limCpu: '1' })], [R.pods, pod('b', { cpu: '1', mem: '512Mi' })], [R.pods, pod('done', { cpu: '2', phase: 'Succeeded' })]],
    expectUsed: { pods: '2', 'requests.cpu': '1500m', 'requests.memory': '1536Mi', 'limits.cpu': '1', cpu: '1500m' },
  },
  { name: 'init containers count when larger', hard: { 'requests.cpu': '4' }, objects: [[R.pods, pod('a', { cpu: '100m', init: '2' })]], expectUsed: { 'requests.cpu': '2' } },
  {
    name: 'object counts',
    hard: { configmaps: '5', secrets: '5', services: '2', 'services.nodeports': '2', persistentvolumeclaims: '1', 'requests.storage': '10Gi', 'count/deployments.apps': '3', 'count/widgets.example.com': '1' },
    objects: [
      [R.configMaps, { metadata: { name: 'c', namespace: 'a' } }],
      [R.secrets, { metadata: { name: 's1', namespace: 'a' } }],
      [R.secrets, { metadata: { name: 's2', namespace: 'a' } }],
      [R.secrets, { metadata: { name: 'other-ns', namespace: 'b' } }],
      [R.services, { metadata: { name: 'np', namespace: 'a' }, spec: { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] } }],
      [PVCS, { metadata: { name: 'data', namespace: 'a' }, spec: { resources: { requests: { storage: '2Gi' } } } }],
      [R.deployments, { metadata: { name: 'd', namespace: 'a' } }],
    ],
    expectUsed: { configmaps: '1', secrets: '2', services: '1', 'services.nodeports': '2', persistentvolumeclaims: '1', 'requests.storage': '2Gi', 'count/deployments.apps': '1' },
  },
  {
    name: 'scopes select pods',
    hard: { pods: '5' },
    scopes: ['NotTerminating', 'NotBestEffort'],
    objects: [[R.pods, pod('best-effort')], [R.pods, pod('burstable', { cpu: '1' })], [R.pods, pod('job', { cpu: '1', deadline: 60 })]],
    expectUsed: { pods: '1' },
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    for (const [r, o] of c.objects) env.client.seed(r, o);
    env.client.seed(QUOTAS, { metadata: { name: 'q', namespace: 'a' }, spec: { hard: c.hard, ...(c.scopes ? { scopes: c.scopes } : {}) } });
    const reconcile = newResourceQuotaReconciler(env.ctx);
    t.is((await reconcile('a/q')).requeueAfterMs, QUOTA_RESYNC_MS);
    const status = env.client.peek<ResourceQuota>(QUOTAS, 'a', 'q')?.status;
    t.deepEqual(status?.hard, c.hard);
    t.deepEqual(status?.used, c.expectUsed);
    const n = env.client.calls.length;
    await reconcile('a/q');
    t.is(env.client.calls.length, n, 'unchanged usage writes nothing');
  });
}

const formats: [number, boolean, string][] = [[0, false, '0'], [1.5, false, '1500m'], [2, false, '2'], [2 ** 30, true, '1Gi'], [1536 * 2 ** 20, true, '1536Mi'], [5000, false, '5k'], [1001, true, '1001']];
for (const [v, bin, want] of formats) test(`formatQuantity(${v}, ${bin})`, (t) => t.is(formatQuantity(v, bin), want));

test('count/ names resolve to registered resources', (t) => {
  t.is(countedResource('count/deployments.apps')?.kind, 'Deployment');
  t.is(countedResource('count/secrets')?.kind, 'Secret');
  t.is(countedResource('count/nope.example.com'), undefined);
});
