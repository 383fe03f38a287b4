// ava: a kubets of its own for every test, so tests run at once and never see each other's objects.
import test from 'ava';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { startKubets } from 'kubets';

test.beforeEach(async (t) => {
  const kubets = await startKubets();
  const kc = new KubeConfig();
  kc.loadFromString(kubets.kubeconfig);
  t.context = { kubets, kc, core: kc.makeApiClient(CoreV1Api) };
});

test.afterEach.always((t) => t.context.kubets?.stop());

test('a watch sees the Namespace we create', async (t) => {
  const { kc, core } = t.context;
  let seen;
  const event = new Promise((resolve) => (seen = resolve));
  const watch = await new Watch(kc).watch(
    '/api/v1/namespaces',
    { fieldSelector: 'metadata.name=team-a' },
    (type, obj) => seen(`${type} ${obj.metadata.name}`),
    () => {},
  );
  t.teardown(() => watch.abort());
  await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
  t.is(await event, 'ADDED team-a');
});

for (const mode of ['fast', 'safe']) {
  test(`ConfigMap "settings" (${mode}): no other test's is in the way`, async (t) => {
    const { core } = t.context;
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'settings' }, data: { mode } },
    });
    const cm = await core.readNamespacedConfigMap({ namespace: 'default', name: 'settings' });
    t.is(cm.data.mode, mode);
  });
}
