import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { load } from 'js-yaml';
import { createClient } from '../client/rest.ts';
import { startKubets } from './index.ts';
import type { Kubets } from './index.ts';

const NAMESPACES = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };
const CONFIGMAPS = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true };

/** Our REST client from a kubeconfig's text (what a consumer's client would read). */
function clientFor(kubeconfig: string) {
  const doc = load(kubeconfig) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b = (s: string) => Buffer.from(s, 'base64');
  const { cluster } = doc.clusters[0]!;
  const { user } = doc.users[0]!;
  return createClient({ server: cluster.server, ca: b(cluster['certificate-authority-data']), cert: b(user['client-certificate-data']), key: b(user['client-key-data']) });
}

/** Handles and requests that keep a process alive, by kind. */
function liveResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

test.serial('two instances side by side, each its own cluster; stop() leaves no socket, timer or file', async (t) => {
  const before = liveResources();
  const [a, b] = await Promise.all([startKubets(), startKubets()]);
  t.not(a.url, b.url);
  for (const k of [a, b]) {
    t.true(existsSync(k.kubeconfigPath));
    t.is(k.caData, Buffer.from(k.ca).toString('base64'));
    t.regex(k.kubeconfig, /certificate-authority-data/);
  }
  const ca = clientFor(a.kubeconfig);
  const cb = clientFor(b.kubeconfig);
  await ca.create(CONFIGMAPS, 'default', { metadata: { name: 'only-in-a' } });
  t.is((await ca.get(CONFIGMAPS, 'default', 'only-in-a')).metadata?.name, 'only-in-a');
  await t.throwsAsync(cb.get(CONFIGMAPS, 'default', 'only-in-a'), { message: /not found/ });
  ca.close();
  cb.close();
  await Promise.all([a.stop(), b.stop()]);
  await a.stop(); // idempotent
  for (const k of [a, b]) t.false(existsSync(dirname(k.kubeconfigPath)), 'the temporary folder is removed');
  // Sockets close and timers clear at once; give destroyed handles one turn to go.
  await new Promise((r) => setImmediate(r));
  const after = liveResources();
  for (const kind of ['TCPServerWrap', 'TCPSocketWrap', 'Timeout', 'Immediate', 'FSReqCallback']) {
    t.is(after.get(kind) ?? 0, before.get(kind) ?? 0, `${kind} left behind`);
  }
});

test('kubeconfigFor: a client certificate for a user and groups, signed by the instance CA', async (t) => {
  const k = await startKubets({ controllers: false, scheduler: false });
  t.teardown(() => k.stop());
  const kubeconfig = await k.kubeconfigFor('jane', { groups: ['devs', 'qa'] });
  const doc = load(kubeconfig) as { users: { user: { 'client-certificate-data': string } }[] };
  const cert = new X509Certificate(Buffer.from(doc.users[0]!.user['client-certificate-data'], 'base64'));
  t.is(cert.subject, 'O=devs\nO=qa\nCN=jane');
  const ca = new X509Certificate(k.ca);
  t.true(cert.checkIssued(ca) && cert.verify(ca.publicKey));
  // The server knows her by it, and RBAC gives her nothing she was not granted.
  const c = clientFor(kubeconfig);
  t.teardown(() => c.close());
  const review = await c.request<{ status: { userInfo: { username: string; groups: string[] } } }>(
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  );
  t.is(review.status.userInfo.username, 'jane');
  t.deepEqual(review.status.userInfo.groups.filter((g) => g !== 'system:authenticated'), ['devs', 'qa']);
  await t.throwsAsync(c.list(CONFIGMAPS, 'default'), { message: /forbidden/ });
});

test('waitForCondition: a Deployment becomes Available on simulated nodes', async (t) => {
  const k = await startKubets({ nodes: 2 });
  t.teardown(() => k.stop());
  const c = clientFor(k.kubeconfig);
  t.teardown(() => c.close());
  const labels = { app: 'web' };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
  };
  // Waiting may begin before the object exists.
  const available = k.waitForCondition(deployment, 'Available', { timeoutMs: 20_000 });
  await c.create({ group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true }, 'default', deployment);
  const d = (await available) as { status: { readyReplicas?: number } };
  const ready = await k.waitFor(deployment, (o) => (o.status as { readyReplicas?: number }).readyReplicas === 3, { timeoutMs: 20_000 });
  t.is((ready.status as { readyReplicas: number }).readyReplicas, 3);
  t.truthy(d.status);
});

test('waitFor times out with what it last saw', async (t) => {
  const k = await startKubets({ controllers: false, scheduler: false });
  t.teardown(() => k.stop());
  const ns = { apiVersion: 'v1', kind: 'Namespace', name: 'never' };
  await t.throwsAsync(k.waitFor(ns, () => true, { timeoutMs: 200 }), { message: /timed out after 200 ms waiting for Namespace/ });
  await t.throwsAsync(k.waitFor({ apiVersion: 'v1', kind: 'Gadget', name: 'x' }, () => true), { message: /Gadget is not served in v1/ });
});

test('store { dir }: objects, PKI and kubeconfig survive a restart; the folder is kept', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-dir-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = await startKubets({ store: { dir }, controllers: false, scheduler: false });
  const c1 = clientFor(first.kubeconfig);
  await c1.create(NAMESPACES, '', { metadata: { name: 'kept' } });
  c1.close();
  await first.stop();
  t.true(existsSync(join(dir, 'kubeconfig')));
  const second = await startKubets({ store: { dir }, controllers: false, scheduler: false });
  t.teardown(() => second.stop());
  t.is(second.ca, first.ca);
  const c2 = clientFor(second.kubeconfig);
  t.teardown(() => c2.close());
  t.is((await c2.get(NAMESPACES, '', 'kept')).metadata?.name, 'kept');
});

test('applyCrds: the CRD is served when it resolves; custom objects are validated', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-crds-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Cluster',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } } } } }],
    },
  };
  await writeFile(join(dir, 'gadget.json'), JSON.stringify(crd));
  const k = await startKubets({ controllers: false, scheduler: false });
  t.teardown(() => k.stop());
  const [applied] = await k.applyCrds(dir);
  t.is(applied?.metadata?.name, 'gadgets.example.com');
  const c = clientFor(k.kubeconfig);
  t.teardown(() => c.close());
  const gadgets = { group: 'example.com', version: 'v1', plural: 'gadgets', kind: 'Gadget', namespaced: false };
  await c.create(gadgets, '', { metadata: { name: 'g1' }, spec: { n: 1 } } as never);
  await t.throwsAsync(c.create(gadgets, '', { metadata: { name: 'g2' }, spec: { n: 'one' } } as never), { message: /Invalid value|must be of type integer/ });
  const established = await k.waitForCondition(crd, 'Established', { timeoutMs: 1000 });
  t.truthy(established);
});

test('a failed start cleans up after itself', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-bad-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'not-a-crd.yaml'), 'kind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1\nmetadata: {}\n');
  const err = await t.throwsAsync(startKubets({ crds: dir, controllers: false, scheduler: false }));
  t.regex(err?.message ?? '', /without metadata.name/);
});

export type { Kubets };
