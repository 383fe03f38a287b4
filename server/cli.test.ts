import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, symlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseCli, type Command } from './cli-args.ts';
import { main, version, type ApiServerOptions } from './cli.ts';
import { createLogger } from './log.ts';
import { startFakeApiServer } from '../conformance/fake-apiserver.ts';
import { httpsGet, readKubeconfig } from '../conformance/harness.ts';

const run = promisify(execFile);
const SHIM = fileURLToPath(new URL('../bin/kubets.js', import.meta.url));

const defaults = { dataDir: '.kubets', port: 6443, bindAddress: '127.0.0.1', disable: [], verbosity: 0, tlsSans: [] };
const cases: [string, string[], Command][] = [
  ['no arguments is help', [], { kind: 'help', topic: undefined }],
  ['--help', ['--help'], { kind: 'help', topic: undefined }],
  ['server --help', ['server', '--help'], { kind: 'help', topic: 'server' }],
  ['version', ['version'], { kind: 'version' }],
  ['server defaults', ['server'], { kind: 'server', flags: defaults }],
  ['all is server on one machine', ['all', '--data-dir', '.kubets'], { kind: 'all', flags: defaults }],
  [
    'every flag, both spellings',
    ['server', '--data-dir=/d', '--port', '0', '--bind-address=::', '--etcd-servers', 'http://a:2379,https://b:2379', '--disable', 'scheduler,controllers,scheduler', '--tls-san', 'x.test', '--tls-san=1.2.3.4', '--token-auth-file', 't.csv', '-v', '-v'],
    {
      kind: 'server',
      flags: {
        dataDir: '/d',
        port: 0,
        bindAddress: '::',
        etcdServers: ['http://a:2379', 'https://b:2379'],
        disable: ['scheduler', 'controllers'],
        verbosity: 2,
        tlsSans: ['x.test', '1.2.3.4'],
        tokenAuthFile: 't.csv',
      },
    },
  ],
  ['-v=4', ['server', '-v=4'], { kind: 'server', flags: { ...defaults, verbosity: 4 } }],
  ['--v=3', ['server', '--v=3'], { kind: 'server', flags: { ...defaults, verbosity: 3 } }],
  ['-vvv', ['server', '-vvv'], { kind: 'server', flags: { ...defaults, verbosity: 3 } }],
  [
    'leader election timings',
    ['server', '--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline', '3s', '--leader-elect-retry-period', '500ms'],
    { kind: 'server', flags: { ...defaults, leaderElection: { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500 } } },
  ],
  ['a bad duration', ['server', '--leader-elect-lease-duration', '4'], { kind: 'error', message: '--leader-elect-lease-duration wants a duration such as 15s or 500ms, got "4"' }],
  [
    'a lease shorter than its renew deadline',
    ['server', '--leader-elect-lease-duration', '4s'],
    { kind: 'error', message: 'leader election wants --leader-elect-lease-duration > --leader-elect-renew-deadline > --leader-elect-retry-period' },
  ],
  [
    'the audit webhook backend',
    ['server', '--audit-webhook-config-file', 'w.kubeconfig', '--audit-webhook-batch-max-size=10', '--audit-webhook-batch-max-wait', '2s', '--audit-webhook-initial-backoff=1m', '--audit-webhook-mode=batch'],
    { kind: 'server', flags: { ...defaults, auditWebhookConfigFile: 'w.kubeconfig', auditWebhookBatchMaxSize: 10, auditWebhookBatchMaxWaitMs: 2000, auditWebhookInitialBackoffMs: 60_000 } },
  ],
  ['--audit-webhook-mode blocking', ['server', '--audit-webhook-mode', 'blocking'], { kind: 'error', message: '--audit-webhook-mode: only batch is supported, got "blocking"' }],
  ['--audit-webhook-batch-max-size 0', ['server', '--audit-webhook-batch-max-size=0'], { kind: 'error', message: '--audit-webhook-batch-max-size wants a positive whole number, got "0"' }],
  ['--event-ttl, a Go duration', ['server', '--event-ttl', '1h30m'], { kind: 'server', flags: { ...defaults, eventTtlMs: 5_400_000 } }],
  ['--event-ttl not a duration', ['server', '--event-ttl=10'], { kind: 'error', message: '--event-ttl: time: invalid duration "10"' }],
  ['--event-ttl of zero', ['server', '--event-ttl=0s'], { kind: 'error', message: '--event-ttl must be positive, got 0s' }],
  ['the control plane on the apiserver\'s thread', ['server', '--control-plane', 'in-process'], { kind: 'server', flags: { ...defaults, controlPlane: 'in-process' } }],
  ['a bad control-plane layout', ['server', '--control-plane=thread'], { kind: 'error', message: '--control-plane wants separate or in-process, got "thread"' }],
  ['control-plane: what kubets server forks', ['control-plane'], { kind: 'control-plane' }],
  ['unknown command', ['serve'], { kind: 'error', message: 'unknown command "serve"' }],
  ['unknown flag', ['server', '--prot', '1'], { kind: 'error', message: 'unknown flag --prot' }],
  ['missing value', ['server', '--port'], { kind: 'error', message: '--port needs a value' }],
  ['bad port', ['server', '--port', '70000'], { kind: 'error', message: '--port wants a number from 0 to 65535, got "70000"' }],
  ['bad etcd URL', ['server', '--etcd-servers', 'a:2379'], { kind: 'error', message: '--etcd-servers wants http(s) URLs, got "a:2379"' }],
  ['unknown component', ['server', '--disable', 'kubelet'], { kind: 'error', message: '--disable: unknown component "kubelet" (known: controllers, scheduler, cloud-controller-manager)' }],
  [
    'agent, every flag',
    ['agent', '--kubeconfig', 'k', '--container-runtime-endpoint=unix:///run/c.sock', '--node-name', 'n1', '--data-dir', '/a', '--pod-cidr', '10.1.0.0/24', '--sync-frequency', '1m30s', '-v'],
    { kind: 'agent', flags: { kubeconfig: 'k', server: undefined, token: undefined, containerRuntimeEndpoint: 'unix:///run/c.sock', nodeName: 'n1', dataDir: '/a', podCIDR: '10.1.0.0/24', syncFrequencyMs: 90_000, verbosity: 1 } },
  ],
  ['agent: --sync-frequency not a duration', ['agent', '--kubeconfig', 'k', '--sync-frequency', '10'], { kind: 'error', message: '--sync-frequency: time: invalid duration "10"' }],
  ['agent: --sync-frequency of zero', ['agent', '--kubeconfig', 'k', '--sync-frequency', '0s'], { kind: 'error', message: '--sync-frequency must be positive, got 0s' }],
  // A restart after a join: the credentials in the data dir are reused, no token needed.
  ['agent --server without --token', ['agent', '--server', 'https://x:6443', '--data-dir', '/a'], { kind: 'agent', flags: { kubeconfig: undefined, server: 'https://x:6443', token: undefined, containerRuntimeEndpoint: undefined, nodeName: undefined, dataDir: '/a', podCIDR: undefined, verbosity: 0 } }],
  ['agent --token without --server', ['agent', '--token', 'abcdef.0123456789abcdef'], { kind: 'error', message: '--token needs --server URL' }],
  ['agent: a bad node name', ['agent', '--kubeconfig', 'k', '--node-name', 'Node_1'], { kind: 'error', message: '--node-name must be a lowercase DNS name, got "Node_1"' }],
  ['image import FILE', ['image', 'import', 'x.tar'], { kind: 'image', flags: { action: 'import', file: 'x.tar', dataDir: '.kubets/agent', containerRuntimeEndpoint: undefined } }],
  ['image import needs a file', ['image', 'import'], { kind: 'error', message: 'image import needs a FILE (a docker-archive or OCI tarball)' }],
  ['image: unknown subcommand', ['image', 'pull', 'x'], { kind: 'error', message: 'image wants a subcommand: import FILE, or build-busybox [FILE]' }],
];
for (const [name, argv, want] of cases) {
  test(`parseCli: ${name}`, (t) => t.deepEqual(parseCli(argv), want));
}

test('server: PKI, apiserver, kubeconfig, a message for the person, and a clean stop', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  let printed = '';
  let received: ApiServerOptions | undefined;
  let closed = false;
  let stop!: (sig: string) => void;
  const lines: string[] = [];
  const exit = main(['server', '--data-dir', dir, '--port', '0', '--disable', 'scheduler', '-v'], {
    print: (s) => (printed += s),
    log: createLogger({ verbosity: 1, write: (l) => lines.push(l) }),
    stopSignal: new Promise((r) => (stop = r)),
    loadApiServer: async () => async (opts) => {
      received = opts;
      const api = await startFakeApiServer(opts);
      return { url: api.url, close: async () => ((closed = true), api.close()) };
    },
  });
  const kubeconfig = join(dir, 'kubeconfig');
  while (!printed) await new Promise((r) => setTimeout(r, 20));
  t.regex(printed, /^kubets is running at https:\/\/127\.0\.0\.1:\d+\n/);
  t.true(printed.includes(`export KUBECONFIG=${kubeconfig}\n`));
  t.is(received?.dataDir, dir);
  t.deepEqual(received?.disable, ['scheduler']);
  t.truthy(received?.pki.caCert);

  const kc = await readKubeconfig(kubeconfig);
  t.is((await stat(kubeconfig)).mode & 0o777, 0o600);
  const whoami = await httpsGet(`${kc.server}/whoami`, { ca: await readFile(join(dir, 'pki', 'ca.crt'), 'utf8'), cert: kc.cert, key: kc.key });
  t.deepEqual(JSON.parse(whoami.body), { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  t.true(lines.some((l) => l.includes('level=info msg="apiserver listening"')), lines.join('\n'));

  stop('SIGTERM');
  t.is(await exit, 0);
  t.true(closed);
});

test('server: a failing apiserver start is exit code 1 with the reason logged', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  const code = await main(['server', '--data-dir', dir], {
    log: createLogger({ write: (l) => lines.push(l) }),
    stopSignal: new Promise(() => {}),
    loadApiServer: async () => async () => {
      throw new Error('port in use');
    },
  });
  t.is(code, 1);
  t.regex(lines.join('\n'), /level=error msg="failed to start" err="port in use"/);
});

test('bin/kubets.js runs the CLI through tsx, also as node_modules/.bin/kubets from elsewhere', async (t) => {
  const { stdout } = await run(process.execPath, [SHIM, 'version']);
  t.is(stdout, `kubets v${version()}\n`);
  const help = await run(process.execPath, [SHIM, '--help']);
  t.regex(help.stdout, /kubets server \[flags\]/);
  const err = await run(process.execPath, [SHIM, 'server', '--nope']).catch((e: { code: number; stderr: string }) => e);
  t.is((err as { code: number }).code, 2);
  t.regex((err as { stderr: string }).stderr, /unknown flag --nope/);

  const elsewhere = await mkdtemp(join(tmpdir(), 'kubets-bin-'));
  t.teardown(() => rm(elsewhere, { recursive: true, force: true }));
  await mkdir(join(elsewhere, 'node_modules', '.bin'), { recursive: true });
  const link = join(elsewhere, 'node_modules', '.bin', 'kubets');
  await symlink(SHIM, link);
  const viaLink = await run(link, ['version'], { cwd: elsewhere });
  t.is(viaLink.stdout, `kubets v${version()}\n`);
});
