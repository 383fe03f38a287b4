import test from 'ava';
import type { KubeObject } from '../../../../../api/types.ts';
import { admissionDeps, attributes, refusal } from '../../../../../testing/admission.ts';
import { namespaceLifecycle } from './index.ts';

const namespaces: Record<string, KubeObject> = {
  default: { metadata: { name: 'default' }, status: { phase: 'Active' } },
  going: { metadata: { name: 'going', deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Terminating' } },
};
const plugin = namespaceLifecycle(admissionDeps({ getObject: async (_g, resource, _ns, name) => (resource === 'namespaces' ? namespaces[name] : undefined) }));

const rejection = (a: ReturnType<typeof attributes>) => refusal(plugin.validate, a);

test('creates in an active namespace pass', async (t) => {
  t.is(await rejection(attributes('CREATE', 'configmaps', { object: { metadata: { name: 'c', namespace: 'default' } } })), undefined);
});

test('a missing namespace is NotFound', async (t) => {
  const e = await rejection(attributes('CREATE', 'configmaps', { object: { metadata: { name: 'c', namespace: 'nope' } } }));
  t.is(e?.code, 404);
  t.is(e?.message, 'namespaces "nope" not found');
});

test('a terminating namespace takes no new content but events', async (t) => {
  const e = await rejection(attributes('CREATE', 'configmaps', { object: { metadata: { name: 'c', namespace: 'going' } } }));
  t.is(e?.code, 403);
  t.is(e?.message, 'configmaps "c" is forbidden: unable to create new content in namespace going because it is being terminated');
  t.is(e?.details?.causes?.[0]?.reason, 'NamespaceTerminating');
  t.is(await rejection(attributes('CREATE', 'events', { object: { metadata: { name: 'e', namespace: 'going' } } })), undefined);
});

test('cluster-scoped creates are not looked at', async (t) => {
  t.is(await rejection(attributes('CREATE', 'nodes', { object: { metadata: { name: 'n' } } })), undefined);
});

test('system namespaces may not be deleted, others may', async (t) => {
  for (const name of ['default', 'kube-system', 'kube-public']) {
    const e = await rejection(attributes('DELETE', 'namespaces', { oldObject: { metadata: { name } } }));
    t.is(e?.message, `namespaces "${name}" is forbidden: this namespace may not be deleted`, name);
  }
  t.is(await rejection(attributes('DELETE', 'namespaces', { oldObject: { metadata: { name: 'mine' } } })), undefined);
});

test('only CREATE and DELETE are handled', (t) => {
  t.deepEqual((['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const).map((op) => plugin.handles!(op)), [true, false, true, false]);
});
