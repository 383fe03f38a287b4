// What upstream's apiserver makes at start: the system namespaces, the `kubernetes` Service
// with its Endpoints and EndpointSlice pointing at this apiserver, `kube-dns` in kube-system, the built-in
// PriorityClasses, the default StorageClass `local-path`, and the bootstrap RBAC roles and bindings. Each is created if absent and
// left alone if present, so restarts and several apiservers agree; bootstrap RBAC marked for
// autoupdate is brought up to date (missing rules and subjects added).

import type { KubeObject } from '../../api/types.ts';
import { StatusError } from '../../api/meta/errors.ts';
import type { GenericStore } from './registry/store.ts';
import type { RequestContext } from './registry/types.ts';
import { bootstrapRbac } from './bootstrap-rbac.ts';
import { reconcileBootstrap } from './bootstrap-rbac-reconcile.ts';
import { localPathStorageClass } from '../../api/storage/storage-class/local-path.ts';

export interface BootstrapDeps {
  engine(group: string, plural: string): GenericStore;
  /** Address clients reach this apiserver at, and its port. */
  advertiseAddress: string;
  port: number;
  now(): Date;
  /** The kube-dns Service's cluster IP (the kubelet's clusterDNS); DEFAULT_CLUSTER_DNS if unset. */
  clusterDNS?: string;
}

/** kubeadm's default: the tenth address of the default Service range. */
export const DEFAULT_CLUSTER_DNS = '10.96.0.10';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function systemCtx(now: Date, namespace = ''): RequestContext {
  return {
    user: { username: 'system:apiserver', groups: ['system:masters'] },
    namespace,
    now,
    dryRun: false,
    fieldValidation: 'Ignore',
    fieldManager: 'kube-apiserver',
    warnings: [],
  };
}

async function ensure(deps: BootstrapDeps, group: string, plural: string, obj: KubeObject): Promise<void> {
  const engine = deps.engine(group, plural);
  const ns = obj.metadata?.namespace ?? '';
  const ctx = systemCtx(deps.now(), ns);
  try {
    await engine.get(ctx, obj.metadata?.name ?? '');
    return;
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
  }
  // Several apiservers starting at once on one etcd race here: the one that loses may see 409,
  // or (for the `kubernetes` Service) a 422 because the winner already holds 10.96.0.1 while its
  // Service is not stored yet. Upstream's reconcilers retry; so do we, until the object is there.
  for (let attempt = 0; ; attempt++) {
    try {
      await engine.create(ctx, obj);
      return;
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) return;
      if (attempt >= 20) throw e;
    }
    await new Promise((r) => setTimeout(r, 250));
    try {
      await engine.get(ctx, obj.metadata?.name ?? '');
      return;
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }
}

/** A bootstrap RBAC object: created if absent, else brought up to date (bootstrap-rbac-reconcile.ts). */
async function ensureReconciled(deps: BootstrapDeps, plural: string, obj: KubeObject): Promise<void> {
  const engine = deps.engine('rbac.authorization.k8s.io', plural);
  const ctx = systemCtx(deps.now(), obj.metadata?.namespace ?? '');
  const name = obj.metadata?.name ?? '';
  let existing: KubeObject;
  try {
    existing = await engine.get(ctx, name);
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
    return ensure(deps, 'rbac.authorization.k8s.io', plural, obj);
  }
  const r = reconcileBootstrap(existing, obj);
  try {
    if (r.action === 'update') await engine.update(ctx, name, r.object);
    if (r.action === 'recreate') {
      await engine.delete(ctx, name, { preconditions: { uid: existing.metadata?.uid } });
      await ensure(deps, 'rbac.authorization.k8s.io', plural, obj);
    }
  } catch (e) {
    // Another apiserver starting at the same time did it first.
    if (!(e instanceof StatusError && (e.code === 409 || e.code === 404))) throw e;
  }
}

export async function bootstrap(deps: BootstrapDeps): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(deps, '', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  await ensure(deps, '', 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: deps.port }],
      sessionAffinity: 'None',
    },
  });
  await ensure(deps, '', 'endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: deps.advertiseAddress }], ports: [{ name: 'https', port: deps.port, protocol: 'TCP' }] }],
  });
  await ensure(deps, 'discovery.k8s.io', 'endpointslices', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [deps.advertiseAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: deps.port, protocol: 'TCP' }],
  });
  // Cluster DNS under upstream's name, so ClusterFirst pods and tools that look for kube-dns
  // find it. kubets serves DNS from each node agent: the Service has no selector, each agent
  // publishes its own address in an EndpointSlice, and internalTrafficPolicy Local keeps a
  // node's queries on its own server (node/dns).
  await ensure(deps, '', 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: deps.clusterDNS ?? DEFAULT_CLUSTER_DNS,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Local',
    },
  });
  for (const [name, value, description] of [
    ['system-node-critical', 2000001000, 'Used for system critical pods that must not be moved from their current node.'],
    ['system-cluster-critical', 2000000000, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'],
  ] as const) {
    await ensure(deps, 'scheduling.k8s.io', 'priorityclasses', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name },
      value,
      description,
      preemptionPolicy: 'PreemptLowerPriority',
    });
  }
  // k3s's default StorageClass (its local-path provisioner runs in the controller manager).
  await ensure(deps, 'storage.k8s.io', 'storageclasses', localPathStorageClass());
  for (const obj of bootstrapRbac()) {
    const plural = obj.kind === 'ClusterRole' ? 'clusterroles' : obj.kind === 'ClusterRoleBinding' ? 'clusterrolebindings' : obj.kind === 'Role' ? 'roles' : 'rolebindings';
    await ensureReconciled(deps, plural, obj);
  }
}
