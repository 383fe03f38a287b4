// A watch storm: a thousand and more watches opened and dropped every way a client drops them
// (cut before the answer, cut mid-stream, ended by the server's timeoutSeconds) while writes
// fan out to them. Other clients are answered meanwhile, and afterwards the server holds no
// watch, socket or handle more than before and its heap is back near where it was.

import test from 'ava';
import { Agent, request } from 'node:https';
import { checkTool } from '../../testing/tools.ts';
import { kubectl, type Kubets } from '../harness.ts';
import { eventually, metric, sleep, startQuietKubets, type Conn, type QuietKubets } from './flood.ts';

const ROUNDS = 2;
const PER_ROUND = 500;
const CM = '/api/v1/namespaces/default/configmaps';
let k: Kubets | undefined;
let c: Conn;
let TOKEN = '';
let quiet: QuietKubets | undefined;

test.before(async () => {
  // The storm comes from an ordinary user, whose watches wait for seats of the global-default
  // priority level (admin's are exempt).
  quiet = await startQuietKubets('stormer');
  ({ kubets: k, conn: c, token: TOKEN } = quiet);
});
test.after.always(async () => {
  await quiet?.stop();
});

type How = 'before-answer' | 'after-headers' | 'server-timeout';

/** One watch, dropped as `how` says; resolves when the client side is done with it. */
function stormWatch(agent: Agent, how: How): Promise<void> {
  return new Promise((resolve) => {
    const q = how === 'server-timeout' ? '?watch=true&timeoutSeconds=1' : '?watch=true';
    const req = request(`${c.url}${CM}${q}`, { ca: c.tls.ca, headers: { Authorization: `Bearer ${TOKEN}` }, agent }, (res) => {
      if (how === 'after-headers') {
        res.once('data', () => {});
        setTimeout(() => req.destroy(), 20 + Math.random() * 200);
      } else res.resume();
      res.on('end', resolve);
      res.on('close', resolve);
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.end();
    if (how === 'before-answer') setTimeout(() => req.destroy(), Math.random() * 100);
  });
}

const watchesOpen = () => metric(c, 'apiserver_longrunning_requests', { verb: 'WATCH' });

test('thousands of watches opened and dropped leave nothing behind, and others are answered meanwhile', async (t) => {
  const timers = () => metric(c, 'nodejs_active_resources', { type: 'Timeout' });
  const before = { watches: await watchesOpen(), handles: await metric(c, 'nodejs_active_handles_total'), timers: await timers(), heap: await metric(c, 'nodejs_heap_size_used_bytes') };
  t.log(`before: ${JSON.stringify(before)}`);
  const hows: How[] = ['before-answer', 'after-headers', 'server-timeout'];
  let writes = 0;
  let stop = false;
  const writer = (async () => {
    while (!stop) {
      const r = await c.send('POST', CM, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'storm-' }, data: { n: String(writes) } }));
      if (r.status === 201) writes++;
      await sleep(20);
    }
  })();
  const tool = checkTool('kubectl');
  let peak = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const agent = new Agent({ keepAlive: round % 2 === 0, maxSockets: 200 });
    const storm = Promise.all(Array.from({ length: PER_ROUND }, (_, i) => stormWatch(agent, hows[i % hows.length])));
    await sleep(300);
    peak = Math.max(peak, await watchesOpen());
    // Others are answered during the storm.
    const get = await c.send('GET', '/api/v1/namespaces/default', undefined, { timeoutMs: 15_000 });
    t.is(get.status, 200, get.body);
    if (tool.path && round === 0) {
      const r = await kubectl(tool.path, k!.kubeconfig, ['get', 'namespace', 'default', '--request-timeout=15s']);
      t.is(r.code, 0, r.stderr);
    }
    await storm;
    agent.destroy();
  }
  stop = true;
  await writer;
  t.true(writes > 0, 'the writer got nothing through');
  t.true(peak > 0, 'no watch was seen open');
  t.log(`${ROUNDS * PER_ROUND} watches, at most ${peak} open at once, ${writes} writes fanned out to them`);

  // Afterwards: no watch left open, no more handles (sockets, servers) than before, the heap
  // back near where it was.
  await eventually('open watches back to before', watchesOpen, (n) => n === before.watches);
  // A watch left behind holds its timeoutSeconds timer (and its watch cache watcher) for minutes.
  const timersAfter = await eventually('timers back to before', timers, (n) => n <= before.timers + 2);
  const handles = await eventually('handles back to before', () => metric(c, 'nodejs_active_handles_total'), (n) => n <= before.handles + 5);
  const heap = await eventually('heap back near before', () => metric(c, 'nodejs_heap_size_used_bytes'), (n) => n < before.heap + 48 * 1024 * 1024, 20_000);
  t.log(`after: watches ${await watchesOpen()}, handles ${handles}, timers ${timersAfter} (before ${before.timers}), heap ${(heap / 1048576).toFixed(1)} MB (before ${(before.heap / 1048576).toFixed(1)} MB)`);

  // And a new watch still gets its events.
  const got = await new Promise<string>((resolve, reject) => {
    const req = request(`${c.url}${CM}?watch=true&fieldSelector=metadata.name%3Dafter-storm`, { ...c.tls, agent: false }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => {
        buf += s;
        if (buf.includes('\n')) {
          req.destroy();
          resolve((JSON.parse(buf.slice(0, buf.indexOf('\n'))) as { type: string }).type);
        }
      });
    });
    req.on('error', reject);
    req.end();
    setTimeout(() => void c.send('POST', CM, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-storm' } })), 300);
  });
  t.is(got, 'ADDED');
});
