import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import type { ResourceRef } from '../../../client/types.ts';
import { R } from '../common/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { newNamespaceReconciler, CONTENT_RECHECK_MS } from './reconcile.ts';

const ns = (name: string, deleting: boolean, finalizers = ['kubernetes']): KubeObject => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
  spec: { finalizers },
  status: { phase: deleting ? 'Terminating' : 'Active' },
});

interface Case {
  name: string;
  namespace: KubeObject;
  content: [ResourceRef, KubeObject][];
  /** reconcile runs */
  passes: number;
  expectGone: boolean;
  expectRequeue?: boolean;
  expectPodsLeft?: number;
}

const pod = (name: string, finalizers?: string[]): KubeObject => ({ metadata: { name, namespace: 'a', finalizers } });

const cases: Case[] = [
  { name: 'active namespace is left alone', namespace: ns('a', false), content: [[R.pods, pod('p')]], passes: 1, expectGone: false, expectPodsLeft: 1 },
  { name: 'empty terminating namespace is finalized at once', namespace: ns('a', true), content: [], passes: 1, expectGone: true },
  { name: 'content is deleted, then the finalizer goes', namespace: ns('a', true), content: [[R.pods, pod('p')], [R.configMaps, { metadata: { name: 'c', namespace: 'a' } }]], passes: 2, expectGone: true, expectPodsLeft: 0 },
  { name: 'first pass with content asks to come back', namespace: ns('a', true), content: [[R.pods, pod('p')]], passes: 1, expectGone: false, expectRequeue: true },
  { name: 'content with a finalizer holds the namespace', namespace: ns('a', true), content: [[R.pods, pod('p', ['example.com/hold'])]], passes: 3, expectGone: false, expectPodsLeft: 1 },
  { name: 'without the kubernetes finalizer nothing is deleted', namespace: ns('a', true, ['other']), content: [[R.pods, pod('p')]], passes: 1, expectGone: false, expectPodsLeft: 1 },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    env.client.seed(R.namespaces, c.namespace);
    for (const [r, o] of c.content) env.client.seed(r, o);
    const reconcile = newNamespaceReconciler({ ...env.ctx, resources: async () => [R.pods, R.configMaps] });
    let res = {};
    for (let i = 0; i < c.passes; i++) res = await reconcile('a');
    t.is(env.client.peek(R.namespaces, '', 'a') === undefined, c.expectGone);
    if (c.expectRequeue) t.deepEqual(res, { requeueAfterMs: CONTENT_RECHECK_MS });
    if (c.expectPodsLeft !== undefined) t.is(env.client.all(R.pods, 'a').length, c.expectPodsLeft);
  });
}

test('terminating namespace reports remaining content in its conditions', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.namespaces, ns('a', true));
  env.client.seed(R.pods, pod('p', ['example.com/hold']));
  await newNamespaceReconciler({ ...env.ctx, resources: async () => [R.pods] })('a');
  const got = env.client.peek<{ status: { conditions: { type: string; status: string; message: string }[] } } & KubeObject>(R.namespaces, '', 'a');
  const byType = Object.fromEntries((got?.status.conditions ?? []).map((x) => [x.type, x]));
  t.is(byType.NamespaceContentRemaining.status, 'True');
  t.is(byType.NamespaceContentRemaining.message, 'Some resources are remaining: pods has 1 resource instances');
  t.is(byType.NamespaceFinalizersRemaining.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
});

test('finalize goes through the finalize subresource', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.namespaces, ns('a', true));
  await newNamespaceReconciler({ ...env.ctx, resources: async () => [] })('a');
  t.true(env.client.writes('update', 'namespaces').some((c) => c.subresource === 'finalize'));
});
