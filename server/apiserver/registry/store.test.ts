// The generic engine over an in-memory store: the write pipeline's order, create, update,
// dry run, preconditions, finalizers, graceful deletion and the kind's store hooks.

import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import { configMap, testEngines } from '../../../testing/engine.ts';
import type { AdmissionPlugin, Attributes } from '../admission/types.ts';

async function status(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return { code: e.code, reason: e.reason, message: e.message };
    throw e;
  }
  throw new Error('expected a StatusError');
}

test('create fills system metadata, generateName, and reads back', async (t) => {
  const env = testEngines();
  const cms = env.engine('configmaps');
  const made = await cms.create(env.ctx(), { ...configMap(''), metadata: { generateName: 'cm-' } });
  t.like(made.metadata, { name: 'cm-xxxx1', namespace: 'default', uid: 'uid-1', creationTimestamp: '2024-05-01T10:00:00Z' });
  t.truthy(made.metadata?.resourceVersion);
  t.deepEqual(await cms.get(env.ctx(), 'cm-xxxx1'), made);
  t.is((await status(cms.create(env.ctx(), configMap('cm-xxxx1')))).code, 409);
  await env.close();
});

test('the body must name this kind and may not name another namespace', async (t) => {
  const env = testEngines();
  const cms = env.engine('configmaps');
  t.regex((await status(cms.create(env.ctx(), { ...configMap('a'), kind: 'Secret' }))).message, /cannot be handled as a ConfigMap/);
  const other = await status(cms.create(env.ctx(), configMap('a', {}, { namespace: 'other' })));
  t.is(other.code, 400);
  await env.close();
});

test('admission runs in upstream order around the kind\'s own prepare and validation', async (t) => {
  const seen: string[] = [];
  const plugin: AdmissionPlugin = {
    name: 'Recorder',
    admit(a: Attributes) {
      seen.push(`admit ${a.operation} uid=${a.object?.metadata?.uid ?? '-'} phase=${(a.object?.status as { phase?: string } | undefined)?.phase ?? '-'}`);
      if (a.object) (a.object.spec as Record<string, unknown>).serviceAccountName = 'set-by-admission';
    },
    validate(a: Attributes) {
      seen.push(`validate ${a.operation} uid=${a.object?.metadata?.uid ?? '-'} phase=${(a.object?.status as { phase?: string } | undefined)?.phase ?? '-'}`);
    },
  };
  const env = testEngines([plugin]);
  const pods = env.engine('pods');
  const pod = await pods.create(env.ctx(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  // Mutating admission saw the raw object (no uid, no defaults); validating saw the prepared one.
  t.deepEqual(seen, ['admit CREATE uid=- phase=-', 'validate CREATE uid=uid-1 phase=Pending']);
  t.is((pod.spec as { serviceAccountName?: string }).serviceAccountName, 'set-by-admission');
  await env.close();
});

test('what mutating admission sets is validated by the kind', async (t) => {
  const bad: AdmissionPlugin = { name: 'Bad', admit: (a) => void ((a.object!.spec as Record<string, unknown>).serviceAccountName = 'Not_A_Name') };
  const env = testEngines([bad]);
  const e = await status(env.engine('pods').create(env.ctx(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } }));
  t.is(e.code, 422);
  t.regex(e.message, /spec.serviceAccountName/);
  await env.close();
});

test('a dry-run create validates and admits but stores nothing', async (t) => {
  const env = testEngines();
  const cms = env.engine('configmaps');
  const made = await cms.create(env.ctx({ dryRun: true }), configMap('dry'));
  t.is(made.metadata?.name, 'dry');
  t.is((await status(cms.get(env.ctx(), 'dry'))).code, 404);
  await env.close();
});

test('update: resourceVersion guards, none means unconditional, uid must match', async (t) => {
  const env = testEngines();
  const cms = env.engine('configmaps');
  const made = await cms.create(env.ctx(), configMap('u', { a: '1' }));
  const rv = made.metadata!.resourceVersion!;
  const next = await cms.update(env.ctx(), 'u', configMap('u', { a: '2' }, { resourceVersion: rv }));
  t.false(next.created);
  t.is((next.object.data as Record<string, string>).a, '2');
  t.is(next.object.metadata?.uid, made.metadata?.uid);
  t.is(next.object.metadata?.creationTimestamp, made.metadata?.creationTimestamp);
  const stale = await status(cms.update(env.ctx(), 'u', configMap('u', { a: '3' }, { resourceVersion: rv })));
  t.is(stale.code, 409);
  t.is(stale.message, 'Operation cannot be fulfilled on configmaps "u": the object has been modified; please apply your changes to the latest version and try again');
  t.deepEqual((await cms.update(env.ctx(), 'u', configMap('u', { a: '4' }))).object.data, { a: '4' }, 'no resourceVersion: unconditional');
  t.is((await status(cms.update(env.ctx(), 'u', configMap('u', {}, { uid: 'another' })))).code, 422);
  t.is((await status(cms.update(env.ctx(), 'missing', configMap('missing')))).code, 404);
  await env.close();
});

test('status is kept by main writes and only changed through the status subresource', async (t) => {
  const env = testEngines();
  const pods = env.engine('pods');
  const pod = await pods.create(env.ctx(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  const withStatus = { ...pod, status: { phase: 'Running' } };
  t.is(((await pods.update(env.ctx(), 'p', withStatus)).object.status as { phase: string }).phase, 'Pending');
  const r = await pods.updateWith(env.ctx(), 'p', (cur) => ({ ...cur!, status: { ...(cur!.status as object), phase: 'Running' }, spec: { changed: true } }), 'status', false);
  t.is((r.object.status as { phase: string }).phase, 'Running');
  t.deepEqual((r.object.spec as { containers: unknown[] }).containers.length, 1, 'a status write keeps the spec');
  await env.close();
});

test('delete: preconditions, dry run, and a Status-free result', async (t) => {
  const env = testEngines();
  const cms = env.engine('configmaps');
  const made = await cms.create(env.ctx(), configMap('d'));
  const uidClash = await status(cms.delete(env.ctx(), 'd', { preconditions: { uid: 'other' } }));
  t.is(uidClash.code, 409);
  t.is(uidClash.message, `Operation cannot be fulfilled on configmaps "d": Precondition failed: UID in precondition: other, UID in object meta: ${made.metadata!.uid}`);
  t.is((await status(cms.delete(env.ctx(), 'd', { preconditions: { resourceVersion: '999' } }))).code, 409);
  t.true((await cms.delete(env.ctx({ dryRun: true }), 'd', {})).deleted);
  t.truthy(await cms.get(env.ctx(), 'd'), 'a dry-run delete leaves it');
  const gone = await cms.delete(env.ctx(), 'd', { preconditions: { uid: made.metadata!.uid } });
  t.true(gone.deleted);
  t.is((await status(cms.get(env.ctx(), 'd'))).code, 404);
  await env.close();
});

test('finalizers hold a deleted object until the last one is removed', async (t) => {
  const env = testEngines();
  const cms = env.engine('configmaps');
  await cms.create(env.ctx(), configMap('f', {}, { finalizers: ['example.com/hold'] }));
  const marked = await cms.delete(env.ctx(), 'f', {});
  t.false(marked.deleted);
  t.is(marked.object.metadata?.deletionTimestamp, '2024-05-01T10:00:00Z');
  t.is(marked.object.metadata?.deletionGracePeriodSeconds, 0);
  await cms.updateWith(env.ctx(), 'f', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, finalizers: [] } }), undefined, false);
  t.is((await status(cms.get(env.ctx(), 'f'))).code, 404);
  await env.close();
});

test('propagationPolicy Foreground and Orphan add their finalizers', async (t) => {
  const env = testEngines();
  const cms = env.engine('configmaps');
  await cms.create(env.ctx(), configMap('fg'));
  await cms.create(env.ctx(), configMap('or'));
  t.deepEqual((await cms.delete(env.ctx(), 'fg', { propagationPolicy: 'Foreground' })).object.metadata?.finalizers, ['foregroundDeletion']);
  t.deepEqual((await cms.delete(env.ctx(), 'or', { orphanDependents: true })).object.metadata?.finalizers, ['orphan']);
  await env.close();
});

test('a pod on a node is deleted gracefully; grace 0 removes it', async (t) => {
  const env = testEngines();
  const pods = env.engine('pods');
  const spec = { containers: [{ name: 'c', image: 'x' }], terminationGracePeriodSeconds: 20 };
  await pods.create(env.ctx(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unbound' }, spec });
  t.true((await pods.delete(env.ctx(), 'unbound', {})).deleted, 'an unscheduled pod goes at once');
  await pods.create(env.ctx(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bound' }, spec: { ...spec, nodeName: 'n1' } });
  const graceful = await pods.delete(env.ctx(), 'bound', {});
  t.false(graceful.deleted);
  t.like(graceful.object.metadata, { deletionTimestamp: '2024-05-01T10:00:20Z', deletionGracePeriodSeconds: 20 });
  const shorter = await pods.delete(env.ctx(), 'bound', { gracePeriodSeconds: 5 });
  t.is(shorter.object.metadata?.deletionGracePeriodSeconds, 5);
  t.true((await pods.delete(env.ctx(), 'bound', { gracePeriodSeconds: 0 })).deleted);
  await env.close();
});

test('DELETE admission sees the stored object as oldObject and may refuse', async (t) => {
  const seen: (KubeObject | undefined)[] = [];
  const deny: AdmissionPlugin = {
    name: 'NoDelete',
    handles: (op) => op === 'DELETE',
    validate(a) {
      seen.push(a.object, a.oldObject);
      throw new StatusError(403, 'Forbidden', 'no');
    },
  };
  const env = testEngines([deny]);
  const cms = env.engine('configmaps');
  await cms.create(env.ctx(), configMap('keep'));
  t.is((await status(cms.delete(env.ctx(), 'keep', {}))).code, 403);
  t.is(seen[0], undefined);
  t.is(seen[1]?.metadata?.name, 'keep');
  t.truthy(await cms.get(env.ctx(), 'keep'));
  await env.close();
});

test('Service hooks: addresses are reserved on create, never by a dry run, and freed on delete', async (t) => {
  const env = testEngines();
  const svcs = env.engine('services');
  const body = (name: string, clusterIP?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { clusterIP, ports: [{ port: 80 }] } });
  await svcs.create(env.ctx({ dryRun: true }), body('dry', '10.96.0.77'));
  const real = await svcs.create(env.ctx(), body('real', '10.96.0.77'));
  t.is((real.spec as { clusterIP: string }).clusterIP, '10.96.0.77', 'the dry run did not keep the address');
  t.regex((await status(svcs.create(env.ctx(), body('clash', '10.96.0.77')))).message, /provided IP is already allocated/);
  await svcs.delete(env.ctx({ dryRun: true }), 'real', {});
  t.regex((await status(svcs.create(env.ctx(), body('clash', '10.96.0.77')))).message, /already allocated/, 'a dry-run delete frees nothing');
  await svcs.delete(env.ctx(), 'real', {});
  t.is(((await svcs.create(env.ctx(), body('again', '10.96.0.77'))).spec as { clusterIP: string }).clusterIP, '10.96.0.77');
  await env.close();
});

test('a failed write gives back what the Service hooks reserved', async (t) => {
  const env = testEngines();
  const svcs = env.engine('services');
  await svcs.create(env.ctx(), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { clusterIP: '10.96.0.80', ports: [{ port: 80 }] } });
  // Same name: the store refuses (409) after the hook reserved 10.96.0.81.
  t.is((await status(svcs.create(env.ctx(), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { clusterIP: '10.96.0.81', ports: [{ port: 80 }] } }))).code, 409);
  const b = await svcs.create(env.ctx(), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' }, spec: { clusterIP: '10.96.0.81', ports: [{ port: 80 }] } });
  t.is((b.spec as { clusterIP: string }).clusterIP, '10.96.0.81');
  await env.close();
});
