// Several instances in one process, used at once, then stopped: nothing of them is left that
// would keep the process alive (node:test would hang on it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startKubets } from 'kubets';

const LIVE = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout', 'Immediate', 'FSReqCallback'];
const live = () => process.getActiveResourcesInfo().filter((r) => LIVE.includes(r));

test('three instances side by side, each its own cluster, and nothing left after stop()', async () => {
  const before = live();
  const instances = await Promise.all([1, 2, 3].map(() => startKubets()));
  assert.equal(new Set(instances.map((k) => k.url)).size, 3);
  await Promise.all(
    instances.map(async (k, i) => {
      const kc = new KubeConfig();
      kc.loadFromString(k.kubeconfig);
      const core = kc.makeApiClient(CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: `only-in-${i}` } } });
      const names = (await core.listNamespace()).items.map((n) => n.metadata.name);
      assert.deepEqual(names.filter((n) => n.startsWith('only-in-')), [`only-in-${i}`]);
    }),
  );
  await Promise.all(instances.map((k) => k.stop()));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(live(), before);
});
