import test from 'ava';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/persistent-volume/binding.ts';
import { PVCS_R, PVS } from '../persistentvolume/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { newProvisionerReconciler } from './reconcile.ts';
import { markResized, markResizing } from './resize.ts';

const claim = (request: string, status: Record<string, unknown> = {}): PersistentVolumeClaim => ({
  metadata: { name: 'data', namespace: 'a', uid: 'u1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: request } }, storageClassName: 'grows', volumeName: 'pvc-u1' },
  status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], ...status },
});
const volume = (capacity: string, provisioner = 'rancher.io/local-path'): PersistentVolume => ({
  metadata: { name: 'pvc-u1', annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
  spec: { capacity: { storage: capacity }, claimRef: { namespace: 'a', name: 'data', uid: 'u1' }, hostPath: { path: '/x' } },
  status: { phase: 'Bound' },
} as PersistentVolume);

function setup(c: PersistentVolumeClaim, v: PersistentVolume) {
  const env = fakeEnv('2026-12-07T10:00:00Z');
  env.client.seed(PVCS_R, c);
  env.client.seed(PVS, v);
  return { env, sync: () => newProvisionerReconciler(env.ctx)('claim/a/data') };
}

test('a grown request: the volume grows, then the claim\'s capacity, with upstream\'s events and no markers left', async (t) => {
  const { env, sync } = setup(claim('3Gi'), volume('1Gi'));
  await sync();
  t.is(env.client.peek<PersistentVolume>(PVS, '', 'pvc-u1')?.spec?.capacity?.storage, '3Gi');
  const st = env.client.peek<PersistentVolumeClaim>(PVCS_R, 'a', 'data')?.status;
  t.deepEqual(st, { phase: 'Bound', capacity: { storage: '3Gi' }, accessModes: ['ReadWriteOnce'], allocatedResources: { storage: '3Gi' } });
  t.deepEqual(env.recorder.events.map((e) => `${e.type} ${e.reason}: ${e.message}`), [
    'Normal Resizing: External resizer is resizing volume pvc-u1',
    'Normal VolumeResizeSuccessful: Resize volume succeeded',
  ]);
  // In between, the claim was marked Resizing with the size allocated (the first status write).
  const writes = env.client.writes(undefined, 'persistentvolumeclaims');
  t.deepEqual(writes.map((w) => w.subresource), ['status', 'status']);
});

test('a claim that fits its volume: nothing written', async (t) => {
  const { env, sync } = setup(claim('1Gi'), volume('1Gi'));
  await sync();
  t.deepEqual(env.client.writes(), []);
});

test('a volume already grown (a resizer that stopped half-way): only the claim catches up', async (t) => {
  const { env, sync } = setup(claim('2Gi', markResizing({ phase: 'Bound', capacity: { storage: '1Gi' } }, '2Gi', 'x')), volume('2Gi'));
  await sync();
  t.deepEqual(env.client.writes().map((w) => `${w.resource}/${w.subresource ?? ''}`), ['persistentvolumeclaims/status']);
  t.is(env.client.peek<PersistentVolumeClaim>(PVCS_R, 'a', 'data')?.status?.capacity?.storage, '2Gi');
});

test('a volume of another provisioner, or a claim not Bound, is left alone', async (t) => {
  for (const [c, v] of [[claim('3Gi'), volume('1Gi', 'example.com/other')], [claim('3Gi', { phase: 'Pending' }), volume('1Gi')]] as const) {
    const { env, sync } = setup(c, v);
    await sync();
    t.deepEqual(env.client.writes(), []);
  }
});

test('markResizing and markResized: the in-progress markers, then capacity and no markers', (t) => {
  const mid = markResizing({ phase: 'Bound', capacity: { storage: '1Gi' } }, '2Gi', '2026-12-07T10:00:00Z');
  t.deepEqual(mid, {
    phase: 'Bound', capacity: { storage: '1Gi' }, allocatedResources: { storage: '2Gi' }, allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' },
    conditions: [{ type: 'Resizing', status: 'True', lastTransitionTime: '2026-12-07T10:00:00Z' }],
  });
  t.deepEqual(markResized(mid, '2Gi'), { phase: 'Bound', capacity: { storage: '2Gi' }, allocatedResources: { storage: '2Gi' } });
});
