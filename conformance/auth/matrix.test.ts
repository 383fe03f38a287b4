// The bootstrap roles' promise as a matrix: users (admin, a namespace admin, edit, view, a
// node, a service account, anonymous) x verbs x resources, asked through `kubectl auth
// can-i` with each kubectl and checked with real requests (403 with upstream's message).

import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateLeaf } from '../../server/pki/certs.ts';
import { kubectl } from '../harness.ts';
import { TOKEN_USERS, useAuthCluster } from './cluster.ts';

const cluster = useAuthCluster();
const NS = 'matrix';
type Who = 'admin' | 'nsadmin' | 'edit' | 'view' | 'node' | 'sa';
const WHO: Who[] = ['admin', 'nsadmin', 'edit', 'view', 'node', 'sa'];

// [can-i arguments, expected answer per user in WHO order]
const MATRIX: [string[], [boolean, boolean, boolean, boolean, boolean, boolean]][] = [
  [['get', 'pods'], [true, true, true, true, true, false]],
  [['create', 'pods'], [true, true, true, false, true, false]],
  [['get', 'secrets'], [true, true, true, false, false, false]],
  [['create', 'configmaps'], [true, true, true, false, false, false]],
  [['create', 'rolebindings.rbac.authorization.k8s.io'], [true, true, false, false, false, false]],
  [['list', 'nodes'], [true, false, false, false, true, false]],
  [['delete', 'namespaces'], [true, false, false, false, false, false]],
  [['create', 'deployments.apps'], [true, true, true, false, false, false]],
  [['list', 'deployments.apps'], [true, true, true, true, false, false]],
  [['update', 'deployments.apps', '--subresource=scale'], [true, true, true, false, false, false]],
  [['create', 'serviceaccounts', '--subresource=token'], [true, true, true, false, false, false]],
  [['impersonate', 'serviceaccounts'], [true, true, true, false, false, false]],
  [['get', 'pods', '--subresource=log'], [true, true, true, true, false, false]],
  [['create', 'localsubjectaccessreviews.authorization.k8s.io'], [true, true, false, false, true, false]],
  [['get', '/api'], [true, true, true, true, true, true]],
  [['get', '/metrics'], [true, false, false, false, false, false]],
  [['list', 'clusterroles.rbac.authorization.k8s.io'], [true, false, false, false, false, false]],
];

async function kubeconfigs(): Promise<Record<Who, string>> {
  const c = cluster();
  const tool = c.tools[0];
  const admin = (args: string[]) => c.admin(tool.path, args);
  await admin(['create', 'namespace', NS]);
  for (const [user, role] of [['alice', 'admin'], ['bob', 'edit'], ['carol', 'view']]) {
    await admin(['create', 'rolebinding', `${user}-${role}`, `--clusterrole=${role}`, `--user=${user}`, '-n', NS]);
  }
  await admin(['create', 'serviceaccount', 'robot', '-n', NS]);
  const token = (await admin(['create', 'token', 'robot', '-n', NS])).stdout.trim();
  const ca = { cert: c.kubets.caCert, key: await readFile(join(c.kubets.dataDir, 'pki', 'ca.key'), 'utf8') };
  const node = await generateLeaf(ca, { commonName: 'system:node:m1', organizations: ['system:nodes'], usage: 'client' });
  return {
    admin: c.kubets.kubeconfig,
    nsadmin: await c.kubeconfigFor({ token: TOKEN_USERS.alice.token }),
    edit: await c.kubeconfigFor({ token: TOKEN_USERS.bob.token }),
    view: await c.kubeconfigFor({ token: TOKEN_USERS.carol.token }),
    node: await c.kubeconfigFor(node),
    sa: await c.kubeconfigFor({ token }),
  };
}

let configs: Promise<Record<Who, string>> | undefined;

test('kubectl auth can-i answers as the bootstrap roles say, for every user, verb and resource', async (t) => {
  const c = cluster();
  configs ??= kubeconfigs();
  const kc = await configs;
  for (const tool of c.tools) {
    await Promise.all(WHO.map(async (who, w) => {
      for (const [args, want] of MATRIX) {
        const r = await kubectl(tool.path, kc[who], ['auth', 'can-i', ...args, '-n', NS]);
        // "no - <reason>" when an authorizer says why (the Node authorizer does).
        t.is(r.stdout.trim().split(' ')[0], want[w] ? 'yes' : 'no', `${tool.name} ${who} can-i ${args.join(' ')}: ${r.stderr}`);
      }
    }));
  }
});

test('real requests agree with can-i; refusals are upstream\'s 403', async (t) => {
  const c = cluster();
  configs ??= kubeconfigs();
  const kc = await configs;
  const tool = c.tools[c.tools.length - 1];
  const want: Record<Who, { list: boolean; create: boolean }> = {
    admin: { list: true, create: true }, nsadmin: { list: true, create: true }, edit: { list: true, create: true },
    view: { list: true, create: false }, node: { list: false, create: false }, sa: { list: false, create: false },
  };
  for (const who of WHO) {
    const user = { admin: 'kubernetes-admin', nsadmin: 'alice', edit: 'bob', view: 'carol', node: 'system:node:m1', sa: `system:serviceaccount:${NS}:robot` }[who];
    const list = await kubectl(tool.path, kc[who], ['get', 'configmaps', '-n', NS]);
    t.is(list.code === 0, want[who].list, `${who} list: ${list.stderr}`);
    if (!want[who].list) t.regex(list.stderr, new RegExp(`Error from server \\(Forbidden\\): configmaps is forbidden: User "${user}" cannot list resource "configmaps" in API group "" in the namespace "${NS}"`));
    const create = await kubectl(tool.path, kc[who], ['create', 'configmap', `by-${who}`, '-n', NS, '--from-literal=a=b']);
    t.is(create.code === 0, want[who].create, `${who} create: ${create.stderr}`);
    if (!want[who].create) t.regex(create.stderr, new RegExp(`configmaps is forbidden: User "${user}" cannot create resource "configmaps" in API group "" in the namespace "${NS}"`));
  }
  // Anonymous: no can-i (no SelfSubjectAccessReview without authentication), real requests only.
  for (const [path, code] of [['/version', 200], ['/api', 403], [`/api/v1/namespaces/${NS}/configmaps`, 403], ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 403]] as const) {
    t.is((await c.call(path, path.endsWith('reviews') ? { method: 'POST', body: '{}' } : {})).status, code, `anonymous ${path}`);
  }
});
