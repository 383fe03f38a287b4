// Audit logging, black-box: `kubets server --audit-policy-file P --audit-log-path L`, kubectl
// as several users, and the JSON lines read back: levels per rule, what each level carries,
// refusals (401, 403) in the log, impersonation, a watch's stages, admission's annotations,
// and rotation by size.

import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableKubectls, kubectl, startKubets } from '../harness.ts';
import { TOKEN_USERS, useAuthCluster } from './cluster.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubets-audit-'));
const policyFile = join(dir, 'policy.json');
const logFile = join(dir, 'audit.log');
writeFileSync(
  policyFile,
  JSON.stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', nonResourceURLs: ['/healthz*', '/readyz*', '/livez*', '/version', '/openapi*', '/api', '/apis*'] },
      { level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] },
      { level: 'RequestResponse', resources: [{ group: '', resources: ['configmaps'] }], omitManagedFields: true },
      { level: 'Request', verbs: ['create', 'update', 'patch', 'delete'] },
      { level: 'Metadata' },
    ],
  }),
);
const cluster = useAuthCluster(['--audit-policy-file', policyFile, '--audit-log-path', logFile]);
test.after.always(() => rm(dir, { recursive: true, force: true }));

interface Event {
  level: string;
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string; groups?: string[] };
  impersonatedUser?: { username: string };
  objectRef?: Record<string, string>;
  responseStatus?: { code: number; reason?: string; message?: string };
  requestObject?: Record<string, unknown>;
  responseObject?: Record<string, unknown>;
  annotations?: Record<string, string>;
  sourceIPs: string[];
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

/** The events so far; waits until one passes `want` (the log is written as requests end). */
async function eventsUntil(want: (e: Event) => boolean, what: string): Promise<Event[]> {
  for (let i = 0; i < 100; i++) {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    const events = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
    if (events.some(want)) return events;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audit event for ${what}`);
}

test.serial('levels per rule: Metadata for Secrets (no values), RequestResponse for ConfigMaps, Request for other writes', async (t) => {
  const c = cluster();
  const tool = c.tools[0]!.path;
  const ok = async (args: string[]) => {
    const r = await kubectl(tool, c.kubets.kubeconfig, args);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  };
  await ok(['create', 'secret', 'generic', 'audited', '--from-literal=password=never-in-the-log-4X']);
  await ok(['create', 'configmap', 'audited', '--from-literal=shown=in-the-log-8Q']);
  await ok(['create', 'serviceaccount', 'audited']);
  const events = await eventsUntil((e) => e.objectRef?.resource === 'serviceaccounts' && e.verb === 'create' && e.stage === 'ResponseComplete', 'the serviceaccount create');
  const log = await readFile(logFile, 'utf8');
  t.false(log.includes('never-in-the-log-4X') || log.includes(Buffer.from('never-in-the-log-4X').toString('base64')), 'a Secret value is never logged at Metadata');
  t.false(events.some((e) => e.stage === 'RequestReceived'), 'omitStages');
  t.false(events.some((e) => e.requestURI.startsWith('/healthz') || e.requestURI === '/version'), 'level None');

  const secret = events.find((e) => e.objectRef?.resource === 'secrets' && e.verb === 'create' && e.objectRef.name === 'audited')!;
  t.like(secret, { level: 'Metadata', stage: 'ResponseComplete', user: { username: 'kubernetes-admin' }, objectRef: { resource: 'secrets', namespace: 'default', name: 'audited', apiVersion: 'v1' }, responseStatus: { code: 201 } });
  t.is(secret.requestObject, undefined);
  t.is(secret.annotations?.['authorization.k8s.io/decision'], 'allow');
  t.regex(secret.stageTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'microTime');
  t.true(secret.sourceIPs.includes('127.0.0.1'));

  const cm = events.find((e) => e.objectRef?.resource === 'configmaps' && e.verb === 'create' && e.objectRef.name === 'audited')!;
  t.is(cm.level, 'RequestResponse');
  t.deepEqual((cm.requestObject as { data: unknown }).data, { shown: 'in-the-log-8Q' });
  t.is((cm.responseObject as { metadata: { name: string } }).metadata.name, 'audited');
  t.is((cm.responseObject as { metadata: { managedFields?: unknown } }).metadata.managedFields, undefined, 'omitManagedFields');
  t.truthy((cm.responseObject as { metadata: { uid?: string } }).metadata.uid);

  const sa = events.find((e) => e.objectRef?.resource === 'serviceaccounts' && e.verb === 'create' && e.objectRef.name === 'audited')!;
  t.is(sa.level, 'Request');
  t.is((sa.requestObject as { metadata: { name: string } }).metadata.name, 'audited');
  t.is(sa.responseObject, undefined);
});

test.serial('refusals are logged: 403 with the decision and the reason, 401 for a bad token; impersonation names both users', async (t) => {
  const c = cluster();
  const bob = await c.kubeconfigFor({ token: TOKEN_USERS.bob.token });
  const denied = await kubectl(c.tools[0]!.path, bob, ['get', 'pods', '-n', 'kube-system']);
  t.not(denied.code, 0);
  const bad = await c.call('/api/v1/namespaces/default/pods', { token: 'not-a-token-at-all' });
  t.is(bad.status, 401);
  const as = await kubectl(c.tools[0]!.path, c.kubets.kubeconfig, ['get', 'pods', '--as', 'alice', '--as-group', 'system:masters']);
  t.is(as.code, 0, as.stderr);
  const events = await eventsUntil((e) => !!e.impersonatedUser, 'the impersonated list');
  const forbid = events.find((e) => e.user.username === 'bob' && e.objectRef?.resource === 'pods')!;
  t.like(forbid, { level: 'Metadata', verb: 'list', responseStatus: { code: 403, reason: 'Forbidden' }, annotations: { 'authorization.k8s.io/decision': 'forbid' } });
  t.regex(forbid.responseStatus!.message!, /User "bob" cannot list resource "pods" in API group "" in the namespace "kube-system"/);
  const unauth = events.find((e) => e.responseStatus?.code === 401)!;
  t.like(unauth, { stage: 'ResponseStarted', verb: 'list', objectRef: { resource: 'pods', namespace: 'default' } });
  t.regex(unauth.responseStatus!.message!, /^Authentication failed/);
  const imp = events.find((e) => e.impersonatedUser)!;
  t.is(imp.user.username, 'kubernetes-admin');
  t.is(imp.impersonatedUser!.username, 'alice');
});

test.serial('a watch logs ResponseStarted and ResponseComplete under one auditID, returned in the Audit-Id header', async (t) => {
  const c = cluster();
  const r = await kubectl(c.tools[0]!.path, c.kubets.kubeconfig, ['get', 'configmaps', '--watch', '--request-timeout=2s']);
  t.is(r.code, 0, r.stderr);
  const events = await eventsUntil((e) => e.verb === 'watch' && e.stage === 'ResponseComplete', 'the watch end');
  const complete = events.find((e) => e.verb === 'watch' && e.stage === 'ResponseComplete')!;
  const started = events.find((e) => e.auditID === complete.auditID && e.stage === 'ResponseStarted');
  t.truthy(started, 'ResponseStarted first');
  t.is(started!.responseStatus!.code, 200);
  t.true(started!.stageTimestamp <= complete.stageTimestamp);
  // Every audited response names its event.
  const pki = join(c.kubets.dataDir, 'pki');
  const id = await new Promise<string>((resolve, reject) => {
    const req = request(`${c.kubets.url}/api/v1/namespaces/default/configmaps/audited`, { ca: c.kubets.caCert, cert: readFileSync(join(pki, 'admin.crt')), key: readFileSync(join(pki, 'admin.key')), agent: false }, (res) => {
      res.resume();
      resolve(String(res.headers['audit-id'] ?? ''));
    });
    req.on('error', reject);
    req.end();
  });
  t.regex(id, /^[0-9a-f-]{36}$/);
  const got = (await eventsUntil((e) => e.auditID === id, 'the Audit-Id event')).find((e) => e.auditID === id)!;
  t.like(got, { verb: 'get', objectRef: { resource: 'configmaps', name: 'audited' }, responseStatus: { code: 200 } });
});

test.serial('admission adds to the event: PodSecurity audit violations as annotations', async (t) => {
  const c = cluster();
  const tool = c.tools[0]!.path;
  const label = await kubectl(tool, c.kubets.kubeconfig, ['label', 'ns', 'default', 'pod-security.kubernetes.io/audit=restricted']);
  t.is(label.code, 0, label.stderr);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'loose' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  const r = await kubectl(tool, c.kubets.kubeconfig, ['create', '-f', '-'], { stdin: JSON.stringify(pod) });
  t.is(r.code, 0, r.stderr);
  const events = await eventsUntil((e) => e.objectRef?.resource === 'pods' && e.verb === 'create', 'the pod create');
  const ev = events.find((e) => e.objectRef?.resource === 'pods' && e.verb === 'create')!;
  t.regex(ev.annotations?.['pod-security.kubernetes.io/audit-violations'] ?? '', /would violate PodSecurity "restricted:latest"/);
});

const FAILURE = 'validation.policy.admission.k8s.io/validation_failure';
test.serial('admission adds to the event: a ValidatingAdmissionPolicy with the Audit action and its auditAnnotations', async (t) => {
  const c = cluster();
  const k = (args: string[], stdin?: string) => kubectl(c.tools[0]!.path, c.kubets.kubeconfig, args, { stdin });
  const resourceRules = [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }];
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'small-configmaps' },
    spec: {
      matchConstraints: { resourceRules },
      validations: [{ expression: "!has(object.data) || object.data.size() <= 1", message: 'at most one key' }],
      auditAnnotations: [{ key: 'keys', valueExpression: "has(object.data) ? string(object.data.size()) + ' keys' : null" }],
    },
  };
  const binding = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'audit-only' }, spec: { policyName: 'small-configmaps', validationActions: ['Audit'] } };
  for (const o of [policy, binding]) t.is((await k(['create', '-f', '-'], JSON.stringify(o))).code, 0);
  // The binding applies once it reaches the watch cache (moments): a fresh ConfigMap until then.
  let ev: Event | undefined;
  for (let i = 0; i < 50 && !ev?.annotations?.[FAILURE]; i++) {
    const name = `vap-audited-${i}`;
    const r = await k(['create', 'configmap', name, '--from-literal=a=1', '--from-literal=b=2']);
    t.is(r.code, 0, r.stderr);
    t.is(r.stderr, '', 'Audit alone neither refuses nor warns');
    const mine = (e: Event) => e.objectRef?.resource === 'configmaps' && e.verb === 'create' && e.objectRef.name === name;
    ev = (await eventsUntil(mine, 'the configmap create')).find(mine)!;
  }
  t.deepEqual(JSON.parse(ev?.annotations?.[FAILURE] ?? '[]'), [
    { message: 'at most one key', policy: 'small-configmaps', binding: 'audit-only', expressionIndex: 0, validationActions: ['Audit'] },
  ]);
  t.is(ev?.annotations?.['small-configmaps/keys'], '2 keys');
});

test('rotation by size: backups named by time, at most --audit-log-maxbackup kept, every line whole', async (t) => {
  const rdir = mkdtempSync(join(tmpdir(), 'kubets-audit-rot-'));
  const policy = join(rdir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'RequestResponse', resources: [{ group: '', resources: ['configmaps'] }] }] }));
  const k = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler', '--audit-policy-file', policy, '--audit-log-path', join(rdir, 'audit.log'), '--audit-log-maxsize', '1', '--audit-log-maxbackup', '2'] });
  try {
    // Each create logs ~800 KB (the request and the response): a rotation every other one.
    const big = 'x'.repeat(400_000);
    const [kc] = await availableKubectls();
    for (let i = 0; i < 8; i++) {
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${i}` }, data: { v: big } };
      const r = await kubectl(kc!.path, k.kubeconfig, ['create', '-f', '-'], { stdin: JSON.stringify(cm) });
      t.is(r.code, 0, r.stderr);
    }
    let files: string[] = [];
    for (let i = 0; i < 50; i++) {
      files = (await readdir(rdir)).filter((f) => /^audit.*\.log$/.test(f)).sort();
      // A rotation in flight shows a moment with the old file renamed and the new one not yet
      // open (or the oldest backup not yet pruned): wait for it to settle.
      if (files.length === 3 && files.includes('audit.log')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    t.true(files.includes('audit.log'), files.join(' '));
    const backups = files.filter((f) => f !== 'audit.log');
    t.is(backups.length, 2, `kept: ${files.join(' ')}`);
    for (const b of backups) t.regex(b, /^audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log$/);
    for (const f of files) {
      const text = await readFile(join(rdir, f), 'utf8');
      for (const line of text.split('\n').filter(Boolean)) t.is((JSON.parse(line) as Event).level, 'RequestResponse');
    }
  } finally {
    await k.stop();
    await rm(rdir, { recursive: true, force: true });
  }
});
