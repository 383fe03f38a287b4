// Random credentials and headers against a protected resource: tokens of every shape (random
// bytes, JWT-shaped junk, valid tokens with a byte changed, other schemes), impersonation
// headers from a user without the right, and certificates that are not the CA's. Never a 500,
// never a pass. Seeded, so a failure repeats.

import test from 'ava';
import { TOKEN_USERS, useAuthCluster } from './cluster.ts';

const cluster = useAuthCluster();
const PROTECTED = '/api/v1/namespaces/kube-system/secrets';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

test('random tokens and headers never give a 500 and never get through', async (t) => {
  const c = cluster();
  const tool = c.tools[0];
  await c.admin(tool.path, ['create', 'serviceaccount', 'fuzz']);
  const valid = (await c.admin(tool.path, ['create', 'token', 'fuzz'])).stdout.trim();
  const rand = prng(1307);
  const int = (n: number) => Math.floor(rand() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const printable = (n: number) => Array.from({ length: n }, () => String.fromCharCode(33 + int(94))).join('');
  const b64 = (n: number) => bytes(n).toString('base64url');
  const flip = (s: string) => {
    const i = int(s.length);
    const ch = s[i] === 'A' ? 'B' : 'A';
    return s.slice(0, i) + ch + s.slice(i + 1);
  };
  const makers: (() => Record<string, string>)[] = [
    () => ({ authorization: `Bearer ${b64(1 + int(300))}` }),
    () => ({ authorization: `Bearer ${b64(10)}.${b64(int(200))}.${b64(int(80))}` }),
    () => ({ authorization: `Bearer ${Buffer.from(JSON.stringify({ alg: ['ES256', 'none', 'HS256', 'RS256'][int(4)], kid: printable(5) })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:kube-system:x', iss: 'https://kubernetes.default.svc.cluster.local', aud: ['https://kubernetes.default.svc.cluster.local'], exp: 9e9, 'kubernetes.io': { namespace: 'kube-system', serviceaccount: { name: 'x', uid: '' } } })).toString('base64url')}.${b64(64)}` }),
    () => ({ authorization: `Bearer ${flip(valid)}` }),
    () => ({ authorization: `${['Basic', 'Digest', 'bearer', 'Token', ''][int(5)]} ${printable(int(60))}` }),
    () => ({ authorization: `Bearer ${printable(1 + int(100))}` }),
    () => ({ authorization: `Bearer ${valid}`, 'impersonate-user': ['system:admin', 'kubernetes-admin', printable(8)][int(3)] }),
    () => ({ authorization: `Bearer ${TOKEN_USERS.bob.token}`, 'impersonate-user': 'bob', 'impersonate-group': 'system:masters' }),
    () => ({ authorization: `Bearer ${TOKEN_USERS.bob.token}`, 'impersonate-group': 'system:masters' }),
    () => ({ authorization: `Bearer ${TOKEN_USERS.bob.token}`, [`impersonate-extra-${printable(4).toLowerCase().replace(/[^a-z]/g, 'x')}`]: printable(6), 'impersonate-user': 'bob' }),
    () => ({ authorization: `Bearer ${valid}`, 'impersonate-uid': printable(10) }),
    () => ({ 'impersonate-user': 'kubernetes-admin', 'impersonate-group': 'system:masters' }),
    () => ({ authorization: `Bearer ${'x'.repeat(4096 + int(8192))}` }),
    () => ({ authorization: `Bearer ${Buffer.from(bytes(40)).toString('latin1').replace(/[\r\n\0]/g, 'x').replace(/[^\x20-\x7e]/g, 'y')}` }),
  ];
  const seen = new Map<number, number>();
  for (let i = 0; i < 280; i++) {
    const headers = makers[i % makers.length]();
    const r = await c.call(PROTECTED, { headers });
    seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
    t.true(r.status === 401 || r.status === 403 || r.status === 400, `${JSON.stringify(headers).slice(0, 200)} -> ${r.status} ${r.body.slice(0, 200)}`);
    const body = r.json() as { kind?: string; code?: number };
    t.is(body.kind, 'Status');
    t.is(body.code, r.status);
  }
  t.log(`answers: ${[...seen].map(([k, v]) => `${k}x${v}`).join(' ')}`);
  // The server is still healthy.
  t.is((await c.call('/readyz')).status, 200);
});
