// Lists and watches send the watch cache's JSON bytes as they are: byte for byte the object a
// GET serializes, non-ASCII text included, and the other outputs (pretty, YAML) still decode them.

import test from 'ava';
import https from 'node:https';
import * as yaml from 'js-yaml';
import { startTestServer } from '../../testing/test-server.ts';
import { rawEventLine } from './watch.ts';

const TEXT = 'héllo ✓ 日本語 😀 \u2028 "quoted" \\ end';

test('a list and a watch from the cache send the object as a GET serializes it, non-ASCII text intact', async (t) => {
  const s = await startTestServer();
  const { ca, cert, key } = s.config;
  const call = (path: string, opts: { method?: string; body?: string; accept?: string; firstLine?: boolean } = {}) =>
    new Promise<{ code: number; body: Buffer }>((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (opts.accept) headers.accept = opts.accept;
      const req = https.request(`${s.config.server}${path}`, { method: opts.method ?? 'GET', ca, cert, key, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          // A watch stays open: its first event is the whole line.
          if (opts.firstLine && Buffer.concat(chunks).includes('\n')) {
            resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks) });
            req.destroy();
          }
        });
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.on('error', (e) => (opts.firstLine ? undefined : reject(e)));
      req.end(opts.body);
    });
  try {
    const base = '/api/v1/namespaces/default/configmaps';
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'text', namespace: 'default' }, data: { text: TEXT } };
    const created = await call(base, { method: 'POST', body: JSON.stringify(cm) });
    t.is(created.code, 201);
    t.is((JSON.parse(created.body.toString()) as typeof cm).data.text, TEXT, 'the write answers with the text');
    const got = await call(`${base}/text?resourceVersion=0`);
    t.is(got.code, 200);
    t.is((JSON.parse(got.body.toString()) as typeof cm).data.text, TEXT);

    const list = await call(`${base}?resourceVersion=0`);
    t.is(list.code, 200);
    const items = list.body.indexOf('"items":[') + '"items":['.length;
    t.deepEqual(list.body.subarray(items, items + got.body.length), got.body, 'the list carries the object byte for byte');
    t.is(list.body.subarray(items + got.body.length).toString(), ']}');

    const watch = await call(`${base}?watch=true&resourceVersion=0`, { firstLine: true });
    t.is(watch.code, 200);
    t.deepEqual(watch.body, Buffer.concat([Buffer.from('{"type":"ADDED","object":'), got.body, Buffer.from('}\n')]), 'the watch line wraps the same bytes');

    const pretty = await call(`${base}?resourceVersion=0&pretty=true`);
    t.true(pretty.body.toString().includes('\n  "items": ['), 'pretty output is indented');
    t.is((JSON.parse(pretty.body.toString()) as { items: (typeof cm)[] }).items[0].data.text, TEXT);
    const asYaml = await call(`${base}?resourceVersion=0`, { accept: 'application/yaml' });
    t.is((yaml.load(asYaml.body.toString()) as { items: (typeof cm)[] }).items[0].data.text, TEXT);
  } finally {
    await s.close();
  }
});

test('watch lines cut from one slab do not overwrite each other, and an object bigger than a slab gets its own', (t) => {
  const objects = [...Array.from({ length: 40 }, (_, i) => JSON.stringify({ i, t: `${TEXT}${'x'.repeat(i * 97)}` })), JSON.stringify({ big: 'y'.repeat(70_000) })];
  const lines = objects.map((o, i) => rawEventLine(i % 2 ? 'MODIFIED' : 'ADDED', Buffer.from(o)));
  lines.forEach((line, i) => t.is(line.toString(), `{"type":"${i % 2 ? 'MODIFIED' : 'ADDED'}","object":${objects[i]}}\n`));
});
