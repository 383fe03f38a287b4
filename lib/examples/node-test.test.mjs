// node --test: one kubets for the whole file, two simulated nodes to run the pods.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startKubets } from 'kubets';

let kubets;
let core;
let apps;

before(async () => {
  kubets = await startKubets({ nodes: 2 });
  const kc = new KubeConfig();
  kc.loadFromString(kubets.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});

after(() => kubets.stop());

test('a ConfigMap is stored and read back', async () => {
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'settings' }, data: { mode: 'fast' } },
  });
  const cm = await core.readNamespacedConfigMap({ namespace: 'default', name: 'settings' });
  assert.equal(cm.data.mode, 'fast');
});

test('a Deployment reaches its replicas', async () => {
  const labels = { app: 'web' };
  const deployment = await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      },
    },
  });
  const ready = await kubets.waitForCondition(deployment, 'Available');
  assert.equal(ready.status.readyReplicas, 3);
});
