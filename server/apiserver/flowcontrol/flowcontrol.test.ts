// API Priority and Fairness on a real apiserver: the bootstrap FlowSchemas and priority levels
// exist, responses name the FlowSchema and priority level that served them, and the debug
// dump lists every level; a flooding user is queued, then refused 429, while kubectl as
// another user is served.

import test from 'ava';
import https from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../app.ts';
import { ensurePki, type Pki } from '../../pki/index.ts';
import { silentLogger } from '../../log.ts';
import { createLoopbackClient, type RestClient } from '../../../client/rest.ts';
import type { ResourceRef } from '../../../client/types.ts';
import { checkTool } from '../../../testing/tools.ts';
import { kubectl } from '../../../conformance/harness.ts';

const FS: ResourceRef = { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', plural: 'flowschemas', kind: 'FlowSchema', namespaced: false };
const PL: ResourceRef = { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', plural: 'prioritylevelconfigurations', kind: 'PriorityLevelConfiguration', namespaced: false };
const CRB: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false };

let dir = '';
let server: ApiServer;
let pki: Pki;
let admin: RestClient;
const agent = new https.Agent({ keepAlive: true, maxSockets: 200 });

interface Answer {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Readers that do not read yet: a response bigger than the socket buffers stays unwritten (its seat held) until resumeAll(). */
const held = new Set<import('node:http').IncomingMessage>();
function resumeAll(): void {
  for (const r of held) r.resume();
  held.clear();
}

function get(path: string, token?: string, onHeaders?: () => void, hold = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(server.url);
    const req = https.request(
      { agent, host: u.hostname, port: u.port, path, ca: pki.caCert, ...(token ? { headers: { Authorization: `Bearer ${token}` } } : { cert: pki.adminCert, key: pki.adminKey }) },
      (res) => {
        let body = '';
        onHeaders?.();
        if (hold && res.statusCode === 200) {
          res.pause();
          held.add(res);
        }
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubets-apf-'));
  pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
  await writeFile(join(dir, 'tokens.csv'), 'flood-token,flooder,u1,"team"\nalice-token,alice,u2,"team"\n');
  server = await startApiServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger, tokenAuthFile: join(dir, 'tokens.csv'), sqlitePath: ':memory:', maxRequestsInFlight: 20 });
  admin = createLoopbackClient(server.url, { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey });
});
test.after.always(async () => {
  admin?.close();
  agent.destroy();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test.serial("upstream's bootstrap configuration exists and responses name what served them", async (t) => {
  const schemas = (await admin.list(FS, '')).items.map((o) => o.metadata!.name);
  for (const n of ['exempt', 'probes', 'system-leader-election', 'workload-leader-election', 'system-nodes', 'kube-controller-manager', 'service-accounts', 'global-default', 'catch-all']) t.true(schemas.includes(n), n);
  const levels = (await admin.list(PL, '')).items;
  t.deepEqual(levels.map((o) => o.metadata!.name).sort(), ['catch-all', 'exempt', 'global-default', 'leader-election', 'node-high', 'system', 'workload-high', 'workload-low']);
  const exemptFs = await admin.get(FS, '', 'exempt');
  const exemptPl = levels.find((o) => o.metadata!.name === 'exempt')!;
  const r = await get('/api/v1/namespaces/default/configmaps');
  t.is(r.code, 200);
  t.is(r.headers['x-kubernetes-pf-flowschema-uid'], exemptFs.metadata!.uid);
  t.is(r.headers['x-kubernetes-pf-prioritylevel-uid'], exemptPl.metadata!.uid);
  const dump = await get('/debug/api_priority_and_fairness/dump_priority_levels');
  t.is(dump.code, 200);
  t.regex(dump.body.split('\n')[0], /^PriorityLevelName,\s+ActiveQueues,\s+IsIdle,\s+IsQuiescing,\s+WaitingRequests,\s+ExecutingRequests,\s+DispatchedRequests,\s+RejectedRequests,\s+TimedoutRequests,\s+CancelledRequests$/);
  t.regex(dump.body, /\nglobal-default,\s+0,\s+true,\s+false,/);
  const queues = await get('/debug/api_priority_and_fairness/dump_queues');
  t.regex(queues.body.split('\n')[0], /^PriorityLevelName,\s+Index,\s+PendingRequests,\s+ExecutingRequests,\s+SeatsInUse,\s+NextDispatchR,\s+InitialSeatsSum,\s+MaxSeatsSum,\s+TotalWorkSum$/);
  t.regex(queues.body, /\nexempt,\s+<none>,\s+<none>,/);
  t.regex(queues.body, /\nworkload-low,\s+127,\s+0,\s+\d+,\s+\d+,\s+\d+\.\d{8}ss,\s+0,\s+0,\s+0\.00000000ss\n/);
});

const CM: ResourceRef = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true };
const NS: ResourceRef = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };

test.serial('a flooding user is held to its priority level (queued, then 429 with Retry-After) while kubectl as another user stays responsive', async (t) => {
  const kubectlTool = checkTool('kubectl');
  // The flooder's own level: one seat of the server's 20, one queue of one.
  await admin.create(PL, '', {
    metadata: { name: 'flood' },
    spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, limitResponse: { type: 'Queue', queuing: { queues: 1, handSize: 1, queueLengthLimit: 1 } } } },
  });
  await admin.create(FS, '', {
    metadata: { name: 'flood' },
    spec: {
      priorityLevelConfiguration: { name: 'flood' },
      matchingPrecedence: 100,
      distinguisherMethod: { type: 'ByUser' },
      rules: [{ subjects: [{ kind: 'User', user: { name: 'flooder' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'], clusterScope: true }] }],
    },
  });
  await admin.create(CRB, '', { metadata: { name: 'team-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'team', apiGroup: 'rbac.authorization.k8s.io' }] });
  await admin.create(NS, '', { metadata: { name: 'flood' } });
  // A list bigger than loopback's socket buffers: a reader that does not read keeps its seat.
  const mb = 'x'.repeat(900 * 1024);
  for (let i = 0; i < 24; i++) await admin.create(CM, 'flood', { metadata: { name: `big-${i}` }, data: { v: mb } });
  await new Promise((r) => setTimeout(r, 1500)); // the configuration is read again every second

  let firstHeaders!: () => void;
  const headersSeen = new Promise<void>((r) => (firstHeaders = r));
  const first = get('/api/v1/namespaces/flood/configmaps', 'flood-token', () => firstHeaders(), true);
  await headersSeen; // it holds the level's one seat now
  const tq = Date.now();
  const queued = get('/api/v1/namespaces/flood/configmaps?limit=1', 'flood-token');
  await new Promise((r) => setTimeout(r, 200));
  const refused = await Promise.all(Array.from({ length: 8 }, () => get('/api/v1/namespaces/default/configmaps', 'flood-token')));
  for (const r of refused) {
    t.is(r.code, 429, r.body);
    t.is(r.headers['retry-after'], '1');
    const status = JSON.parse(r.body) as { reason: string; message: string; details?: { retryAfterSeconds?: number } };
    t.is(status.reason, 'TooManyRequests');
    t.is(status.message, 'Too many requests, please try again later.');
    t.is(status.details?.retryAfterSeconds, 1);
  }
  const dump = await get('/debug/api_priority_and_fairness/dump_priority_levels');
  t.regex(dump.body, /\nflood,\s+1,\s+false,\s+false,\s+1,\s+1,\s+1,\s+8,/, dump.body);

  // Meanwhile another user of the same group, through kubectl, is served at once.
  if (kubectlTool.path) {
    const kc = join(dir, 'alice.kubeconfig');
    await writeFile(kc, `apiVersion: v1
kind: Config
clusters: [{name: k, cluster: {server: '${server.url}', certificate-authority-data: ${Buffer.from(pki.caCert).toString('base64')}}}]
users: [{name: alice, user: {token: alice-token}}]
contexts: [{name: k, context: {cluster: k, user: alice}}]
current-context: k
`);
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const r = await kubectl(kubectlTool.path, kc, ['get', 'configmaps,serviceaccounts', '-n', 'default', '--request-timeout=10s']);
      t.is(r.code, 0, r.stderr);
      t.log(`kubectl get as alice during the flood: ${Date.now() - t0} ms`);
    }
    // ... while the flood still held its seat and its queue.
    const still = await get('/debug/api_priority_and_fairness/dump_priority_levels');
    t.regex(still.body, /\nflood,\s+1,\s+false,\s+false,\s+1,\s+1,/, still.body);
  } else t.log(kubectlTool.skipReason);
  resumeAll();
  t.is((await first).code, 200);
  // The queued request got the seat once the first let it go.
  const q = await queued;
  t.log(`the queued request was answered after ${Date.now() - tq} ms`);
  t.is(q.code, 200, q.body);
  t.is((JSON.parse(q.body) as { items: unknown[] }).items.length, 1);
});

test.serial("each FlowSchema's Dangling condition says whether its priority level exists (kubectl get's MISSINGPL)", async (t) => {
  const dangling = async (name: string) => {
    for (let i = 0; i < 100; i++) {
      const fs = await admin.get(FS, '', name);
      const c = ((fs.status as { conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime: string }[] } | undefined)?.conditions ?? []).find((x) => x.type === 'Dangling');
      if (c) return { c, fs };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no Dangling condition on ${name}`);
  };
  const boot = await dangling('global-default');
  t.like(boot.c, { status: 'False', reason: 'Found', message: 'This FlowSchema references the PriorityLevelConfiguration object named "global-default" and it exists' });
  t.is((boot.fs.metadata!.managedFields as { subresource?: string; manager?: string }[] | undefined)?.find((m) => m.subresource === 'status')?.manager, 'api-priority-and-fairness-config-consumer-v1');

  await admin.create(FS, '', { metadata: { name: 'orphan' }, spec: { priorityLevelConfiguration: { name: 'not-yet' }, matchingPrecedence: 200, rules: [] } });
  const missing = await dangling('orphan');
  t.like(missing.c, { status: 'True', reason: 'NotFound', message: 'This FlowSchema references the PriorityLevelConfiguration object named "not-yet" but there is no such object' });
  const kubectlTool = checkTool('kubectl');
  if (kubectlTool.path) {
    const kc = join(dir, 'admin.kubeconfig');
    await writeFile(kc, `apiVersion: v1
kind: Config
clusters: [{name: k, cluster: {server: '${server.url}', certificate-authority-data: ${Buffer.from(pki.caCert).toString('base64')}}}]
users: [{name: admin, user: {client-certificate-data: ${Buffer.from(pki.adminCert).toString('base64')}, client-key-data: ${Buffer.from(pki.adminKey).toString('base64')}}}]
contexts: [{name: k, context: {cluster: k, user: admin}}]
current-context: k
`);
    const r = await kubectl(kubectlTool.path, kc, ['get', 'flowschemas', 'orphan', 'global-default']);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /^NAME\s+PRIORITYLEVEL\s+MATCHINGPRECEDENCE\s+DISTINGUISHERMETHOD\s+AGE\s+MISSINGPL\n/);
    t.regex(r.stdout, /\norphan\s+not-yet\s+200\s+<none>\s+\S+\s+True\n/);
    t.regex(r.stdout, /\nglobal-default\s+global-default\s+9900\s+ByUser\s+\S+\s+False\n/);
  } else t.log(kubectlTool.skipReason);

  // The level appears: the condition turns False.
  await admin.create(PL, '', { metadata: { name: 'not-yet' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, limitResponse: { type: 'Reject' } } } });
  let now = missing.c;
  for (let i = 0; i < 100 && now.status === 'True'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    now = (await dangling('orphan')).c;
  }
  t.like(now, { status: 'False', reason: 'Found' });
});
