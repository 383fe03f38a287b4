// A write of this process reaches its watch cache as the JSON the write serialized once for
// both the store and the cache: the cache's copy must be exactly what parsing the stored value
// at the write's revision gives (key order, resourceVersion last in metadata, undefined dropped).

import test from 'ava';
import type { KubeObject } from '../../api/types.ts';
import { Cacher } from './cacher.ts';
import { decodeObject, keyFor, ObjectStore } from './object-store.ts';
import { openSqliteBackend } from './sqlite/index.ts';

const CM = { group: '', resource: 'configmaps' };

const cases: Array<[string, KubeObject]> = [
  ['metadata first', { metadata: { name: 'a', namespace: 'default', labels: { x: 'y' } }, apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'v' } }],
  ['metadata in the middle, a stale resourceVersion, undefined members', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '7', name: 'b', namespace: 'default', uid: undefined }, data: { k: 'v', gone: undefined as unknown as string } }],
  ['metadata holding only a name, last', { apiVersion: 'v1', kind: 'ConfigMap', data: { resourceVersion: '3' }, metadata: { name: 'c' } }],
  ['no metadata', { apiVersion: 'v1', kind: 'ConfigMap', data: { n: '1' } }],
  ['non-ASCII text (the cache keeps UTF-8 bytes)', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd', annotations: { 'é': 'ü' } }, data: { t: 'héllo ✓ 日本語 😀 \u2028' } }],
];

for (const [name, obj] of cases) {
  test(`the cache's JSON of an in-process write is the stored value's: ${name}`, async (t) => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const store = new ObjectStore(CM, backend);
    const cacher = new Cacher({ resource: CM, backend, store, kind: 'ConfigMap', apiVersion: 'v1' });
    await cacher.start();
    const key = keyFor(CM, 'default', `o-${name.length}`);
    await store.create(key, structuredClone(obj));
    await store.guaranteedUpdate(key, (cur) => ({ ...cur!, data: { ...(cur!.data as object), more: 'yes' } }));
    const kv = (await backend.get(key))!;
    t.is(cacher.peek(key)!.raw.toString(), JSON.stringify(decodeObject(kv.value, kv.modRevision)));
    cacher.close();
    await backend.close();
  });
}
