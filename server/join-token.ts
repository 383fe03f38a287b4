// The node-join token of `kubets server`: a bootstrap token kept in DATA_DIR/token (made on
// first start, reused after), its kube-system Secret, and kube-public/cluster-info (the
// cluster's CA and address in a kubeconfig, signed with the token as kubeadm's bootstrap
// signer does), which lets `kubets agent --server URL --token T` trust the server's CA
// knowing only the token. Written through the API like any other client.

import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { KubeObject } from '../api/types.ts';
import type { Client, ResourceRef } from '../client/types.ts';
import { isAlreadyExists } from '../client/errors.ts';
import {
  CLUSTER_INFO,
  bootstrapTokenSecret,
  detachedJws,
  formatBootstrapToken,
  generateBootstrapToken,
  parseBootstrapToken,
  type BootstrapToken,
} from '../client/bootstrap-token.ts';

const SECRETS: ResourceRef = { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true };
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true };
const CLUSTER_ROLES: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', kind: 'ClusterRole', namespaced: false };
const CLUSTER_ROLE_BINDINGS: ResourceRef = { ...CLUSTER_ROLES, plural: 'clusterrolebindings', kind: 'ClusterRoleBinding' };
const ROLES: ResourceRef = { ...CLUSTER_ROLES, plural: 'roles', kind: 'Role', namespaced: true };
const ROLE_BINDINGS: ResourceRef = { ...CLUSTER_ROLES, plural: 'rolebindings', kind: 'RoleBinding', namespaced: true };
export const TOKEN_FILE = 'token';
const RBAC = 'rbac.authorization.k8s.io/v1';
const ref = (kind: string, name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });

/**
 * The grants kubeadm makes for joining: anonymous may read cluster-info; bootstrappers (and
 * nodes, for their serving certificates and renewals) may create and read CSRs.
 */
function joinRbac(): [ResourceRef, KubeObject][] {
  const csrRules = [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] }];
  return [
    [CLUSTER_ROLES, { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: 'system:node-bootstrapper' }, rules: csrRules }],
    [CLUSTER_ROLE_BINDINGS, { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: 'kubeadm:kubelet-bootstrap' }, roleRef: ref('ClusterRole', 'system:node-bootstrapper'), subjects: [ref('Group', 'system:bootstrappers')] }],
    [CLUSTER_ROLE_BINDINGS, { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: 'kubets:node-certificates' }, roleRef: ref('ClusterRole', 'system:node-bootstrapper'), subjects: [ref('Group', 'system:nodes')] }],
    [ROLES, { apiVersion: RBAC, kind: 'Role', metadata: { name: 'kubeadm:bootstrap-signer-clusterinfo', namespace: CLUSTER_INFO.namespace }, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [CLUSTER_INFO.name], verbs: ['get'] }] }],
    [ROLE_BINDINGS, { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: 'kubeadm:bootstrap-signer-clusterinfo', namespace: CLUSTER_INFO.namespace }, roleRef: ref('Role', 'kubeadm:bootstrap-signer-clusterinfo'), subjects: [ref('User', 'system:anonymous')] }],
  ];
}

/** The token in DATA_DIR/token, made (mode 0600) when absent or malformed. */
export async function loadOrCreateToken(dataDir: string): Promise<BootstrapToken> {
  const path = join(dataDir, TOKEN_FILE);
  const old = await readFile(path, 'utf8').then((s) => parseBootstrapToken(s.trim()), () => undefined);
  if (old) return old;
  const t = generateBootstrapToken();
  await writeFile(`${path}.tmp`, `${formatBootstrapToken(t)}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
  return t;
}

/** kube-public/cluster-info's kubeconfig: the server and its CA, no user. */
export function clusterInfoKubeconfig(server: string, caPem: string): string {
  return dump(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: '', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
      contexts: [],
      'current-context': '',
      preferences: {},
      users: [],
    },
    { lineWidth: -1 },
  );
}

/** Creates obj, or updates what is there unless same() says it is already right (absent: kept as is). */
async function put(client: Client, r: ResourceRef, obj: KubeObject, same?: (cur: KubeObject) => boolean): Promise<void> {
  const ns = obj.metadata!.namespace ?? '';
  try {
    await client.create(r, ns, obj);
    return;
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
  if (!same) return;
  const cur = await client.get(r, ns, obj.metadata!.name!);
  if (same(cur)) return;
  await client.update(r, ns, { ...cur, ...obj, metadata: { ...cur.metadata, ...obj.metadata } });
}

/** Makes sure the token's Secret and a signed cluster-info exist; returns the token text. */
export async function ensureJoinToken(client: Client, dataDir: string, server: string, caPem: string): Promise<string> {
  const t = await loadOrCreateToken(dataDir);
  for (const [r, obj] of joinRbac()) await put(client, r, obj);
  const secret = bootstrapTokenSecret(t, { description: 'The node-join token of kubets server (DATA_DIR/token).' }) as KubeObject;
  await put(client, SECRETS, secret, (cur) => JSON.stringify(cur.data) === JSON.stringify(secret.data) && cur.type === secret.type);
  const kubeconfig = clusterInfoKubeconfig(server, caPem);
  const data: Record<string, string> = { [CLUSTER_INFO.kubeconfigKey]: kubeconfig, [`${CLUSTER_INFO.jwsPrefix}${t.id}`]: detachedJws(kubeconfig, t) };
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CLUSTER_INFO.name, namespace: CLUSTER_INFO.namespace }, data };
  await put(client, CONFIGMAPS, cm, (cur) => {
    const d = (cur.data ?? {}) as Record<string, string>;
    return Object.entries(data).every(([k, v]) => d[k] === v);
  });
  return formatBootstrapToken(t);
}
