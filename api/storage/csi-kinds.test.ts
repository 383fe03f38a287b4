import test from 'ava';
import type { KubeObject } from '../types.ts';
import { created, errorsOf as errors, updateErrorsOf as updateErrors } from '../../testing/strategy.ts';
import { csiDrivers } from './csi-driver/index.ts';
import { csiNodes } from './csi-node/index.ts';
import { csiStorageCapacities } from './csi-storage-capacity/index.ts';
import { volumeAttachments } from './volume-attachment/index.ts';
import { volumeAttributesClasses } from './volume-attributes-class/index.ts';


test('CSIDriver: upstream v1 defaults; attachRequired and lifecycle modes are fixed', (t) => {
  const s = csiDrivers.strategy;
  const d = created(s, { metadata: { name: 'hostpath.csi.k8s.io' }, spec: {} });
  t.deepEqual(d.spec, {
    attachRequired: true, podInfoOnMount: false, storageCapacity: false, fsGroupPolicy: 'ReadWriteOnceWithFSType',
    volumeLifecycleModes: ['Persistent'], requiresRepublish: false, seLinuxMount: false,
  });
  t.deepEqual(errors(s, d), []);
  const next = structuredClone(d);
  (next.spec as Record<string, unknown>).attachRequired = false;
  (next.spec as Record<string, unknown>).podInfoOnMount = true;
  t.deepEqual(updateErrors(s, next, d), ['spec.attachedRequired: Invalid value: false: field is immutable']);
  const bad = created(s, { metadata: { name: 'x'.repeat(64) }, spec: { fsGroupPolicy: 'Some', tokenRequests: [{ audience: 'a', expirationSeconds: 60 }, { audience: 'a' }] } });
  t.deepEqual(errors(s, bad), [
    'metadata.name: Invalid value: "' + 'x'.repeat(64) + '": must be no more than 63 characters',
    'spec.fsGroupPolicy: Unsupported value: "Some": supported values: "File", "None", "ReadWriteOnceWithFSType"',
    'spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    'spec.tokenRequests[1].audience: Duplicate value: "a"',
  ]);
});

test('CSINode: drivers need a node ID and unique names; a registered driver never changes', (t) => {
  const s = csiNodes.strategy;
  const n = created(s, { metadata: { name: 'node-1' }, spec: { drivers: [{ name: 'hostpath.csi.k8s.io', nodeID: 'node-1', topologyKeys: ['topology.hostpath.csi/node'] }] } });
  t.deepEqual(errors(s, n), []);
  const bad = created(s, { metadata: { name: 'node-1' }, spec: { drivers: [{ name: 'a.csi', nodeID: '' }, { name: 'a.csi', nodeID: 'n', allocatable: { count: -1 } }] } });
  t.deepEqual(errors(s, bad), [
    'spec.drivers[0].nodeID: Required value',
    'spec.drivers[1].allocatable.count: Invalid value: -1: must be greater than or equal to 0',
    'spec.drivers[1].name: Duplicate value: "a.csi"',
  ]);
  const moved = structuredClone(n);
  ((moved.spec as { drivers: { nodeID: string }[] }).drivers[0]).nodeID = 'other';
  t.is(updateErrors(s, moved, n).length, 1);
  t.regex(updateErrors(s, moved, n)[0], /^CSINodeDriver: Invalid value: .*: field is immutable$/);
});

test('VolumeAttachment: one source, immutable spec, status attached false', (t) => {
  const s = volumeAttachments.strategy;
  const va = created(s, { metadata: { name: 'csi-1' }, spec: { attacher: 'hostpath.csi.k8s.io', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } }, status: { attached: true } });
  t.deepEqual(va.status, { attached: false });
  t.deepEqual(errors(s, va), []);
  const inline = created(s, { metadata: { name: 'csi-2' }, spec: { attacher: 'a.csi', nodeName: 'n', source: { inlineVolumeSpec: { csi: { driver: 'a.csi', volumeHandle: 'h' } } } } });
  t.like(inline.spec, { source: { inlineVolumeSpec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' } } });
  const bad = created(s, { metadata: { name: 'csi-3' }, spec: { source: {} } });
  t.deepEqual(errors(s, bad).slice(0, 1), ['spec.attacher: Required value']);
  t.true(errors(s, bad).includes('spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  const moved = structuredClone(va);
  (moved.spec as { nodeName: string }).nodeName = 'node-2';
  t.regex(updateErrors(s, moved, va)[0], /^spec: Invalid value: .*: field is immutable$/);
});

test('CSIStorageCapacity: class name required, topology and class fixed', (t) => {
  const s = csiStorageCapacities.strategy;
  const c = created(s, { metadata: { name: 'cap', namespace: 'kube-system' }, storageClassName: 'fast', capacity: '10Gi', nodeTopology: { matchLabels: { zone: 'a' } } });
  t.deepEqual(errors(s, c), []);
  t.true(errors(s, { metadata: { name: 'cap', namespace: 'kube-system' }, capacity: 'lots' }).some((e) => e.startsWith('storageClassName: Invalid value: ""')));
  const moved = { ...structuredClone(c), storageClassName: 'slow' };
  t.deepEqual(updateErrors(s, moved, c), ['storageClassName: Invalid value: "slow": field is immutable']);
});

test('VolumeAttributesClass: driver and at least one parameter, both fixed', (t) => {
  const s = volumeAttributesClasses.strategy;
  const v = created(s, { metadata: { name: 'gold' }, driverName: 'pd.csi.storage.gke.io', parameters: { iops: '5000' } });
  t.deepEqual(errors(s, v), []);
  t.deepEqual(errors(s, { metadata: { name: 'gold' } }), ['driverName: Required value', 'parameters: Required value: must contain at least one key']);
  t.deepEqual(updateErrors(s, { ...v, parameters: { iops: '6000' } }, v), ['parameters: Forbidden: updates to parameters are forbidden.']);
});
