// The audit webhook backend, black-box: `kubets server --audit-policy-file P
// --audit-webhook-config-file K` with kubectl's writes, and an HTTPS receiver the test starts
// on loopback (its own CA, a bearer token): EventLists POSTed to the kubeconfig's URL, in
// batches no bigger than the flag says; a batch the receiver refuses with 503 is sent again;
// what is buffered when the server stops is sent before it exits.

import test from 'ava';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlBinaries, kubectlSkipReason, startKubets, type Kubets } from '../harness.ts';
import { generateCa, generateLeaf } from '../../server/pki/certs.ts';

const bins = await kubectlBinaries();
const tool = bins.kubectl.find((k) => k.path);
const skip = kubectlSkipReason(bins);
const dir = mkdtempSync(join(tmpdir(), 'kubets-audit-webhook-'));

interface Post {
  path: string;
  authorization?: string;
  contentType?: string;
  status: number;
  body: { kind: string; apiVersion: string; items: { auditID: string; verb: string; stage: string; level: string; objectRef?: { resource?: string; name?: string } }[] };
}

let receiver: Server;
let kubets: Kubets | undefined;
const posts: Post[] = [];

if (skip || !tool?.path) {
  test.skip(`audit webhook (skipped: ${skip})`, () => {});
} else {
  test.before(async () => {
    const ca = await generateCa('audit-receiver-ca');
    const leaf = await generateLeaf(ca, { commonName: 'audit-receiver', sans: ['127.0.0.1'], usage: 'server' });
    let answered = 0;
    receiver = createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (text += c));
      req.on('end', () => {
        // The first batch is refused: it must come again.
        const status = answered++ === 0 ? 503 : 200;
        posts.push({ path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], status, body: JSON.parse(text) as Post['body'] });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as { port: number }).port;
    writeFileSync(join(dir, 'webhook.kubeconfig'), `apiVersion: v1
kind: Config
clusters: [{name: audit, cluster: {server: 'https://127.0.0.1:${port}/audit/events', certificate-authority-data: ${Buffer.from(ca.cert).toString('base64')}}}]
users: [{name: kubets, user: {token: audit-secret}}]
contexts: [{name: audit, context: {cluster: audit, user: kubets}}]
current-context: audit
`);
    writeFileSync(join(dir, 'policy.yaml'), `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  resources: [{group: "", resources: [configmaps]}]
  namespaces: [default]
  verbs: [create]
- level: None
`);
    kubets = await startKubets({
      store: 'sqlite',
      args: [
        '--disable', 'controllers,scheduler,cloud-controller-manager',
        '--audit-policy-file', join(dir, 'policy.yaml'),
        '--audit-webhook-config-file', join(dir, 'webhook.kubeconfig'),
        '--audit-webhook-batch-max-size=3', '--audit-webhook-batch-max-wait=300ms', '--audit-webhook-initial-backoff=100ms',
      ],
    });
  });
  test.after.always(async () => {
    await kubets?.stop();
    receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const delivered = () => posts.filter((p) => p.status === 200).flatMap((p) => p.body.items);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test.serial('events go to the webhook as EventLists in batches, a refused batch is sent again, and what is buffered is sent at stop', async (t) => {
    const k = (args: string[]) => kubectl(tool.path!, kubets!.kubeconfig, args);
    for (let i = 0; i < 7; i++) t.is((await k(['create', 'configmap', `c${i}`, '-n', 'default'])).code, 0);
    for (let i = 0; i < 100 && delivered().length < 7; i++) await sleep(100);
    const items = delivered();
    t.deepEqual(items.map((e) => e.objectRef?.name).sort(), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    t.true(items.every((e) => e.verb === 'create' && e.stage === 'ResponseComplete' && e.level === 'Metadata'));
    t.is(new Set(items.map((e) => e.auditID)).size, 7, 'each event delivered once');
    for (const p of posts) {
      t.is(p.path, '/audit/events');
      t.is(p.authorization, 'Bearer audit-secret');
      t.regex(p.contentType ?? '', /^application\/json/);
      t.like(p.body, { kind: 'EventList', apiVersion: 'audit.k8s.io/v1' });
      t.true(p.body.items.length >= 1 && p.body.items.length <= 3, `a batch of ${p.body.items.length}`);
    }
    // The refused batch came again, whole.
    const refused = posts.find((p) => p.status === 503)!;
    const again = new Set(posts.filter((p) => p.status === 200).flatMap((p) => p.body.items.map((e) => e.auditID)));
    t.true(refused.body.items.every((e) => again.has(e.auditID)));

    // One more, and the server stops before its batch's wait is over: it is sent on the way out.
    t.is((await k(['create', 'configmap', 'last', '-n', 'default'])).code, 0);
    await kubets!.stop();
    kubets = undefined;
    t.true(delivered().some((e) => e.objectRef?.name === 'last'));
  });
}
