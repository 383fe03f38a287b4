import test from 'ava';
import { randomBytes } from 'node:crypto';
import { openSqliteBackend } from '../sqlite/index.ts';
import { isStorageError, type StoreEvent } from '../types.ts';
import { EncryptionConfigError, parseEncryptionConfig } from './config.ts';
import { encryptingBackend } from './backend.ts';

const key = (n = 32) => randomBytes(n).toString('base64');
const config = (providers: unknown[], resources = ['secrets']) =>
  parseEncryptionConfig({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources, providers }] });
const K1 = key();
const K2 = key();
const SECRET = JSON.stringify({ kind: 'Secret', data: { password: Buffer.from('hunter2-plain').toString('base64') } });

for (const kind of ['aescbc', 'aesgcm', 'secretbox']) {
  test(`${kind}: sealed with upstream's prefix, opened again, and no plaintext in what is stored`, (t) => {
    const tr = config([{ [kind]: { keys: [{ name: 'key1', secret: K1 }] } }]).transformerFor('', 'secrets');
    const stored = tr.write(SECRET, '/registry/secrets/default/s');
    t.true(stored.startsWith(`k8s:enc:${kind}:v1:key1:`), stored.slice(0, 40));
    t.false(stored.includes('hunter2') || stored.includes(Buffer.from('hunter2-plain').toString('base64')));
    t.deepEqual(tr.read(stored, '/registry/secrets/default/s'), { value: SECRET, stale: false });
    // Two writes of the same value differ (a random IV / nonce each time).
    t.not(tr.write(SECRET, '/registry/secrets/default/s'), stored);
  });
}

test('aesgcm binds the value to its key: moved under another key it does not open', (t) => {
  const tr = config([{ aesgcm: { keys: [{ name: 'k', secret: K1 }] } }]).transformerFor('', 'secrets');
  const stored = tr.write(SECRET, '/registry/secrets/a/x');
  t.throws(() => tr.read(stored, '/registry/secrets/b/x'));
});

test('rotation: an older key still reads, and says the value is stale; plaintext reads only with identity listed', (t) => {
  const old = config([{ aescbc: { keys: [{ name: 'key1', secret: K1 }] } }, { identity: {} }]).transformerFor('', 'secrets');
  const sealedByKey1 = old.write(SECRET, '/k');
  const rotated = config([{ secretbox: { keys: [{ name: 'key2', secret: K2 }] } }, { aescbc: { keys: [{ name: 'key1', secret: K1 }] } }, { identity: {} }]).transformerFor('', 'secrets');
  t.deepEqual(rotated.read(sealedByKey1, '/k'), { value: SECRET, stale: true });
  t.deepEqual(rotated.read(SECRET, '/k'), { value: SECRET, stale: true }, 'plaintext from before encryption was enabled');
  t.deepEqual(rotated.read(rotated.write(SECRET, '/k'), '/k'), { value: SECRET, stale: false });
  const key2Only = config([{ secretbox: { keys: [{ name: 'key2', secret: K2 }] } }]).transformerFor('', 'secrets');
  t.throws(() => key2Only.read(sealedByKey1, '/k'), { message: 'no matching prefix found' });
  t.throws(() => key2Only.read(SECRET, '/k'), { message: 'no matching prefix found' });
  // identity first: written as is; a sealed value from before still reads (decryption).
  const identityFirst = config([{ identity: {} }, { aescbc: { keys: [{ name: 'key1', secret: K1 }] } }]).transformerFor('', 'secrets');
  t.is(identityFirst.write(SECRET, '/k'), SECRET);
  t.deepEqual(identityFirst.read(sealedByKey1, '/k'), { value: SECRET, stale: true });
});

test('resources: exact names, resource.group, *.group, *. for the core group, *.*; the first list wins', (t) => {
  const c = parseEncryptionConfig({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [
      { resources: ['events'], providers: [{ identity: {} }] },
      { resources: ['secrets', 'widgets.example.com', '*.apps'], providers: [{ aescbc: { keys: [{ name: 'a', secret: K1 }] } }] },
      { resources: ['*.'], providers: [{ aesgcm: { keys: [{ name: 'core', secret: K1 }] } }] },
      { resources: ['*.*'], providers: [{ secretbox: { keys: [{ name: 'all', secret: K2 }] } }] },
    ],
  });
  const prefixOf = (g: string, r: string) => /^(k8s:enc:[^:]+:v1:[^:]+:|\{\})/.exec(c.transformerFor(g, r).write('{}', '/k'))?.[1];
  t.is(prefixOf('', 'events'), '{}');
  t.is(prefixOf('', 'secrets'), 'k8s:enc:aescbc:v1:a:');
  t.is(prefixOf('example.com', 'widgets'), 'k8s:enc:aescbc:v1:a:');
  t.is(prefixOf('apps', 'deployments'), 'k8s:enc:aescbc:v1:a:');
  t.is(prefixOf('', 'configmaps'), 'k8s:enc:aesgcm:v1:core:');
  t.is(prefixOf('batch', 'jobs'), 'k8s:enc:secretbox:v1:all:');
  t.is(config([{ aescbc: { keys: [{ name: 'a', secret: K1 }] } }]).transformerFor('', 'configmaps').write('{}', '/k'), '{}', 'not named: stored as is');
});

test('a configuration with mistakes is refused with every mistake named, never half used', (t) => {
  const bad = (providers: unknown[]) => t.throws(() => config(providers), { instanceOf: EncryptionConfigError });
  t.regex(bad([{ aescbc: { keys: [{ name: 'k', secret: Buffer.from('short').toString('base64') }] } }])!.message, /secret is not of the expected length, got 5, expected one of \[16 24 32\]/);
  t.regex(bad([{ secretbox: { keys: [{ name: 'k', secret: key(16) }] } }])!.message, /expected one of \[32\]/);
  t.regex(bad([{ aescbc: { keys: [] } }])!.message, /keys: Required value/);
  t.regex(bad([{ aescbc: { keys: [{ name: 'a', secret: K1 }, { name: 'a', secret: K2 }] } }])!.message, /Duplicate value: "a"/);
  t.regex(bad([{ aescbc: { keys: [{ name: 'a:b', secret: K1 }] } }])!.message, /should not contain ':'/);
  t.regex(bad([{ rot13: {} }])!.message, /Unsupported value: "rot13"/);
  t.regex(bad([{ identity: {}, aescbc: { keys: [{ name: 'a', secret: K1 }] } }])!.message, /exactly one provider/);
  t.regex(bad([])!.message, /providers: Required value/);
  t.throws(() => parseEncryptionConfig({ kind: 'EncryptionConfig', apiVersion: 'v1', resources: [] }), { message: /apiserver.config.k8s.io\/v1/ });
});

test('the wrapped store: plaintext above, ciphertext below, for reads, lists, watches, conflicts and deletes', async (t) => {
  const raw = openSqliteBackend({ path: ':memory:' });
  const tr = config([{ aescbc: { keys: [{ name: 'key1', secret: K1 }] } }]).transformerFor('', 'secrets');
  const b = encryptingBackend(raw, (k) => (k.startsWith('/registry/secrets/') ? tr : config([{ identity: {} }]).transformerFor('', 'x')));
  const events: StoreEvent[] = [];
  const w = b.watch({ prefix: '/registry/secrets/', afterRevision: 0 }, { onEvents: (e) => events.push(...e), onError: (e) => t.fail(String(e)) });
  try {
    const rev = await b.create('/registry/secrets/default/s', SECRET);
    await b.create('/registry/configmaps/default/c', '{"data":{}}');
    t.true((await raw.get('/registry/secrets/default/s'))!.value.startsWith('k8s:enc:aescbc:v1:key1:'));
    t.is((await raw.get('/registry/configmaps/default/c'))!.value, '{"data":{}}');
    t.is((await b.get('/registry/secrets/default/s'))!.value, SECRET);
    t.deepEqual((await b.list('/registry/secrets/')).items.map((i) => i.value), [SECRET]);
    const next = SECRET.replace('Secret', 'Secret ');
    const err = await b.update('/registry/secrets/default/s', next, rev - 1).catch((e: unknown) => e);
    t.true(isStorageError(err, 'Conflict'));
    t.is((err as { extra: { current: { value: string } } }).extra.current.value, SECRET, 'the Conflict carries the plaintext');
    await b.update('/registry/secrets/default/s', next, rev);
    t.is((await b.delete('/registry/secrets/default/s')).prev.value, next);
    // Malformed JSON is still refused, as by an unwrapped store.
    t.true(isStorageError(await b.create('/registry/secrets/default/bad', '{nope').catch((e: unknown) => e), 'InvalidValue'));
    for (let i = 0; i < 50 && events.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    t.deepEqual(
      events.map((e) => [e.type, e.value, e.prevValue]),
      [
        ['ADDED', SECRET, undefined],
        ['MODIFIED', next, SECRET],
        ['DELETED', next, undefined],
      ],
    );
  } finally {
    w.close();
    await b.close();
  }
});

test('a value no configured key opens fails that read as Internal, naming the key; others still read', async (t) => {
  const raw = openSqliteBackend({ path: ':memory:' });
  const before = config([{ aescbc: { keys: [{ name: 'key1', secret: K1 }] } }]).transformerFor('', 'secrets');
  await raw.create('/registry/secrets/default/s', before.write(SECRET, '/registry/secrets/default/s'), { serialized: true });
  await raw.create('/registry/secrets/default/plain', SECRET);
  const after = config([{ aescbc: { keys: [{ name: 'key2', secret: K2 }] } }, { identity: {} }]).transformerFor('', 'secrets');
  const b = encryptingBackend(raw, () => after);
  try {
    const err = await b.get('/registry/secrets/default/s').catch((e: unknown) => e);
    t.true(isStorageError(err, 'Internal'), String(err));
    t.regex((err as Error).message, /\/registry\/secrets\/default\/s: no matching prefix found/);
    const plain = await b.get('/registry/secrets/default/plain');
    t.deepEqual([plain?.value, plain?.stale], [SECRET, true]);
  } finally {
    await b.close();
  }
});
