// Authentication black-box: service-account tokens from `kubectl create token` (audience,
// expiry, bound to a Pod or Secret and refused once it is gone), legacy Secret tokens,
// forged/expired/wrong-audience/malformed tokens and certificates from another CA (401 as
// upstream), anonymous access only where the bootstrap roles allow, impersonation gated by
// `impersonate`, and the service-account issuer discovery documents.

import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCa, generateKeyPair, generateLeaf } from '../../server/pki/certs.ts';
import { issueServiceAccountToken, legacyTokenClaims } from '../../server/pki/sa-token.ts';
import { signJwt } from '../../server/pki/jwt.ts';
import { kubectl } from '../harness.ts';
import { TOKEN_USERS, useAuthCluster } from './cluster.ts';

const cluster = useAuthCluster();
const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

async function whoami(token: string): Promise<{ status: number; user?: string }> {
  const r = await cluster().call('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    token, method: 'POST', body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
  });
  if (r.status !== 201) return { status: r.status };
  return { status: r.status, user: ((r.json().status as { userInfo: { username: string } }).userInfo).username };
}

test('kubectl create token: the token is the service account, bound tokens die with their Pod or Secret', async (t) => {
  const c = cluster();
  for (const tool of c.tools) {
    const ns = `tokens-${tool.name.replace(/\W/g, '')}`;
    const run = (args: string[]) => c.admin(tool.path, ['-n', ns, ...args]);
    t.is((await c.admin(tool.path, ['create', 'namespace', ns])).code, 0);
    t.is((await run(['create', 'serviceaccount', 'robot'])).code, 0);
    const token = (await run(['create', 'token', 'robot'])).stdout.trim();
    t.deepEqual(await whoami(token), { status: 201, user: `system:serviceaccount:${ns}:robot` });
    // A service account gets what RBAC grants it, nothing more.
    const sa = await c.kubeconfigFor({ token });
    const denied = await kubectl(tool.path, sa, ['get', 'pods', '-n', ns]);
    t.regex(denied.stderr, new RegExp(`pods is forbidden: User "system:serviceaccount:${ns}:robot" cannot list resource "pods" in API group "" in the namespace "${ns}"`));
    t.is((await run(['create', 'rolebinding', 'robot-view', '--clusterrole=view', `--serviceaccount=${ns}:robot`])).code, 0);
    t.is((await kubectl(tool.path, sa, ['get', 'pods', '-n', ns])).code, 0);

    t.is((await run(['run', 'p', '--image=busybox'])).code, 0);
    const podToken = (await run(['create', 'token', 'robot', '--bound-object-kind=Pod', '--bound-object-name=p', '--duration=20m'])).stdout.trim();
    t.is((await whoami(podToken)).status, 201);
    t.is((await run(['create', 'secret', 'generic', 's', '--from-literal=a=b'])).code, 0);
    const secretToken = (await run(['create', 'token', 'robot', '--bound-object-kind=Secret', '--bound-object-name=s'])).stdout.trim();
    t.is((await whoami(secretToken)).status, 201);
    t.is((await run(['delete', 'pod', 'p', '--grace-period=0', '--force'])).code, 0);
    t.is((await run(['delete', 'secret', 's'])).code, 0);
    t.is((await whoami(podToken)).status, 401, 'the Pod is gone');
    t.is((await whoami(secretToken)).status, 401, 'the Secret is gone');

    const short = await run(['create', 'token', 'robot', '--duration=1m']);
    t.regex(short.stderr, /TokenRequest\.authentication\.k8s\.io "robot" is invalid: spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
    const other = await run(['create', 'token', 'robot', '--audience=https://elsewhere.example']);
    t.is((await whoami(other.stdout.trim())).status, 401, 'a token for another audience');
    const missing = await run(['create', 'token', 'nobody']);
    t.regex(missing.stderr, /serviceaccounts "nobody" not found/);

    // Deleting the service account revokes every token it had.
    t.is((await run(['delete', 'serviceaccount', 'robot'])).code, 0);
    t.is((await whoami(token)).status, 401);
  }
});

test('expired, forged, malformed and wrong-issuer tokens, and certificates from another CA, get upstream\'s 401', async (t) => {
  const c = cluster();
  const tool = c.tools[0];
  t.is((await c.admin(tool.path, ['create', 'serviceaccount', 'victim'])).code, 0);
  const uid = (await c.admin(tool.path, ['get', 'serviceaccount', 'victim', '-o', 'jsonpath={.metadata.uid}'])).stdout.trim();
  const key = await readFile(join(c.kubets.dataDir, 'pki', 'sa.key'), 'utf8');
  const who = { namespace: 'default', name: 'victim', uid };
  const now = Math.floor(Date.now() / 1000);
  t.is((await whoami(issueServiceAccountToken(who, key, { now }))).status, 201, 'the cluster key signs valid tokens');
  const foreignKey = (await generateKeyPair()).key;
  const bad: [string, string][] = [
    ['expired', issueServiceAccountToken(who, key, { now: now - 7200, expirationSeconds: 3600 })],
    ['not yet valid', issueServiceAccountToken(who, key, { now: now + 7200 })],
    ['forged (another key)', issueServiceAccountToken(who, foreignKey, { now })],
    ['another issuer', issueServiceAccountToken(who, key, { now, issuer: 'https://evil.example', audiences: ['https://kubernetes.default.svc.cluster.local'] })],
    ['another uid (account recreated)', issueServiceAccountToken({ ...who, uid: 'not-the-uid' }, key, { now })],
    ['legacy token without its Secret', signJwt(legacyTokenClaims(who, 'victim-token'), key)],
    ['malformed', 'a.b.c'],
    ['garbage', 'not-a-token-at-all'],
    ['unsigned', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:default:victim' })).toString('base64url')}.`],
  ];
  for (const [name, token] of bad) {
    const r = await c.call('/api/v1/namespaces/default/pods', { token });
    t.is(r.status, 401, name);
    t.deepEqual(r.json(), UNAUTHORIZED, name);
  }
  const otherCa = await generateCa('someone-else');
  const leaf = await generateLeaf(otherCa, { commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client' });
  const r = await c.call('/api/v1/namespaces/default/pods', { cert: leaf.cert, key: leaf.key });
  t.is(r.status, 401);
  const kc = await c.kubeconfigFor({ cert: leaf.cert, key: leaf.key });
  const k = await kubectl(tool.path, kc, ['get', 'pods']);
  t.regex(k.stderr, /error: You must be logged in to the server \(Unauthorized\)/);
  t.is((await c.call('/api', { headers: { authorization: 'Basic YWxpY2U6eA==' } })).status, 401);
});

test('a legacy service-account-token Secret authenticates while it holds the token', async (t) => {
  const c = cluster();
  const tool = c.tools[0];
  t.is((await c.admin(tool.path, ['create', 'serviceaccount', 'old-style'])).code, 0);
  const uid = (await c.admin(tool.path, ['get', 'serviceaccount', 'old-style', '-o', 'jsonpath={.metadata.uid}'])).stdout.trim();
  const key = await readFile(join(c.kubets.dataDir, 'pki', 'sa.key'), 'utf8');
  const token = signJwt(legacyTokenClaims({ namespace: 'default', name: 'old-style', uid }, 'old-style-token'), key);
  const secret = {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
    metadata: { name: 'old-style-token', annotations: { 'kubernetes.io/service-account.name': 'old-style' } },
    data: { token: Buffer.from(token).toString('base64') },
  };
  t.is((await c.admin(tool.path, ['create', '--validate=false', '-f', '-'], JSON.stringify(secret))).code, 0);
  t.deepEqual(await whoami(token), { status: 201, user: 'system:serviceaccount:default:old-style' });
  t.is((await c.admin(tool.path, ['delete', 'secret', 'old-style-token'])).code, 0);
  t.is((await whoami(token)).status, 401);
});

test('anonymous requests reach health and version only, as the bootstrap roles allow', async (t) => {
  const c = cluster();
  for (const path of ['/healthz', '/livez', '/readyz', '/version']) t.is((await c.call(path)).status, 200, path);
  const api = await c.call('/api');
  t.is(api.status, 403);
  t.is(api.json().message, 'forbidden: User "system:anonymous" cannot get path "/api"');
  const pods = await c.call('/api/v1/namespaces/default/pods');
  t.is(pods.json().message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
  const version = await c.call('/version');
  t.is((version.json() as { major?: string }).major, '1');
});

test('impersonation takes the `impersonate` verb; the admin may, others may not', async (t) => {
  const c = cluster();
  for (const tool of c.tools) {
    const as = await c.admin(tool.path, ['auth', 'whoami', '--as=dave', '--as-group=team-a', '-o', 'json']);
    t.is(as.code, 0, as.stderr);
    t.deepEqual((JSON.parse(as.stdout) as { status: { userInfo: unknown } }).status.userInfo, { username: 'dave', groups: ['team-a', 'system:authenticated'] });
    const sa = await c.admin(tool.path, ['auth', 'can-i', 'list', 'pods', '--as=system:serviceaccount:default:nobody']);
    t.is(sa.stdout.trim(), 'no');
    const alice = await c.kubeconfigFor({ token: TOKEN_USERS.alice.token });
    const refused = await kubectl(tool.path, alice, ['get', 'pods', '--as=bob']);
    t.regex(refused.stderr, /Error from server \(Forbidden\): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope/);
    const group = await kubectl(tool.path, alice, ['get', 'pods', '--as=alice', '--as-group=system:masters']);
    t.regex(group.stderr, /users "alice" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope/);
  }
  // A ClusterRole granting impersonation of one group only.
  const tool = c.tools[0];
  t.is((await c.admin(tool.path, ['create', 'clusterrole', 'imp', '--verb=impersonate', '--resource=users', '--resource-name=erin'])).code, 0);
  t.is((await c.admin(tool.path, ['create', 'clusterrolebinding', 'dave-imp', '--clusterrole=imp', '--user=dave'])).code, 0);
  const dave = await c.kubeconfigFor({ token: TOKEN_USERS.dave.token });
  const ok = await kubectl(tool.path, dave, ['auth', 'whoami', '--as=erin', '-o', 'jsonpath={.status.userInfo.username}']);
  t.is(ok.stdout, 'erin', ok.stderr);
  const groups = await kubectl(tool.path, dave, ['get', 'pods', '--as=erin', '--as-group=system:masters']);
  t.regex(groups.stderr, /groups "system:masters" is forbidden: User "dave" cannot impersonate resource "groups" in API group "" at the cluster scope/);
});

test('service-account issuer discovery: the OpenID configuration and JWKS verify the cluster\'s tokens', async (t) => {
  const c = cluster();
  const tool = c.tools[0];
  const conf = JSON.parse((await c.admin(tool.path, ['get', '--raw', '/.well-known/openid-configuration'])).stdout) as { issuer: string; jwks_uri: string; id_token_signing_alg_values_supported: string[] };
  t.is(conf.issuer, 'https://kubernetes.default.svc.cluster.local');
  t.is(conf.jwks_uri, 'https://kubernetes.default.svc.cluster.local/openid/v1/jwks');
  t.deepEqual(conf.id_token_signing_alg_values_supported, ['ES256']);
  const jwks = JSON.parse((await c.admin(tool.path, ['get', '--raw', '/openid/v1/jwks'])).stdout) as { keys: { kid: string; alg: string; kty: string; crv: string }[] };
  t.is(jwks.keys.length, 1);
  t.like(jwks.keys[0], { alg: 'ES256', kty: 'EC', crv: 'P-256' });
  const { jwtVerify, createLocalJWKSet } = await import('jose');
  t.is((await c.admin(tool.path, ['create', 'serviceaccount', 'oidc'])).code, 0);
  const token = (await c.admin(tool.path, ['create', 'token', 'oidc'])).stdout.trim();
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks as never), { issuer: conf.issuer });
  t.is(payload.sub, 'system:serviceaccount:default:oidc');
  t.is(protectedHeader.kid, jwks.keys[0].kid);
  // Anonymous may not read them (upstream grants them to service accounts only).
  t.is((await c.call('/openid/v1/jwks')).status, 403);
  t.is((await c.call('/openid/v1/jwks', { token })).status, 200);
});
