// Secrets encrypted at rest, black-box: a real `kubets server --encryption-provider-config`,
// kubectl writing Secrets, and the store read directly (the SQLite file, etcd's keys) to show
// what is on disk. Keys rotate as upstream documents: add the new key, restart, rewrite every
// Secret (`kubectl get secrets -A -o json | kubectl replace -f -`), drop the old key.

import test from 'ava';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { checkTool } from '../../testing/tools.ts';
import { startEtcd } from '../../testing/etcd.ts';
import { availableKubectls, kubectl, startKubets, type Kubets } from '../harness.ts';

const KEY1 = randomBytes(32).toString('base64');
const KEY2 = randomBytes(32).toString('base64');
const KEY3 = randomBytes(32).toString('base64');
const aescbc = (name: string, secret: string) => ({ aescbc: { keys: [{ name, secret }] } });
const secretbox = (name: string, secret: string) => ({ secretbox: { keys: [{ name, secret }] } });

function encryptionConfig(providers: unknown[]): string {
  return JSON.stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources: ['secrets'], providers }] });
}

/** The latest stored value of a key, read from the SQLite file itself. */
function sqliteValue(k: Kubets, key: string): string {
  const db = new Database(join(k.dataDir, 'kubets.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT value FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1').get(key) as { value: string }).value;
  } finally {
    db.close();
  }
}

const inClear = (stored: string, plain: string) => stored.includes(plain) || stored.includes(Buffer.from(plain).toString('base64'));

test('sqlite: Secrets written after encryption is on are sealed, older ones after a rewrite; keys rotate; a missing key fails the read, not the server', async (t) => {
  const [tool] = await availableKubectls();
  const dir = await mkdtemp(join(tmpdir(), 'kubets-enc-'));
  const cfg = join(dir, 'encryption.json');
  // identity first: not yet encrypting (as a cluster before encryption is turned on).
  await writeFile(cfg, encryptionConfig([{ identity: {} }, aescbc('key1', KEY1)]));
  const k = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler', '--encryption-provider-config', cfg] });
  const run = async (args: string[], stdin?: string) => {
    const r = await kubectl(tool.path, k.kubeconfig, args, { stdin });
    t.is(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const password = async (name: string) => Buffer.from(await run(['get', 'secret', name, '-o', 'jsonpath={.data.password}']), 'base64').toString();
  const stored = (name: string) => sqliteValue(k, `/registry/secrets/default/${name}`);
  const rewriteAll = async () => run(['replace', '-f', '-'], await run(['get', 'secrets', '-A', '-o', 'json']));
  try {
    await run(['create', 'secret', 'generic', 'before', '--from-literal=password=plain-before-7Q2']);
    await run(['create', 'configmap', 'cm', '--from-literal=note=visible-note-5K']);
    t.true(inClear(stored('before'), 'plain-before-7Q2'), 'identity first writes as is');

    await writeFile(cfg, encryptionConfig([aescbc('key1', KEY1), { identity: {} }]));
    await k.restart();
    await run(['create', 'secret', 'generic', 'after', '--from-literal=password=plain-after-9Z4']);
    t.true(stored('after').startsWith('k8s:enc:aescbc:v1:key1:'), stored('after').slice(0, 30));
    t.false(inClear(stored('after'), 'plain-after-9Z4'));
    t.is(await password('after'), 'plain-after-9Z4');
    t.is(await password('before'), 'plain-before-7Q2', 'plaintext from before still reads');
    t.true(inClear(sqliteValue(k, '/registry/configmaps/default/cm'), 'visible-note-5K'), 'ConfigMaps are not named: stored as is');
    // Rewriting every Secret seals the old ones too, though nothing in them changed.
    await rewriteAll();
    t.true(stored('before').startsWith('k8s:enc:aescbc:v1:key1:'));
    t.false(inClear(stored('before'), 'plain-before-7Q2'));

    // Rotation to a new key (and provider): new first, old still read; rewrite; drop the old.
    await writeFile(cfg, encryptionConfig([secretbox('key2', KEY2), aescbc('key1', KEY1)]));
    await k.restart();
    t.is(await password('before'), 'plain-before-7Q2');
    await rewriteAll();
    for (const name of ['before', 'after']) t.true(stored(name).startsWith('k8s:enc:secretbox:v1:key2:'), `${name}: ${stored(name).slice(0, 30)}`);
    await writeFile(cfg, encryptionConfig([secretbox('key2', KEY2)]));
    await k.restart();
    t.deepEqual([await password('before'), await password('after')], ['plain-before-7Q2', 'plain-after-9Z4']);

    // A key that opens nothing stored: reading a Secret fails with 500, the rest is served.
    await writeFile(cfg, encryptionConfig([aescbc('key3', KEY3)]));
    await k.restart();
    const failed = await kubectl(tool.path, k.kubeconfig, ['get', 'secret', 'after']);
    t.not(failed.code, 0);
    t.regex(failed.stderr, /InternalError|Internal error/, failed.stderr);
    t.regex(failed.stderr, /no matching prefix found/);
    t.regex(await run(['get', 'configmap', 'cm', '-o', 'name']), /configmap\/cm/);
    t.true(stored('after').startsWith('k8s:enc:secretbox:v1:key2:'), 'a failed read changes nothing stored');

    // A configuration with a mistake stops the server from starting, naming it.
    await writeFile(cfg, encryptionConfig([{ aescbc: { keys: [{ name: 'k', secret: Buffer.from('too short').toString('base64') }] } }]));
    await t.throwsAsync(k.restart());
    t.regex(k.output(), /secret is not of the expected length, got 9, expected one of \[16 24 32\]/);
    await writeFile(cfg, encryptionConfig([secretbox('key2', KEY2)]));
    await k.restart();
    t.is(await password('after'), 'plain-after-9Z4', 'nothing was lost on the way');
  } finally {
    await k.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

const etcdTool = checkTool('etcd');
const etcdTitle = 'etcd: what etcd holds for a Secret is sealed; kubectl reads it back';
if (etcdTool.skipReason) test.skip(`${etcdTitle} (skipped: ${etcdTool.skipReason})`, () => {});
else test(etcdTitle, async (t) => {
  const [tool] = await availableKubectls();
  const dir = await mkdtemp(join(tmpdir(), 'kubets-enc-'));
  const cfg = join(dir, 'encryption.json');
  await writeFile(cfg, encryptionConfig([{ aesgcm: { keys: [{ name: 'gcm1', secret: KEY1 }] } }]));
  const etcd = await startEtcd({ bin: etcdTool.path! });
  const client = new Etcd3({ hosts: etcd.endpoint });
  const k = await startKubets({ store: 'etcd', etcdEndpoint: etcd.endpoint, args: ['--disable', 'controllers,scheduler', '--encryption-provider-config', cfg] }).catch(async (e: unknown) => {
    await etcd.stop();
    throw e;
  });
  try {
    const r = await kubectl(tool.path, k.kubeconfig, ['create', 'secret', 'generic', 's', '--from-literal=password=etcd-plain-3J8']);
    t.is(r.code, 0, r.stderr);
    const raw = (await client.get('/registry/secrets/default/s').string()) ?? '';
    t.true(raw.startsWith('k8s:enc:aesgcm:v1:gcm1:'), raw.slice(0, 30));
    t.false(inClear(raw, 'etcd-plain-3J8'));
    const back = await kubectl(tool.path, k.kubeconfig, ['get', 'secret', 's', '-o', 'jsonpath={.data.password}']);
    t.is(Buffer.from(back.stdout, 'base64').toString(), 'etcd-plain-3J8');
  } finally {
    client.close();
    await k.stop();
    await etcd.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
