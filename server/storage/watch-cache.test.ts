// The watch cache keeps each object's JSON once, as UTF-8 bytes in an allocation of its own,
// and hands the very same bytes to every list and watch (no copy, no string per use).

import test from 'ava';
import type { KubeObject } from '../../api/types.ts';
import { Cacher } from './cacher.ts';
import { keyFor, ObjectStore } from './object-store.ts';
import { openSqliteBackend } from './sqlite/index.ts';
import { jsonBytes, parseFrozen } from './watch-cache.ts';

const CM = { group: '', resource: 'configmaps' };
const TEXT = 'héllo ✓ 日本語 😀 \u2028';

test('jsonBytes: UTF-8 of the string, in a buffer that owns its memory (no slice of a shared pool)', (t) => {
  for (const s of ['{}', JSON.stringify({ t: TEXT }), JSON.stringify({ big: 'x'.repeat(10_000) })]) {
    const b = jsonBytes(s);
    t.deepEqual(b, Buffer.from(s));
    t.is(b.byteOffset, 0);
    t.is(b.buffer.byteLength, b.length, 'an ArrayBuffer of its own: a small pod does not keep an 8 KB slab alive');
    t.deepEqual(parseFrozen(b), JSON.parse(s));
  }
});

test('a list and a watch share the entry\'s bytes; non-ASCII text survives', async (t) => {
  const backend = openSqliteBackend({ path: ':memory:' });
  const store = new ObjectStore(CM, backend);
  const cacher = new Cacher({ resource: CM, backend, store, kind: 'ConfigMap', apiVersion: 'v1' });
  try {
    await cacher.start();
    const key = keyFor(CM, 'default', 'a');
    const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { t: TEXT } };
    const created = await store.create(key, obj);
    const entry = cacher.peek(key)!;
    t.is(entry.raw.toString(), JSON.stringify(created));
    t.is((entry.object.data as Record<string, string>).t, TEXT);
    const list = await cacher.list({ resourceVersion: '0' });
    t.is(list.raw![0], entry.raw, 'the list holds the entry\'s buffer, not a copy');
    const w = await cacher.watch({ resourceVersion: '0' });
    const first = await w.next();
    t.is(first.value?.raw, entry.raw, 'so does the watch event');
    w.stop();
  } finally {
    cacher.close();
    await backend.close();
  }
});
