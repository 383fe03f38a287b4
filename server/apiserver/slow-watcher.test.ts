// A watcher that stops reading is closed and what it held freed (upstream: "forcing watcher close
// due to unresponsiveness", apiserver_terminated_watchers_total); a watcher that reads is not.

import test from 'ava';
import https from 'node:https';
import tls from 'node:tls';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { startTestServer } from '../../testing/test-server.ts';
import { slowWatchers } from './watch.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a watch that stops reading is dropped once its unsent events stall; a reading watch gets every event', async (t) => {
  // Small limits for the test (the defaults are 16 MB and 10 s): this worker's server only.
  Object.assign(slowWatchers, { maxBufferedBytes: 256 * 1024, stallMs: 300 });
  const s = await startTestServer();
  const { ca, cert, key } = s.config;
  const base = '/api/v1/namespaces/default/configmaps';
  const url = new URL(s.config.server);
  const open = (path: string) =>
    new Promise<{ res: IncomingMessage; closed: Promise<void> }>((resolve, reject) => {
      const req = https.request(`${s.config.server}${path}`, { ca, cert, key, agent: false }, (res) => {
        const closed = new Promise<void>((r) => res.socket.once('close', () => r()));
        resolve({ res, closed });
      });
      req.on('error', reject);
      req.end();
    });
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<{ code: number; text: string }>((resolve, reject) => {
      const req = https.request(`${s.config.server}${path}`, { method, ca, cert, key, headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  try {
    // A raw TLS connection that sends the watch request, reads the status line, then no more.
    const sock = tls.connect({ host: url.hostname, port: Number(url.port), ca, cert, key });
    let stalledClosed = false;
    sock.on('close', () => (stalledClosed = true));
    sock.on('error', () => undefined);
    await once(sock, 'secureConnect');
    sock.write(`GET ${base}?watch=true HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    const [head] = (await once(sock, 'data')) as [Buffer];
    t.regex(head.toString(), /^HTTP\/1\.1 200/);
    sock.pause();

    const reader = await open(`${base}?watch=true`);
    let seen = 0;
    let pending = '';
    reader.res.on('data', (c: Buffer) => {
      const lines = (pending + c.toString()).split('\n');
      pending = lines.pop()!;
      seen += lines.filter((l) => l.startsWith('{"type":"ADDED"')).length;
    });

    const big = 'x'.repeat(512 * 1024);
    const terminated = async () => /apiserver_terminated_watchers_total\{group="",resource="configmaps"\} 1\b/.test((await call('GET', '/metrics')).text);
    let created = 0;
    let dropped = false;
    while (!dropped && created < 150) {
      const r = await call('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${created}` }, data: { big } });
      t.is(r.code, 201, r.text);
      created++;
      await sleep(40);
      dropped = await terminated();
    }
    t.true(dropped, `the stalled watch was counted as terminated after ${created} writes of 512 KB`);
    t.true(created > 1, 'not before its unsent events stalled');
    // The stalled client, reading again, finds its stream cut short: fewer events, then the end.
    let stalledEvents = 0;
    let rest = '';
    sock.on('data', (c: Buffer) => {
      const lines = (rest + c.toString('latin1')).split('\n');
      rest = lines.pop()!;
      stalledEvents += lines.filter((l) => l.includes('{"type":"ADDED"')).length;
    });
    sock.resume();
    const until = Date.now() + 10_000;
    while (!stalledClosed && Date.now() < until) await sleep(50);
    t.true(stalledClosed, 'the dropped watch ends for its client');
    t.true(stalledEvents < created, `the dropped watch sent ${stalledEvents} of ${created} events`);

    // The reading watcher was not dropped and heard every create; the server answers everyone.
    const deadline = Date.now() + 10_000;
    while (seen < created && Date.now() < deadline) await sleep(50);
    t.is(seen, created, 'the reading watch got every event');
    t.false(reader.res.socket.destroyed, 'the reading watch is still open');
    const list = await call('GET', `${base}?limit=1`);
    t.is(list.code, 200);
    reader.res.destroy();
    sock.destroy();
  } finally {
    await s.close();
  }
});
