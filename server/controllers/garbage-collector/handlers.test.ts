import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { R } from '../common/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { gcKey, OwnerGraph } from './graph.ts';
import { registerGarbageCollectorHandlers } from './handlers.ts';

const ref = (name: string, uid: string) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, controller: true, blockOwnerDeletion: true });
const podOf = (name: string, owner: { name: string; uid: string }, extra: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject => ({
  metadata: { name, namespace: 'a', ownerReferences: [ref(owner.name, owner.uid)], ...extra },
});

test('gc handlers: a dependent whose owner stands in the cache is not queued; one whose owner is absent, replaced or waiting is', async (t) => {
  const env = fakeEnv();
  const live = env.client.seed<KubeObject>(R.replicaSets, { metadata: { name: 'live', namespace: 'a' } });
  const waiting = env.client.seed<KubeObject>(R.replicaSets, { metadata: { name: 'waiting', namespace: 'a', deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] } });
  const graph = new OwnerGraph(env.informers);
  const keys: string[] = [];
  registerGarbageCollectorHandlers(graph, (k) => keys.push(k));
  const liveOwner = { name: 'live', uid: live.metadata!.uid! };

  await env.client.create(R.pods, 'a', podOf('kept', liveOwner));
  await env.client.update(R.pods, 'a', { ...podOf('kept', liveOwner), status: { phase: 'Running' } } as KubeObject);
  t.deepEqual(keys, []);

  await env.client.create(R.pods, 'a', podOf('dangling', { name: 'gone', uid: 'gone-uid' }));
  await env.client.create(R.pods, 'a', podOf('stale', { name: 'live', uid: 'old-uid' }));
  await env.client.create(R.pods, 'a', podOf('blocking', { name: 'waiting', uid: waiting.metadata!.uid! }));
  await env.client.create(R.pods, 'a', podOf('finalizing', liveOwner, { deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['orphan'] }));
  t.deepEqual(keys, ['dangling', 'stale', 'blocking', 'finalizing'].map((n) => gcKey(R.pods, 'a', n)));
});

test('gc graph: Events are never watched (upstream ignores them by default), other resources are', (t) => {
  const env = fakeEnv();
  const graph = new OwnerGraph(env.informers, []);
  t.false(graph.add({ group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true }));
  t.false(graph.add({ group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', namespaced: true }));
  t.true(graph.add(R.configMaps));
  t.deepEqual(graph.monitored.map((r) => r.plural), ['configmaps']);
});
