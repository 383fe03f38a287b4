import test from 'ava';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../server/cli.ts';
import { silentLogger } from '../server/log.ts';
import { startFakeApiServer } from './fake-apiserver.ts';
import { httpsGet, kubectl, kubectlBinaries, readKubeconfig, startKubets, waitForReady, type Binaries } from './harness.ts';

let bins: Binaries;
test.before(async () => {
  bins = await kubectlBinaries();
});

// Real kubectl (Go TLS) against kubets' ECDSA PKI and authn, with a stand-in for the app so
// that this checks exactly the PKI, kubeconfig and client-certificate mapping.
test('every kubectl trusts the serving cert and is kubernetes-admin in system:masters by its client cert', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-harness-'));
  let stop!: (s: string) => void;
  const exit = main(['server', '--data-dir', dir, '--port', '0'], {
    print: () => {},
    log: silentLogger,
    stopSignal: new Promise((r) => (stop = r)),
    loadApiServer: async () => startFakeApiServer,
  });
  t.teardown(async () => {
    stop('SIGTERM');
    await exit;
    await rm(dir, { recursive: true, force: true });
  });
  const { url } = await waitForReady(dir, { timeoutMs: 30_000 });
  t.regex(url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const kubeconfig = join(dir, 'kubeconfig');
  let ran = 0;
  for (const tool of bins.kubectl) {
    if (!tool.path) {
      t.log(`${tool.name} skipped: ${tool.skipReason}`);
      continue;
    }
    ran++;
    const ready = await kubectl(tool.path, kubeconfig, ['get', '--raw', '/readyz']);
    t.is(ready.stdout, 'ok', `${tool.name}: ${ready.stderr}`);
    const who = await kubectl(tool.path, kubeconfig, ['auth', 'whoami', '-o', 'json']);
    t.is(who.code, 0, `${tool.name}: ${who.stderr}`);
    const review = JSON.parse(who.stdout) as { status: { userInfo: { username: string; groups: string[] } } };
    t.deepEqual(review.status.userInfo, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] }, tool.name);
  }
  t.log(`ran ${ran} kubectl binaries`);
});

test('startKubets runs a real kubets server, kubectl reaches it, and stop() cleans up', async (t) => {
  const kubets = await startKubets({ store: 'sqlite' });
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await kubets.stop();
  });
  t.regex(kubets.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  t.is(kubets.kubeconfig, join(kubets.dataDir, 'kubeconfig'));
  const kc = await readKubeconfig(kubets.kubeconfig);
  const ready = await httpsGet(`${kubets.url}/readyz`, { ca: kubets.caCert, cert: kc.cert, key: kc.key });
  t.deepEqual(ready, { status: 200, body: 'ok' });
  const tool = bins.kubectl.find((k) => k.path);
  if (tool?.path) {
    const r = await kubectl(tool.path, kubets.kubeconfig, ['get', '--raw', '/readyz']);
    t.is(r.stdout, 'ok', r.stderr);
  }
  t.regex(kubets.output(), /export KUBECONFIG=/);
  await kubets.stop();
  stopped = true;
  t.false(existsSync(kubets.dataDir));
});

test('startKubets fails fast with what the server printed when it cannot start', async (t) => {
  const started = Date.now();
  const err = await t.throwsAsync(startKubets({ store: 'sqlite', args: ['--no-such-flag'] }));
  t.regex(err?.message ?? '', /exited \(2\) before ready/);
  t.regex(err?.message ?? '', /unknown flag --no-such-flag/);
  t.true(Date.now() - started < 30_000);
});

test("startKubets with store 'etcd' needs an endpoint", async (t) => {
  await t.throwsAsync(startKubets({ store: 'etcd' }), { message: /needs etcdEndpoint/ });
});
