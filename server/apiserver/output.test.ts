// Lists joined from the watch cache's JSON: a JSON list sends the cached bytes and never parses
// its items (a cache page parses them on first read of `items`: ~0.15 ms a pod, on every list).

import test from 'ava';
import type { KubeObject, ResourceType } from '../../api/types.ts';
import { listJson } from './output.ts';

const rt = { group: '', version: 'v1', kind: 'Pod' } as ResourceType;

const texts = ['{"metadata":{"name":"a","resourceVersion":"5"},"note":"é ✓ 😀"}', '{"metadata":{"name":"b","resourceVersion":"6"}}'];

for (const [form, raw] of [['text', texts], ['the watch cache\'s bytes', texts.map((s) => Buffer.from(s))]] as const) {
  test(`a page with cached JSON (${form}) is joined as it is, its items never read`, (t) => {
    const page = {
      raw,
      get items(): KubeObject[] {
        throw new Error('items parsed for a JSON list');
      },
    };
    const json = listJson(rt, page, { resourceVersion: '7' });
    t.is(typeof json, form === 'text' ? 'string' : 'object');
    t.is(json.toString(), `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[${texts.join(',')}]}`);
    t.deepEqual((JSON.parse(json.toString()) as { items: unknown[] }).items, texts.map((r) => JSON.parse(r)));
  });
}

test('a page without cached JSON serializes its items', (t) => {
  const items = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }] as KubeObject[];
  const json = listJson(rt, { items }, { resourceVersion: '3', continue: 'c', remainingItemCount: 2 });
  t.deepEqual(JSON.parse(json.toString()), { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '3', continue: 'c', remainingItemCount: 2 }, items });
});
