import test from 'ava';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/persistent-volume/binding.ts';
import { fakeEnv, type FakeEnv } from '../../../testing/controllers/env.ts';
import { claimKey, NO_CLASS_MESSAGE, newBinderReconciler, volumeKey, WAITING_MESSAGE } from './reconcile.ts';
import { PVCS_R, PVS, STORAGE_CLASSES } from './resources.ts';

const pv = (name: string, o: { size?: string; modes?: string[]; cls?: string; labels?: Record<string, string>; policy?: string; claimRef?: object; ann?: Record<string, string> } = {}): PersistentVolume => ({
  metadata: { name, labels: o.labels, annotations: o.ann },
  spec: {
    capacity: { storage: o.size ?? '1Gi' }, accessModes: o.modes ?? ['ReadWriteOnce'], storageClassName: o.cls ?? '', persistentVolumeReclaimPolicy: o.policy ?? 'Retain',
    hostPath: { path: `/tmp/${name}` }, ...(o.claimRef ? { claimRef: o.claimRef } : {}),
  },
  status: { phase: 'Available' },
});
const pvc = (name: string, o: { size?: string; modes?: string[]; cls?: string; selector?: object; volumeName?: string; ann?: Record<string, string> } = {}): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'a', annotations: o.ann },
  spec: {
    accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.size ?? '1Gi' } }, ...(o.cls !== undefined ? { storageClassName: o.cls } : {}),
    ...(o.selector ? { selector: o.selector } : {}), ...(o.volumeName ? { volumeName: o.volumeName } : {}),
  },
  status: { phase: 'Pending' },
});

function setup(): { env: FakeEnv; sync: (k: string) => Promise<unknown> } {
  const env = fakeEnv();
  return { env, sync: newBinderReconciler(env.ctx) };
}
const claim = (env: FakeEnv, n: string) => env.client.peek<PersistentVolumeClaim>(PVCS_R, 'a', n)!;
const volume = (env: FakeEnv, n: string) => env.client.peek<PersistentVolume>(PVS, '', n)!;

test('a claim binds to the smallest volume that offers its size, modes and class', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVS, pv('big', { size: '10Gi' }));
  env.client.seed(PVS, pv('small', { size: '2Gi' }));
  env.client.seed(PVS, pv('tiny', { size: '500Mi' }));
  env.client.seed(PVS, pv('rox', { size: '2Gi', modes: ['ReadOnlyMany'] }));
  env.client.seed(PVS, pv('classy', { size: '2Gi', cls: 'fast' }));
  const c = env.client.seed(PVCS_R, pvc('data', { cls: '' }));
  await sync(claimKey('a', 'data'));
  t.like(claim(env, 'data'), {
    metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } },
    spec: { volumeName: 'small' }, status: { phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'] },
  });
  t.like(volume(env, 'small'), {
    metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
    spec: { claimRef: { kind: 'PersistentVolumeClaim', namespace: 'a', name: 'data', uid: c.metadata?.uid } }, status: { phase: 'Bound' },
  });
  t.truthy(volume(env, 'small').status?.lastPhaseTransitionTime);
});

test('a selector narrows the volumes a claim may take', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVS, pv('plain'));
  env.client.seed(PVS, pv('ssd', { labels: { disk: 'ssd' } }));
  env.client.seed(PVCS_R, pvc('data', { cls: '', selector: { matchLabels: { disk: 'ssd' } } }));
  await sync(claimKey('a', 'data'));
  t.is(claim(env, 'data').spec?.volumeName, 'ssd');
});

test('no volume and no class: Pending, with FailedBinding and upstream message', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVS, pv('small', { size: '1Gi' }));
  env.client.seed(PVCS_R, pvc('huge', { size: '5Gi', cls: '' }));
  await sync(claimKey('a', 'huge'));
  t.is(claim(env, 'huge').status?.phase, 'Pending');
  t.is(env.recorder.withReason('FailedBinding')[0]?.message, NO_CLASS_MESSAGE);
  t.is(volume(env, 'small').spec?.claimRef, undefined);
});

test('WaitForFirstConsumer: waits for the selected node, then hands the claim to the provisioner', async (t) => {
  const { env, sync } = setup();
  env.client.seed(STORAGE_CLASSES, { metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' });
  env.client.seed(PVS, pv('static', { cls: 'local-path' }));
  env.client.seed(PVCS_R, pvc('data', { cls: 'local-path', size: '5Gi' }));
  await sync(claimKey('a', 'data'));
  t.is(env.recorder.withReason('WaitForFirstConsumer')[0]?.message, WAITING_MESSAGE);
  t.is(claim(env, 'data').metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'], undefined);
  await env.client.patch(PVCS_R, 'a', 'data', 'merge', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'n1' } } });
  await sync(claimKey('a', 'data'));
  t.like(claim(env, 'data').metadata?.annotations, { 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path' });
  t.regex(env.recorder.withReason('ExternalProvisioning')[0]?.message ?? '', /external provisioner 'rancher.io\/local-path'/);
});

test('a claim naming its volume binds to it, a volume naming its claim is kept for it', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVS, pv('mine'));
  env.client.seed(PVS, pv('reserved', { claimRef: { namespace: 'a', name: 'other' } }));
  env.client.seed(PVCS_R, pvc('named', { cls: '', volumeName: 'mine' }));
  env.client.seed(PVCS_R, pvc('data', { cls: '' }));
  env.client.seed(PVCS_R, pvc('other', { cls: '' }));
  await sync(claimKey('a', 'named'));
  await sync(claimKey('a', 'data'));
  await sync(claimKey('a', 'other'));
  t.like(claim(env, 'named'), { spec: { volumeName: 'mine' }, status: { phase: 'Bound' } });
  t.is(claim(env, 'named').metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
  t.is(claim(env, 'data').status?.phase, 'Pending');
  t.like(claim(env, 'other'), { spec: { volumeName: 'reserved' }, status: { phase: 'Bound' } });
  t.is(volume(env, 'reserved').metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
});

test('a pre-bound claim whose volume is too small reports VolumeMismatch', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVS, pv('mine', { size: '1Gi' }));
  env.client.seed(PVCS_R, pvc('named', { cls: '', volumeName: 'mine', size: '2Gi' }));
  await sync(claimKey('a', 'named'));
  t.is(claim(env, 'named').status?.phase, 'Pending');
  t.is(env.recorder.withReason('VolumeMismatch')[0]?.message, 'Cannot bind to requested volume "mine": requested PV is too small');
});

const reclaimCases = [
  { name: 'Retain keeps a Released volume', policy: 'Retain', ann: undefined, phase: 'Released', event: undefined },
  { name: 'Delete without a provisioner fails as upstream', policy: 'Delete', ann: undefined, phase: 'Failed', event: 'VolumeFailedDelete' },
  { name: 'Delete of a provisioned volume is left to its provisioner', policy: 'Delete', ann: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' }, phase: 'Released', event: undefined },
];
for (const c of reclaimCases) {
  test(`claim deleted: ${c.name}`, async (t) => {
    const { env, sync } = setup();
    env.client.seed(PVS, pv('v', { policy: c.policy, ann: c.ann }));
    env.client.seed(PVCS_R, pvc('data', { cls: '' }));
    await sync(claimKey('a', 'data'));
    await sync(volumeKey('v'));
    t.is(volume(env, 'v').status?.phase, 'Bound');
    await env.client.delete(PVCS_R, 'a', 'data');
    await sync(volumeKey('v'));
    await sync(volumeKey('v'));
    t.is(volume(env, 'v').status?.phase, c.phase);
    t.is(env.recorder.withReason('VolumeFailedDelete').length, c.event ? 1 : 0);
    t.truthy(volume(env, 'v').spec?.claimRef);
  });
}

test('a bound claim whose volume is gone is Lost', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVCS_R, { ...pvc('data', { cls: '', volumeName: 'gone', ann: { 'pv.kubernetes.io/bind-completed': 'yes' } }), status: { phase: 'Bound' } });
  await sync(claimKey('a', 'data'));
  t.is(claim(env, 'data').status?.phase, 'Lost');
  t.is(env.recorder.withReason('ClaimLost')[0]?.message, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
});

test('an unbound volume becomes Available', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVS, { ...pv('new'), status: { phase: 'Pending' } });
  await sync(volumeKey('new'));
  t.is(volume(env, 'new').status?.phase, 'Available');
});

test('a claim without any class gets the default class, then follows it', async (t) => {
  const { env, sync } = setup();
  env.client.seed(STORAGE_CLASSES, { metadata: { name: 'other' }, provisioner: 'x.io/y' });
  env.client.seed(STORAGE_CLASSES, { metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' });
  env.client.seed(PVCS_R, pvc('data'));
  env.client.seed(PVCS_R, pvc('none', { cls: '' }));
  await sync(claimKey('a', 'data'));
  await sync(claimKey('a', 'none'));
  t.is(claim(env, 'data').spec?.storageClassName, 'local-path');
  t.is(env.recorder.withReason('WaitForFirstConsumer').length, 1);
  t.is(claim(env, 'none').spec?.storageClassName, '');
});

test('a claim of a class that does not exist: ProvisioningFailed', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVCS_R, pvc('data', { cls: 'missing' }));
  await sync(claimKey('a', 'data'));
  t.is(env.recorder.withReason('ProvisioningFailed')[0]?.message, 'storageclass.storage.k8s.io "missing" not found');
  t.is(claim(env, 'data').status?.phase, 'Pending');
});

test('a Bound claim keeps its capacity when its volume grows: that is the resizer\'s to write, as upstream', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVS, { ...pv('grown', { size: '5Gi', claimRef: { namespace: 'a', name: 'data', uid: 'u1' } }), status: { phase: 'Bound' } });
  const c = pvc('data', { cls: '', volumeName: 'grown', ann: { 'pv.kubernetes.io/bind-completed': 'yes' } });
  env.client.seed(PVCS_R, { ...c, metadata: { ...c.metadata, uid: 'u1' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } });
  await sync(claimKey('a', 'data'));
  t.is(claim(env, 'data').status?.capacity?.storage, '1Gi');
  t.deepEqual(env.client.writes(undefined, 'persistentvolumeclaims'), []);
});
