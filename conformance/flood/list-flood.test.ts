// A flood of lists without limits over many objects, from an ordinary user: API Priority and
// Fairness weighs each such list by the objects it walks (10 seats for 1,000), so only a few run
// at once and the rest queue or get 429 with Retry-After; every answer is a whole list or that
// Status, the server's heap stays bounded, and others (a GET, kubectl) are answered meanwhile.

import test from 'ava';
import { Agent } from 'node:https';
import { Worker } from 'node:worker_threads';
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

/**
 * The flood, from a worker thread: LISTS unlimited lists at once as the flooder, each answer
 * reduced to its status, Retry-After, item count and reason. Reading and parsing 600 MB of
 * answers takes seconds of CPU; on the test's own thread that would starve the sampling below.
 */
type Answer = { status: number; retryAfter?: string; items?: number; reason?: string };
const FLOOD = `
const { parentPort, workerData: w } = require('node:worker_threads');
const { Agent, request } = require('node:https');
const agent = new Agent({ keepAlive: true, maxSockets: w.lists });
const one = () => new Promise((resolve, reject) => {
  const req = request(w.url, { ca: w.ca, headers: { Authorization: 'Bearer ' + w.token, Accept: 'application/json' }, agent, timeout: 60000 }, (res) => {
    const chunks = [];
    res.on('data', (b) => chunks.push(b));
    res.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], items: body.items && body.items.length, reason: body.reason });
    });
  });
  req.on('timeout', () => req.destroy(new Error('a flood list got no answer within 60 s')));
  req.on('error', reject);
  req.end();
});
Promise.all(Array.from({ length: w.lists }, one)).then(
  (answers) => { agent.destroy(); parentPort.postMessage({ answers }); },
  (e) => { agent.destroy(); parentPort.postMessage({ error: String(e) }); },
);
`;

function flood(): Promise<Answer[]> {
  const worker = new Worker(FLOOD, { eval: true, workerData: { url: `${c.url}${CM}`, ca: c.tls.ca, token: TOKEN, lists: LISTS } });
  return new Promise<Answer[]>((resolve, reject) => {
    worker.once('message', (m: { answers?: Answer[]; error?: string }) => (m.answers ? resolve(m.answers) : reject(new Error(m.error))));
    worker.once('error', reject);
  }).finally(() => worker.terminate());
}

/** global-default's row of the priority-level dump: ExecutingRequests and DispatchedRequests (the requests it has given seats to). */
async function globalDefault(): Promise<{ executing: number; dispatched: number }> {
  const dump = await c.send('GET', '/debug/api_priority_and_fairness/dump_priority_levels');
  const row = dump.body.split('\n').find((l) => l.startsWith('global-default,'));
  if (!row) throw new Error(`no global-default in ${dump.body}`);
  const cols = row.split(',');
  return { executing: Number(cols[5]), dispatched: Number(cols[6]) };
}

test('a flood of unlimited lists is held to a few seats at once; the heap stays bounded and others are answered', async (t) => {
  const heapBefore = await metric(c, 'nodejs_heap_size_used_bytes');
  const dispatchedBefore = (await globalDefault()).dispatched;
  const flooding = flood();
  let done = false;
  void flooding.finally(() => (done = true)).catch(() => undefined);
  let peakHeap = heapBefore;
  let peakExecuting = 0;
  let samples = 0;
  let others = 0;
  let slowest = 0;
  const tool = checkTool('kubectl');
  // The seats in use, sampled on their own beat: the loop below waits on kubectl (seconds on a
  // loaded 2-core machine), long enough for the whole flood to pass between two of its samples.
  const sampler = (async () => {
    while (!done) {
      peakExecuting = Math.max(peakExecuting, (await globalDefault()).executing);
      samples++;
      await sleep(5);
    }
  })();
  while (!done) {
    peakHeap = Math.max(peakHeap, await metric(c, 'nodejs_heap_size_used_bytes'));
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
  const answers = await flooding;
  await sampler;
  const whole = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 429);
  t.is(whole.length + refused.length, LISTS, JSON.stringify(answers.filter((a) => a.status !== 200 && a.status !== 429).slice(0, 3)));
  for (const a of whole) t.is(a.items, OBJECTS);
  for (const a of refused) t.deepEqual([a.reason, a.retryAfter], ['TooManyRequests', '1']);
  t.true(whole.length > 0);
  // Every list went through global-default and its seats (a count, so no sample can miss it);
  // ten seats each in a level of 49: at most four run at once (five with rounding).
  t.true((await globalDefault()).dispatched - dispatchedBefore >= LISTS);
  t.true(peakExecuting <= 5, `executing at once: ${peakExecuting} (${samples} samples)`);
  t.true(peakHeap - heapBefore < 384 * 1024 * 1024, `heap grew ${(peakHeap - heapBefore) / 1048576} MB`);
  t.log(`${LISTS} lists of ${OBJECTS} objects (~${((OBJECTS * 4.2) / 1024).toFixed(1)} MB each): ${whole.length} whole, ${refused.length} refused 429; at most ${peakExecuting} executing (${samples} samples); heap ${(heapBefore / 1048576).toFixed(0)} -> peak ${(peakHeap / 1048576).toFixed(0)} MB; ${others} GETs answered meanwhile, the slowest in ${slowest} ms`);
});
