// Run by pack.test.ts inside a fresh project that installed the packed kubets: client-node
// (the official JavaScript client) against startKubets, the way a user's tests would use it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, KubeConfig, Watch, makeInformer } from '@kubernetes/client-node';
import { startKubets } from 'kubets';

let kubets;
let kc;
let core;
let apps;

before(async () => {
  kubets = await startKubets({ nodes: 3 });
  kc = new KubeConfig();
  kc.loadFromOptions(kubets.kubeConfigOptions);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});

after(() => kubets.stop());

test('create, read, list, update with a stale resourceVersion, delete', async () => {
  const body = { metadata: { name: 'crud', labels: { suite: 'lib' } }, data: { a: '1' } };
  const created = await core.createNamespacedConfigMap({ namespace: 'default', body });
  assert.ok(created.metadata.uid);
  await assert.rejects(core.createNamespacedConfigMap({ namespace: 'default', body }), (e) => e.code === 409);
  const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'suite=lib' });
  assert.deepEqual(list.items.map((c) => c.metadata.name), ['crud']);
  const updated = await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'crud', body: { ...created, data: { a: '2' } } });
  assert.equal(updated.data.a, '2');
  await assert.rejects(core.replaceNamespacedConfigMap({ namespace: 'default', name: 'crud', body: { ...created, data: { a: '3' } } }), (e) => e.code === 409);
  await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'crud' });
  await assert.rejects(core.readNamespacedConfigMap({ namespace: 'default', name: 'crud' }), (e) => e.code === 404);
});

test('a watch from a resourceVersion sees ADDED, MODIFIED, DELETED in order', async () => {
  const { metadata } = await core.listNamespacedSecret({ namespace: 'default' });
  const events = [];
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const watch = await new Watch(kc).watch(
    '/api/v1/namespaces/default/secrets',
    { resourceVersion: metadata.resourceVersion, fieldSelector: 'metadata.name=token' },
    (type, obj) => {
      events.push(`${type} ${obj.stringData?.v ?? Buffer.from(obj.data?.v ?? '', 'base64').toString()}`);
      if (type === 'DELETED') done();
    },
    () => {},
  );
  await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'token' }, stringData: { v: 'one' } } });
  await core.patchNamespacedSecret({ namespace: 'default', name: 'token', body: [{ op: 'replace', path: '/data/v', value: Buffer.from('two').toString('base64') }] });
  await core.deleteNamespacedSecret({ namespace: 'default', name: 'token' });
  await finished;
  watch.abort();
  assert.deepEqual(events, ['ADDED one', 'MODIFIED two', 'DELETED two']);
});

test('an informer lists, then follows changes', async () => {
  await core.createNamespace({ body: { metadata: { name: 'before-start' } } });
  const informer = makeInformer(kc, '/api/v1/namespaces', () => core.listNamespace());
  const added = [];
  let sawLate;
  const late = new Promise((resolve) => (sawLate = resolve));
  informer.on('add', (ns) => {
    added.push(ns.metadata.name);
    if (ns.metadata.name === 'after-start') sawLate();
  });
  await informer.start();
  await core.createNamespace({ body: { metadata: { name: 'after-start' } } });
  await late;
  await informer.stop();
  assert.ok(added.includes('before-start'));
  assert.ok(informer.get('after-start'));
});

test('a Deployment reaches its replicas on the simulated nodes, spread over them', async () => {
  const labels = { app: 'spread' };
  const d = await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'spread' },
      spec: { replicas: 6, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    },
  });
  const ready = await kubets.waitFor(d, (o) => o.status?.readyReplicas === 6, { timeoutMs: 30_000 });
  assert.equal(ready.status.availableReplicas, 6);
  const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=spread' });
  assert.equal(pods.items.filter((p) => p.status.phase === 'Running').length, 6);
  assert.equal(new Set(pods.items.map((p) => p.spec.nodeName)).size, 3);
});
