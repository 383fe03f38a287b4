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
