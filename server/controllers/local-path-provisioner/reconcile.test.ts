import test from 'ava';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/persistent-volume/binding.ts';
import { localPathStorageClass } from '../../../api/storage/storage-class/local-path.ts';
import { R } from '../common/resources.ts';
import { NODES } from '../node-lifecycle/resources.ts';
import { PVCS_R, PVS, STORAGE_CLASSES } from '../persistentvolume/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { helperPodName, newProvisionerReconciler } from './reconcile.ts';

const ready = [{ type: 'Ready', status: 'True' }];
const claim = (ann: Record<string, string>): PersistentVolumeClaim => ({
  metadata: { name: 'data-web-0', namespace: 'a', uid: 'u1', annotations: { 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path', ...ann } },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local-path' },
});

function setup(opts: { sim?: boolean; config?: string } = {}) {
  const env = fakeEnv();
  env.client.seed(STORAGE_CLASSES, localPathStorageClass());
  env.client.seed(NODES, { metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1-host' }, annotations: opts.sim ? { 'kubets.io/simulated': 'true' } : {} }, status: { conditions: ready } });
  if (opts.config) env.client.seed(R.configMaps, { metadata: { name: 'local-path-config', namespace: 'kube-system' }, data: { 'config.json': opts.config } });
  return { env, sync: newProvisionerReconciler(env.ctx) };
}

test('a claim with a selected node gets a hostPath volume on that node, pre-bound to it', async (t) => {
  const { env, sync } = setup({ config: JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/srv/storage/'] }] }) });
  env.client.seed(PVCS_R, claim({ 'volume.kubernetes.io/selected-node': 'n1' }));
  await sync('claim/a/data-web-0');
  const v = env.client.peek<PersistentVolume>(PVS, '', 'pvc-u1');
  t.like(v, {
    metadata: { annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
    spec: {
      capacity: { storage: '1Gi' }, persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'local-path',
      claimRef: { namespace: 'a', name: 'data-web-0', uid: 'u1' }, hostPath: { path: '/srv/storage/pvc-u1_a_data-web-0', type: 'DirectoryOrCreate' },
    },
  });
  t.deepEqual(v?.spec?.nodeAffinity?.required?.nodeSelectorTerms, [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1-host'] }] }]);
  t.is(env.recorder.withReason('ProvisioningSucceeded')[0]?.message, 'Successfully provisioned volume pvc-u1');
});

test('WaitForFirstConsumer without a selected node: nothing yet', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVCS_R, claim({}));
  await sync('claim/a/data-web-0');
  t.is(env.client.all(PVS).length, 0);
});

test('a Released volume on a simulated node is deleted at once', async (t) => {
  const { env, sync } = setup({ sim: true });
  env.client.seed(PVCS_R, claim({ 'volume.kubernetes.io/selected-node': 'n1' }));
  await sync('claim/a/data-web-0');
  const v = env.client.peek<PersistentVolume>(PVS, '', 'pvc-u1')!;
  env.client.seed(PVS, { ...v, status: { phase: 'Released' } });
  await sync('volume/pvc-u1');
  t.is(env.client.peek(PVS, '', 'pvc-u1'), undefined);
});

test('on a real node a helper pod removes the directory before the volume goes', async (t) => {
  const { env, sync } = setup();
  env.client.seed(PVCS_R, claim({ 'volume.kubernetes.io/selected-node': 'n1' }));
  await sync('claim/a/data-web-0');
  const v = env.client.peek<PersistentVolume>(PVS, '', 'pvc-u1')!;
  env.client.seed(PVS, { ...v, status: { phase: 'Released' } });
  await sync('volume/pvc-u1');
  const helper = env.client.peek<{ spec?: Record<string, unknown> } & PersistentVolume>(R.pods, 'kube-system', helperPodName('pvc-u1'));
  t.like(helper?.spec, { nodeName: 'n1', restartPolicy: 'Never', containers: [{ command: ['rm', '-rf', '/data/pvc-u1_a_data-web-0'] }], volumes: [{ hostPath: { path: '/var/lib/kubets/storage' } }] });
  t.truthy(env.client.peek(PVS, '', 'pvc-u1'));
  env.client.seed(R.pods, { ...helper!, status: { phase: 'Succeeded' } });
  await sync('volume/pvc-u1');
  t.is(env.client.peek(PVS, '', 'pvc-u1'), undefined);
  t.is(env.client.peek(R.pods, 'kube-system', helperPodName('pvc-u1')), undefined);
});

test('Immediate: the claim gets a volume on the first Ready node without waiting for a pod', async (t) => {
  const { env, sync } = setup();
  env.client.seed(STORAGE_CLASSES, { ...localPathStorageClass(), metadata: { name: 'now' }, volumeBindingMode: 'Immediate' });
  env.client.seed(NODES, { metadata: { name: 'a-not-ready' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } });
  env.client.seed(PVCS_R, { ...claim({}), spec: { ...claim({}).spec, storageClassName: 'now' } });
  await sync('claim/a/data-web-0');
  t.is(env.client.peek<PersistentVolume>(PVS, '', 'pvc-u1')?.metadata?.annotations?.['local.path.provisioner/selected-node'], 'n1');
});
