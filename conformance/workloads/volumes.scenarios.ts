// Persistent volumes with kubectl on simulated nodes: the default StorageClass local-path
// (WaitForFirstConsumer: the scheduler picks the node, the provisioner makes the volume there),
// StatefulSet claims kept across pod deletes and scale down/up, the retention policy Delete,
// static volumes bound by the binder and Released with Retain, and what upstream answers for
// claims nothing can serve and for a changed claim spec.

import { type Ctx, type Scenario } from './suite.ts';

const jsonpath = (c: Ctx, what: string[], jp: string) => c.ok(['get', ...what, '-o', `jsonpath=${jp}`]);
const phaseOf = (c: Ctx, what: string[]) => c.run(['get', ...what, '-o', 'jsonpath={.status.phase}']).then((r) => (r.code === 0 ? r.stdout : ''));
const waitPhase = (c: Ctx, what: string[], phase: string) => c.waitFor(`${what.join(' ')} ${phase}`, async () => ((await phaseOf(c, what)) === phase ? true : undefined), 60_000);

function statefulSet(name: string, replicas: number, policy?: { whenScaled: string; whenDeleted: string }): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { app: name } },
      ...(policy ? { persistentVolumeClaimRetentionPolicy: policy } : {}),
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
}

async function readyReplicas(c: Ctx, name: string, n: number): Promise<void> {
  await c.waitFor(`statefulset ${name} with ${n} ready replicas`, async () => ((await jsonpath(c, ['statefulset', name], '{.status.readyReplicas}')) === String(n) ? true : undefined), 90_000);
}

export const volumeScenarios: Scenario[] = [
  {
    title: 'kubectl get sc: local-path is the default class, as k3s ships it',
    id: 'sc',
    bothVersions: true,
    async run(c) {
      const out = await c.ok(['get', 'sc', 'local-path']);
      const [head, row] = out.trim().split('\n');
      c.t.deepEqual(head.split(/\s{2,}/), ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']);
      c.t.deepEqual(row.split(/\s{2,}/).slice(0, 5), ['local-path (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', 'false']);
    },
  },
  {
    title: 'a StatefulSet comes up with bound claims on its pods\' nodes and keeps them across pod deletes and scale down/up',
    id: 'sts-claims',
    timeoutMs: 240_000,
    async run(c) {
      await c.ok(['apply', '-f', '-'], { stdin: statefulSet('web', 2) });
      await readyReplicas(c, 'web', 2);
      for (const i of [0, 1]) {
        await waitPhase(c, ['pvc', `data-web-${i}`], 'Bound');
        const node = await jsonpath(c, ['pod', `web-${i}`], '{.spec.nodeName}');
        const pv = await jsonpath(c, ['pvc', `data-web-${i}`], '{.spec.volumeName}');
        c.t.is(await jsonpath(c, ['pvc', `data-web-${i}`], "{.metadata.annotations['volume\\.kubernetes\\.io/selected-node']}"), node);
        c.t.is(await jsonpath(c, ['pv', pv], '{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}'), node);
        c.t.is(await jsonpath(c, ['pv', pv], '{.spec.claimRef.name}'), `data-web-${i}`);
      }
      const pvc = await c.ok(['get', 'pvc', 'data-web-0']);
      const [head, row] = pvc.trim().split('\n');
      c.t.deepEqual(head.split(/\s{2,}/), ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
      c.t.deepEqual(row.split(/\s{2,}/).slice(0, 7), ['data-web-0', 'Bound', await jsonpath(c, ['pvc', 'data-web-0'], '{.spec.volumeName}'), '1Gi', 'RWO', 'local-path', '<unset>']);
      const volume0 = await jsonpath(c, ['pvc', 'data-web-0'], '{.spec.volumeName}');
      const volume1 = await jsonpath(c, ['pvc', 'data-web-1'], '{.spec.volumeName}');
      // A deleted pod comes back with the same claim and volume.
      const uid = await jsonpath(c, ['pod', 'web-0'], '{.metadata.uid}');
      await c.ok(['delete', 'pod', 'web-0', '--wait=false']);
      await c.waitFor('web-0 recreated', async () => {
        const r = await c.run(['get', 'pod', 'web-0', '-o', 'jsonpath={.metadata.uid}']);
        return r.code === 0 && r.stdout && r.stdout !== uid ? true : undefined;
      }, 60_000);
      await readyReplicas(c, 'web', 2);
      c.t.is(await jsonpath(c, ['pod', 'web-0'], '{.spec.volumes[0].persistentVolumeClaim.claimName}'), 'data-web-0');
      c.t.is(await jsonpath(c, ['pvc', 'data-web-0'], '{.spec.volumeName}'), volume0);
      // Scale down keeps the claim (whenScaled: Retain by default), scale up reuses it.
      await c.ok(['scale', 'statefulset', 'web', '--replicas=1']);
      await c.waitFor('web-1 gone', async () => ((await c.run(['get', 'pod', 'web-1'])).code !== 0 ? true : undefined), 60_000);
      c.t.is(await phaseOf(c, ['pvc', 'data-web-1']), 'Bound');
      await c.ok(['scale', 'statefulset', 'web', '--replicas=2']);
      await readyReplicas(c, 'web', 2);
      c.t.is(await jsonpath(c, ['pvc', 'data-web-1'], '{.spec.volumeName}'), volume1);
    },
  },
  {
    title: 'persistentVolumeClaimRetentionPolicy Delete: scale down and StatefulSet delete remove the claims and their volumes',
    id: 'sts-retention',
    timeoutMs: 240_000,
    async run(c) {
      await c.ok(['apply', '-f', '-'], { stdin: statefulSet('db', 2, { whenScaled: 'Delete', whenDeleted: 'Delete' }) });
      await readyReplicas(c, 'db', 2);
      await waitPhase(c, ['pvc', 'data-db-1'], 'Bound');
      const pv1 = await jsonpath(c, ['pvc', 'data-db-1'], '{.spec.volumeName}');
      await c.ok(['scale', 'statefulset', 'db', '--replicas=1']);
      await c.waitFor('claim data-db-1 deleted', async () => ((await c.run(['get', 'pvc', 'data-db-1'])).code !== 0 ? true : undefined), 90_000);
      await c.waitFor(`volume ${pv1} deleted (reclaim policy Delete)`, async () => ((await c.run(['get', 'pv', pv1])).code !== 0 ? true : undefined), 60_000);
      c.t.is(await phaseOf(c, ['pvc', 'data-db-0']), 'Bound');
      await c.ok(['delete', 'statefulset', 'db']);
      await c.waitFor('claim data-db-0 deleted with its StatefulSet', async () => ((await c.run(['get', 'pvc', 'data-db-0'])).code !== 0 ? true : undefined), 90_000);
    },
  },
  {
    title: 'a static volume binds to a matching claim; with Retain it is Released when the claim goes',
    id: 'static-pv',
    bothVersions: true,
    async run(c) {
      const pv = `static-${c.ns}`;
      const volume = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pv, labels: { owner: c.ns } }, spec: { capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', hostPath: { path: `/tmp/${pv}` } } };
      await c.ok(['create', '-f', '-'], { stdin: JSON.stringify(volume) });
      const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'claim' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', selector: { matchLabels: { owner: c.ns } }, resources: { requests: { storage: '1Gi' } } } };
      await c.ok(['create', '-f', '-'], { stdin: JSON.stringify(claim) });
      await waitPhase(c, ['pvc', 'claim'], 'Bound');
      c.t.is(await jsonpath(c, ['pvc', 'claim'], '{.spec.volumeName}'), pv);
      c.t.is(await jsonpath(c, ['pvc', 'claim'], '{.status.capacity.storage}'), '2Gi');
      c.t.is(await jsonpath(c, ['pvc', 'claim'], "{.metadata.annotations['pv\\.kubernetes\\.io/bind-completed']}"), 'yes');
      c.t.is(await jsonpath(c, ['pv', pv], "{.metadata.annotations['pv\\.kubernetes\\.io/bound-by-controller']}"), 'yes');
      c.t.deepEqual((await jsonpath(c, ['pv', pv], '{.metadata.finalizers}')).includes('kubernetes.io/pv-protection'), true);
      const out = await c.ok(['get', 'pv', pv]);
      const [head, row] = out.trim().split('\n');
      c.t.deepEqual(head.split(/\s{2,}/), ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE']);
      c.t.deepEqual(row.split(/\s+/).slice(0, 6), [pv, '2Gi', 'RWO', 'Retain', 'Bound', `${c.ns}/claim`]);
      await c.ok(['delete', 'pvc', 'claim']);
      await waitPhase(c, ['pv', pv], 'Released');
      c.t.is(await jsonpath(c, ['pv', pv], '{.spec.claimRef.name}'), 'claim');
      await c.ok(['delete', 'pv', pv]);
    },
  },
  {
    title: 'a claim in use by a pod is Terminating, not removed, until the pod is gone (pvc-protection)',
    id: 'pvc-in-use',
    async run(c) {
      const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'used' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
      await c.ok(['create', '-f', '-'], { stdin: JSON.stringify(claim) });
      c.t.is(await jsonpath(c, ['pvc', 'used'], '{.spec.storageClassName}'), 'local-path');
      c.t.is(await jsonpath(c, ['pvc', 'used'], '{.metadata.finalizers[0]}'), 'kubernetes.io/pvc-protection');
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'user' }, spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'used' } }] } };
      await c.ok(['create', '-f', '-'], { stdin: JSON.stringify(pod) });
      await waitPhase(c, ['pod', 'user'], 'Running');
      await waitPhase(c, ['pvc', 'used'], 'Bound');
      await c.ok(['delete', 'pvc', 'used', '--wait=false']);
      const row = await c.waitFor('pvc used shown Terminating', async () => {
        const line = (await c.ok(['get', 'pvc', 'used', '--no-headers'])).trim();
        return line.split(/\s+/)[1] === 'Terminating' ? line : undefined;
      }, 30_000);
      c.t.regex(row, /^used\s+Terminating\s+pvc-/);
      await new Promise((r) => setTimeout(r, 2000));
      c.t.is((await c.run(['get', 'pvc', 'used'])).code, 0, 'the claim stays while the pod runs');
      await c.ok(['delete', 'pod', 'user']);
      await c.waitFor('claim used removed after its pod', async () => ((await c.run(['get', 'pvc', 'used'])).code !== 0 ? true : undefined), 60_000);
    },
  },
  {
    title: 'bad input: a claim nothing serves stays Pending with FailedBinding; a changed claim spec is refused',
    id: 'pvc-bad',
    bothVersions: true,
    async run(c) {
      const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'huge' }, spec: { accessModes: ['ReadWriteMany'], storageClassName: '', resources: { requests: { storage: '500Ti' } } } };
      await c.ok(['create', '-f', '-'], { stdin: JSON.stringify(claim) });
      const jp = '{range .items[?(@.involvedObject.name=="huge")]}{.reason}={.message}{"\\n"}{end}';
      const ev = await c.waitFor('a FailedBinding event', async () => (await jsonpath(c, ['events'], jp)).split('\n').find((l) => l.startsWith('FailedBinding=')), 30_000);
      c.t.is(ev, 'FailedBinding=no persistent volumes available for this claim and no storage class is set');
      c.t.is(await phaseOf(c, ['pvc', 'huge']), 'Pending');
      const r = await c.run(['patch', 'pvc', 'huge', '--type=merge', '-p', '{"spec":{"accessModes":["ReadWriteOnce"]}}']);
      c.t.is(r.code, 1);
      c.t.regex(r.stderr, /PersistentVolumeClaim "huge" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims/);
    },
  },
];
