// A CRD given to startKubets is served when it resolves: custom objects through client-node's
// CustomObjectsApi, validated against the schema, defaulted, with a status subresource.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { readCrds, startKubets } from 'kubets';

const CRDS = fileURLToPath(new URL('./crds', import.meta.url));
const widgets = { group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets' };
let kubets;
let custom;

before(async () => {
  kubets = await startKubets({ crds: CRDS, controllers: false, scheduler: false });
  const kc = new KubeConfig();
  kc.loadFromString(kubets.kubeconfig);
  custom = kc.makeApiClient(CustomObjectsApi);
});

after(() => kubets.stop());

test('readCrds finds the CRD and skips other kinds', async () => {
  assert.deepEqual((await readCrds(CRDS)).map((c) => c.metadata.name), ['widgets.example.com']);
});

test('custom objects: created with defaults, refused by the schema, status through its subresource', async () => {
  const created = await custom.createNamespacedCustomObject({ ...widgets, body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } } });
  assert.equal(created.spec.color, 'blue');
  await assert.rejects(
    custom.createNamespacedCustomObject({ ...widgets, body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2' }, spec: { size: 0 } } }),
    (e) => e.code === 422,
  );
  await custom.patchNamespacedCustomObjectStatus({ ...widgets, name: 'w1', body: [{ op: 'add', path: '/status', value: { phase: 'Ready' } }] });
  const got = await custom.getNamespacedCustomObject({ ...widgets, name: 'w1' });
  assert.equal(got.status.phase, 'Ready');
  const ready = await kubets.waitFor(got, (w) => w.status?.phase === 'Ready');
  assert.equal(ready.metadata.name, 'w1');
});
