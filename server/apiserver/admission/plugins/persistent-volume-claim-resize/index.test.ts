import test from 'ava';
import type { KubeObject } from '../../../../../api/types.ts';
import { admissionDeps, attributes, refusal } from '../../../../../testing/admission.ts';
import { NOT_BOUND, NOT_EXPANDABLE, persistentVolumeClaimResize } from './index.ts';

const classes: Record<string, KubeObject> = {
  grows: { metadata: { name: 'grows' }, allowVolumeExpansion: true } as KubeObject,
  fixed: { metadata: { name: 'fixed' }, allowVolumeExpansion: false } as KubeObject,
  unset: { metadata: { name: 'unset' } },
};
const plugin = persistentVolumeClaimResize(admissionDeps({ getObject: async (_g, _r, _ns, name) => classes[name] }));
const claim = (storage: string, o: { cls?: string; phase?: string; betaClass?: string } = {}) => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'ns', ...(o.betaClass ? { annotations: { 'volume.beta.kubernetes.io/storage-class': o.betaClass } } : {}) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, storageClassName: o.cls ?? 'grows', volumeName: 'pv-1' },
  status: { phase: o.phase ?? 'Bound', capacity: { storage: '1Gi' } },
}) as KubeObject;

const cases: Array<{ name: string; old: KubeObject; next: KubeObject; want?: string }> = [
  { name: 'growth in a class that allows it', old: claim('1Gi'), next: claim('2Gi') },
  { name: 'the same size in other units', old: claim('1Gi'), next: claim('1024Mi', { cls: 'fixed' }) },
  { name: 'no growth in a fixed class (other changes are validation\'s)', old: claim('1Gi', { cls: 'fixed' }), next: claim('1Gi', { cls: 'fixed' }) },
  { name: 'a shrink (refused by validation, not here)', old: claim('2Gi', { cls: 'fixed' }), next: claim('1Gi', { cls: 'fixed' }) },
  { name: 'growth of a claim that is not Bound', old: claim('1Gi', { phase: 'Pending' }), next: claim('2Gi', { phase: 'Pending' }), want: NOT_BOUND },
  { name: 'growth in a class with allowVolumeExpansion false', old: claim('1Gi', { cls: 'fixed' }), next: claim('2Gi', { cls: 'fixed' }), want: NOT_EXPANDABLE },
  { name: 'growth in a class without allowVolumeExpansion', old: claim('1Gi', { cls: 'unset' }), next: claim('2Gi', { cls: 'unset' }), want: NOT_EXPANDABLE },
  { name: 'growth in a class that does not exist', old: claim('1Gi', { cls: 'gone' }), next: claim('2Gi', { cls: 'gone' }), want: NOT_EXPANDABLE },
  { name: 'growth of a claim without a class', old: claim('1Gi', { cls: '' }), next: claim('2Gi', { cls: '' }), want: NOT_EXPANDABLE },
  { name: 'the class read from the beta annotation first', old: claim('1Gi', { betaClass: 'fixed' }), next: claim('2Gi', { betaClass: 'fixed' }), want: NOT_EXPANDABLE },
];
for (const c of cases) {
  test(`PersistentVolumeClaimResize: ${c.name}`, async (t) => {
    const e = await refusal(plugin.validate, attributes('UPDATE', 'persistentvolumeclaims', { object: c.next, oldObject: c.old }));
    if (!c.want) return t.is(e, undefined);
    t.is(e?.code, 403);
    t.is(e?.reason, 'Forbidden');
    t.is(e?.message, `persistentvolumeclaims "data" is forbidden: ${c.want}`);
  });
}

test('PersistentVolumeClaimResize looks at updates of claims only, not their status', (t) => {
  t.false(plugin.handles!('CREATE'));
  t.true(plugin.handles!('UPDATE'));
});

test('PersistentVolumeClaimResize leaves the status subresource alone', async (t) => {
  const a = attributes('UPDATE', 'persistentvolumeclaims', { object: claim('2Gi', { cls: 'fixed' }), oldObject: claim('1Gi', { cls: 'fixed' }), subresource: 'status' });
  t.is(await refusal(plugin.validate, a), undefined);
});
