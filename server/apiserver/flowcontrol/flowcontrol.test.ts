// API Priority and Fairness on a real apiserver: the bootstrap FlowSchemas and priority levels
// exist, responses name the FlowSchema and priority level that served them, and the debug
// dump lists every level. (A flood test with 429s is not here yet: see the folder README.)

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

/** Readers that do not read yet: a response stays unwritten (its seat held) until resumeAll(). */
const held = new Set<import('node:http').IncomingMessage>();
let holding = false;
function resumeAll(): void {
  holding = false;
  for (const r of held) r.resume();
  held.clear();
}

function get(path: string, token?: string, onHeaders?: () => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(server.url);
    const req = https.request(
      { agent, host: u.hostname, port: u.port, path, ca: pki.caCert, ...(token ? { headers: { Authorization: `Bearer ${token}` } } : { cert: pki.adminCert, key: pki.adminKey }) },
      (res) => {
        let body = '';
        onHeaders?.();
        if (holding && res.statusCode === 200) {
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
});
