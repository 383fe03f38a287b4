// API aggregation with real kubectl (v1.32 and v1.35) and client-node: an extension
// apiserver on loopback (extension-server.ts) behind a selector-less Service whose
// EndpointSlice points at it, registered by an APIService with its caBundle. It must become
// Available, join discovery and OpenAPI, get requests proxied with the front-proxy identity;
// broken APIServices report upstream's reasons and answer 503 while everything else is served.

import test from 'ava';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { availableKubectls, kubectl, kubectlBinaries, kubectlSkipReason, startKubets, type Kubets } from '../harness.ts';
import { eventually } from '../kubectl/suite.ts';
import { WARDLE, startExtensionServer, type ExtensionServer } from './extension-server.ts';

const skip = kubectlSkipReason(await kubectlBinaries());
let kubets: Kubets;
let ext: ExtensionServer;
let tools: { name: string; path: string }[] = [];

const k = (args: string[], stdin?: string) => kubectl(tools[0]!.path, kubets.kubeconfig, args, { stdin });
async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await k(args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function backend(ns: string, name: string, port: number | undefined, portName = 'https'): string {
  const slice = port === undefined ? '' : `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: ${ns}, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
ports: [{name: ${portName}, port: ${port}, protocol: TCP}]
`;
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {ports: [{name: https, port: 443, targetPort: ${port ?? 443}}]}
${slice}`;
}

function apiService(group: string, version: string, ns: string, svc: string, tls: string): string {
  return `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: ${version}.${group}}
spec: {group: ${group}, version: ${version}, groupPriorityMinimum: 1000, versionPriority: 15, service: {namespace: ${ns}, name: ${svc}, port: 443}, ${tls}}
`;
}

async function availability(name: string): Promise<string> {
  return ok(['get', 'apiservice', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].status} {.status.conditions[?(@.type=="Available")].reason}: {.status.conditions[?(@.type=="Available")].message}']);
}

if (skip) {
  test.skip(`API aggregation (skipped: ${skip})`, () => {});
} else {
  test.before(async () => {
    tools = await availableKubectls();
    kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler'] });
    const frontProxyCa = await ok(['get', 'configmap', '-n', 'kube-system', 'extension-apiserver-authentication', '-o', 'jsonpath={.data.requestheader-client-ca-file}']);
    ext = await startExtensionServer(frontProxyCa);
    await ok(['create', 'namespace', 'wardle']);
    await ok(['apply', '-f', '-'], backend('wardle', 'api', ext.port) + '---\n' + apiService(WARDLE.group, WARDLE.version, 'wardle', 'api', `caBundle: ${ext.caBundle}`));
    await ok(['wait', '--for=condition=Available', `apiservice/${WARDLE.version}.${WARDLE.group}`, '--timeout=20s']);
  });
  test.after.always(async () => {
    await ext?.close();
    await kubets?.stop();
  });

  test.serial('local APIServices for every built-in group version, Available (Local), as upstream lists them', async (t) => {
    const out = await ok(['get', 'apiservices']);
    t.regex(out, /^NAME\s+SERVICE\s+AVAILABLE\s+AGE\n/);
    t.regex(out, /\nv1\.\s+Local\s+True\s+\d+[sm]\n/);
    t.regex(out, /\nv1\.apps\s+Local\s+True\s+/);
    t.regex(out, /\nv2\.autoscaling\s+Local\s+True\s+/);
    t.regex(out, new RegExp(`\\n${WARDLE.version}\\.wardle\\.example\\.com\\s+wardle/api\\s+True\\s+`));
    t.is(await ok(['get', 'apiservice', 'v1.apps', '-o', 'jsonpath={.metadata.labels.kube-aggregator\\.kubernetes\\.io/automanaged} {.spec.groupPriorityMinimum} {.spec.versionPriority}']), 'onstart 17800 15');
    t.is(await availability(`${WARDLE.version}.${WARDLE.group}`), 'True Passed: all checks passed');
  });

  test.serial('the extension group joins discovery; requests are proxied with the front-proxy identity', async (t) => {
    for (const tool of tools) {
      const run = (args: string[], stdin?: string) => kubectl(tool.path, kubets.kubeconfig, args, { stdin });
      const res = await run(['api-resources', '--api-group', WARDLE.group]);
      t.is(res.code, 0, res.stderr);
      t.regex(res.stdout, /flunders\s+fl\s+wardle\.example\.com\/v1alpha1\s+true\s+Flunder/);
      const name = `f-${tool.name.replace(/\W/g, '')}`;
      const made = await run(['create', '-n', 'wardle', '-f', '-'], `apiVersion: ${WARDLE.group}/${WARDLE.version}\nkind: Flunder\nmetadata: {name: ${name}}\nspec: {reference: other}\n`);
      t.is(made.code, 0, made.stderr);
      t.regex(made.stdout, new RegExp(`flunder.wardle.example.com/${name} created`));
      const got = await run(['get', 'fl', '-n', 'wardle', name, '-o', 'jsonpath={.spec.reference}']);
      t.is(got.stdout, 'other', got.stderr);
      const list = await run(['get', 'flunders', '-n', 'wardle']);
      t.is(list.code, 0, list.stderr);
      t.regex(list.stdout, new RegExp(`\\n${name}\\s`));
      const missing = await run(['get', 'flunder', '-n', 'wardle', 'nope']);
      t.regex(missing.stderr, /Error from server \(NotFound\): flunders.wardle.example.com "nope" not found/);
    }
    const proxied = ext.seen.filter((s) => s.path.includes('/flunders'));
    t.true(proxied.length > 0);
    for (const s of proxied) {
      t.is(s.clientCN, 'front-proxy-client');
      t.is(s.user, 'kubernetes-admin');
      t.deepEqual([...s.groups].sort(), ['system:authenticated', 'system:masters']);
    }
    // The aggregator's own discovery check as upstream makes it.
    t.true(ext.seen.some((s) => s.path === `/apis/${WARDLE.group}/${WARDLE.version}` && s.user === 'system:kube-aggregator' && s.groups.includes('system:masters')));
  });

  test.serial('kubectl explain reads the extension OpenAPI merged into v2 and v3', async (t) => {
    for (const tool of tools) {
      const r = await kubectl(tool.path, kubets.kubeconfig, ['explain', 'flunders.spec.reference', `--api-version=${WARDLE.group}/${WARDLE.version}`]);
      t.is(r.code, 0, `${tool.name}: ${r.stderr}`);
      t.regex(r.stdout, /The name of another flunder this one refers to\./);
    }
    const v2 = JSON.parse(await ok(['get', '--raw', '/openapi/v2'])) as { definitions: Record<string, unknown> };
    t.truthy(v2.definitions['com.example.wardle.v1alpha1.Flunder']);
    t.truthy(v2.definitions['io.k8s.api.core.v1.Pod']);
  });

  test.serial('client-node lists and reads Flunders through the aggregator', async (t) => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubets.kubeconfig);
    const api = kc.makeApiClient(CustomObjectsApi);
    const list = (await api.listNamespacedCustomObject({ ...WARDLE, namespace: 'wardle', plural: 'flunders' })) as { items: { metadata: { name: string } }[] };
    t.true(list.items.length >= 1);
    const one = (await api.getNamespacedCustomObject({ ...WARDLE, namespace: 'wardle', plural: 'flunders', name: list.items[0]!.metadata.name })) as { spec: { reference: string } };
    t.is(one.spec.reference, 'other');
  });

  test.serial('unavailable APIServices: upstream reasons, 503 on their paths, the rest of discovery intact', async (t) => {
    const g = 'broken.example.com';
    // Each case: what is behind the Service, and the condition it must give.
    const closedPort = 1; // nothing listens on 127.0.0.1:1
    const cases: [string, string, string, RegExp][] = [
      ['v1', '', `caBundle: ${ext.caBundle}`, /^False ServiceNotFound: service\/gone in "wardle" is not present$/],
      ['v2', backend('wardle', 'noeps', undefined), `caBundle: ${ext.caBundle}`, /^False EndpointsNotFound: cannot find endpointslices for service\/noeps in "wardle"$/],
      ['v3', backend('wardle', 'badname', ext.port, 'http'), `caBundle: ${ext.caBundle}`, /^False MissingEndpoints: endpointslices for service\/badname in "wardle" have no addresses with port name "https"$/],
      ['v4', backend('wardle', 'closed', closedPort), `caBundle: ${ext.caBundle}`, /^False FailedDiscoveryCheck: failing or missing response from https:\/\/127\.0\.0\.1:1\/apis\/broken\.example\.com\/v4: .*ECONNREFUSED/],
      // Its own CA does not sign the extension's certificate: TLS fails, so does the check.
      ['v5', backend('wardle', 'wrongca', ext.port), 'caBundle: ' + Buffer.from(await ok(['get', 'configmap', '-n', 'kube-system', 'extension-apiserver-authentication', '-o', 'jsonpath={.data.client-ca-file}'])).toString('base64'), /^False FailedDiscoveryCheck: failing or missing response from https:\/\/127\.0\.0\.1:\d+\/apis\/broken\.example\.com\/v5: .*certificate/],
    ];
    const svcOf = (v: string) => ({ v1: 'gone', v2: 'noeps', v3: 'badname', v4: 'closed', v5: 'wrongca' })[v]!;
    for (const [v, objects] of cases) {
      await ok(['apply', '-f', '-'], (objects ? objects + '---\n' : '') + apiService(g, v, 'wardle', svcOf(v), cases.find((c) => c[0] === v)![2]));
    }
    for (const [v, , , want] of cases) {
      let last = '';
      await eventually(async () => want.test((last = await availability(`${v}.${g}`))), 15_000);
      t.regex(last, want, v);
    }
    const table = await ok(['get', 'apiservice', `v1.${g}`]);
    t.regex(table, /v1\.broken\.example\.com\s+wardle\/gone\s+False \(ServiceNotFound\)/);
    for (const tool of tools) {
      const raw = await kubectl(tool.path, kubets.kubeconfig, ['get', '--raw', `/apis/${g}/v1/things`]);
      t.not(raw.code, 0);
      t.regex(raw.stderr, /the server is currently unable to handle the request|ServiceUnavailable/);
      // api-resources lists everything else. Aggregated discovery lists the broken versions as
      // Stale, which kubectl's cached discovery drops without a word (client-go's own callers,
      // e.g. the namespace controller, get "stale GroupVersion discovery" errors).
      const res = await kubectl(tool.path, kubets.kubeconfig, ['api-resources']);
      t.regex(res.stdout, /configmaps\s+cm\s+v1\s+true\s+ConfigMap/);
      t.regex(res.stdout, /flunders\s+fl\s+wardle\.example\.com\/v1alpha1/);
      t.notRegex(res.stdout, /broken\.example\.com/);
      if (res.stderr) t.regex(res.stderr, /broken\.example\.com\/v\d/);
    }
    // The extension's own group stays served.
    t.is((await k(['get', 'flunders', '-n', 'wardle'])).code, 0);
    // Fixed (a Service with a working endpoint), v2 becomes Available.
    await ok(['apply', '-f', '-'], backend('wardle', 'noeps', ext.port));
    // Now the check reaches the endpoint, whose certificate is checked against the Service's
    // name, noeps.wardle.svc, which it does not carry (it is api.wardle.svc's).
    let fixed = '';
    await eventually(async () => (fixed = await availability(`v2.${g}`)).includes('altnames'), 15_000);
    t.regex(fixed, /^False FailedDiscoveryCheck: failing or missing response from https:\/\/127\.0\.0\.1:\d+\/apis\/broken\.example\.com\/v2: .*Host: noeps\.wardle\.svc\. is not in the cert's altnames/);
    for (const [v] of cases) await ok(['delete', 'apiservice', `${v}.${g}`]);
    const after = await k(['api-resources']);
    t.is(after.code, 0, after.stderr);
  });

  test.serial('insecureSkipTLSVerify: no CA, still Available', async (t) => {
    await ok(['apply', '-f', '-'], backend('wardle', 'insecure', ext.port) + '---\n' + apiService('insecure.example.com', 'v1', 'wardle', 'insecure', 'insecureSkipTLSVerify: true'));
    let last = '';
    await eventually(async () => (last = await availability('v1.insecure.example.com')).startsWith('False FailedDiscoveryCheck') || last.startsWith('True'), 15_000);
    // The extension serves only wardle's group version: its discovery path answers 404.
    t.regex(last, /^False FailedDiscoveryCheck: failing or missing response from https:\/\/127\.0\.0\.1:\d+\/apis\/insecure\.example\.com\/v1: bad status from .*: 404$/);
    await ok(['delete', 'apiservice', 'v1.insecure.example.com']);
  });
}
