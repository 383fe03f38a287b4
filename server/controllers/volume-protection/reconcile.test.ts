import test from 'ava';
import { R } from '../common/resources.ts';
import { PVCS_R, PVS } from '../persistentvolume/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { newPvcProtectionReconciler, newPvProtectionReconciler } from './reconcile.ts';

const FIN = 'kubernetes.io/pvc-protection';
const usingPod = (phase: string) => ({ metadata: { name: 'p', namespace: 'a' }, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] }, status: { phase } });

test('a claim gets the finalizer, keeps it while a running pod uses it, loses it after', async (t) => {
  const env = fakeEnv();
  const sync = newPvcProtectionReconciler(env.ctx);
  env.client.seed(PVCS_R, { metadata: { name: 'data', namespace: 'a' } });
  await sync('a/data');
  t.deepEqual(env.client.peek(PVCS_R, 'a', 'data')?.metadata?.finalizers, [FIN]);
  env.client.seed(R.pods, usingPod('Running'));
  await env.client.delete(PVCS_R, 'a', 'data');
  await sync('a/data');
  t.truthy(env.client.peek(PVCS_R, 'a', 'data')?.metadata?.deletionTimestamp);
  env.client.seed(R.pods, usingPod('Succeeded'));
  await sync('a/data');
  t.is(env.client.peek(PVCS_R, 'a', 'data'), undefined);
});

test('a volume being deleted keeps its finalizer while Bound', async (t) => {
  const env = fakeEnv();
  const sync = newPvProtectionReconciler(env.ctx);
  env.client.seed(PVS, { metadata: { name: 'v' }, status: { phase: 'Bound' } });
  await sync('v');
  await env.client.delete(PVS, '', 'v');
  await sync('v');
  t.truthy(env.client.peek(PVS, '', 'v'));
  env.client.seed(PVS, { ...env.client.peek(PVS, '', 'v')!, status: { phase: 'Released' } });
  await sync('v');
  t.is(env.client.peek(PVS, '', 'v'), undefined);
});
