// An etcd member that answers slowly (a delaying TCP proxy on loopback in front of a real
// etcd): reads the watch cache serves keep answering at once, writes past their deadline get
// upstream's 504 Timeout Status (kubectl shows it as such), and once etcd is quick again the
// store and the cache agree and hold exactly what was written: nothing half-written.

import test from 'ava';
import { startEtcd, type EtcdHarness } from '../../testing/etcd.ts';
import { startDelayProxy, type DelayProxy } from '../../testing/delay-proxy.ts';
import { checkTool } from '../../testing/tools.ts';
import { kubectl, startKubets, type Kubets } from '../harness.ts';
import { connect, eventually, sleep, type Conn } from './flood.ts';

const etcdTool = checkTool('etcd');
const NS = 'slow';
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const cm = (name: string, v: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v } });
/** Each way: an etcd round trip takes twice this, under the etcd client's own 5 s deadline. */
const DELAY_MS = 1500;

interface ConfigMap {
  metadata: { name: string; resourceVersion: string };
  data?: { v?: string };
}

let etcd: EtcdHarness | undefined;
let proxy: DelayProxy | undefined;
let kubets: Kubets | undefined;
let c: Conn;

if (etcdTool.skipReason) test.skip(`slow etcd (skipped: ${etcdTool.skipReason})`, () => {});
else {
  test.before(async () => {
    etcd = await startEtcd({ bin: etcdTool.path });
    const u = new URL(etcd.endpoint);
    proxy = await startDelayProxy({ host: u.hostname, port: Number(u.port) });
    kubets = await startKubets({ store: 'etcd', etcdEndpoint: `http://${proxy.address}`, args: ['--disable', 'controllers,scheduler'] });
    c = await connect(kubets);
    const ns = await c.send('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }));
    if (ns.status !== 201) throw new Error(`namespace: ${ns.status} ${ns.body}`);
    for (let i = 0; i < 5; i++) {
      const r = await c.send('POST', CM, cm(`before-${i}`, `value-${i}`));
      if (r.status !== 201) throw new Error(`configmap: ${r.status} ${r.body}`);
    }
  });
  test.after.always(async () => {
    await kubets?.stop();
    await proxy?.close();
    await etcd?.stop();
  });

  test.serial('reads from the watch cache answer at once; writes past their deadline are 504 Timeout; afterwards nothing is corrupt', async (t) => {
    // The cache has seen the objects before etcd turns slow.
    await eventually('the cache shows the five objects', async () => JSON.parse((await c.send('GET', `${CM}?resourceVersion=0`)).body) as { items: unknown[] }, (l) => l.items.length === 5);
    proxy!.setDelay(DELAY_MS);

    // Writes that cannot finish within the timeout their clients asked for.
    const writes = Array.from({ length: 3 }, (_, i) => c.send('POST', `${CM}?timeout=1s`, cm(`during-${i}`, `written-${i}`)));
    const update = c.send('PUT', `${CM}/before-0?timeout=1s`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before-0' }, data: { v: 'updated-0' } }));

    // Meanwhile reads the watch cache serves answer well before one etcd round trip.
    for (const path of [`${CM}?resourceVersion=0`, `${CM}/before-1?resourceVersion=0`, `/api/v1/namespaces?resourceVersion=0`]) {
      const t0 = Date.now();
      const r = await c.send('GET', path, undefined, { timeoutMs: 2 * DELAY_MS });
      t.is(r.status, 200, `${path}: ${r.body}`);
      t.log(`GET ${path} while etcd is slow: ${Date.now() - t0} ms`);
    }

    for (const r of [...(await Promise.all(writes)), await update]) {
      t.is(r.status, 504, r.body);
      const s = JSON.parse(r.body) as { kind: string; status: string; reason: string; message: string; code: number };
      t.deepEqual([s.kind, s.status, s.reason, s.code], ['Status', 'Failure', 'Timeout', 504]);
      t.is(s.message, 'Timeout: request did not complete within requested timeout - context deadline exceeded');
    }

    // kubectl's reads from the cache are answered too (its --request-timeout sends ?timeout=, and
    // a write with it races kubectl's own client timeout, so only reads are asked of it here).
    const tool = checkTool('kubectl');
    if (tool.path) {
      const r = await kubectl(tool.path, kubets!.kubeconfig, ['get', '--raw', `${CM}?resourceVersion=0`, '--request-timeout=2s']);
      t.is(r.code, 0, r.stderr);
      t.is((JSON.parse(r.stdout) as { items: unknown[] }).items.length >= 5, true);
    } else t.log(tool.skipReason);

    // etcd is quick again: every write either landed whole or not at all, and the cache and
    // etcd agree.
    proxy!.setDelay(0);
    await sleep(2 * DELAY_MS + 1000); // what was already on the wire arrives, late, in order
    const list = async (path: string) => {
      const r = await c.send('GET', path);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body}`);
      return JSON.parse(r.body) as { items: ConfigMap[]; metadata: { resourceVersion: string } };
    };
    const summary = (l: { items: ConfigMap[] }) => l.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}=${o.data?.v}`).sort();
    // Etcd (a consistent read) and the watch cache (rv=0) agree, also on writes landing late.
    // (A read NotOlderThan etcd's revision cannot prove it: later revisions belong to other
    // resources, and this cache takes only its own events as proof of freshness.)
    const [fromStore, fromCache] = await eventually(
      'the cache shows what etcd holds',
      () => Promise.all([list(CM), list(`${CM}?resourceVersion=0`)]),
      ([s, c]) => summary(s).join() === summary(c).join(),
    );
    t.deepEqual(summary(fromCache), summary(fromStore));
    t.log(`after: ${summary(fromStore).join(' ')}`);
    for (const o of fromStore.items) {
      const [kind, n] = o.metadata.name.split('-');
      const want = kind === 'before' ? (n === '0' ? ['value-0', 'updated-0'] : [`value-${n}`]) : [`written-${n}`];
      t.true(want.includes(o.data?.v ?? ''), `${o.metadata.name}: ${o.data?.v}`);
    }
    for (let i = 1; i < 5; i++) t.true(fromStore.items.some((o) => o.metadata.name === `before-${i}`));
    // And the server takes writes again.
    const again = await c.send('POST', CM, cm('after', 'ok'));
    t.is(again.status, 201, again.body);
  });
}
