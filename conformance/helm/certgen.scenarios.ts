// charts/certgen-app on a real node (conformance/node's frame, kubets bound to a routable
// address so pods reach it through the `kubernetes` Service): hook Jobs that really run
// openssl and kubectl make the webhook's certificate and patch the CA into a
// ValidatingWebhookConfiguration and an APIService; the apiserver then calls the chart's
// server over TLS trusting that CA, for admission and for the aggregated API.

import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { containerdLayout } from '../../node/cri/containerd-config.ts';
import { importImage } from '../../node/cri/image.ts';
import { buildToolsImage } from '../../node/cri/tools-image.ts';
import { kubectlBinaries } from '../binaries.ts';
import { kubectl } from '../harness.ts';
import type { NodeCtx, NodeScenario } from '../node/scenario.ts';

const CHART = join(dirname(fileURLToPath(import.meta.url)), 'charts', 'certgen-app');
const TOOLS_IMAGE = 'localhost/kubets/tools:1';
const WEBHOOK = 'validate.certgen.kubets.io';

let imported: Promise<void> | undefined;
/** Builds busybox + openssl + kubectl + node once for the node, and imports it. */
function toolsImage(c: NodeCtx): Promise<void> {
  imported ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-tools-image-'));
    try {
      await buildToolsImage(join(dir, 'tools.tar'), { tag: TOOLS_IMAGE, kubectl: c.tool.path });
      await importImage(`unix://${containerdLayout(c.agentDir).socket}`, join(dir, 'tools.tar'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return imported;
}

const configMap = (name: string, data: Record<string, string>, checked = true) => JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: checked ? { 'certgen.kubets.io/check': 'true' } : {} },
  data,
});

async function installAndCheck(c: NodeCtx, which: 'helm' | 'helm3'): Promise<void> {
  const bin = (await kubectlBinaries())[which];
  if (!bin.path) return void c.t.log(`${bin.name} is not on this machine (${bin.skipReason}): not run`);
  const helm = (args: string[]) => kubectl(bin.path!, c.kubeconfig, [...args, '-n', c.ns], { timeoutMs: 150_000 });
  const rel = which === 'helm' ? 'cg4' : 'cg3';
  const group = `${rel}.${c.ns}.certgen.kubets.io`;
  const vwc = `${rel}-${c.ns}-certgen`;
  const jp = (what: string[], path: string) => c.ok(['get', ...what, '-o', `jsonpath=${path}`]);
  // The termination message of the Job's pod (by the Job's uid: the pods of an earlier Job of
  // the same name may still be going).
  const jobSaid = async (job: string) => {
    const uid = await jp(['job', job], '{.metadata.uid}');
    return jp(['pods', '-l', `batch.kubernetes.io/controller-uid=${uid}`], '{.items[0].status.containerStatuses[0].state.terminated.message}');
  };
  const t0 = Date.now();
  const phases: string[] = [];
  const phase = (what: string) => phases.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  await toolsImage(c);
  phase('image');

  const wait = which === 'helm' ? ['--wait=watcher'] : ['--wait'];
  const inst = await helm(['install', rel, CHART, ...wait, '--timeout', '120s']);
  if (inst.code !== 0) {
    // What the hook pods said.
    c.t.log((await c.run(['logs', '-l', `app.kubernetes.io/instance=${rel}`, '--prefix', '--tail=20'])).stdout);
  }
  c.t.is(inst.code, 0, `${bin.name} install: ${inst.stderr}${inst.stdout}`);
  c.t.regex(inst.stdout, /STATUS: deployed/);
  phase('install');

  // Both hook Jobs ran in containers: Complete, with what their script said at its end.
  for (const [step, said] of [['create', `created secret ${rel}-webhook-tls`], ['patch', `patched ${vwc} and v1alpha1.${group}`]]) {
    c.t.is(await jp(['job', `${rel}-certgen-${step}`], '{.status.conditions[?(@.type=="Complete")].status}'), 'True', `${step} Job Complete`);
    c.t.is(await jobSaid(`${rel}-certgen-${step}`), said);
  }
  // The hook RBAC went once its hooks succeeded (hook-succeeded).
  c.t.is((await c.run(['get', 'serviceaccount', `${rel}-certgen`])).code, 1, 'the hook ServiceAccount is deleted');

  // The Secret: a CA, and a serving certificate it issued for the Service's names.
  const secret = JSON.parse(await c.ok(['get', 'secret', `${rel}-webhook-tls`, '-o', 'json'])) as { type: string; data: Record<string, string> };
  c.t.deepEqual([secret.type, Object.keys(secret.data).sort()], ['kubernetes.io/tls', ['ca.crt', 'tls.crt', 'tls.key']]);
  const ca = new X509Certificate(Buffer.from(secret.data['ca.crt'], 'base64'));
  const serving = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64'));
  c.t.true(serving.checkIssued(ca) && serving.verify(ca.publicKey), 'the serving certificate is signed by the CA');
  c.t.regex(serving.subjectAltName ?? '', new RegExp(`DNS:${rel}-webhook\\.${c.ns}\\.svc\\b`));

  // The patch Job wrote that CA into both caBundles.
  c.t.is(await c.ok(['get', 'validatingwebhookconfiguration', vwc, '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}']), secret.data['ca.crt']);
  c.t.is(await c.ok(['get', 'apiservice', `v1alpha1.${group}`, '-o', 'jsonpath={.spec.caBundle}']), secret.data['ca.crt']);

  // The apiserver calls the webhook over TLS with that CA: a labelled ConfigMap the rule
  // denies is refused with the server's message; an allowed one and an unlabelled one are made.
  const denied = await c.run(['create', '-f', '-'], { stdin: configMap('bad', { forbidden: 'x' }) });
  c.t.is(denied.code, 1, 'the denied ConfigMap is refused');
  // The server gives a code (403) and no reason: kubectl then says "Error from server:", as upstream.
  c.t.is(denied.stderr.trim(), `Error from server: error when creating "STDIN": admission webhook "${WEBHOOK}" denied the request: key "forbidden" is not allowed in ConfigMap "bad"`);
  c.t.regex(await c.ok(['create', '-f', '-'], { stdin: configMap('good', { fine: 'x' }) }), /configmap\/good created/);
  c.t.regex(await c.ok(['create', '-f', '-'], { stdin: configMap('unchecked', { forbidden: 'x' }, false) }), /configmap\/unchecked created/);

  // The APIService is Available, and the apiserver proxies its group to the same server.
  const available = await c.waitFor('APIService Available', async () => {
    const s = await jp(['apiservice', `v1alpha1.${group}`], '{.status.conditions[?(@.type=="Available")].status}');
    return s === 'True' ? s : undefined;
  }, 30_000);
  c.t.is(available, 'True');
  const list = JSON.parse(await c.ok(['get', '--raw', `/apis/${group}/v1alpha1`])) as { groupVersion: string; resources: { name: string }[] };
  c.t.deepEqual([list.groupVersion, list.resources.map((r) => r.name)], [`${group}/v1alpha1`, ['reviews']]);
  const reviews = JSON.parse(await c.ok(['get', '--raw', `/apis/${group}/v1alpha1/reviews`])) as { items: { metadata: { name: string }; count: number }[] };
  const count = Object.fromEntries(reviews.items.map((i) => [i.metadata.name, i.count]));
  c.t.deepEqual(count, { allowed: 1, denied: 1 }, 'what the webhook saw, read through the aggregated API');

  // Upgrade: both hooks run again; create finds the Secret and keeps it, patch writes the same
  // CA, and the upgrade's apply (Helm 4 server-side, Helm 3 a three-way merge) leaves the
  // caBundle that neither manifest has alone.
  const up = await helm(['upgrade', rel, CHART, ...wait, '--timeout', '120s']);
  c.t.is(up.code, 0, `${bin.name} upgrade: ${up.stderr}`);
  c.t.regex(up.stdout, /REVISION: 2/);
  phase('upgrade');
  c.t.is(await jobSaid(`${rel}-certgen-create`), `secret ${rel}-webhook-tls exists`);
  c.t.is(await jp(['job', `${rel}-certgen-patch`], '{.status.conditions[?(@.type=="Complete")].status}'), 'True');
  c.t.is(await jp(['secret', `${rel}-webhook-tls`], '{.data.ca\\.crt}'), secret.data['ca.crt']);
  c.t.is(await jp(['validatingwebhookconfiguration', vwc], '{.webhooks[0].clientConfig.caBundle}'), secret.data['ca.crt']);
  const deniedAgain = await c.run(['create', '-f', '-'], { stdin: configMap('bad2', { forbidden2: 'x' }) });
  c.t.regex(deniedAgain.stderr, /admission webhook "validate\.certgen\.kubets\.io" denied the request: key "forbidden2" is not allowed in ConfigMap "bad2"/);

  if (which === 'helm') await trustAndOutage(c, rel, vwc, group, secret.data['ca.crt']);
  phase('checks');

  const un = await helm(['uninstall', rel, '--wait', '--timeout', '60s']);
  c.t.is(un.code, 0, un.stderr);
  phase('uninstall');
  c.t.log(`${bin.name}: ${phases.join(', ')}`);
  c.t.is((await c.run(['get', 'validatingwebhookconfiguration', vwc])).code, 1, 'the webhook configuration went with the release');
  c.t.is((await c.run(['get', 'apiservice', `v1alpha1.${group}`])).code, 1, 'the APIService went with the release');
  // What the hooks made is not the release's (as upstream): the Secret and the Jobs stay.
  c.t.is(await c.ok(['get', 'secret,job', '-o', 'name']), `secret/${rel}-webhook-tls\njob.batch/${rel}-certgen-create\njob.batch/${rel}-certgen-patch\n`);
}

/**
 * The caBundle is what the apiserver trusts: another CA there and the call fails TLS
 * verification (failurePolicy Fail: the write is refused). Then the server goes (scaled to 0):
 * the webhook has no endpoints, and the APIService turns unavailable and answers 503.
 */
async function trustAndOutage(c: NodeCtx, rel: string, vwc: string, group: string, ca: string): Promise<void> {
  const setBundle = (value: string) => c.ok(['patch', 'validatingwebhookconfiguration', vwc, '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/webhooks/0/clientConfig/caBundle', value }])]);
  const other = await c.ok(['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}']);
  await setBundle(other);
  const untrusted = await c.run(['create', '-f', '-'], { stdin: configMap('untrusted', { fine: 'x' }) });
  c.t.is(untrusted.code, 1, 'refused: the webhook could not be called');
  c.t.regex(untrusted.stderr.trim(), new RegExp(`^Error from server \\(InternalError\\): error when creating "STDIN": Internal error occurred: failed calling webhook "${WEBHOOK}": failed to call webhook: Post "https://${rel}-webhook\\.${c.ns}\\.svc:443/validate\\?timeout=5s": tls: failed to verify certificate: x509: certificate signed by unknown authority$`));
  await setBundle(ca);
  c.t.regex(await c.ok(['create', '-f', '-'], { stdin: configMap('trusted-again', { fine: 'x' }) }), /configmap\/trusted-again created/);
  // The same for the APIService: its availability check fails TLS verification.
  const apiservice = `v1alpha1.${group}`;
  await c.ok(['patch', 'apiservice', apiservice, '--type=merge', '-p', JSON.stringify({ spec: { caBundle: other } })]);
  const failed = await c.waitFor('the APIService failing its check', async () => {
    const s = JSON.parse(await c.ok(['get', 'apiservice', apiservice, '-o', 'jsonpath={.status.conditions[?(@.type=="Available")]}'])) as { status: string; reason: string; message: string };
    return s.status === 'False' ? s : undefined;
  }, 60_000);
  const url = `https://[0-9.]+:8443/apis/${group.replace(/\./g, '\\.')}/v1alpha1`;
  c.t.is(failed.reason, 'FailedDiscoveryCheck');
  c.t.regex(failed.message, new RegExp(`^failing or missing response from ${url}: Get "${url}": tls: failed to verify certificate: x509: certificate signed by unknown authority$`));

  await c.ok(['scale', 'deployment', `${rel}-webhook`, '--replicas=0']);
  // Still False from the check above (FailedDiscoveryCheck) until the controller sees no endpoints.
  const reason = await c.waitFor('the APIService unavailable for want of endpoints', async () => {
    const r = await c.ok(['get', 'apiservice', `v1alpha1.${group}`, '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].status} {.status.conditions[?(@.type=="Available")].reason}']);
    return r.startsWith('False ') && !r.endsWith(' FailedDiscoveryCheck') ? r : undefined;
  }, 60_000);
  c.t.regex(reason, /^False (MissingEndpoints|EndpointsNotFound)$/);
  const down = await c.run(['create', '-f', '-'], { stdin: configMap('nobody-home', { fine: 'x' }) });
  c.t.is(down.stderr.trim(), `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "${WEBHOOK}": failed to call webhook: Post "https://${rel}-webhook.${c.ns}.svc:443/validate?timeout=5s": no endpoints available for service "${rel}-webhook"`);
  const raw = await c.run(['get', '--raw', `/apis/${group}/v1alpha1`]);
  c.t.is(raw.code, 1);
  c.t.regex(raw.stderr, /\(ServiceUnavailable\)/);
  c.t.log(`untrusted: ${untrusted.stderr.trim()}\n${failed.message}\nno server: ${raw.stderr.trim()}`);
}

export const certgenScenarios: NodeScenario[] = [
  {
    title: 'helm v4 install --wait=watcher: hook Jobs make the webhook certificate and patch the caBundles; the apiserver calls the webhook and the APIService over TLS; uninstall',
    id: 'certgen-helm4',
    timeoutMs: 240_000,
    run: (c) => installAndCheck(c, 'helm'),
  },
  {
    title: 'helm v3.17 install --wait: the same chart, the same checks',
    id: 'certgen-helm3',
    timeoutMs: 240_000,
    run: (c) => installAndCheck(c, 'helm3'),
  },
];
