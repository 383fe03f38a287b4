import test from 'ava';
import type { KubeObject } from '../../../../../api/types.ts';
import { Registry } from '../../../../../api/registry.ts';
import type { Attributes } from '../../types.ts';
import { defaultStorageClass } from './index.ts';
import { admissionDeps } from '../../../../../testing/admission.ts';
import { storageObjectInUseProtection } from '../storage-object-in-use-protection/index.ts';

const registry = new Registry();
const pvcs = registry.get('', 'v1', 'persistentvolumeclaims')!;
const classes: KubeObject[] = [
  { metadata: { name: 'old-default', creationTimestamp: '2024-01-01T00:00:00Z', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
  { metadata: { name: 'new-default', creationTimestamp: '2025-01-01T00:00:00Z', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
  { metadata: { name: 'plain', creationTimestamp: '2026-01-01T00:00:00Z' } },
];
const attrs = (spec: Record<string, unknown>): Attributes => ({
  operation: 'CREATE', resource: pvcs, subresource: '', name: 'c', namespace: 'a', object: { metadata: { name: 'c' }, spec } as KubeObject,
  oldObject: undefined, user: { username: 'u', groups: [] }, dryRun: false, warnings: [],
});

const cases: Array<{ name: string; spec: Record<string, unknown>; want: string }> = [
  { name: 'no class: the newest default', spec: {}, want: 'new-default' },
  { name: 'an empty class stays empty', spec: { storageClassName: '' }, want: '' },
  { name: 'a named class is kept', spec: { storageClassName: 'plain' }, want: 'plain' },
];
for (const c of cases) {
  test(`DefaultStorageClass: ${c.name}`, async (t) => {
    const plugin = defaultStorageClass(admissionDeps({ listObjects: async () => classes }));
    const a = attrs(c.spec);
    await plugin.admit!(a);
    t.is((a.object as { spec?: { storageClassName?: string } }).spec?.storageClassName, c.want);
  });
}

test('StorageObjectInUseProtection adds the claim finalizer once', async (t) => {
  const a = attrs({});
  a.object!.metadata!.finalizers = ['x'];
  await storageObjectInUseProtection().admit!(a);
  await storageObjectInUseProtection().admit!(a);
  t.deepEqual(a.object?.metadata?.finalizers, ['x', 'kubernetes.io/pvc-protection']);
});
