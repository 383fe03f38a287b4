// The bootstrap RBAC policy upstream's apiserver creates: the user-facing roles (cluster-admin,
// and admin, edit, view aggregated from the system:aggregate-to-* roles), the component roles
// (bootstrap-rbac-system.ts), the controllers' roles, and the bindings giving system:masters,
// every authenticated user and each component their access.

import type { KubeObject } from '../../api/types.ts';
import type { PolicyRule } from './authz/rbac-rules.ts';
import { aggregatedRules } from '../../api/rbac/aggregation.ts';
import { READ, SYSTEM_BINDINGS, SYSTEM_ROLES, WRITE, rule } from './bootstrap-rbac-system.ts';
import { CONTROLLER_ROLES } from './bootstrap-rbac-controllers.ts';
import { CONTROLLER_MANAGER_USER } from '../pki/index.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };
const aggregateTo = (to: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${to}`]: 'true' });

function clusterRole(name: string, rules: PolicyRule[], labels: Record<string, string> = {}, aggregateFrom?: string): KubeObject {
  const o: KubeObject = {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...BOOTSTRAP_LABELS, ...labels }, annotations: AUTOUPDATE },
    rules,
  };
  if (aggregateFrom) o.aggregationRule = { clusterRoleSelectors: [{ matchLabels: aggregateTo(aggregateFrom) }] };
  return o;
}

function clusterRoleBinding(name: string, role: string, subjects: { kind: string; name: string; namespace?: string }[]): KubeObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: BOOTSTRAP_LABELS, annotations: AUTOUPDATE },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: subjects.map((s) => (s.kind === 'ServiceAccount' ? s : { apiGroup: 'rbac.authorization.k8s.io', ...s })),
  };
}

const AGGREGATE_TO_ADMIN: PolicyRule[] = [
  rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
  rule(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], [...WRITE, ...READ].sort()),
];

const AGGREGATE_TO_EDIT: PolicyRule[] = [
  rule([''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], READ),
  rule([''], ['serviceaccounts'], ['impersonate']),
  rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
  rule([''], ['pods/eviction'], ['create']),
  rule([''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'], WRITE),
  rule([''], ['serviceaccounts/token'], ['create']),
  rule(['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], WRITE),
  rule(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
  rule(['batch'], ['cronjobs', 'jobs'], WRITE),
  rule(['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale'], WRITE),
  rule(['policy'], ['poddisruptionbudgets'], WRITE),
  rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
  rule(['coordination.k8s.io'], ['leases'], [...WRITE, ...READ].sort()),
];

const AGGREGATE_TO_VIEW: PolicyRule[] = [
  rule([''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'], READ),
  rule([''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'], READ),
  rule([''], ['namespaces'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'], READ),
  rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
  rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
  rule(['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale'], READ),
  rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
  rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
];

/** Every bootstrap ClusterRole, with admin, edit and view already aggregated. */
export function bootstrapClusterRoles(): KubeObject[] {
  const roles = [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), { nonResourceURLs: ['*'], verbs: ['*'] }]),
    clusterRole('admin', [], {}, 'admin'),
    clusterRole('edit', [], aggregateTo('admin'), 'edit'),
    clusterRole('view', [], aggregateTo('edit'), 'view'),
    clusterRole('system:aggregate-to-admin', AGGREGATE_TO_ADMIN, aggregateTo('admin')),
    clusterRole('system:aggregate-to-edit', AGGREGATE_TO_EDIT, aggregateTo('edit')),
    clusterRole('system:aggregate-to-view', AGGREGATE_TO_VIEW, aggregateTo('view')),
    ...Object.entries(SYSTEM_ROLES).map(([name, rules]) => clusterRole(name, rules)),
    ...Object.entries(CONTROLLER_ROLES).map(([name, rules]) => clusterRole(`system:controller:${name}`, rules)),
  ];
  // view first, then edit (which takes view's rules), then admin: as the controller converges.
  for (const name of ['view', 'edit', 'admin']) {
    const role = roles.find((r) => r.metadata?.name === name)!;
    role.rules = aggregatedRules(role, roles);
  }
  return roles;
}

export function bootstrapRbac(): KubeObject[] {
  return [
    ...bootstrapClusterRoles(),
    clusterRoleBinding('cluster-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters' }]),
    ...Object.entries(SYSTEM_BINDINGS).map(([name, subjects]) => clusterRoleBinding(name, name, subjects)),
    ...Object.keys(CONTROLLER_ROLES).map((name) =>
      clusterRoleBinding(`system:controller:${name}`, `system:controller:${name}`, [
        { kind: 'ServiceAccount', name, namespace: 'kube-system' },
        { kind: 'User', name: CONTROLLER_MANAGER_USER },
      ])),
  ];
}
