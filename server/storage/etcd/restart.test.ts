// etcd going away and coming back: writers under load and watchers running while etcd is
// killed and restarted on the same ports and data. Acknowledged writes survive and reach the
// watch exactly once, in order, with no gap; calls during the outage fail with 'Unavailable'
// in bounded time. Also: an endpoint nobody listens on fails fast.

import test from 'ava';
import { checkTool, freePort } from '../../../testing/tools.ts';
import { collect, json } from '../contract/helpers.ts';
import { isStorageError, type Backend } from '../types.ts';
import { openEtcdBackend } from './backend.ts';
import { startEtcd } from '../../../testing/etcd.ts';

const tool = checkTool('etcd');
const REQUEST_TIMEOUT_MS = 2000;
/** The longest a call may take while etcd is down: its deadline plus scheduling slack. */
const BOUND_MS = REQUEST_TIMEOUT_MS + 1500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  acked: Map<string, number>;
  failures: { code: string; message: string; ms: number }[];
  attempted: Set<string>;
}

/** `writers` loops creating fresh keys under p until stop() resolves; records what happened. */
function load(b: Backend, p: string, writers: number): { stop(): Promise<Outcome> } {
  const out: Outcome = { acked: new Map(), failures: [], attempted: new Set() };
  let running = true;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let n = 0; running; n++) {
      const key = `${p}/w${w}-${String(n).padStart(5, '0')}`;
      out.attempted.add(key);
      const t0 = Date.now();
      try {
        out.acked.set(key, await b.create(key, json({ w, n })));
      } catch (e) {
        out.failures.push({
          code: isStorageError(e) ? e.code : 'not a StorageError',
          message: e instanceof Error ? e.message : String(e),
          ms: Date.now() - t0,
        });
        await sleep(50);
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return out;
    },
  };
}

if (tool.skipReason) {
  test('etcd restart', (t) => {
    t.log(tool.skipReason);
    t.pass();
  });
} else {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    test.serial(`after ${signal} and a restart, watches resume with every acknowledged write once, in order`, async (t) => {
      const etcd = await startEtcd({ bin: tool.path });
      const b = openEtcdBackend({ endpoints: [etcd.endpoint], requestTimeoutMs: REQUEST_TIMEOUT_MS });
      const p = '/registry/restart';
      try {
        const start = await b.currentRevision();
        const live = collect(b, { prefix: `${p}/`, afterRevision: start });
        const writers = load(b, p, 8);
        await sleep(400);

        await etcd.kill(signal);
        await sleep(300);
        // A watch opened while etcd is down starts once it is back.
        const during = collect(b, { prefix: `${p}/`, afterRevision: start });
        await sleep(1200);
        const downRead = (await b.get(`${p}/probe`).then(() => 'answered', (e: unknown) => e));
        await etcd.restart();
        await sleep(800);
        const outcome = await writers.stop();

        t.true(isStorageError(downRead, 'Unavailable'), `a read while etcd was down: ${String(downRead)}`);
        t.regex((downRead as Error).message, /etcd/);
        t.true((downRead as Error).message.includes(etcd.endpoint.replace(/^http:\/\//, '')));

        // Calls during the outage failed as Unavailable, within the bound, and some did fail.
        t.true(outcome.failures.length > 0, 'no write failed while etcd was down');
        for (const f of outcome.failures) {
          t.is(f.code, 'Unavailable', f.message);
          t.true(f.ms < BOUND_MS, `a failing write took ${f.ms} ms`);
        }
        const ackedRevs = [...outcome.acked.values()];
        const lastAcked = Math.max(...ackedRevs);
        t.true(ackedRevs.filter((r) => r > start).length > 10, 'too few writes acknowledged');

        // No acknowledged write is lost.
        const listed = await b.list(`${p}/`);
        const stored = new Map(listed.items.map((i) => [i.key, i.modRevision]));
        for (const [key, rev] of outcome.acked) t.is(stored.get(key), rev, `acknowledged ${key} at ${rev}`);
        // Anything else stored was a write whose answer was lost in the outage.
        for (const key of stored.keys()) t.true(outcome.attempted.has(key), `stored ${key} nobody wrote`);

        // The watches saw exactly etcd's history: compare with a fresh watch replaying it now.
        const replay = collect(b, { prefix: `${p}/`, afterRevision: start });
        for (const w of [live, during, replay]) {
          await w.until((evs) => evs.length >= listed.items.length && evs.some((e) => e.revision >= lastAcked), 15_000);
        }
        replay.close();
        const history = replay.events.map((e) => `${e.type} ${e.key} ${e.revision}`);
        t.is(history.length, listed.items.length);
        for (const [name, w] of [['live', live], ['opened during the outage', during]] as const) {
          w.close();
          t.is(w.error, undefined, name);
          const seen = w.events.map((e) => `${e.type} ${e.key} ${e.revision}`);
          t.deepEqual(seen, history, `${name}: not exactly the history`);
          for (let i = 1; i < w.events.length; i++) t.true(w.events[i]!.revision > w.events[i - 1]!.revision);
        }
        t.log(
          `acknowledged ${outcome.acked.size}, failed ${outcome.failures.length} (max ${Math.max(...outcome.failures.map((f) => f.ms))} ms), stored ${stored.size}`,
        );
      } finally {
        await b.close();
        await etcd.stop();
      }
    });
  }

  const calls: Array<[string, (b: Backend) => Promise<unknown>]> = [
    ['create', (b) => b.create('/x/a', '{}')],
    ['get', (b) => b.get('/x/a')],
    ['update', (b) => b.update('/x/a', '{}', 5)],
    ['delete', (b) => b.delete('/x/a')],
    ['list', (b) => b.list('/x/', { limit: 10 })],
    ['count', (b) => b.count('/x/')],
    ['currentRevision', (b) => b.currentRevision()],
    ['compactedRevision', (b) => b.compactedRevision()],
    ['compact', (b) => b.compact(10)],
  ];
  test('every call to an endpoint nobody listens on fails with Unavailable at once', async (t) => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const b = openEtcdBackend({ endpoints: [endpoint], requestTimeoutMs: 10_000 });
    const w = collect(b, { prefix: '/x/', afterRevision: 0 });
    try {
      for (const [name, call] of calls) {
        const t0 = Date.now();
        const err = await call(b).then(() => undefined, (e: unknown) => e);
        const ms = Date.now() - t0;
        t.true(isStorageError(err, 'Unavailable'), `${name}: ${String(err)}`);
        t.true((err as Error).message.includes(`etcd at ${endpoint}`), `${name}: ${(err as Error).message}`);
        // Refused connections fail well before the 10 s deadline.
        t.true(ms < 5000, `${name} took ${ms} ms`);
      }
      // The watch keeps retrying quietly instead of failing for good.
      t.is(w.error, undefined);
    } finally {
      w.close();
      await b.close();
    }
  });
}
