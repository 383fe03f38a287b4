// Volume expansion with kubectl on simulated nodes: a class of the local-path provisioner that
// sets allowVolumeExpansion lets a Bound claim grow (the volume, then the claim's capacity, as
// upstream's resizer flow for a volume without a node-side step); the default class, as k3s
// ships it, does not set it, so growth there is Forbidden; shrinking below status.capacity
// and growing a claim that is not Bound are Invalid, as upstream.

import { errLines, type Ctx, type Scenario } from './suite.ts';

const jsonpath = (c: Ctx, what: string[], jp: string) => c.ok(['get', ...what, '-o', `jsonpath=${jp}`]);
const claim = (name: string, storage: string, storageClassName?: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], ...(storageClassName !== undefined ? { storageClassName } : {}), resources: { requests: { storage } } } });
const grow = (storage: string) => ['--type=merge', '-p', JSON.stringify({ spec: { resources: { requests: { storage } } } })];
const EXTERNAL = 'ExternalExpanding=waiting for an external controller to expand this PVC';
const bound = (c: Ctx, name: string) => c.waitFor(`pvc ${name} Bound`, async () => ((await jsonpath(c, ['pvc', name], '{.status.phase}')) === 'Bound' ? true : undefined), 60_000);

export const volumeExpansionScenarios: Scenario[] = [
  {
    title: 'a claim of a local-path class with allowVolumeExpansion grows: volume, then claim capacity, Resizing then done; shrinking is Invalid',
    id: 'pvc-expand',
    bothVersions: true,
    async run(c) {
      const sc = `grows-${c.ns}`;
      const cls = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: sc }, provisioner: 'rancher.io/local-path', allowVolumeExpansion: true, volumeBindingMode: 'Immediate' };
      await c.ok(['create', '-f', '-'], { stdin: JSON.stringify(cls) });
      try {
        c.t.regex(await c.ok(['get', 'sc', sc, '--no-headers']), new RegExp(`^${sc}\\s+rancher\\.io/local-path\\s+Delete\\s+Immediate\\s+true\\s`));
        await c.ok(['create', '-f', '-'], { stdin: claim('data', '1Gi', sc) });
        await bound(c, 'data');
        const pv = await jsonpath(c, ['pvc', 'data'], '{.spec.volumeName}');
        await c.ok(['patch', 'pvc', 'data', ...grow('3Gi')]);
        const row = await c.waitFor('kubectl get pvc shows 3Gi', async () => {
          const line = (await c.ok(['get', 'pvc', 'data', '--no-headers'])).trim().split(/\s+/);
          return line[3] === '3Gi' ? line : undefined;
        }, 30_000);
        c.t.deepEqual(row.slice(0, 6), ['data', 'Bound', pv, '3Gi', 'RWO', sc]);
        c.t.is(await jsonpath(c, ['pv', pv], '{.spec.capacity.storage}'), '3Gi');
        c.t.is(await jsonpath(c, ['pvc', 'data'], '{.status.allocatedResources.storage} [{.status.allocatedResourceStatuses}] [{.status.conditions}]'), '3Gi [] []');
        const jp = '{range .items[?(@.involvedObject.name=="data")]}{.reason}={.message}{"\\n"}{end}';
        // The expand controller hands the claim to an external resizer (no in-tree plugin grows a
        // hostPath volume), as upstream's does; local-path's resizer is that resizer.
        const events = await c.waitFor('the expand controller\'s and the resizer\'s events', async () => {
          const lines = (await jsonpath(c, ['events'], jp)).trim().split('\n');
          return lines.includes('VolumeResizeSuccessful=Resize volume succeeded') && lines.includes(EXTERNAL) ? lines : undefined;
        }, 30_000);
        c.t.true(events.includes(`Resizing=External resizer is resizing volume ${pv}`), events.join('\n'));
        // Below status.capacity is refused; the claim keeps its request.
        const shrink = await c.run(['patch', 'pvc', 'data', ...grow('2Gi')]);
        c.t.is(shrink.code, 1);
        c.t.is(errLines(shrink).join('\n'), 'The PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity');
        c.t.is(await jsonpath(c, ['pvc', 'data'], '{.spec.resources.requests.storage}'), '3Gi');
        // A resize status upstream does not know is refused on the status subresource.
        const bogus = await c.run(['patch', 'pvc', 'data', '--subresource=status', '--type=merge', '-p', '{"status":{"allocatedResourceStatuses":{"storage":"Bogus"}}}']);
        c.t.regex(errLines(bogus).join('\n'), /^The PersistentVolumeClaim "data" is invalid: status\.allocatedResourceStatuses\[storage\]: Unsupported value: "Bogus": supported values: "ControllerResizeInProgress", /);
        await c.ok(['delete', 'pvc', 'data']);
        await c.waitFor(`volume ${pv} deleted`, async () => ((await c.run(['get', 'pv', pv])).code !== 0 ? true : undefined), 60_000);
      } finally {
        await c.run(['delete', 'sc', sc, '--ignore-not-found']);
      }
    },
  },
  {
    title: 'a claim of a class no kubets resizer serves: ExternalExpanding, and the claim keeps its capacity until an external resizer acts',
    id: 'pvc-external',
    async run(c) {
      const sc = `external-${c.ns}`;
      const cls = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: sc }, provisioner: 'example.com/external', allowVolumeExpansion: true, volumeBindingMode: 'Immediate' };
      const pv = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: sc }, spec: { storageClassName: sc, capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${sc}` } } };
      await c.ok(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [cls, pv] }) });
      try {
        await c.ok(['create', '-f', '-'], { stdin: claim('ext', '1Gi', sc) });
        await bound(c, 'ext');
        await c.ok(['patch', 'pvc', 'ext', ...grow('2Gi')]);
        const jp = '{range .items[?(@.involvedObject.name=="ext")]}{.reason}={.message} {.type} {.source.component}{"\\n"}{end}';
        await c.waitFor('ExternalExpanding', async () => ((await jsonpath(c, ['events'], jp)).includes(`${EXTERNAL} Normal volume_expand`) ? true : undefined), 30_000);
        c.t.is(await jsonpath(c, ['pvc', 'ext'], '{.spec.resources.requests.storage} {.status.capacity.storage}'), '2Gi 1Gi');
        c.t.is(await jsonpath(c, ['pv', sc], '{.spec.capacity.storage}'), '1Gi');
        await c.ok(['delete', 'pvc', 'ext']);
      } finally {
        await c.run(['delete', 'pv', sc, '--ignore-not-found', '--wait=false']);
        await c.run(['delete', 'sc', sc, '--ignore-not-found']);
      }
    },
  },
  {
    title: 'the default class local-path does not allow expansion (as k3s ships it): growth is Forbidden; a Pending claim may not change its request',
    id: 'pvc-fixed',
    async run(c) {
      await c.ok(['create', '-f', '-'], { stdin: claim('fixed', '1Gi') });
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'user' }, spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'fixed' } }] } };
      await c.ok(['create', '-f', '-'], { stdin: JSON.stringify(pod) });
      await bound(c, 'fixed');
      const r = await c.run(['patch', 'pvc', 'fixed', ...grow('2Gi')]);
      c.t.is(r.code, 1);
      c.t.is(errLines(r).join('\n'), 'Error from server (Forbidden): persistentvolumeclaims "fixed" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
      c.t.is(await jsonpath(c, ['pvc', 'fixed'], '{.spec.resources.requests.storage} {.status.capacity.storage}'), '1Gi 1Gi');
      // A claim that is not Bound: its spec is fixed (validation, before admission). No class
      // and a size no static volume of the other scenarios offers, so it stays Pending.
      await c.ok(['create', '-f', '-'], { stdin: claim('waiting', '500Ti', '') });
      const pending = await c.run(['patch', 'pvc', 'waiting', ...grow('600Ti')]);
      c.t.is(errLines(pending).join('\n'), 'The PersistentVolumeClaim "waiting" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
      await c.ok(['delete', 'pod', 'user', '--wait=false']);
    },
  },
];
