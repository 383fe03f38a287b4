// What the bad-input suites share: HTTPS requests to a started kubets with the admin
// certificate (a hard timeout, so a hang fails rather than stalls), and its /metrics read as
// numbers.

import { Agent, request } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfig, startKubets, type Kubets } from '../harness.ts';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Conn {
  send(method: string, path: string, body?: string | Buffer, opts?: { timeoutMs?: number; contentType?: string; agent?: Agent | false }): Promise<Answer>;
  tls: { ca: string; cert?: string; key?: string };
  url: string;
}

export async function connect(k: Kubets): Promise<Conn> {
  const kc = await readKubeconfig(k.kubeconfig);
  const tls = { ca: k.caCert, cert: kc.cert, key: kc.key };
  return {
    tls,
    url: k.url,
    send(method, path, body, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 10_000;
      return new Promise((resolve, reject) => {
        const headers: Record<string, string> = { Accept: 'application/json' };
        if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
        const req = request(`${k.url}${path}`, { method, headers, ...tls, agent: opts.agent ?? false, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${path} got no answer within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}

/** Sums every sample of a metric (all label sets) that matches `labels`. */
export async function metric(c: Conn, name: string, labels: Record<string, string> = {}): Promise<number> {
  const r = await c.send('GET', '/metrics');
  if (r.status !== 200) throw new Error(`/metrics: ${r.status}`);
  let sum = 0;
  let found = false;
  for (const line of r.body.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const lbl = m[2] ?? '';
    if (!Object.entries(labels).every(([k, v]) => lbl.includes(`${k}="${v}"`))) continue;
    sum += Number(m[3]);
    found = true;
  }
  if (!found && Object.keys(labels).length === 0) throw new Error(`/metrics has no ${name}`);
  return sum;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until check() passes; the last value in the error otherwise. */
export async function eventually<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await sleep(200);
    v = await get();
  }
  return v;
}

export interface QuietKubets {
  kubets: Kubets;
  conn: Conn;
  /** A bearer token of an ordinary user who may read everything (ClusterRole view). */
  token: string;
  stop(): Promise<void>;
}

/**
 * A quiet `kubets server` on SQLite (no loop of its own opens watches or connections while a
 * test counts them) with one ordinary user besides the admin: its requests are not exempt
 * from API Priority and Fairness (global-default, by user).
 */
export async function startQuietKubets(user: string): Promise<QuietKubets> {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-flood-'));
  const token = `${user}-token`;
  await writeFile(join(dir, 'tokens.csv'), `${token},${user},u1,"${user}s"\n`);
  const kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler,cloud-controller-manager', '--token-auth-file', join(dir, 'tokens.csv')] }).catch(async (e: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw e;
  });
  const stop = async () => {
    await kubets.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const conn = await connect(kubets);
  const crb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `${user}s-view` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: `${user}s`, apiGroup: 'rbac.authorization.k8s.io' }] };
  const r = await conn.send('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', JSON.stringify(crb));
  if (r.status !== 201) {
    await stop();
    throw new Error(`binding: ${r.status} ${r.body}`);
  }
  return { kubets, conn, token, stop };
}
