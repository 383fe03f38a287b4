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

test('Priority: system classes have their value, others 0; preemption defaults', async (t) => {
  t.like(await admitted(priority(), {}), { priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  t.like(await admitted(priority(), { priorityClassName: 'system-node-critical' }), { priority: 2000001000 });
  t.like(await admitted(priority(), { priorityClassName: 'system-cluster-critical', preemptionPolicy: 'Never' }), { priority: 2000000000, preemptionPolicy: 'Never' });
  t.like(await admitted(priority(), { priority: 7 }), { priority: 7 });
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
