// Lists joined from the watch cache's JSON: a JSON list sends the cached bytes and never parses
// its items (a cache page parses them on first read of `items`: ~0.15 ms a pod, on every list).

import test from 'ava';
import type { KubeObject, ResourceType } from '../../api/types.ts';
import { listJson } from './output.ts';

const rt = { group: '', version: 'v1', kind: 'Pod' } as ResourceType;

test('a page with cached JSON is joined as it is, its items never read', (t) => {
  const raw = ['{"metadata":{"name":"a","resourceVersion":"5"},"note":"é ✓"}', '{"metadata":{"name":"b","resourceVersion":"6"}}'];
  const page = {
    raw,
    get items(): KubeObject[] {
      throw new Error('items parsed for a JSON list');
    },
  };
  const json = listJson(rt, page, { resourceVersion: '7' });
  t.is(json, `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[${raw.join(',')}]}`);
  t.deepEqual((JSON.parse(json) as { items: unknown[] }).items, raw.map((r) => JSON.parse(r)));
});

test('a page without cached JSON serializes its items', (t) => {
  const items = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }] as KubeObject[];
  const json = listJson(rt, { items }, { resourceVersion: '3', continue: 'c', remainingItemCount: 2 });
  t.deepEqual(JSON.parse(json), { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '3', continue: 'c', remainingItemCount: 2 }, items });
});
