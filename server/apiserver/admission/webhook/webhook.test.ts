// A real kubets in this process and a real HTTPS webhook server on 127.0.0.1 (its own CA,
// sent as caBundle). Each case labels its objects `case=<name>` and its webhooks select on
// that label, so cases never see each other's configurations; `eventually` waits for the
// watch cache to show a configuration just created.

import test from 'ava';
import { createServer, request, type Server } from 'node:https';
import { load } from 'js-yaml';
import { generateCa, generateLeaf } from '../../../pki/certs.ts';
import { startKubets, type Kubets } from '../../../../lib/index.ts';

interface Reply {
  status: number;
  body: { message?: string; reason?: string; metadata?: { labels?: Record<string, string> } };
  warning?: string;
}

let kubets: Kubets;
let hook: Server;
let hookPort: number;
let caBundle: string;
let api: (method: string, path: string, body?: unknown) => Promise<Reply>;
const calls: { path: string; request: Record<string, unknown> }[] = [];

const b64 = (s: string) => Buffer.from(s).toString('base64');

function answer(path: string, req: { uid: string; object: { metadata: { labels?: Record<string, string> } } }): unknown {
  const response = (r: Record<string, unknown>) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: req.uid, ...r } });
  switch (path) {
    case '/deny':
      return response({ allowed: false, status: { code: 403, message: 'no configmaps today' } });
    case '/allow':
      return response({ allowed: true, warnings: ['looked at by allow'] });
    case '/mutate':
      return response({ allowed: true, patchType: 'JSONPatch', patch: b64(JSON.stringify([{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }])) });
    case '/move':
      return response({ allowed: true, patchType: 'JSONPatch', patch: b64(JSON.stringify([{ op: 'replace', path: '/metadata/namespace', value: 'kube-system' }])) });
    case '/malformed':
      return response({ uid: 'not-the-request-uid', allowed: true });
    default:
      return undefined;
  }
}

test.before(async () => {
  const ca = await generateCa('webhook-test-ca');
  const leaf = await generateLeaf(ca, { commonName: 'webhook', sans: ['127.0.0.1'], usage: 'server' });
  caBundle = b64(ca.cert);
  hook = createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString()) as { request: Record<string, unknown> };
      // Upstream sends the webhook's timeout as a query parameter (?timeout=10s).
      const path = req.url!.split('?')[0]!;
      calls.push({ path, request: review.request });
      const reply = () => res.end(JSON.stringify(answer(path === '/slow' ? '/allow' : path, review.request as never)));
      if (path === '/slow') setTimeout(reply, 1500);
      else reply();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookPort = (hook.address() as { port: number }).port;

  kubets = await startKubets({ controllers: false, scheduler: false });
  const doc = load(kubets.kubeconfig) as { users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[] };
  const { user } = doc.users[0]!;
  const url = new URL(kubets.url);
  api = (method, path, body) =>
    new Promise((resolve, reject) => {
      const r = request(
        { host: url.hostname, port: url.port, path, method, ca: kubets.ca, cert: Buffer.from(user['client-certificate-data'], 'base64'), key: Buffer.from(user['client-key-data'], 'base64'), headers: { 'content-type': 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()), warning: res.headers.warning as string | undefined }));
        },
      );
      r.on('error', reject);
      r.end(body === undefined ? undefined : JSON.stringify(body));
    });
});

test.after.always(async () => {
  await kubets?.stop();
  await new Promise((r) => hook?.close(r));
});

function webhook(name: string, path: string, kase: string, extra: Record<string, unknown> = {}) {
  return {
    name: `${name}.kubets.test`,
    clientConfig: { url: `https://127.0.0.1:${hookPort}${path}`, caBundle },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: 'Namespaced' }],
    objectSelector: { matchLabels: { case: kase } },
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...extra,
  };
}

async function configure(kind: 'Validating' | 'Mutating', name: string, webhooks: unknown[]): Promise<void> {
  const plural = `${kind.toLowerCase()}webhookconfigurations`;
  const r = await api('POST', `/apis/admissionregistration.k8s.io/v1/${plural}`, { apiVersion: 'admissionregistration.k8s.io/v1', kind: `${kind}WebhookConfiguration`, metadata: { name }, webhooks });
  if (r.status !== 201) throw new Error(`configuration ${name}: ${r.status} ${r.body.message}`);
}

const createConfigMap = (kase: string, labels: Record<string, string> = { case: kase }) =>
  api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: `${kase}-`, labels }, data: { a: 'b' } });

/** Repeats the request until `done` holds (the configuration reached the watch cache). */
async function eventually(send: () => Promise<Reply>, done: (r: Reply) => boolean): Promise<Reply> {
  for (let i = 0; ; i++) {
    const r = await send();
    if (done(r) || i === 40) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}

test.serial('a denial is 403 with upstream message; the review carries the request', async (t) => {
  await configure('Validating', 'deny', [webhook('deny', '/deny', 'deny')]);
  const r = await eventually(() => createConfigMap('deny'), (x) => x.status !== 201);
  t.is(r.status, 403);
  t.is(r.body.message, 'admission webhook "deny.kubets.test" denied the request: no configmaps today');
  const req = calls.filter((c) => c.path === '/deny').at(-1)!.request;
  t.like(req, { operation: 'CREATE', namespace: 'default', kind: { group: '', version: 'v1', kind: 'ConfigMap' }, resource: { group: '', version: 'v1', resource: 'configmaps' }, dryRun: false });
  t.is((req.userInfo as { username: string }).username, 'kubernetes-admin');
  t.deepEqual((req.object as { data: unknown }).data, { a: 'b' });
  t.is(typeof req.uid, 'string');
});

test.serial('an allowing webhook lets the write through and its warnings reach the client', async (t) => {
  await configure('Validating', 'allow', [webhook('allow', '/allow', 'allow')]);
  const r = await eventually(() => createConfigMap('allow'), (x) => !!x.warning);
  t.is(r.status, 201);
  t.regex(r.warning ?? '', /looked at by allow/);
});

test.serial('a mutating webhook JSONPatch is applied to what is stored', async (t) => {
  await configure('Mutating', 'mutate', [webhook('mutate', '/mutate', 'mutate')]);
  const r = await eventually(() => createConfigMap('mutate'), (x) => x.body.metadata?.labels?.mutated === 'yes');
  t.is(r.status, 201);
  t.is(r.body.metadata?.labels?.mutated, 'yes');
});

test.serial('a selector mismatch skips the call', async (t) => {
  await configure('Validating', 'selector', [webhook('selector', '/deny', 'selector', { objectSelector: { matchLabels: { case: 'selector', deny: 'me' } } })]);
  const denied = await eventually(() => createConfigMap('selector', { case: 'selector', deny: 'me' }), (x) => x.status === 403);
  t.is(denied.status, 403);
  const before = calls.length;
  const r = await createConfigMap('selector');
  t.is(r.status, 201);
  t.is(calls.length, before);
});

test.serial('a timeout with failurePolicy Fail refuses; with Ignore the write goes on', async (t) => {
  await configure('Validating', 'slow-fail', [webhook('slow-fail', '/slow', 'slow-fail', { timeoutSeconds: 1 })]);
  const r = await eventually(() => createConfigMap('slow-fail'), (x) => x.status !== 201);
  t.is(r.status, 500);
  t.regex(r.body.message ?? '', /^Internal error occurred: failed calling webhook "slow-fail.kubets.test": failed to call webhook: .*context deadline exceeded/);
  // Ignore: the slow one times out and is skipped; the mutation after it shows the config is seen.
  await configure('Mutating', 'slow-ignore', [webhook('slow-ignore', '/slow', 'slow-ignore', { timeoutSeconds: 1, failurePolicy: 'Ignore' }), webhook('after', '/mutate', 'slow-ignore')]);
  const ok = await eventually(() => createConfigMap('slow-ignore'), (x) => x.body.metadata?.labels?.mutated === 'yes');
  t.is(ok.status, 201);
  t.true(calls.some((c) => c.path === '/slow' && (c.request.object as { metadata: { labels: Record<string, string> } }).metadata.labels.case === 'slow-ignore'));
});

test.serial('a malformed review answer is refused (Fail)', async (t) => {
  await configure('Validating', 'malformed', [webhook('malformed', '/malformed', 'malformed')]);
  const r = await eventually(() => createConfigMap('malformed'), (x) => x.status !== 201);
  t.is(r.status, 500);
  t.regex(r.body.message ?? '', /^Internal error occurred: failed calling webhook "malformed.kubets.test": received invalid webhook response: expected response.uid=".+", got "not-the-request-uid"$/);
});

test.serial('a mutating webhook may not move the object to another namespace (400, nothing written)', async (t) => {
  await configure('Mutating', 'move', [webhook('move', '/move', 'move')]);
  const r = await eventually(() => createConfigMap('move'), (x) => x.status !== 201);
  t.is(r.status, 400);
  t.is(r.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
  const moved = await api('GET', '/api/v1/namespaces/kube-system/configmaps?labelSelector=case%3Dmove');
  t.deepEqual((moved.body as { items?: unknown[] }).items, []);
});
