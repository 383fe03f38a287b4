// The pod plugins (ServiceAccount, Priority, DefaultTolerationSeconds): what each adds to a
// new pod, and that they leave everything else alone.

import test from 'ava';
import type { PodSpec } from '../../../../api/core/pod/types.ts';
import type { KubeObject } from '../../../../api/types.ts';
import { attributes } from '../../../../testing/admission.ts';
import type { AdmissionPlugin } from '../types.ts';
import { defaultTolerationSeconds } from './default-toleration-seconds/index.ts';
import { priority } from './priority/index.ts';
import { serviceAccount } from './service-account/index.ts';

async function admitted(plugin: AdmissionPlugin, spec: PodSpec, op: 'CREATE' | 'UPDATE' = 'CREATE', subresource = ''): Promise<PodSpec> {
  const pod: KubeObject = { metadata: { name: 'p', namespace: 'default' }, spec };
  await plugin.admit!(attributes(op, 'pods', { object: pod, subresource }));
  return pod.spec as PodSpec;
}

test('ServiceAccount: "default" unless named; the deprecated alias follows', async (t) => {
  t.like(await admitted(serviceAccount(), {}), { serviceAccountName: 'default', serviceAccount: 'default' });
  t.like(await admitted(serviceAccount(), { serviceAccountName: 'builder' }), { serviceAccountName: 'builder', serviceAccount: 'builder' });
  t.like(await admitted(serviceAccount(), { serviceAccount: 'old' }), { serviceAccountName: 'old', serviceAccount: 'old' });
});

test('ServiceAccount: the API credentials as a projected volume in every container, unless automount is off', async (t) => {
  const sas: Record<string, KubeObject> = { quiet: { metadata: { name: 'quiet' }, automountServiceAccountToken: false } as KubeObject };
  const plugin = serviceAccount({ getObject: async (_g, _r, _ns, name) => sas[name] });
  const spec = await admitted(plugin, { initContainers: [{ name: 'init', image: 'i' }], containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i', volumeMounts: [{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }] });
  const vol = spec.volumes?.[0] as { name: string; projected: { defaultMode: number; sources: Record<string, unknown>[] } };
  t.regex(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  t.deepEqual(vol.projected, {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
  const mount = { name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  t.deepEqual(spec.initContainers![0].volumeMounts, [mount]);
  t.deepEqual(spec.containers![0].volumeMounts, [mount]);
  t.deepEqual(spec.containers![1].volumeMounts, [{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }], 'its own mount there stays alone');
  // Off by the pod, or by its service account when the pod does not say; the pod's word wins.
  t.is((await admitted(plugin, { automountServiceAccountToken: false, containers: [{ name: 'a', image: 'i' }] })).volumes, undefined);
  t.is((await admitted(plugin, { serviceAccountName: 'quiet', containers: [{ name: 'a', image: 'i' }] })).volumes, undefined);
  t.is((await admitted(plugin, { serviceAccountName: 'quiet', automountServiceAccountToken: true, containers: [{ name: 'a', image: 'i' }] })).volumes?.length, 1);
  // A mirror pod is left as it is.
  const mirror: KubeObject = { metadata: { name: 'm', namespace: 'default', annotations: { 'kubernetes.io/config.mirror': 'x' } }, spec: { containers: [{ name: 'a', image: 'i' }] } };
  await plugin.admit!(attributes('CREATE', 'pods', { object: mirror }));
  t.deepEqual(mirror.spec, { containers: [{ name: 'a', image: 'i' }] });
});

test('Priority: the class\'s value and preemptionPolicy; the global default; upstream\'s refusals', async (t) => {
  let classes: KubeObject[] = [{ metadata: { name: 'batch' }, value: 1000, preemptionPolicy: 'Never' } as KubeObject];
  const plugin = priority({ listObjects: async () => classes });
  t.like(await admitted(plugin, {}), { priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  t.like(await admitted(plugin, { priorityClassName: 'system-node-critical' }), { priority: 2000001000 });
  t.like(await admitted(plugin, { priorityClassName: 'batch' }), { priority: 1000, preemptionPolicy: 'Never' });
  t.like(await admitted(plugin, { priorityClassName: 'batch', priority: 1000 }), { priority: 1000 });
  await t.throwsAsync(admitted(plugin, { priorityClassName: 'nope' }), { message: 'pods "p" is forbidden: no PriorityClass with name nope was found' });
  await t.throwsAsync(admitted(plugin, { priority: 7 }), {
    message: 'pods "p" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
  });
  await t.throwsAsync(admitted(plugin, { priorityClassName: 'batch', preemptionPolicy: 'PreemptLowerPriority' }), {
    message: 'pods "p" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name',
  });
  // A global default names itself on pods without a class (the lowest when several are).
  classes = [...classes, { metadata: { name: 'hi-default' }, value: 50, globalDefault: true } as KubeObject, { metadata: { name: 'lo-default' }, value: 10, globalDefault: true } as KubeObject];
  t.like(await admitted(plugin, {}), { priorityClassName: 'lo-default', priority: 10, preemptionPolicy: 'PreemptLowerPriority' });
});

test('DefaultTolerationSeconds: not-ready and unreachable for 300 s, not twice', async (t) => {
  t.deepEqual((await admitted(defaultTolerationSeconds(), {})).tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  const own = await admitted(defaultTolerationSeconds(), { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] });
  t.deepEqual(own.tolerations!.map((x) => [x.key, x.tolerationSeconds]), [
    ['node.kubernetes.io/unreachable', 10],
    ['node.kubernetes.io/not-ready', 300],
  ]);
  const all = await admitted(defaultTolerationSeconds(), { tolerations: [{ operator: 'Exists' }] });
  t.is(all.tolerations!.length, 1);
});

test('pod plugins leave updates, subresources and other kinds alone', async (t) => {
  for (const plugin of [serviceAccount(), priority(), defaultTolerationSeconds()]) {
    t.deepEqual(await admitted(plugin, {}, 'UPDATE'), {}, plugin.name);
    t.deepEqual(await admitted(plugin, {}, 'CREATE', 'binding'), {}, plugin.name);
    const cm: KubeObject = { metadata: { name: 'c' }, spec: {} };
    await plugin.admit!(attributes('CREATE', 'configmaps', { object: cm }));
    t.deepEqual(cm.spec, {}, plugin.name);
  }
});
