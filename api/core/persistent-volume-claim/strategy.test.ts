// A claim's update validation, case by case as upstream's ValidatePersistentVolumeClaimUpdate
// (with recovery from expansion failure, GA): which spec changes a bound claim may make, and
// how far its storage request may go down.

import test from 'ava';
import type { KubeObject } from '../../types.ts';
import { validatePVCStatus, validatePVCUpdate } from './strategy.ts';

const claim = (storage: string, o: { phase?: string; capacity?: string; limits?: string; modes?: string[] } = {}) => ({
  metadata: { name: 'data', namespace: 'ns' },
  spec: {
    accessModes: o.modes ?? ['ReadWriteOnce'], volumeName: 'pv-1', storageClassName: 'grows',
    resources: { requests: { storage }, ...(o.limits ? { limits: { storage: o.limits } } : {}) },
  },
  status: { phase: o.phase ?? 'Bound', ...(o.capacity === '' ? {} : { capacity: { storage: o.capacity ?? '1Gi' } }) },
}) as KubeObject;

const errors = (n: KubeObject, o: KubeObject) => validatePVCUpdate(n, o).map((e) => `${e.field}: ${e.type}: ${e.detail}`);
const SPEC = 'spec: FieldValueForbidden: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';
const BELOW = 'spec.resources.requests.storage: FieldValueForbidden: Forbidden: field can not be less than status.capacity';

const cases: Array<{ name: string; old: KubeObject; next: KubeObject; want: string[] }> = [
  { name: 'a bound claim grows', old: claim('1Gi'), next: claim('2Gi'), want: [] },
  { name: 'a bound claim shrinks to its capacity', old: claim('2Gi', { capacity: '1Gi' }), next: claim('1Gi', { capacity: '1Gi' }), want: [BELOW] },
  { name: 'a bound claim shrinks below its capacity', old: claim('2Gi', { capacity: '2Gi' }), next: claim('1Gi', { capacity: '2Gi' }), want: [BELOW] },
  { name: 'a failed expansion is taken back to above the capacity', old: claim('3Gi', { capacity: '1Gi' }), next: claim('2Gi', { capacity: '1Gi' }), want: [] },
  { name: 'a Pending claim may not change its request', old: claim('1Gi', { phase: 'Pending', capacity: '' }), next: claim('2Gi', { phase: 'Pending', capacity: '' }), want: [SPEC] },
  { name: 'a bound claim may not change its limits', old: claim('1Gi'), next: claim('1Gi', { limits: '5Gi' }), want: [SPEC] },
  { name: 'a bound claim may not change its access modes', old: claim('1Gi'), next: claim('2Gi', { modes: ['ReadWriteMany'] }), want: [SPEC] },
];
for (const c of cases) {
  test(`PVC update: ${c.name}`, (t) => {
    t.deepEqual(errors(c.next, c.old), c.want);
  });
}

test('PVC status: allocated sizes must be quantities, resize statuses upstream\'s', (t) => {
  const withStatus = (status: Record<string, unknown>) => ({ ...claim('2Gi'), status: { phase: 'Bound', ...status } }) as KubeObject;
  t.deepEqual(validatePVCStatus(withStatus({ allocatedResources: { storage: '2Gi' }, allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' } })), []);
  t.deepEqual(validatePVCStatus(withStatus({ allocatedResources: { storage: 'lots' }, allocatedResourceStatuses: { storage: 'Resizing' } })).map((e) => `${e.field}: ${e.type}`), [
    'status.allocatedResources[storage]: FieldValueInvalid',
    'status.allocatedResourceStatuses[storage]: FieldValueNotSupported',
  ]);
});
