// Bad input over plain HTTPS with the admin certificate: every answer is a JSON Status with
// upstream's reason and code, never a 500 or a hang, and nothing bad is written.

import test from 'ava';
import { request } from 'node:https';
import { readKubeconfig, startKubets, type Kubets } from '../harness.ts';

interface Answer {
  status: number;
  body: string;
}

let kubets: Kubets;
let tls: { ca: string; cert?: string; key?: string };
const NS = 'fuzz';

/** One request with a hard timeout; a hang fails the test rather than stalling it. */
function send(method: string, path: string, body?: Buffer | string, contentType = 'application/json', timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = contentType;
    const req = request(`${kubets.url}${path}`, { method, headers, ...tls, agent: false, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

interface Status {
  kind: string;
  apiVersion: string;
  status: string;
  reason: string;
  code: number;
  message: string;
  details?: { causes?: { field?: string; reason?: string }[] };
}

function asStatus(a: Answer): Status {
  return JSON.parse(a.body) as Status;
}

/** A mulberry32 generator: the same "random" requests on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

test.before(async () => {
  kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler'] });
  const kc = await readKubeconfig(kubets.kubeconfig);
  tls = { ca: kubets.caCert, cert: kc.cert, key: kc.key };
  const made = await send('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }));
  if (made.status !== 201) throw new Error(`namespace: ${made.status} ${made.body}`);
});
test.after.always(async () => {
  await kubets?.stop();
});

const CM = `/api/v1/namespaces/${NS}/configmaps`;
const cm = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });

const cases: { title: string; method: string; path: string; body?: Buffer | string; type?: string; code: number; reason: string; message?: RegExp }[] = [
  { title: 'malformed JSON', method: 'POST', path: CM, body: '{"apiVersion": "v1", "kind": ', code: 400, reason: 'BadRequest' },
  { title: 'malformed YAML', method: 'POST', path: CM, body: 'kind: ConfigMap\n  metadata: [unclosed\n', type: 'application/yaml', code: 400, reason: 'BadRequest' },
  { title: 'a JSON array', method: 'POST', path: CM, body: '[1,2]', code: 400, reason: 'BadRequest' },
  { title: 'an empty body', method: 'POST', path: CM, body: '', code: 400, reason: 'BadRequest' },
  { title: 'the wrong kind', method: 'POST', path: CM, body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }), code: 400, reason: 'BadRequest' },
  {
    title: 'a body over 3 MiB',
    method: 'POST',
    path: CM,
    body: cm('huge', { data: { big: 'x'.repeat(3 * 1024 * 1024 + 10) } }),
    code: 413,
    reason: 'RequestEntityTooLarge',
    message: /^Request entity too large: limit is 3145728$/,
  },
  { title: 'an unknown resource', method: 'GET', path: `/api/v1/namespaces/${NS}/foos`, code: 404, reason: 'NotFound' },
  { title: 'an unknown version', method: 'GET', path: '/apis/apps/v7/deployments', code: 404, reason: 'NotFound' },
  { title: 'an unknown group', method: 'POST', path: '/apis/nope.example.com/v1/namespaces/fuzz/things', body: '{}', code: 404, reason: 'NotFound' },
  {
    title: 'a namespace in the body other than the path\'s',
    method: 'POST',
    path: CM,
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'other' } }),
    code: 400,
    reason: 'BadRequest',
    message: /^the namespace of the provided object does not match the namespace sent on the request$/,
  },
  { title: 'an invalid name', method: 'POST', path: CM, body: cm('Not_Valid'), code: 422, reason: 'Invalid', message: /^ConfigMap "Not_Valid" is invalid: metadata\.name: Invalid value: "Not_Valid"/ },
  {
    title: 'an unknown field under fieldValidation=Strict',
    method: 'POST',
    path: `${CM}?fieldValidation=Strict`,
    body: cm('strict', { bogus: true }),
    code: 400,
    reason: 'BadRequest',
    message: /^ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"$/,
  },
  { title: 'an unsupported media type', method: 'POST', path: CM, body: cm('text'), type: 'text/plain', code: 415, reason: 'UnsupportedMediaType' },
  { title: 'random bytes as protobuf', method: 'POST', path: CM, body: Buffer.from([0x6b, 0x38, 0x73, 0xff, 0x01, 0x02]), type: 'application/vnd.kubernetes.protobuf', code: 400, reason: 'BadRequest' },
  { title: 'a bad dryRun value', method: 'POST', path: `${CM}?dryRun=Some`, body: cm('dry'), code: 400, reason: 'BadRequest' },
  { title: 'a bad JSON patch', method: 'PATCH', path: `${CM}/absent`, body: '{"not":"a list"}', type: 'application/json-patch+json', code: 404, reason: 'NotFound' },
];

for (const c of cases) {
  test(`${c.title}: ${c.code} ${c.reason}`, async (t) => {
    const a = await send(c.method, c.path, c.body, c.type);
    t.is(a.status, c.code, a.body.slice(0, 300));
    const s = asStatus(a);
    t.like(s, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: c.reason, code: c.code });
    if (c.message) t.regex(s.message, c.message);
  });
}

test('an invalid name answers field causes', async (t) => {
  const s = asStatus(await send('POST', CM, cm('-bad-')));
  t.deepEqual(s.details?.causes?.map((c) => [c.field, c.reason]), [['metadata.name', 'FieldValueInvalid']]);
});

const PATHS = ['/api', '/api/v1', '/apis/apps/v1', `/api/v1/namespaces/${NS}`, CM, `${CM}/x`, '/apis/apps/v1/namespaces/fuzz/deployments', '/apis/batch/v1/jobs', '/api/v1/nodes'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const TYPES = ['application/json', 'application/yaml', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml', 'application/vnd.kubernetes.protobuf'];
const REASONS: Record<number, string[]> = {
  400: ['BadRequest'],
  404: ['NotFound'],
  405: ['MethodNotAllowed'],
  409: ['Conflict', 'AlreadyExists'],
  413: ['RequestEntityTooLarge'],
  415: ['UnsupportedMediaType'],
  422: ['Invalid'],
};

test('300 seeded random requests: a Status with an upstream code each, no 500, no hang, nothing stored', async (t) => {
  const rand = seeded(20261127);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  const junkSegment = () => bytes(1 + Math.floor(rand() * 8)).toString('hex');
  const seen = new Map<number, number>();
  for (let i = 0; i < 300; i++) {
    let path = pick(PATHS);
    if (rand() < 0.4) path += `/${junkSegment()}`;
    if (rand() < 0.15) path = `/${junkSegment()}/${junkSegment()}`;
    if (rand() < 0.1) path += `?${junkSegment()}=${encodeURIComponent(bytes(4).toString('latin1'))}`;
    let method = pick(METHODS);
    if (method === 'DELETE' && path.split('?')[0] === `/api/v1/namespaces/${NS}`) method = 'PUT'; // the one valid delete here
    const body = method === 'GET' || method === 'DELETE' ? undefined : rand() < 0.5 ? bytes(Math.floor(rand() * 400)) : junkJson(rand);
    const a = await send(method, path, body, pick(TYPES));
    seen.set(a.status, (seen.get(a.status) ?? 0) + 1);
    const what = `#${i} ${method} ${path} -> ${a.status} ${a.body.slice(0, 200)}`;
    t.true(a.status < 500, what);
    if (a.status < 300) continue; // discovery and lists of what exists
    let s: Status;
    try {
      s = asStatus(a);
    } catch {
      t.fail(`not JSON: ${what}`);
      continue;
    }
    t.is(s.kind, 'Status', what);
    t.is(s.code, a.status, what);
    t.true((REASONS[a.status] ?? []).includes(s.reason), what);
  }
  t.log(`answers by status: ${[...seen].sort().map(([k, v]) => `${k}×${v}`).join(' ')}`);

  // Nothing of all that was stored: the namespace holds only what valid requests made (none).
  const list = JSON.parse((await send('GET', CM)).body) as { items: { metadata: { name: string } }[] };
  t.deepEqual(list.items.map((i) => i.metadata.name), []);
  const deploys = JSON.parse((await send('GET', `/apis/apps/v1/namespaces/${NS}/deployments`)).body) as { items: unknown[] };
  t.deepEqual(deploys.items, []);
  const ns = JSON.parse((await send('GET', `/api/v1/namespaces/${NS}`)).body) as { metadata: { deletionTimestamp?: string } };
  t.is(ns.metadata.deletionTimestamp, undefined);
});

/** JSON that parses but is not a valid object for the path: wrong kinds, odd types, deep nesting. */
function junkJson(rand: () => number): string {
  const shapes = [
    () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 42 } }),
    () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: 'nope' }),
    () => JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'UPPER' } }),
    () => JSON.stringify({ apiVersion: 'v9', kind: 'Pod', metadata: { name: 'p' } }),
    () => JSON.stringify([{ op: 'explode', path: '/x' }]),
    () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n', labels: { 'a/b/c': 'x' } }, data: { k: 1 } }),
    () => '['.repeat(2000) + ']'.repeat(2000),
    () => JSON.stringify(null),
    () => '"just a string"',
  ];
  return shapes[Math.floor(rand() * shapes.length)]();
}
