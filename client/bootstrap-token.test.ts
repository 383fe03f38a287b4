import test from 'ava';
import {
  bootstrapTokenSecret,
  checkBootstrapToken,
  detachedJws,
  generateBootstrapToken,
  parseBootstrapToken,
  secretView,
  verifyDetachedJws,
  formatBootstrapToken,
} from './bootstrap-token.ts';

const NOW = new Date('2026-12-07T00:00:00Z');
const tok = { id: 'abcdef', secret: '0123456789abcdef' };

test('parses only <6>.<16> lower-case tokens', (t) => {
  t.deepEqual(parseBootstrapToken('abcdef.0123456789abcdef'), tok);
  for (const bad of ['ABCDEF.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef0123456789abcdef', '']) t.is(parseBootstrapToken(bad), undefined, bad);
  const g = generateBootstrapToken();
  t.deepEqual(parseBootstrapToken(formatBootstrapToken(g)), g);
});

interface Case {
  name: string;
  secret?: Record<string, unknown>;
  token?: typeof tok;
  user?: { username: string; groups: string[] };
  reason?: RegExp;
}

const good = bootstrapTokenSecret(tok);
const cases: Case[] = [
  { name: 'a good token', secret: good, user: { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token'] } },
  { name: 'no secret', reason: /no such token/ },
  { name: 'a wrong secret part', secret: good, token: { id: 'abcdef', secret: 'ffffffffffffffff' }, reason: /does not match/ },
  { name: 'an expired token', secret: bootstrapTokenSecret(tok, { expiration: new Date(NOW.getTime() - 1000) }), reason: /expired/ },
  { name: 'a token not yet expired', secret: bootstrapTokenSecret(tok, { expiration: new Date(NOW.getTime() + 60_000), extraGroups: [] }), user: { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] } },
  { name: 'an Opaque secret', secret: { ...good, type: 'Opaque' }, reason: /wrong type/ },
  { name: 'a secret being deleted', secret: { ...good, metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } }, reason: /deleted/ },
  { name: 'a token not meant for authentication', secret: { ...good, stringData: { 'usage-bootstrap-authentication': 'false' } }, reason: /authentication/ },
  { name: 'an extra group outside system:bootstrappers', secret: bootstrapTokenSecret(tok, { extraGroups: ['system:masters'] }), reason: /outside/ },
];

for (const c of cases) {
  test(`authenticates: ${c.name}`, (t) => {
    const r = checkBootstrapToken(c.token ?? tok, c.secret ? secretView(c.secret) : undefined, NOW);
    t.deepEqual(r.user, c.user);
    if (c.reason) t.regex(r.reason ?? '', c.reason);
  });
}

test('detached JWS verifies with the token that signed it, and only that one', (t) => {
  const jws = detachedJws('apiVersion: v1\n', tok);
  t.regex(jws, /^[\w-]+\.\.[\w-]+$/);
  t.true(verifyDetachedJws('apiVersion: v1\n', jws, tok));
  t.false(verifyDetachedJws('apiVersion: v2\n', jws, tok));
  t.false(verifyDetachedJws('apiVersion: v1\n', jws, { id: 'abcdef', secret: 'ffffffffffffffff' }));
});
