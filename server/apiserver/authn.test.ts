import test from 'ava';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../pki/index.ts';
import { issueServiceAccountToken } from '../pki/sa-token.ts';
import { signJwt } from '../pki/jwt.ts';
import { authenticate, createAuthnConfig, createHttpsServerOptions, parseTokenFile, type UserInfo } from './authn.ts';

interface Fixture {
  pki: Pki;
  foreign: Pki;
  server: Server;
  port: number;
}

let fx: Fixture;
let root: string;

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubets-authn-'));
  const [pki, foreign] = await Promise.all([ensurePki(join(root, 'a')), ensurePki(join(root, 'b'))]);
  const tokenFile = join(root, 'tokens.csv');
  await writeFile(tokenFile, '# static tokens\nsecret-1,alice,uid-a,"dev,ops"\nsecret-2,bob,,\n');
  const config = createAuthnConfig({ pki, tokenAuthFile: tokenFile });
  const server = createServer(createHttpsServerOptions(pki), async (req, res) => {
    const user = await authenticate(req, config);
    res.writeHead(user ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(user ?? null));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fx = { pki, foreign, server, port: (server.address() as AddressInfo).port };
});

test.after.always(async () => {
  fx?.server.closeAllConnections();
  await new Promise((r) => fx?.server.close(r));
  await rm(root, { recursive: true, force: true });
});

interface Call {
  host?: string;
  ca?: string;
  cert?: string;
  key?: string;
  headers?: Record<string, string>;
}

function call(c: Call): Promise<{ status: number; user: UserInfo | null }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: c.host ?? '127.0.0.1',
        servername: c.host === '::1' || !c.host ? undefined : c.host,
        port: fx.port,
        path: '/',
        ca: c.ca ?? fx.pki.caCert,
        cert: c.cert,
        key: c.key,
        headers: c.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, user: JSON.parse(body) as UserInfo | null }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('the admin client certificate maps CN to the user and O to groups', async (t) => {
  const r = await call({ cert: fx.pki.adminCert, key: fx.pki.adminKey });
  t.is(r.status, 200);
  t.deepEqual(r.user, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
});

test('the serving certificate validates against the CA for 127.0.0.1 and localhost', async (t) => {
  t.is((await call({})).status, 200);
  t.is((await call({ host: 'localhost' })).status, 200);
});

test('a client that does not trust our CA cannot connect', async (t) => {
  await t.throwsAsync(call({ ca: fx.foreign.caCert }), { message: /self[- ]signed|unable to verify|certificate/i });
});

test('a client certificate from another CA is refused, not treated as anonymous', async (t) => {
  const r = await call({ cert: fx.foreign.adminCert, key: fx.foreign.adminKey });
  t.is(r.status, 401);
});

test('each new connection is judged on its own certificate: same names from another CA stay refused', async (t) => {
  // The verdict is remembered by certificate hash, never by the names in it.
  const admin = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
  t.deepEqual((await call({ cert: fx.pki.adminCert, key: fx.pki.adminKey })).user, admin);
  t.is((await call({ cert: fx.foreign.adminCert, key: fx.foreign.adminKey })).status, 401);
  t.deepEqual((await call({ cert: fx.pki.adminCert, key: fx.pki.adminKey })).user, admin);
  t.deepEqual((await call({ cert: fx.pki.schedulerCert, key: fx.pki.schedulerKey })).user?.username, 'system:kube-scheduler');
  t.is((await call({ cert: fx.foreign.adminCert, key: fx.foreign.adminKey })).status, 401);
});

test('no credentials means system:anonymous', async (t) => {
  t.deepEqual((await call({})).user, { username: 'system:anonymous', groups: ['system:unauthenticated'] });
});

test('static tokens from the token file', async (t) => {
  const alice = await call({ headers: { authorization: 'Bearer secret-1' } });
  t.deepEqual(alice.user, { username: 'alice', uid: 'uid-a', groups: ['dev', 'ops', 'system:authenticated'] });
  const bob = await call({ headers: { authorization: 'bearer secret-2' } });
  t.deepEqual(bob.user, { username: 'bob', groups: ['system:authenticated'] });
});

test('an unknown token, or another scheme, is 401', async (t) => {
  t.is((await call({ headers: { authorization: 'Bearer nope' } })).status, 401);
  t.is((await call({ headers: { authorization: 'Basic YTpi' } })).status, 401);
});

test('a service-account token signed by the SA key', async (t) => {
  const token = issueServiceAccountToken(
    { namespace: 'apps', name: 'deployer', uid: 'sa-1', pod: { name: 'web-0', uid: 'pod-1' } },
    fx.pki.serviceAccountKey,
    { jti: 'j1' },
  );
  const r = await call({ headers: { authorization: `Bearer ${token}` } });
  t.is(r.status, 200);
  t.deepEqual(r.user, {
    username: 'system:serviceaccount:apps:deployer',
    uid: 'sa-1',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:apps', 'system:authenticated'],
    extra: {
      'authentication.kubernetes.io/pod-name': ['web-0'],
      'authentication.kubernetes.io/pod-uid': ['pod-1'],
      'authentication.kubernetes.io/credential-id': ['JTI=j1'],
    },
  });
  // The same token through the websocket subprotocol clients use when they cannot set headers.
  const ws = await call({ headers: { 'sec-websocket-protocol': `base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString('base64url')}` } });
  t.is(ws.user?.username, 'system:serviceaccount:apps:deployer');
});

test('a service-account token signed by another key is 401', async (t) => {
  const token = issueServiceAccountToken({ namespace: 'apps', name: 'deployer' }, fx.foreign.serviceAccountKey);
  t.is((await call({ headers: { authorization: `Bearer ${token}` } })).status, 401);
  const noExp = signJwt({ iss: 'https://kubernetes.default.svc.cluster.local', sub: 'system:serviceaccount:a:b' }, fx.pki.serviceAccountKey);
  t.is((await call({ headers: { authorization: `Bearer ${noExp}` } })).status, 401);
});

test('anonymous can be turned off', async (t) => {
  const config = createAuthnConfig({ pki: fx.pki, anonymous: false });
  const req = { headers: {}, socket: {} } as unknown as Parameters<typeof authenticate>[0];
  t.is(await authenticate(req, config), undefined);
});

test('parseTokenFile: quoting, comments, and a named error for a bad line', (t) => {
  const tokens = parseTokenFile('t1,u1,id1\n\n# c\n"t,2",u2,"",g1\nt3,u3,id3,"a,""b"""\n');
  t.deepEqual([...tokens.keys()], ['t1', 't,2', 't3']);
  t.deepEqual(tokens.get('t,2'), { username: 'u2', uid: undefined, groups: ['g1'] });
  t.deepEqual(tokens.get('t3')?.groups, ['a', '"b"']);
  t.throws(() => parseTokenFile('ok,user,uid\nonly-a-token\n'), { message: /line 2/ });
});
