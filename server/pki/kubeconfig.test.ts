import test from 'ava';
import { KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkTool } from '../../testing/tools.ts';
import { ensurePki, type Pki } from './index.ts';
import { renderKubeconfig, serverUrl, writeKubeconfig } from './kubeconfig.ts';

let dir: string;
let pki: Pki;
let path: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubets-kubeconfig-'));
  pki = await ensurePki(dir);
  path = await writeKubeconfig(dir, pki, { server: 'https://127.0.0.1:6443' });
});

test.after.always(() => rm(dir, { recursive: true, force: true }));

test('the kubeconfig lives in the data dir, readable only by its owner', async (t) => {
  t.is(path, join(dir, 'kubeconfig'));
  t.is((await stat(path)).mode & 0o777, 0o600);
});

test('@kubernetes/client-node reads it: kubets cluster, user and context with the admin credentials', (t) => {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  t.is(kc.getCurrentContext(), 'kubets');
  t.deepEqual(
    kc.getContexts().map((c) => [c.name, c.cluster, c.user]),
    [['kubets', 'kubets', 'kubets']],
  );
  const cluster = kc.getCurrentCluster();
  t.is(cluster?.server, 'https://127.0.0.1:6443');
  t.is(Buffer.from(cluster?.caData ?? '', 'base64').toString(), pki.caCert);
  const user = kc.getCurrentUser();
  t.is(user?.name, 'kubets');
  t.is(Buffer.from(user?.certData ?? '', 'base64').toString(), pki.adminCert);
  t.is(Buffer.from(user?.keyData ?? '', 'base64').toString(), pki.adminKey);
});

test('a token kubeconfig carries the token instead of a certificate', (t) => {
  const kc = new KubeConfig();
  kc.loadFromString(renderKubeconfig(pki, { server: 'https://10.0.0.1:6443', token: 'abc', name: 'node' }));
  t.is(kc.getCurrentContext(), 'node');
  t.is(kc.getCurrentUser()?.token, 'abc');
  t.is(kc.getCurrentUser()?.certData, undefined);
});

const kubectl = checkTool('kubectl', '/usr/bin/kubectl');
test('kubectl config view shows the kubets context', async (t) => {
  if (!kubectl.path) {
    t.log(`skipped: ${kubectl.skipReason}`);
    t.pass();
    return;
  }
  const run = promisify(execFile);
  const { stdout } = await run(kubectl.path, ['--kubeconfig', path, 'config', 'view', '-o', 'jsonpath={.current-context} {.clusters[0].cluster.server} {.users[0].name}']);
  t.is(stdout, 'kubets https://127.0.0.1:6443 kubets');
  const ctx = await run(kubectl.path, ['--kubeconfig', path, 'config', 'get-contexts', '-o', 'name']);
  t.is(ctx.stdout.trim(), 'kubets');
});

const urlCases: [string, number, string][] = [
  ['127.0.0.1', 6443, 'https://127.0.0.1:6443'],
  ['0.0.0.0', 6443, 'https://127.0.0.1:6443'],
  ['::', 1234, 'https://[::1]:1234'],
  ['fd00::5', 6443, 'https://[fd00::5]:6443'],
  ['192.0.2.4', 443, 'https://192.0.2.4:443'],
];
for (const [bind, port, want] of urlCases) {
  test(`serverUrl(${bind}, ${port})`, (t) => t.is(serverUrl(bind, port), want));
}
