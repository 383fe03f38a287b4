import test from 'ava';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { kubeconfigFromString, loadKubeconfig } from './kubeconfig.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}, context: Record<string, unknown> = {}): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443/', 'certificate-authority-data': b64('CA'), ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', ...context } }],
    'current-context': 'ctx',
  });
}

let dir: string;
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeconfig-test-'));
  await writeFile(join(dir, 'ca.crt'), 'CA-FILE');
  await writeFile(join(dir, 'client.crt'), 'CERT-FILE');
  await writeFile(join(dir, 'client.key'), 'KEY-FILE');
  await writeFile(join(dir, 'token'), 'from.file\n');
});
test.after.always(async () => rm(dir, { recursive: true, force: true }));

const cases: Array<{ name: string; text: string; want: { token?: string; cert?: string; key?: string; auth?: string; skip?: boolean } }> = [
  { name: 'client certificate data', text: kubeconfig({ 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') }), want: { cert: 'CERT', key: 'KEY' } },
  { name: 'bearer token', text: kubeconfig({ token: 'abc.def' }), want: { token: 'abc.def' } },
  { name: 'token wins over tokenFile', text: kubeconfig({ token: 'abc.def', tokenFile: '/nonexistent' }), want: { token: 'abc.def' } },
  { name: 'basic auth', text: kubeconfig({ username: 'me', password: 'pw' }), want: { auth: `Basic ${b64('me:pw')}` } },
  { name: 'insecure cluster', text: kubeconfig({ token: 't' }, { 'insecure-skip-tls-verify': true }), want: { token: 't', skip: true } },
  { name: 'proxy-url is ignored', text: kubeconfig({ token: 't' }, { 'proxy-url': 'http://127.0.0.1:3128' }), want: { token: 't' } },
];

for (const c of cases) {
  test(`kubeconfig: ${c.name}`, async (t) => {
    const cfg = kubeconfigFromString(c.text);
    t.is(cfg.server, 'https://127.0.0.1:6443');
    t.is(cfg.ca?.toString(), 'CA');
    t.is(cfg.token, c.want.token);
    t.is(cfg.cert?.toString(), c.want.cert);
    t.is(cfg.key?.toString(), c.want.key);
    t.is(await cfg.authorization?.(), c.want.auth);
    t.is(cfg.insecureSkipTLSVerify, c.want.skip ?? false);
    t.is(cfg.namespace, undefined);
  });
}

test('kubeconfig: certificates and token by file, relative to the kubeconfig folder; data wins over a file', async (t) => {
  const path = join(dir, 'files.yaml');
  await writeFile(path, kubeconfig({ 'client-certificate': 'client.crt', 'client-key': join(dir, 'client.key'), tokenFile: 'token' }, { 'certificate-authority-data': undefined, 'certificate-authority': 'ca.crt' }));
  const cfg = loadKubeconfig(path);
  t.is(cfg.ca?.toString(), 'CA-FILE');
  t.is(cfg.cert?.toString(), 'CERT-FILE');
  t.is(cfg.key?.toString(), 'KEY-FILE');
  t.is(cfg.token, undefined);
  t.is(await cfg.authorization?.(), 'Bearer from.file');
  await writeFile(path, kubeconfig({ 'client-certificate': 'client.crt', 'client-certificate-data': b64('CERT'), 'client-key': 'client.key' }, { 'certificate-authority': 'ca.crt' }));
  const both = loadKubeconfig(path);
  t.is(both.ca?.toString(), 'CA');
  t.is(both.cert?.toString(), 'CERT');
  t.is(both.key?.toString(), 'KEY-FILE');
  t.throws(() => loadKubeconfig(join(dir, 'missing.yaml')), { code: 'ENOENT' });
  t.throws(() => kubeconfigFromString(kubeconfig({ tokenFile: join(dir, 'none') })), { message: /no such file/ });
});

test('kubeconfig: contexts, current-context, namespace and the failures that name what is missing', (t) => {
  const text = dump({
    clusters: [
      { name: 'a', cluster: { server: 'https://127.0.0.1:1' } },
      { name: 'b', cluster: { server: 'https://127.0.0.1:2', 'tls-server-name': 'kubernetes' } },
    ],
    users: [{ name: 'ua', user: { token: 'ta' } }, { name: 'ub', user: { token: 'tb' } }],
    contexts: [
      { name: 'one', context: { cluster: 'a', user: 'ua' } },
      { name: 'two', context: { cluster: 'b', user: 'ub', namespace: 'team' } },
      { name: 'anon', context: { cluster: 'b' } },
      { name: 'lost', context: { cluster: 'zz', user: 'ua' } },
      { name: 'nouser', context: { cluster: 'a', user: 'zz' } },
    ],
    'current-context': 'two',
  });
  const two = kubeconfigFromString(text);
  t.like(two, { server: 'https://127.0.0.1:2', token: 'tb', namespace: 'team', tlsServerName: 'kubernetes' });
  t.like(kubeconfigFromString(text, { context: 'one' }), { server: 'https://127.0.0.1:1', token: 'ta', namespace: undefined });
  const anon = kubeconfigFromString(text, { context: 'anon' });
  t.is(anon.token, undefined);
  t.is(anon.cert, undefined);
  t.throws(() => kubeconfigFromString(text, { context: 'three' }), { message: 'kubeconfig: context "three" not found' });
  t.throws(() => kubeconfigFromString(text, { context: 'lost' }), { message: /cluster "zz" \(of context "lost"\) not found/ });
  t.throws(() => kubeconfigFromString(text, { context: 'nouser' }), { message: /user "zz" \(of context "nouser"\) not found/ });
  t.throws(() => kubeconfigFromString(dump({ clusters: [], contexts: [] })), { message: /no current-context/ });
  t.throws(() => kubeconfigFromString('- a list'), { message: /not a YAML mapping/ });
  t.throws(() => kubeconfigFromString(kubeconfig({ token: 't' }, { server: '' })), { message: /cluster "c" has no server/ });
});

test('kubeconfig: auth-provider users are refused with what to use instead', (t) => {
  t.throws(() => kubeconfigFromString(kubeconfig({ 'auth-provider': { name: 'oidc', config: {} } })), {
    message: 'kubeconfig: user "u" uses auth-provider "oidc", which kubets does not support; use a token, a client certificate or an exec plugin',
  });
});

const V1 = 'client.authentication.k8s.io/v1';

async function plugin(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

test('kubeconfig: an exec plugin runs with its args, env and KUBERNETES_EXEC_INFO; its token is kept until it expires', async (t) => {
  const counter = join(dir, 'exec-count');
  const command = await plugin('exec-ok', [
    `echo x >> ${counter}`,
    'info=$(printf %s "$KUBERNETES_EXEC_INFO" | tr -d \'"\\n \')',
    `printf '{"apiVersion":"${V1}","kind":"ExecCredential","status":{"token":"%s-%s-%s","expirationTimestamp":"%s"}}' "$1" "$GREETING" "$info" "$EXPIRES"`,
  ].join('\n'));
  const exec = { apiVersion: V1, command, args: ['arg1'], env: [{ name: 'GREETING', value: 'hi' }, { name: 'EXPIRES', value: '2999-01-01T00:00:00Z' }], provideClusterInfo: true, interactiveMode: 'Never' };
  const cfg = kubeconfigFromString(kubeconfig({ exec }));
  const header = await cfg.authorization!();
  t.regex(header!, /^Bearer arg1-hi-\{apiVersion:client.authentication.k8s.io\/v1,kind:ExecCredential,spec:\{interactive:false,cluster:\{server:https:\/\/127.0.0.1:6443/);
  t.is(await cfg.authorization!(), header);
  t.is((await readFile(counter, 'utf8')).trim().split('\n').length, 1);
  const expired = kubeconfigFromString(kubeconfig({ exec: { ...exec, env: [{ name: 'EXPIRES', value: '2000-01-01T00:00:00Z' }] } }));
  await expired.authorization!();
  await expired.authorization!();
  t.is((await readFile(counter, 'utf8')).trim().split('\n').length, 3);
});

test('kubeconfig: exec plugins that kubets cannot use fail with upstream-style errors', async (t) => {
  const cert = await plugin('exec-cert', `echo '{"apiVersion":"${V1}","kind":"ExecCredential","status":{"clientCertificateData":"C","clientKeyData":"K"}}'`);
  const wrong = await plugin('exec-wrong', `echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}}'`);
  const fails = await plugin('exec-fails', 'exit 3');
  const garbage = await plugin('exec-garbage', 'echo not json');
  const run = (exec: Record<string, unknown>) => kubeconfigFromString(kubeconfig({ exec: { apiVersion: V1, ...exec } })).authorization!();
  await t.throwsAsync(run({ command: cert }), { message: 'exec plugin returned a client certificate; kubets clients take only tokens from exec plugins' });
  await t.throwsAsync(run({ command: wrong }), { message: `exec plugin is configured to use API version ${V1}, plugin returned version client.authentication.k8s.io/v1beta1` });
  await t.throwsAsync(run({ command: fails }), { message: `exec: executable ${fails} failed with exit code 3` });
  await t.throwsAsync(run({ command: garbage }), { message: /^exec: decoding stdout: / });
  await t.throwsAsync(run({ command: join(dir, 'nope'), installHint: 'install nope' }), { message: `exec: executable ${join(dir, 'nope')} not found\n\ninstall nope` });
  t.throws(() => kubeconfigFromString(kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1alpha1', command: cert } })), { message: /apiVersion "client.authentication.k8s.io\/v1alpha1" is not supported/ });
  t.throws(() => kubeconfigFromString(kubeconfig({ exec: { apiVersion: V1, command: cert, interactiveMode: 'Always' } })), { message: /cannot support interactive mode/ });
});
