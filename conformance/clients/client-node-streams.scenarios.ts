// @kubernetes/client-node 1.4 beyond the typed calls: Watch, makeInformer across a server
// restart and a 410 Gone, KubernetesObjectApi from YAML (server-side apply included), and
// Log/Exec/Attach/PortForward while no node can serve them: logs are an empty 200 at once,
// the others fail at once with upstream's 400.

import type { ExecutionContext } from 'ava';
import { PassThrough } from 'node:stream';
import {
  Attach, CoreV1Api, Exec, KubernetesObjectApi, Log, PatchStrategy, PortForward, Watch, loadAllYaml, makeInformer,
  type KubernetesObject, type V1ConfigMap,
} from '@kubernetes/client-node';
import type { Kubets } from '../harness.ts';
import type { ClientTest } from './suite.ts';
import { as, codeOf, kubeConfig, waitFor } from './client-node.scenarios.ts';

async function watch(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const kc = kubeConfig(kubets);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = 'cn-watch';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const { metadata } = await core.listNamespacedConfigMap({ namespace });
  const seen: string[] = [];
  const req = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/configmaps`,
    { resourceVersion: metadata?.resourceVersion, labelSelector: 'watched=yes' },
    (type: string, obj: V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name} ${obj.data?.v ?? ''}`),
    () => {},
  );
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'ignored' } } });
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'w', labels: { watched: 'yes' } }, data: { v: '1' } } });
  await core.patchNamespacedConfigMap({ namespace, name: 'w', body: { data: { v: '2' } } }, as(PatchStrategy.MergePatch));
  await core.deleteNamespacedConfigMap({ namespace, name: 'w' });
  await waitFor('DELETED', async () => (seen.length === 3 ? true : undefined));
  req.abort();
  t.deepEqual(seen, ['ADDED w 1', 'MODIFIED w 2', 'DELETED w 2']);
}

async function informer(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const kc = kubeConfig(kubets);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = 'cn-informer';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'a' } } });
  let lists = 0;
  const inf = makeInformer(kc, `/api/v1/namespaces/${namespace}/configmaps`, () => {
    lists++;
    return core.listNamespacedConfigMap({ namespace });
  });
  const events: string[] = [];
  inf.on('add', (o: V1ConfigMap) => events.push(`add ${o.metadata?.name}`));
  inf.on('delete', (o: V1ConfigMap) => events.push(`delete ${o.metadata?.name}`));
  // client-node's documented pattern: an informer that lost its server is started again.
  let serverBack = false;
  let finished = false;
  let restarts = 0;
  inf.on('error', () => {
    const retry = () => {
      if (finished) return;
      if (!serverBack) return void setTimeout(retry, 200);
      restarts++;
      void inf.start().catch(() => undefined);
    };
    setTimeout(retry, 200);
  });
  await inf.start();
  await waitFor('add a', async () => (events.includes('add a') ? true : undefined));
  await kubets.restart();
  // While the informer is away: changes it must learn from its relist. Writes elsewhere move
  // the store past its last resourceVersion, so its watch from there answers 410 Gone.
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'b' } } });
  await core.deleteNamespacedConfigMap({ namespace, name: 'a' });
  await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { generateName: 'move-' } } });
  serverBack = true;
  await waitFor('relisted: add b, delete a', async () => (events.includes('add b') && events.includes('delete a') ? true : undefined), 30_000);
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'c' } } });
  await waitFor('add c from the new watch', async () => (events.includes('add c') ? true : undefined));
  finished = true;
  await inf.stop();
  t.true(restarts >= 1);
  t.is(lists, 2, 'one list at start, one after the 410');
  // kube-root-ca.crt: the controller's ConfigMap in every namespace, whenever it lands.
  t.deepEqual(inf.list().map((o) => o.metadata?.name).filter((n) => n !== 'kube-root-ca.crt').sort(), ['b', 'c']);
}

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: cn-objects}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: cn-objects}
data: {mode: a}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: cn-objects}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, image: busybox:1.36}]}
`;

async function objectApi(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig(kubets));
  const specs = loadAllYaml(MANIFESTS) as KubernetesObject[];
  for (const s of specs) await client.create(s);
  const cm = await client.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'cn-objects' } });
  t.is((cm as V1ConfigMap).data?.mode, 'a');
  const merged = await client.patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'cn-objects' }, data: { extra: '1' } } as KubernetesObject, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
  t.like((merged as V1ConfigMap).data, { mode: 'a', extra: '1' });
  const applied = await client.patch(
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'cn-objects' }, spec: { replicas: 3 } } as KubernetesObject,
    undefined, undefined, 'objects-suite', true, PatchStrategy.ServerSideApply,
  );
  t.is((applied as { spec?: { replicas?: number } }).spec?.replicas, 3);
  t.true(applied.metadata?.managedFields?.some((m) => m.manager === 'objects-suite'));
  const list = await client.list('v1', 'ConfigMap', 'cn-objects');
  t.true(list.items.some((o) => o.metadata?.name === 'settings'));
  for (const s of specs.slice(1).reverse()) await client.delete(s);
  t.is(await codeOf(client.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'cn-objects' } })), 404);
}

const NO_HOST = 'pod p does not have a host assigned';

async function streams(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const kc = kubeConfig(kubets);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = 'cn-streams';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedPod({ namespace, body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } });
  const prompt = async <T>(what: string, p: Promise<T>): Promise<unknown> => {
    const started = Date.now();
    const err = await p.then(() => undefined, (e: unknown) => e);
    t.truthy(err, `${what} must fail while no node runs the pod`);
    t.true(Date.now() - started < 10_000, `${what} failed promptly`);
    return err;
  };
  // Logs of a pod not yet on a node: upstream answers an empty 200 at once.
  const out = new PassThrough();
  const logs: Buffer[] = [];
  const ended = new Promise((r) => out.on('end', r));
  out.on('data', (c: Buffer) => logs.push(c));
  const started = Date.now();
  await new Log(kc).log(namespace, 'p', 'c', out);
  await ended;
  t.true(Date.now() - started < 10_000, 'Log answered promptly');
  t.is(Buffer.concat(logs).toString(), '');
  t.is(await core.readNamespacedPodLog({ namespace, name: 'p' }), '');
  // The Status body upstream sends, read through the typed calls of the same endpoints.
  for (const [what, call] of [
    ['exec', () => core.connectGetNamespacedPodExec({ namespace, name: 'p', command: 'ls', stdout: true })],
    ['attach', () => core.connectGetNamespacedPodAttach({ namespace, name: 'p', stdout: true })],
    ['portforward', () => core.connectGetNamespacedPodPortforward({ namespace, name: 'p', ports: 80 })],
  ] as const) {
    const e = (await prompt(what, call())) as { code?: number; body?: unknown };
    t.is(e.code, 400, what);
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as { reason?: string; message?: string }) : (e.body as { reason?: string; message?: string });
    t.like(body, { reason: 'BadRequest', message: NO_HOST }, what);
  }
  const ws = (e: unknown) => String((e as Error).message ?? e);
  const sink = new PassThrough();
  t.regex(ws(await prompt('Exec', new Exec(kc).exec(namespace, 'p', 'c', ['ls'], sink, sink, null, false))), /400/);
  t.regex(ws(await prompt('Attach', new Attach(kc).attach(namespace, 'p', 'c', sink, sink, null, false))), /400/);
  t.regex(ws(await prompt('PortForward', new PortForward(kc).portForward(namespace, 'p', [80], sink, sink, new PassThrough()))), /400/);
}

export const clientNodeStreamTests: ClientTest[] = [
  { title: 'client-node Watch: ADDED, MODIFIED, DELETED from a resourceVersion, with a label selector', run: watch },
  { title: 'client-node makeInformer: across a server restart and a 410 Gone it relists and carries on', run: informer, serial: true },
  { title: 'client-node KubernetesObjectApi: create from multi-document YAML, merge patch, server-side apply, delete', run: objectApi },
  { title: 'client-node Log, Exec, Attach, PortForward: fail at once with upstream\'s error while no node serves the pod', run: streams },
];
