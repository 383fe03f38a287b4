// The auth suite's frame: one `kubets server` (apiserver only) per test file, with a static
// token file of users, and kubeconfigs that present a token, a client certificate, or
// nothing at all (anonymous), for each kubectl binary on the machine.

import test from 'ava';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableKubectls, kubectl, startKubets, type Kubets, type RunResult } from '../harness.ts';

/** Users of the static token file: token -> user, groups. */
export const TOKEN_USERS = {
  alice: { token: 'alice-token-0123456789', groups: ['dev'] },
  bob: { token: 'bob-token-0123456789', groups: [] as string[] },
  carol: { token: 'carol-token-0123456789', groups: ['ops'] },
  dave: { token: 'dave-token-0123456789', groups: [] as string[] },
  erin: { token: 'erin-token-0123456789', groups: [] as string[] },
} as const;

export interface Credential {
  token?: string;
  cert?: string;
  key?: string;
}

export interface AuthCluster {
  kubets: Kubets;
  tools: { name: string; path: string }[];
  /** A kubeconfig for the credential (none: anonymous). */
  kubeconfigFor(cred: Credential): Promise<string>;
  /** kubectl as the admin. */
  admin(tool: string, args: string[], stdin?: string): Promise<RunResult>;
  /** One raw HTTPS request (no kubectl in between), with a credential and headers of one's own. */
  call(path: string, o?: CallOptions): Promise<{ status: number; body: string; json(): Record<string, unknown> }>;
}

export interface CallOptions extends Credential {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export function useAuthCluster(extraArgs: string[] = []): () => AuthCluster {
  let cluster: AuthCluster | undefined;
  let dir: string;
  test.before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubets-auth-'));
    const tokenFile = join(dir, 'tokens.csv');
    await writeFile(tokenFile, Object.entries(TOKEN_USERS).map(([u, v], i) => `${v.token},${u},uid-${i},"${v.groups.join(',')}"`).join('\n') + '\n');
    const kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler', '--token-auth-file', tokenFile, ...extraArgs] });
    const tools = (await availableKubectls()).map((t) => ({ name: t.name, path: t.path }));
    let n = 0;
    cluster = {
      kubets,
      tools,
      async kubeconfigFor(cred) {
        const user: Record<string, string> = {};
        if (cred.token) user.token = cred.token;
        if (cred.cert) user['client-certificate-data'] = Buffer.from(cred.cert).toString('base64');
        if (cred.key) user['client-key-data'] = Buffer.from(cred.key).toString('base64');
        const path = join(dir, `kubeconfig-${n++}`);
        const config = {
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'kubets', cluster: { server: kubets.url, 'certificate-authority-data': Buffer.from(kubets.caCert).toString('base64') } }],
          users: [{ name: 'u', user }],
          contexts: [{ name: 'c', context: { cluster: 'kubets', user: 'u', namespace: 'default' } }],
          'current-context': 'c',
        };
        await writeFile(path, JSON.stringify(config));
        return path;
      },
      admin: (tool, args, stdin) => kubectl(tool, kubets.kubeconfig, args, { stdin }),
      call: (path, o = {}) =>
        new Promise((resolve, reject) => {
          const headers: Record<string, string> = { ...(o.headers ?? {}) };
          if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
          if (o.body !== undefined) headers['content-type'] ??= 'application/json';
          const req = request(`${kubets.url}${path}`, { method: o.method ?? 'GET', ca: kubets.caCert, cert: o.cert, key: o.key, headers, agent: false, timeout: 10_000 }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) as Record<string, unknown> }));
          });
          req.on('timeout', () => req.destroy(new Error(`${path} timed out`)));
          req.on('error', reject);
          req.end(o.body);
        }),
    };
  });
  test.after.always(async () => {
    await cluster?.kubets.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!cluster) throw new Error('the auth cluster did not start');
    return cluster;
  };
}
