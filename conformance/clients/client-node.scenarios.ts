// @kubernetes/client-node 1.4's typed APIs against kubets: bodies as the generated models
// send them (no kind or apiVersion), every patch type the library offers, selectors,
// propagation and deletecollection, for core/v1, apps/v1, batch/v1, rbac/v1, networking/v1.

import https from 'node:https';
import type { ExecutionContext } from 'ava';
import {
  AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, PatchStrategy, RbacAuthorizationV1Api, ServerConfiguration,
  createConfiguration, setHeaderOptions,
} from '@kubernetes/client-node';
import type { Kubets } from '../harness.ts';
import type { ClientTest } from './suite.ts';
import { clientNodeStreamTests } from './client-node-streams.scenarios.ts';

export function kubeConfig(kubets: Kubets): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubets.kubeconfig);
  return kc;
}

export const as = (strategy: PatchStrategy) => setHeaderOptions('Content-Type', strategy);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until probe gives a value (not undefined), or fails after timeoutMs. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** The HTTP code of a rejected client call. */
export async function codeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: number }).code;
  }
}

const container = (image = 'busybox:1.36') => ({ name: 'c', image });
const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [container()] } });

async function coreV1(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const core = kubeConfig(kubets).makeApiClient(CoreV1Api);
  const namespace = 'cn-core';
  const ns = await core.createNamespace({ body: { metadata: { name: namespace } } });
  t.is(ns.kind, 'Namespace');
  for (const [name, app] of [['one', 'a'], ['two', 'a'], ['three', 'b']]) {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels: { app } }, data: { k: name } } });
  }
  t.is((await core.readNamespacedConfigMap({ namespace, name: 'one' })).data?.k, 'one');
  const listed = await core.listNamespacedConfigMap({ namespace, labelSelector: 'app=a' });
  t.deepEqual(listed.items.map((c) => c.metadata?.name).sort(), ['one', 'two']);
  t.deepEqual((await core.listNamespacedConfigMap({ namespace, fieldSelector: 'metadata.name=three' })).items.map((c) => c.metadata?.name), ['three']);
  const one = await core.readNamespacedConfigMap({ namespace, name: 'one' });
  const replaced = await core.replaceNamespacedConfigMap({ namespace, name: 'one', body: { metadata: one.metadata, data: { k: 'replaced' } } });
  t.is(replaced.data?.k, 'replaced');
  t.is(await codeOf(core.replaceNamespacedConfigMap({ namespace, name: 'one', body: { metadata: one.metadata, data: { k: 'stale' } } })), 409);

  await core.patchNamespacedConfigMap({ namespace, name: 'one', body: [{ op: 'add', path: '/data/json', value: '1' }] }, as(PatchStrategy.JsonPatch));
  await core.patchNamespacedConfigMap({ namespace, name: 'one', body: { data: { merge: '1' } } }, as(PatchStrategy.MergePatch));
  await core.patchNamespacedConfigMap({ namespace, name: 'one', body: { data: { strategic: '1' } } }, as(PatchStrategy.StrategicMergePatch));
  const applied = await core.patchNamespacedConfigMap(
    { namespace, name: 'one', fieldManager: 'client-node', force: true, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' }, data: { applied: '1' } } },
    as(PatchStrategy.ServerSideApply),
  );
  t.like(applied.data, { json: '1', merge: '1', strategic: '1', applied: '1' });
  t.true(applied.metadata?.managedFields?.some((m) => m.manager === 'client-node' && m.operation === 'Apply'));

  // Strategic merge on a pod merges containers by name.
  await core.createNamespacedPod({ namespace, body: { metadata: { name: 'p' }, spec: { containers: [container()] } } });
  const patched = await core.patchNamespacedPod({ namespace, name: 'p', body: { spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } } }, as(PatchStrategy.StrategicMergePatch));
  t.deepEqual(patched.spec?.containers.map((c) => `${c.name}=${c.image}`), ['c=busybox:1.37']);

  // A dry-run delete of a Service keeps its ClusterIP taken.
  const svc = await core.createNamespacedService({ namespace, body: { metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } } });
  await core.deleteNamespacedService({ namespace, name: 's', dryRun: 'All' });
  const again = core.createNamespacedService({ namespace, body: { metadata: { name: 's2' }, spec: { clusterIP: svc.spec?.clusterIP, ports: [{ port: 80 }] } } });
  t.is(await codeOf(again), 422);
  t.truthy(await core.readNamespacedService({ namespace, name: 's' }));

  const status = await core.deleteNamespacedConfigMap({ namespace, name: 'two' });
  t.is(status.status, 'Success');
  await core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector: 'app' });
  t.deepEqual((await core.listNamespacedConfigMap({ namespace, labelSelector: 'app' })).items, []);
}

async function appsV1(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const kc = kubeConfig(kubets);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const namespace = 'cn-apps';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const spec = { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template('web') };
  await apps.createNamespacedDeployment({ namespace, body: { metadata: { name: 'web', labels: { tier: 'front' } }, spec } });
  // The controller records its revision with the status: generation stays 1.
  const recorded = await waitFor('revision 1 with observedGeneration 1', async () => {
    const d = await apps.readNamespacedDeployment({ namespace, name: 'web' });
    return d.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '1' && d.status?.observedGeneration === 1 ? d : undefined;
  });
  t.is(recorded.metadata?.generation, 1);
  t.deepEqual((await apps.listNamespacedDeployment({ namespace, labelSelector: 'tier=front' })).items.map((d) => d.metadata?.name), ['web']);
  const scale = await apps.replaceNamespacedDeploymentScale({ namespace, name: 'web', body: { metadata: { name: 'web', namespace }, spec: { replicas: 2 } } });
  t.is(scale.spec?.replicas, 2);
  const smp = await apps.patchNamespacedDeployment({ namespace, name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } } } } }, as(PatchStrategy.StrategicMergePatch));
  t.is(smp.spec?.template.spec?.containers.length, 1);
  t.is(smp.metadata?.generation, 3);
  await waitFor('two ReplicaSets', async () => ((await apps.listNamespacedReplicaSet({ namespace })).items.length === 2 ? true : undefined));

  const ds = await apps.createNamespacedDaemonSet({ namespace, body: { metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'ds' } }, template: template('ds') } } });
  t.like(ds.status, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  const sts = await apps.createNamespacedStatefulSet({
    namespace,
    body: {
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db', selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ ...container(), volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
  });
  t.is(sts.status?.replicas, 0);

  // Foreground deletion: the Deployment goes after its ReplicaSets.
  await apps.deleteNamespacedDeployment({ namespace, name: 'web', propagationPolicy: 'Foreground' });
  await waitFor('ReplicaSets collected', async () => ((await apps.listNamespacedReplicaSet({ namespace })).items.length === 0 ? true : undefined));
  await waitFor('Deployment gone', async () => ((await codeOf(apps.readNamespacedDeployment({ namespace, name: 'web' }))) === 404 ? true : undefined));
  await apps.deleteCollectionNamespacedDaemonSet({ namespace });
  t.deepEqual((await apps.listNamespacedDaemonSet({ namespace })).items, []);
}

async function batchRbacNetworking(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const kc = kubeConfig(kubets);
  const core = kc.makeApiClient(CoreV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const net = kc.makeApiClient(NetworkingV1Api);
  const namespace = 'cn-misc';
  await core.createNamespace({ body: { metadata: { name: namespace } } });

  const jobSpec = { template: { spec: { restartPolicy: 'Never', containers: [container()] } } };
  await batch.createNamespacedJob({ namespace, body: { metadata: { name: 'once', labels: { kind: 'job' } }, spec: { ...jobSpec, suspend: true } } });
  await batch.createNamespacedCronJob({ namespace, body: { metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: jobSpec } } } });
  t.deepEqual((await batch.listNamespacedJob({ namespace, labelSelector: 'kind=job' })).items.map((j) => j.metadata?.name), ['once']);
  const suspended = await batch.patchNamespacedCronJob({ namespace, name: 'nightly', body: { spec: { suspend: true } } }, as(PatchStrategy.MergePatch));
  t.is(suspended.spec?.suspend, true);
  await batch.deleteNamespacedJob({ namespace, name: 'once', propagationPolicy: 'Background' });
  await batch.deleteCollectionNamespacedCronJob({ namespace });
  t.deepEqual((await batch.listNamespacedCronJob({ namespace })).items, []);

  const role = await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } });
  await rbac.replaceNamespacedRole({ namespace, name: 'reader', body: { metadata: role.metadata, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] } });
  await rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }] } });
  t.deepEqual((await rbac.readNamespacedRole({ namespace, name: 'reader' })).rules?.[0].verbs, ['get', 'list']);
  await rbac.createClusterRole({ body: { metadata: { name: 'cn-viewer', labels: { suite: 'clients' } }, rules: [] } });
  await rbac.patchClusterRole({ name: 'cn-viewer', body: [{ op: 'add', path: '/rules/-', value: { nonResourceURLs: ['/healthz'], verbs: ['get'] } }] }, as(PatchStrategy.JsonPatch));
  t.is((await rbac.readClusterRole({ name: 'cn-viewer' })).rules?.length, 1);
  await rbac.deleteCollectionClusterRole({ labelSelector: 'suite=clients' });
  t.is(await codeOf(rbac.readClusterRole({ name: 'cn-viewer' })), 404);

  await net.createNamespacedNetworkPolicy({ namespace, body: { metadata: { name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } } });
  const ing = await net.createNamespacedIngress({
    namespace,
    body: { metadata: { name: 'web' }, spec: { rules: [{ host: 'web.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
  });
  t.is(ing.spec?.rules?.[0].http?.paths[0].pathType, 'Prefix');
  const ic = await net.createIngressClass({ body: { metadata: { name: 'cn-class' }, spec: { controller: 'example.com/ingress' } } });
  t.is(ic.kind, 'IngressClass');
  await net.deleteIngressClass({ name: 'cn-class' });
  await net.deleteCollectionNamespacedNetworkPolicy({ namespace });
  t.deepEqual((await net.listNamespacedNetworkPolicy({ namespace })).items, []);
}

/**
 * The README's kept-alive agent: client-node 1.4 makes a new https.Agent (a new connection and
 * TLS handshake) per call, and a middleware of the library's own configuration can hand every
 * call one kept-alive agent instead. Calls, per-call options included, then share a connection.
 */
async function keptAliveAgent(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const kc = kubeConfig(kubets);
  const tls: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(tls);
  const agent = new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
  t.teardown(() => agent.destroy());
  let connections = 0;
  const proto = agent as unknown as { createConnection: (...a: unknown[]) => unknown };
  const create = proto.createConnection.bind(agent);
  proto.createConnection = (...a: unknown[]) => (connections++, create(...a));
  const core = new CoreV1Api(createConfiguration({
    baseServer: new ServerConfiguration(kc.getCurrentCluster()!.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [{ pre: async (ctx) => (ctx.setAgent(agent), ctx), post: async (res) => res }],
  }));
  const namespace = 'cn-kept-alive';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const name of ['a', 'b', 'c']) await core.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data: { k: name } } });
  const patched = await core.patchNamespacedConfigMap({ namespace, name: 'a', body: { data: { k: 'merged' } } }, as(PatchStrategy.MergePatch));
  t.is(patched.data?.k, 'merged');
  t.deepEqual((await core.listNamespacedConfigMap({ namespace })).items.map((c) => c.metadata?.name).filter((n) => n !== 'kube-root-ca.crt'), ['a', 'b', 'c']);
  await core.deleteNamespace({ name: namespace });
  t.is(connections, 1, 'every call went over the one kept-alive connection');
}

export const clientNodeTests: ClientTest[] = [
  { title: 'client-node core/v1: CRUD without kind, selectors, every patch type, dry-run delete, deletecollection', run: coreV1 },
  { title: 'client-node apps/v1: generation stays 1, scale, strategic merge, zero statuses, claim mounts, foreground deletion', run: appsV1 },
  { title: 'client-node batch/v1, rbac/v1 and networking/v1: create, list, replace, patch, delete, deletecollection', run: batchRbacNetworking },
  { title: 'client-node on one kept-alive https.Agent set by its middleware: every call shares one connection', run: keptAliveAgent },
  ...clientNodeStreamTests,
];
