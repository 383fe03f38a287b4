// A flood of lists without limits over many objects, from an ordinary user: API Priority and
// Fairness weighs each such list by the objects it walks (10 seats for 1,000), so only a few run
// at once and the rest queue or get 429 with Retry-After; every answer is a whole list or that
// Status, the server's heap stays bounded, and others (a GET, kubectl) are answered meanwhile.

import test from 'ava';
import { Agent, request } from 'node:https';
import { checkTool } from '../../testing/tools.ts';
import { kubectl, type Kubets } from '../harness.ts';
import { metric, sleep, startQuietKubets, type Conn, type QuietKubets } from './flood.ts';

const OBJECTS = 1000;
const LISTS = 150;
const NS = 'flood';
const CM = `/api/v1/namespaces/${NS}/configmaps`;
let k: Kubets | undefined;
let c: Conn;
let TOKEN = '';
let quiet: QuietKubets | undefined;

test.before(async () => {
  quiet = await startQuietKubets('flooder');
  ({ kubets: k, conn: c, token: TOKEN } = quiet);
  const ns = await c.send('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }));
  if (ns.status !== 201) throw new Error(`namespace: ${ns.status} ${ns.body}`);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const value = 'v'.repeat(4096);
  for (let i = 0; i < OBJECTS; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, j) => {
        const r = await c.send('POST', CM, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i + j}` }, data: { v: value } }), { agent });
        if (r.status !== 201) throw new Error(`configmap: ${r.status} ${r.body}`);
      }),
    );
  }
  agent.destroy();
});
test.after.always(async () => {
  await quiet?.stop();
});

/** One unlimited list as the flooder: its status, and the items it got (or the Status). */
function floodList(agent: Agent): Promise<{ status: number; retryAfter?: string; items?: number; reason?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${c.url}${CM}`, { ca: c.tls.ca, headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json' }, agent, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items?: unknown[]; reason?: string };
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, items: body.items?.length, reason: body.reason });
      });
    });
    req.on('timeout', () => req.destroy(new Error('a flood list got no answer within 60 s')));
    req.on('error', reject);
    req.end();
  });
}

test('a flood of unlimited lists is held to a few seats at once; the heap stays bounded and others are answered', async (t) => {
  const heapBefore = await metric(c, 'nodejs_heap_size_used_bytes');
  const agent = new Agent({ keepAlive: true, maxSockets: LISTS });
  const flood = Promise.all(Array.from({ length: LISTS }, () => floodList(agent)));
  let done = false;
  void flood.finally(() => (done = true));
  let peakHeap = heapBefore;
  let peakExecuting = 0;
  let others = 0;
  let slowest = 0;
  const tool = checkTool('kubectl');
  while (!done) {
    peakHeap = Math.max(peakHeap, await metric(c, 'nodejs_heap_size_used_bytes'));
    const dump = await c.send('GET', '/debug/api_priority_and_fairness/dump_priority_levels');
    const row = dump.body.split('\n').find((l) => l.startsWith('global-default,'));
    if (row) peakExecuting = Math.max(peakExecuting, Number(row.split(',')[5]));
    // Others: the admin's GET, and kubectl, answered while the flood lasts.
    const t0 = Date.now();
    const get = await c.send('GET', `${CM}/cm-1`, undefined, { timeoutMs: 15_000 });
    slowest = Math.max(slowest, Date.now() - t0);
    t.is(get.status, 200, get.body.slice(0, 200));
    if (tool.path && others === 0) {
      const r = await kubectl(tool.path, k!.kubeconfig, ['get', 'namespace', NS, '--request-timeout=15s']);
      t.is(r.code, 0, r.stderr);
    }
    others++;
    await sleep(100);
  }
  const answers = await flood;
  agent.destroy();
  const whole = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 429);
  t.is(whole.length + refused.length, LISTS, JSON.stringify(answers.filter((a) => a.status !== 200 && a.status !== 429).slice(0, 3)));
  for (const a of whole) t.is(a.items, OBJECTS);
  for (const a of refused) t.deepEqual([a.reason, a.retryAfter], ['TooManyRequests', '1']);
  t.true(whole.length > 0);
  // Ten seats each in a level of 49: at most four run at once (five with rounding).
  t.true(peakExecuting > 0 && peakExecuting <= 5, `executing at once: ${peakExecuting}`);
  t.true(peakHeap - heapBefore < 384 * 1024 * 1024, `heap grew ${(peakHeap - heapBefore) / 1048576} MB`);
  t.log(`${LISTS} lists of ${OBJECTS} objects (~${((OBJECTS * 4.2) / 1024).toFixed(1)} MB each): ${whole.length} whole, ${refused.length} refused 429; at most ${peakExecuting} executing; heap ${(heapBefore / 1048576).toFixed(0)} -> peak ${(peakHeap / 1048576).toFixed(0)} MB; ${others} GETs answered meanwhile, the slowest in ${slowest} ms`);
});
