import test from 'ava';
import { FakeCluster, settle } from '../../testing/fake-cluster.ts';
import { cacheOf, filterVerdicts, makeNode, makePod, podInfo } from '../../testing/objects.ts';
import { CycleState, type Pod } from '../../types.ts';
import { ERR_BIND_CONFLICT, ERR_NODE_CONFLICT, ERR_UNBOUND_IMMEDIATE, newVolumeBinding, PVCS, PVS, STORAGE_CLASSES } from './index.ts';

const affinity = (node: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } });
const withClaim = (claim: string): Pod => {
  const p = makePod('web-0');
  p.spec = { ...p.spec, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] } as Pod['spec'];
  return p;
};

async function cluster(): Promise<FakeCluster> {
  const c = new FakeCluster();
  await c.create(STORAGE_CLASSES, '', { metadata: { name: 'late' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' });
  await c.create(STORAGE_CLASSES, '', { metadata: { name: 'static' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' });
  await c.create(STORAGE_CLASSES, '', { metadata: { name: 'now' }, provisioner: 'x.io/now', volumeBindingMode: 'Immediate' });
  await c.create(PVS, '', { metadata: { name: 'bound-n2' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'static', nodeAffinity: affinity('n2') }, status: { phase: 'Bound' } });
  await c.create(PVS, '', { metadata: { name: 'free-n3' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'static', nodeAffinity: affinity('n3') }, status: { phase: 'Available' } });
  const claim = (name: string, cls: string, volumeName?: string) => c.create(PVCS, 'default', { metadata: { name, namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: cls, ...(volumeName ? { volumeName } : {}) } });
  await claim('bound', 'static', 'bound-n2');
  await claim('static', 'static');
  await claim('provisioned', 'late');
  await claim('immediate', 'now');
  await settle();
  return c;
}

const nodes = () => cacheOf(['n1', 'n2', 'n3'].map((n) => makeNode(n)));

const cases: Array<{ name: string; claim: string; preFilter: string; verdicts?: Record<string, string> }> = [
  { name: 'a bound volume pins the pod to its node', claim: 'bound', preFilter: 'Success', verdicts: { n1: ERR_NODE_CONFLICT, n2: 'Success', n3: ERR_NODE_CONFLICT } },
  { name: 'a late claim without a provisioner needs a matching volume on the node', claim: 'static', preFilter: 'Success', verdicts: { n1: ERR_BIND_CONFLICT, n2: ERR_BIND_CONFLICT, n3: 'Success' } },
  { name: 'a late claim with a provisioner fits anywhere', claim: 'provisioned', preFilter: 'Success', verdicts: { n1: 'Success', n2: 'Success', n3: 'Success' } },
  { name: 'an unbound Immediate claim rejects the pod', claim: 'immediate', preFilter: ERR_UNBOUND_IMMEDIATE },
  { name: 'a missing claim rejects the pod', claim: 'nope', preFilter: 'persistentvolumeclaim "nope" not found' },
];

for (const tc of cases) {
  test(tc.name, async (t) => {
    const c = await cluster();
    const pl = newVolumeBinding({ client: c, informers: c });
    const { preFilter, verdicts } = filterVerdicts(pl, podInfo(withClaim(tc.claim)), nodes());
    t.is(preFilter.code === 'Success' ? 'Success' : preFilter.reasons[0], tc.preFilter);
    if (tc.verdicts) t.deepEqual(verdicts, tc.verdicts);
  });
}

test('PreBind writes the selected node (or the claimRef) and waits for the claim to be Bound', async (t) => {
  const c = await cluster();
  const pl = newVolumeBinding({ client: c, informers: c, bindTimeoutMs: 5000 });
  for (const [claim, node] of [['provisioned', 'n1'], ['static', 'n3']]) {
    const state = new CycleState();
    const pod = podInfo(withClaim(claim));
    pl.preFilter(state, pod, nodes());
    for (const n of nodes().list()) pl.filter(state, pod, n);
    pl.reserve(state, pod, node);
    const done = pl.preBind(state, pod, node);
    await settle();
    const pvc = c.objects(PVCS).find((x) => x.metadata?.name === claim)!;
    if (claim === 'provisioned') t.is(pvc.metadata?.annotations?.['volume.kubernetes.io/selected-node'], 'n1');
    else t.like(c.objects(PVS).find((x) => x.metadata?.name === 'free-n3'), { spec: { claimRef: { name: 'static', namespace: 'default' } } });
    await c.update(PVCS, 'default', { ...pvc, status: { phase: 'Bound' } }, { subresource: 'status' });
    t.is((await done).code, 'Success');
  }
});
