// bench/api, authorized variant: GETs and POSTs as a user whose access comes from an RBAC
// RoleBinding (edit in one namespace), with 1,000 other RoleBindings present in that
// namespace, beside the same requests as the admin (system:masters) in the same run. Both
// present a client certificate, so only authorization differs.

import { generateLeaf } from '../../server/pki/certs.ts';
import type { Pki } from '../../server/pki/index.ts';
import { fmt, printTable, type RunFigures } from '../stats.ts';
import { expect, type Target } from './http.ts';
import type { ClientCert, Load } from './load.ts';
import { configMap } from './reference.ts';

const BINDINGS = 1000;
const ROUNDS = 3;
const USER = 'bench-user';

export interface AuthorizedEnv {
  pki: Pki;
  url: string;
  load: Load;
  setup: Target;
}

function roleBinding(ns: string, name: string, user: string): string {
  return JSON.stringify({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
}

export async function benchAuthorized(env: AuthorizedEnv, ops: number): Promise<void> {
  const ns = 'authz';
  await expect(env.setup, 201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  // 1,000 bindings for other users, then the user's own: the authorizer must not scan them.
  await env.load.run({ kind: 'requests', url: env.url, method: 'POST', path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, body: roleBinding(ns, 'other-{i}', 'someone-{i}'), want: 201, ops: BINDINGS, concurrency: 16 });
  await expect(env.setup, 201, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, roleBinding(ns, 'bench-user-edit', USER));
  await expect(env.setup, 201, 'POST', `/api/v1/namespaces/${ns}/configmaps`, JSON.stringify(configMap(ns, 'one')));
  const user: ClientCert = await generateLeaf({ cert: env.pki.caCert, key: env.pki.caKey }, { commonName: USER, usage: 'client' });
  const get = `/api/v1/namespaces/${ns}/configmaps/one?resourceVersion=0`;
  const post = `/api/v1/namespaces/${ns}/configmaps`;
  // The binding must have reached the authorizer's index before timing starts.
  for (let i = 0; i < 100; i++) {
    const r = await env.load.run({ kind: 'requests', url: env.url, method: 'GET', path: get, want: 200, ops: 1, concurrency: 1, client: user }).catch(() => undefined);
    if (r) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  const subjects = [
    { what: 'GET as admin (system:masters)', method: 'GET', path: get, client: undefined, body: undefined, want: 200 },
    { what: `GET as ${USER} (RBAC edit, ${BINDINGS} other RoleBindings)`, method: 'GET', path: get, client: user, body: undefined, want: 200 },
    { what: 'POST as admin (system:masters)', method: 'POST', path: post, client: undefined, body: 'admin', want: 201 },
    { what: `POST as ${USER} (RBAC edit, ${BINDINGS} other RoleBindings)`, method: 'POST', path: post, client: user, body: 'user', want: 201 },
  ];
  const best = new Map<string, RunFigures>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of subjects) {
      const n = s.method === 'GET' ? ops * 2 : ops;
      const body = s.body === undefined ? undefined : JSON.stringify(configMap(ns, `${s.body}-${round}-{i}`));
      const r = await env.load.run({ kind: 'requests', url: env.url, method: s.method, path: s.path, body, want: s.want, ops: n, concurrency: 64, client: s.client });
      if (round === 0) continue; // warm-up
      const prev = best.get(s.what);
      if (!prev || r.figures.opsPerSec > prev.opsPerSec) best.set(s.what, r.figures);
    }
  }
  const rows = subjects.map((s, i) => {
    const f = best.get(s.what)!;
    const ref = i % 2 === 1 ? best.get(subjects[i - 1].what)! : undefined;
    return [s.what, fmt(f.opsPerSec), fmt(f.p50Ms, 2), fmt(f.p99Ms, 2), ref ? `${fmt(f.opsPerSec / ref.opsPerSec, 2)}x admin` : '', ref ? '>= 0.9x' : ''];
  });
  printTable(`bench/api: authorization cost at 64 keep-alive connections (best of ${ROUNDS - 1} interleaved rounds; GET from the watch cache, POST durable sqlite)`, ['what', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'aim'], rows);
}
