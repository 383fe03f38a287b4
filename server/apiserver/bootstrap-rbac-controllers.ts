// Upstream's system:controller:<name> roles for the controllers kubets runs (and the few
// upstream creates beside them), rule for rule. Upstream binds each to the service account
// kube-system/<name>; kubets runs every controller on the controller-manager's identity, so
// the bindings (bootstrap-rbac.ts) name that user too.

import type { PolicyRule } from './authz/rbac-rules.ts';
import { READ, rule } from './bootstrap-rbac-system.ts';

const events = rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']);
const LEGACY_AND_APPS = ['extensions', 'apps'];

export const CONTROLLER_ROLES: Record<string, PolicyRule[]> = {
  'clusterrole-aggregation-controller': [rule(['rbac.authorization.k8s.io'], ['clusterroles'], ['escalate', 'get', 'list', 'patch', 'update', 'watch'])],
  'certificate-controller': [
    rule(['certificates.k8s.io'], ['certificatesigningrequests'], ['delete', 'get', 'list', 'watch']),
    rule(['certificates.k8s.io'], ['certificatesigningrequests/approval', 'certificatesigningrequests/status'], ['update']),
    rule(['certificates.k8s.io'], ['signers'], ['approve'], ['kubernetes.io/kube-apiserver-client-kubelet']),
    rule(['certificates.k8s.io'], ['signers'], ['sign'], ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    events,
  ],
  'cronjob-controller': [
    rule(['batch'], ['cronjobs'], ['get', 'list', 'update', 'watch']),
    rule(['batch'], ['jobs'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    rule(['batch'], ['cronjobs/status'], ['update']),
    rule(['batch'], ['cronjobs/finalizers'], ['update']),
    rule([''], ['pods'], ['delete', 'list', 'watch']),
    events,
  ],
  'daemon-set-controller': [
    rule(LEGACY_AND_APPS, ['daemonsets'], READ),
    rule(LEGACY_AND_APPS, ['daemonsets/status'], ['update']),
    rule(LEGACY_AND_APPS, ['daemonsets/finalizers'], ['update']),
    rule([''], ['nodes'], ['list', 'watch']),
    rule([''], ['pods'], ['create', 'delete', 'list', 'patch', 'watch']),
    rule([''], ['pods/binding'], ['create']),
    rule(['apps'], ['controllerrevisions'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    events,
  ],
  'deployment-controller': [
    rule(LEGACY_AND_APPS, ['deployments'], ['get', 'list', 'update', 'watch']),
    rule(LEGACY_AND_APPS, ['deployments/status'], ['update']),
    rule(LEGACY_AND_APPS, ['deployments/finalizers'], ['update']),
    rule(['apps', 'extensions'], ['replicasets'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    rule([''], ['pods'], ['get', 'list', 'update', 'watch']),
    events,
  ],
  'disruption-controller': [
    rule(LEGACY_AND_APPS, ['deployments'], READ),
    rule(['apps', 'extensions'], ['replicasets'], READ),
    rule([''], ['replicationcontrollers'], READ),
    rule(['policy'], ['poddisruptionbudgets'], READ),
    rule(['apps'], ['statefulsets'], READ),
    rule(['policy'], ['poddisruptionbudgets/status'], ['update']),
    rule([''], ['pods/status'], ['patch', 'update']),
    rule(['*'], ['*/scale'], ['get']),
    events,
  ],
  'endpoint-controller': [
    rule([''], ['pods', 'services'], READ),
    rule([''], ['endpoints'], ['create', 'delete', 'get', 'list', 'update', 'watch']),
    rule([''], ['endpoints/restricted'], ['create']),
    events,
  ],
  'endpointslice-controller': [
    rule([''], ['nodes', 'pods', 'services'], READ),
    rule([''], ['services/finalizers'], ['update']),
    rule(['discovery.k8s.io'], ['endpointslices'], ['create', 'delete', 'get', 'list', 'update', 'watch']),
    events,
  ],
  'generic-garbage-collector': [rule(['*'], ['*'], ['delete', 'get', 'list', 'patch', 'update', 'watch']), events],
  'horizontal-pod-autoscaler': [
    rule(['autoscaling'], ['horizontalpodautoscalers'], READ),
    rule(['autoscaling'], ['horizontalpodautoscalers/status'], ['update']),
    rule(['*'], ['*/scale'], ['get', 'update']),
    rule([''], ['pods'], ['list', 'watch']),
    rule(['metrics.k8s.io'], ['pods'], ['list', 'watch']),
    rule(['custom.metrics.k8s.io'], ['*'], READ),
    rule(['external.metrics.k8s.io'], ['*'], READ),
    events,
  ],
  'job-controller': [
    rule(['batch'], ['jobs'], ['get', 'list', 'patch', 'update', 'watch']),
    rule(['batch'], ['jobs/status'], ['update']),
    rule(['batch'], ['jobs/finalizers'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'list', 'patch', 'watch']),
    events,
  ],
  'namespace-controller': [
    rule([''], ['namespaces'], ['delete', 'get', 'list', 'watch']),
    rule([''], ['namespaces/finalize', 'namespaces/status'], ['update']),
    rule(['*'], ['*'], ['delete', 'deletecollection', 'get', 'list', 'watch']),
  ],
  'node-controller': [
    rule([''], ['nodes'], ['delete', 'get', 'list', 'patch', 'update', 'watch']),
    rule([''], ['nodes/status'], ['patch', 'update']),
    rule([''], ['pods/status'], ['patch', 'update']),
    rule([''], ['pods'], ['delete', 'get', 'list', 'watch']),
    events,
  ],
  'pod-garbage-collector': [
    rule([''], ['pods'], ['delete', 'list', 'watch']),
    rule([''], ['nodes'], READ),
    rule([''], ['pods/status'], ['patch']),
  ],
  'replicaset-controller': [
    rule(['apps', 'extensions'], ['replicasets'], ['get', 'list', 'update', 'watch']),
    rule(['apps', 'extensions'], ['replicasets/status'], ['update']),
    rule(['apps', 'extensions'], ['replicasets/finalizers'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'list', 'patch', 'watch']),
    events,
  ],
  'replication-controller': [
    rule([''], ['replicationcontrollers'], ['get', 'list', 'update', 'watch']),
    rule([''], ['replicationcontrollers/status'], ['update']),
    rule([''], ['replicationcontrollers/finalizers'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'list', 'patch', 'watch']),
    events,
  ],
  'persistent-volume-binder': [
    rule([''], ['persistentvolumes'], ['create', 'delete', 'get', 'list', 'update', 'watch']),
    rule([''], ['persistentvolumes/status'], ['update']),
    rule([''], ['persistentvolumeclaims'], ['get', 'list', 'update', 'watch']),
    rule([''], ['persistentvolumeclaims/status'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'get', 'list', 'watch']),
    rule(['storage.k8s.io'], ['storageclasses'], ['get', 'list', 'watch']),
    rule([''], ['nodes'], ['get', 'list']),
    events,
  ],
  'expand-controller': [
    rule([''], ['persistentvolumes'], ['get', 'list', 'patch', 'update', 'watch']),
    rule([''], ['persistentvolumeclaims/status'], ['patch', 'update']),
    rule([''], ['persistentvolumeclaims'], ['get', 'list', 'watch']),
    rule(['storage.k8s.io'], ['storageclasses'], ['get', 'list', 'watch']),
    rule([''], ['endpoints', 'services'], ['get']),
    rule([''], ['secrets'], ['get']),
    events,
  ],
  'pv-protection-controller': [rule([''], ['persistentvolumes'], ['get', 'list', 'update', 'watch']), events],
  'pvc-protection-controller': [
    rule([''], ['persistentvolumeclaims'], ['get', 'list', 'update', 'watch']),
    rule([''], ['pods'], ['get', 'list', 'watch']),
    events,
  ],
  // Not upstream's: k3s's local-path-provisioner role, for the provisioner kubets runs in-process.
  'local-path-provisioner': [
    rule([''], ['nodes', 'persistentvolumeclaims', 'configmaps', 'pods'], ['get', 'list', 'watch']),
    // update, and claims' status: as an external-resizer's role, for volume expansion.
    rule([''], ['persistentvolumes'], ['create', 'delete', 'get', 'list', 'update', 'watch']),
    rule([''], ['persistentvolumeclaims/status'], ['update']),
    rule([''], ['pods'], ['create', 'delete']),
    rule(['storage.k8s.io'], ['storageclasses'], ['get', 'list', 'watch']),
    events,
  ],
  'resourcequota-controller': [rule(['*'], ['*'], ['list', 'watch']), rule([''], ['resourcequotas/status'], ['update']), events],
  'root-ca-cert-publisher': [rule([''], ['configmaps'], ['create', 'update']), events],
  'service-account-controller': [rule([''], ['serviceaccounts'], ['create']), events],
  'statefulset-controller': [
    rule([''], ['pods'], ['list', 'watch']),
    rule(['apps'], ['statefulsets'], READ),
    rule(['apps'], ['statefulsets/status'], ['update']),
    rule(['apps'], ['statefulsets/finalizers'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'get', 'patch', 'update']),
    rule(['apps'], ['controllerrevisions'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    rule([''], ['persistentvolumeclaims'], ['create', 'get', 'list', 'watch']),
    rule([''], ['persistentvolumeclaims'], ['delete', 'update']),
    rule([''], ['pods/finalizers'], ['update']),
    events,
  ],
  'ttl-after-finished-controller': [rule(['batch'], ['jobs'], ['delete', 'get', 'list', 'watch']), events],
};
