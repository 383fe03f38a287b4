// The join end to end against a real `kubets server` (apiserver + controller-manager in
// process): a good token gets a node client certificate and a serving certificate, a
// restart reuses them, a wrong, unknown, malformed, expired or missing token does not join.
// Crosses layers on purpose (node/ never imports server/ outside tests).

import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../server/cli.ts';
import { silentLogger } from '../../server/log.ts';
import { createClient, type RestClient } from '../../client/rest.ts';
import { bootstrapTokenSecret } from '../../client/bootstrap-token.ts';
import { CSRS, requestCertificate } from './certificate.ts';
import { JoinError, ensureServingCertificate, joinCluster } from './index.ts';

let server: RunningServer;
let admin: RestClient;
let dir: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubets-join-'));
  server = await startServer(
    { dataDir: join(dir, 'server'), port: 0, bindAddress: '127.0.0.1', disable: ['scheduler'], verbosity: 0, tlsSans: [] },
    { log: silentLogger },
  );
  admin = createClient({ server: server.url, ca: server.pki.caCert, cert: server.pki.adminCert, key: server.pki.adminKey, qps: 0 });
});

test.after.always(async () => {
  admin?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

test.serial('the server keeps its token in its data dir', async (t) => {
  t.regex(server.joinToken ?? '', /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  t.is((await readFile(join(dir, 'server', 'token'), 'utf8')).trim(), server.joinToken ?? '');
});

test.serial('a good token joins; the certificate names the node; a restart reuses it', async (t) => {
  const dataDir = join(dir, 'agent-a');
  const creds = await joinCluster({ server: server.url, token: server.joinToken, nodeName: 'node-a', dataDir, timeoutMs: 30_000 });
  t.false(creds.reused);
  const cert = new X509Certificate(creds.config.cert!.toString());
  t.regex(cert.subject, /CN=system:node:node-a/);
  t.regex(cert.subject, /O=system:nodes/);
  t.true(cert.verify(new X509Certificate(server.pki.caCert).publicKey));
  const csrs = await admin.list(CSRS, '');
  const csr = csrs.items.find((c) => (c.spec as { username?: string }).username === `system:bootstrap:${server.joinToken!.split('.')[0]}`);
  t.truthy(csr, 'the CSR records the bootstrap user who asked');
  t.deepEqual((csr!.spec as { groups?: string[] }).groups?.slice(0, 1), ['system:bootstrappers']);
  // The node's own credentials work against the apiserver.
  const node = createClient({ ...creds.config, qps: 0 });
  t.teardown(() => node.close());
  const who = await node.request<{ status: { userInfo: { username: string; groups: string[] } } }>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  t.is(who.status.userInfo.username, 'system:node:node-a');
  t.true(who.status.userInfo.groups.includes('system:nodes'));
  const again = await joinCluster({ server: server.url, token: undefined, nodeName: 'node-a', dataDir });
  t.true(again.reused);

  const serving = await ensureServingCertificate(creds.config, 'node-a', ['node-a', '127.0.0.1'], dataDir, 30_000);
  t.false(serving.reused);
  const sc = new X509Certificate(serving.cert);
  t.regex(sc.subjectAltName ?? '', /DNS:node-a/);
  t.regex(sc.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  t.true((await ensureServingCertificate(creds.config, 'node-a', ['127.0.0.1'], dataDir)).reused);
});

test.serial('no join without the right token, each with a clear message', async (t) => {
  const [id] = server.joinToken!.split('.');
  const cases: [string, string | undefined, RegExp][] = [
    ['missing', undefined, /no --token/],
    ['malformed', 'not-a-token', /not a bootstrap token/],
    ['right id, wrong secret', `${id}.ffffffffffffffff`, /does not verify/],
    ['unknown id', 'zzzzzz.ffffffffffffffff', /does not know the token id/],
  ];
  for (const [name, token, msg] of cases) {
    const err = await t.throwsAsync(joinCluster({ server: server.url, token, nodeName: 'node-b', dataDir: join(dir, `agent-${name.replace(/\W/g, '')}`) }), { instanceOf: JoinError }, name);
    t.regex(err?.message ?? '', msg, name);
  }
});

test.serial('the apiserver refuses a wrong or expired bootstrap token (401)', async (t) => {
  const expired = { id: 'expird', secret: '0123456789abcdef' };
  await admin.create({ group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true }, 'kube-system', bootstrapTokenSecret(expired, { expiration: new Date(Date.now() - 60_000) }) as never);
  for (const token of ['expird.0123456789abcdef', `${server.joinToken!.split('.')[0]}.ffffffffffffffff`]) {
    const c = createClient({ server: server.url, ca: server.pki.caCert, token, qps: 0 });
    const err = await t.throwsAsync(requestCertificate(c, { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', commonName: 'system:node:x', organizations: ['system:nodes'], usages: ['client auth'], generateName: 'x-' }));
    t.is((err as { code?: number }).code, 401);
    c.close();
  }
});
