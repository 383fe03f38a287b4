import test from 'ava';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalSan, certSans, ensurePki, servingSans, type PkiOptions } from './index.ts';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-pki-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function recorder(): { opts: PkiOptions; events: string[] } {
  const events: string[] = [];
  return { opts: { hostname: 'node-a', onEvent: (e, what) => events.push(`${e} ${what}`) }, events };
}

test('first start makes the CA, serving and admin certificates and the SA key, with private files 0600', async (t) => {
  const dir = await tempDir(t);
  const { opts, events } = recorder();
  const started = performance.now();
  const pki = await ensurePki(dir, { ...opts, extraSans: ['api.example.test', '192.0.2.10'] });
  t.log(`first-start generation (including loading @peculiar/x509): ${Math.round(performance.now() - started)} ms`);
  t.deepEqual(events.sort(), ['generated admin', 'generated apiserver', 'generated ca', 'generated cloud-controller-manager', 'generated controller-manager', 'generated front-proxy-ca', 'generated front-proxy-client', 'generated sa', 'generated scheduler']);

  const ca = new X509Certificate(pki.caCert);
  t.true(ca.ca);
  const serving = new X509Certificate(pki.servingCert);
  t.true(serving.checkIssued(ca) && serving.verify(ca.publicKey));
  t.true(serving.checkPrivateKey(createPrivateKey(pki.servingKey)));
  t.is(serving.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  for (const san of ['localhost', '127.0.0.1', '::1', 'node-a', '10.96.0.1', 'kubernetes.default.svc.cluster.local', 'api.example.test', '192.0.2.10']) {
    t.true(certSans(serving).has(canonicalSan(san)), san);
  }
  t.truthy(serving.checkHost('kubernetes.default.svc'));
  t.is(serving.checkIP('127.0.0.1'), '127.0.0.1');
  t.false(serving.ca);

  const admin = new X509Certificate(pki.adminCert);
  t.true(admin.verify(ca.publicKey));
  t.deepEqual(admin.subject.split('\n').sort(), ['CN=kubernetes-admin', 'O=system:masters']);
  t.regex(admin.keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.2/); // clientAuth
  // The controller-manager and the scheduler each have their own identity, not the admin's.
  t.is(new X509Certificate(pki.controllerManagerCert).subject, 'CN=system:kube-controller-manager');
  t.is(new X509Certificate(pki.schedulerCert).subject, 'CN=system:kube-scheduler');
  t.is(new X509Certificate(pki.cloudControllerManagerCert).subject, 'CN=system:cloud-controller-manager');

  // The aggregator's front-proxy identity comes from a CA of its own (kubeadm's layout).
  const frontProxyCa = new X509Certificate(pki.frontProxyCaCert);
  t.true(frontProxyCa.ca);
  t.not(frontProxyCa.fingerprint256, ca.fingerprint256);
  const frontProxy = new X509Certificate(pki.frontProxyClientCert);
  t.is(frontProxy.subject, 'CN=front-proxy-client');
  t.true(frontProxy.verify(frontProxyCa.publicKey));
  t.false(frontProxy.verify(ca.publicKey));

  t.regex(pki.serviceAccountKey, /BEGIN PRIVATE KEY/);
  t.regex(pki.serviceAccountPublicKey, /BEGIN PUBLIC KEY/);
  for (const f of ['ca.key', 'apiserver.key', 'admin.key', 'sa.key', 'front-proxy-ca.key', 'front-proxy-client.key']) {
    t.is((await stat(join(dir, 'pki', f))).mode & 0o777, 0o600, f);
  }
  t.is((await stat(join(dir, 'pki'))).mode & 0o777, 0o700);
});

test('later starts reuse everything, byte for byte', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, { hostname: 'node-a' });
  const { opts, events } = recorder();
  const started = performance.now();
  const again = await ensurePki(dir, opts);
  const ms = performance.now() - started;
  // Timing is logged, not asserted: the test machines are shared and their load varies.
  t.log(`reuse: ${ms.toFixed(1)} ms`);
  t.deepEqual(again, first);
  t.deepEqual(events.sort(), ['reused admin', 'reused apiserver', 'reused ca', 'reused cloud-controller-manager', 'reused controller-manager', 'reused sa', 'reused scheduler']);
});

test('a new SAN remakes only the serving certificate, under the same CA', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, { hostname: 'node-a' });
  const { opts, events } = recorder();
  const again = await ensurePki(dir, { ...opts, extraSans: ['new.example.test'] });
  t.deepEqual(events.sort(), ['generated apiserver', 'reused admin', 'reused ca', 'reused cloud-controller-manager', 'reused controller-manager', 'reused sa', 'reused scheduler']);
  t.is(again.caCert, first.caCert);
  t.is(again.adminCert, first.adminCert);
  t.not(again.servingCert, first.servingCert);
  t.truthy(new X509Certificate(again.servingCert).checkHost('new.example.test'));
});

test('a leaf that the CA did not sign, or a broken file, is remade', async (t) => {
  const dir = await tempDir(t);
  const other = await tempDir(t);
  const mine = await ensurePki(dir, { hostname: 'node-a' });
  const foreign = await ensurePki(other, { hostname: 'node-a' });
  await writeFile(join(dir, 'pki', 'admin.crt'), foreign.adminCert);
  await writeFile(join(dir, 'pki', 'admin.key'), foreign.adminKey);
  await writeFile(join(dir, 'pki', 'apiserver.crt'), 'not a certificate');
  const { opts, events } = recorder();
  const again = await ensurePki(dir, opts);
  t.deepEqual(events.sort(), ['generated admin', 'generated apiserver', 'reused ca', 'reused cloud-controller-manager', 'reused controller-manager', 'reused sa', 'reused scheduler']);
  const ca = new X509Certificate(mine.caCert);
  t.true(new X509Certificate(again.adminCert).verify(ca.publicKey));
  t.true(new X509Certificate(again.servingCert).verify(ca.publicKey));
});

test('a missing CA remakes the CA and the leaves, but keeps the service-account key', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, { hostname: 'node-a' });
  await rm(join(dir, 'pki', 'ca.key'));
  const again = await ensurePki(dir, { hostname: 'node-a' });
  t.not(again.caCert, first.caCert);
  t.not(again.adminCert, first.adminCert);
  t.is(again.serviceAccountKey, first.serviceAccountKey);
});

test('servingSans: defaults, bind address, no duplicates, wildcards left out', (t) => {
  t.deepEqual(servingSans({ hostname: 'h', bindAddress: '0.0.0.0', extraSans: ['LOCALHOST', '0:0::1', 'x.test'] }), [
    'localhost',
    '127.0.0.1',
    '::1',
    'h',
    '10.96.0.1',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    'x.test',
  ]);
  t.true(servingSans({ hostname: 'h', bindAddress: '192.0.2.7' }).includes('192.0.2.7'));
});

const canonicalCases: [string, string][] = [
  ['::1', '0:0:0:0:0:0:0:1'],
  ['0:0:0:0:0:0:0:1', '0:0:0:0:0:0:0:1'],
  ['fd00::a:1', 'fd00:0:0:0:0:0:a:1'],
  ['FD00:0000::1', 'fd00:0:0:0:0:0:0:1'],
  ['Kubernetes.Default', 'kubernetes.default'],
  ['10.96.0.1', '10.96.0.1'],
];
for (const [input, want] of canonicalCases) {
  test(`canonicalSan(${input})`, (t) => t.is(canonicalSan(input), want));
}
