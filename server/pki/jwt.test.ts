import test from 'ava';
import { generateKeyPairSync } from 'node:crypto';
import { keyId, looksLikeJwt, signJwt, verifyJwt } from './jwt.ts';
import {
  DEFAULT_ISSUER,
  LEGACY_ISSUER,
  boundTokenClaims,
  issueServiceAccountToken,
  verifyServiceAccountToken,
} from './sa-token.ts';

const pem = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};
const a = pem();
const b = pem();
const NOW = 1_800_000_000;

test('sign then verify returns the claims; the header names ES256 and a stable key id', (t) => {
  const token = signJwt({ sub: 'x', iss: 'me', exp: NOW + 10 }, a.key);
  t.true(looksLikeJwt(token));
  const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { alg: string; kid: string };
  t.is(header.alg, 'ES256');
  t.is(header.kid, keyId(a.pub));
  t.deepEqual(verifyJwt(token, [a.pub], { now: NOW }), { sub: 'x', iss: 'me', exp: NOW + 10 });
  t.truthy(verifyJwt(token, [b.pub, a.pub], { now: NOW }), 'any of several keys');
});

const rejections: [string, (tok: string) => string, Parameters<typeof verifyJwt>[2]][] = [
  ['another key', (tok) => signJwt(JSON.parse(Buffer.from(tok.split('.')[1], 'base64url').toString()), b.key), {}],
  ['a changed payload', (tok) => [tok.split('.')[0], Buffer.from('{"sub":"admin"}').toString('base64url'), tok.split('.')[2]].join('.'), {}],
  ['alg none', (tok) => [Buffer.from('{"alg":"none"}').toString('base64url'), tok.split('.')[1], ''].join('.'), {}],
  ['garbage', () => 'a.b.c', {}],
  ['expired', (tok) => tok, { now: NOW + 3600 }],
  ['not yet valid', (tok) => tok, { now: NOW - 3600 }],
  ['wrong issuer', (tok) => tok, { issuers: ['someone-else'] }],
  ['wrong audience', (tok) => tok, { audiences: ['other'] }],
];
for (const [name, mangle, opts] of rejections) {
  test(`verifyJwt rejects ${name}`, (t) => {
    const good = signJwt({ sub: 'x', iss: 'me', aud: ['api'], nbf: NOW - 1, exp: NOW + 600 }, a.key);
    t.is(verifyJwt(mangle(good), [a.pub], { now: NOW, ...opts }), undefined);
  });
}

test('a bound service-account token verifies to its service account, pod and token id', (t) => {
  const token = issueServiceAccountToken(
    { namespace: 'ns1', name: 'builder', uid: 'sa-uid', pod: { name: 'p', uid: 'pod-uid' } },
    a.key,
    { now: NOW, jti: 'tok-1' },
  );
  const id = verifyServiceAccountToken(token, { publicKeys: [a.pub], now: NOW + 5 });
  t.deepEqual(id, {
    namespace: 'ns1',
    name: 'builder',
    uid: 'sa-uid',
    pod: { name: 'p', uid: 'pod-uid' },
    node: undefined,
    tokenId: 'tok-1',
  });
  t.is(verifyServiceAccountToken(token, { publicKeys: [a.pub], now: NOW + 3601 + 60 }), undefined, 'expired');
  t.is(verifyServiceAccountToken(token, { publicKeys: [a.pub], now: NOW, audiences: ['vault'] }), undefined);
});

test('bound tokens from another issuer, or whose sub disagrees with their claims, are refused', (t) => {
  const foreign = signJwt(boundTokenClaims({ namespace: 'n', name: 's' }, { now: NOW, issuer: 'https://elsewhere' }), a.key);
  t.is(verifyServiceAccountToken(foreign, { publicKeys: [a.pub], now: NOW }), undefined);
  const claims = boundTokenClaims({ namespace: 'n', name: 's' }, { now: NOW });
  const forged = signJwt({ ...claims, sub: 'system:serviceaccount:kube-system:admin' }, a.key);
  t.is(verifyServiceAccountToken(forged, { publicKeys: [a.pub], now: NOW }), undefined);
  t.is(claims.iss, DEFAULT_ISSUER);
});

test('legacy secret-based tokens (no expiry, no audience) are read', (t) => {
  const token = signJwt(
    {
      iss: LEGACY_ISSUER,
      sub: 'system:serviceaccount:default:old',
      'kubernetes.io/serviceaccount/namespace': 'default',
      'kubernetes.io/serviceaccount/service-account.name': 'old',
      'kubernetes.io/serviceaccount/service-account.uid': 'u1',
    },
    a.key,
  );
  t.deepEqual(verifyServiceAccountToken(token, { publicKeys: [a.pub] }), { namespace: 'default', name: 'old', uid: 'u1' });
});
