// The component roles of upstream's bootstrap policy: node, scheduler, controller-manager,
// kube-proxy, DNS, monitoring, discovery, the review-only roles, and the certificate
// approvers. Rules are upstream's, verb for verb (see bootstrap-rbac.ts for the helpers).

import type { PolicyRule } from './authz/rbac-rules.ts';

export const READ = ['get', 'list', 'watch'];
export const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const EVENTS_WRITE = ['create', 'patch', 'update'];

/** A resource rule: groups, resources, verbs (and resource names). */
export function rule(apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): PolicyRule {
  return resourceNames ? { apiGroups, resources, verbs, resourceNames } : { apiGroups, resources, verbs };
}

export function urls(nonResourceURLs: string[], verbs = ['get']): PolicyRule {
  return { nonResourceURLs, verbs };
}

const events = rule(['', 'events.k8s.io'], ['events'], EVENTS_WRITE);
const reviews = [rule(['authentication.k8s.io'], ['tokenreviews'], ['create']), rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create'])];

export const SYSTEM_ROLES: Record<string, PolicyRule[]> = {
  'system:discovery': [urls(['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])],
  'system:public-info-viewer': [urls(['/healthz', '/livez', '/readyz', '/version', '/version/'])],
  'system:monitoring': [urls(['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])],
  'system:basic-user': [
    rule(['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], ['create']),
    rule(['authentication.k8s.io'], ['selfsubjectreviews'], ['create']),
  ],
  'system:auth-delegator': reviews,
  'system:service-account-issuer-discovery': [urls(['/.well-known/openid-configuration', '/openid/v1/jwks'])],
  'system:heapster': [rule([''], ['events', 'namespaces', 'nodes', 'pods'], READ), rule(['extensions'], ['deployments'], READ)],
  'system:kube-aggregator': [rule([''], ['endpoints', 'services'], READ)],
  'system:kube-dns': [rule([''], ['endpoints', 'services'], ['list', 'watch'])],
  'system:kubelet-api-admin': [
    rule([''], ['nodes'], READ),
    rule([''], ['nodes'], ['proxy']),
    rule([''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats'], ['*']),
  ],
  'system:node-bootstrapper': [rule(['certificates.k8s.io'], ['certificatesigningrequests'], ['create', 'get', 'list', 'watch'])],
  'system:node-problem-detector': [rule([''], ['nodes'], ['get']), rule([''], ['nodes/status'], ['patch']), events],
  'system:node-proxier': [
    rule([''], ['endpoints', 'services'], ['list', 'watch']),
    rule([''], ['nodes'], READ),
    events,
    rule(['discovery.k8s.io'], ['endpointslices'], ['list', 'watch']),
  ],
  // kubets's own (not upstream's): what a node's networking reads beyond system:node-proxier,
  // under the same identity — cluster DNS (namespaces) and NetworkPolicy (pods, namespaces,
  // policies) — and the node's kube-dns EndpointSlice it publishes.
  'system:kubets:node-network': [
    rule([''], ['namespaces', 'pods'], ['list', 'watch']),
    rule(['networking.k8s.io'], ['networkpolicies'], ['list', 'watch']),
    rule(['discovery.k8s.io'], ['endpointslices'], ['get', 'create', 'update', 'patch']),
  ],
  'system:persistent-volume-provisioner': [
    rule([''], ['persistentvolumes'], ['create', 'delete', 'get', 'list', 'watch']),
    rule([''], ['persistentvolumeclaims'], ['get', 'list', 'update', 'watch']),
    rule(['storage.k8s.io'], ['storageclasses'], READ),
    rule([''], ['events'], ['watch']),
    events,
  ],
  'system:volume-scheduler': [
    rule([''], ['persistentvolumes'], ['get', 'list', 'patch', 'update', 'watch']),
    rule(['storage.k8s.io'], ['storageclasses'], READ),
    rule([''], ['persistentvolumeclaims'], ['get', 'list', 'patch', 'update', 'watch']),
  ],
  // The cloud controller manager (cloud-provider's role of that name): node initialisation
  // and addresses, LoadBalancer Services' status and finalizer, its Lease, events.
  'system:cloud-controller-manager': [
    events,
    rule(['coordination.k8s.io'], ['leases'], ['create']),
    rule(['coordination.k8s.io'], ['leases'], ['get', 'update'], ['cloud-controller-manager']),
    rule([''], ['nodes'], ['get', 'list', 'watch', 'patch', 'update']),
    rule([''], ['nodes/status'], ['patch', 'update']),
    rule([''], ['services'], ['get', 'list', 'watch', 'patch', 'update']),
    rule([''], ['services/status'], ['patch', 'update']),
  ],
  'system:kube-scheduler': [
    events,
    rule(['coordination.k8s.io'], ['leases'], ['create']),
    rule(['coordination.k8s.io'], ['leases'], ['get', 'update'], ['kube-scheduler']),
    rule([''], ['nodes'], READ),
    rule([''], ['pods'], ['delete', 'get', 'list', 'watch']),
    rule([''], ['bindings', 'pods/binding'], ['create']),
    rule([''], ['pods/status'], ['patch', 'update']),
    rule([''], ['replicationcontrollers', 'services'], READ),
    rule(['apps', 'extensions'], ['replicasets'], READ),
    rule(['apps'], ['statefulsets'], READ),
    rule(['policy'], ['poddisruptionbudgets'], READ),
    rule([''], ['persistentvolumeclaims', 'persistentvolumes'], READ),
    ...reviews,
    rule(['storage.k8s.io'], ['csinodes'], READ),
    rule([''], ['namespaces'], READ),
    rule(['storage.k8s.io'], ['csidrivers'], READ),
    rule(['storage.k8s.io'], ['csistoragecapacities'], READ),
  ],
  'system:kube-controller-manager': [
    events,
    rule(['coordination.k8s.io'], ['leases'], ['create']),
    rule(['coordination.k8s.io'], ['leases'], ['get', 'update'], ['kube-controller-manager']),
    rule([''], ['secrets', 'serviceaccounts'], ['create']),
    rule([''], ['secrets'], ['delete']),
    rule([''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts'], ['get']),
    rule([''], ['secrets', 'serviceaccounts'], ['update']),
    ...reviews,
    rule(['*'], ['*'], ['list', 'watch']),
    rule([''], ['serviceaccounts/token'], ['create']),
  ],
  'system:node': [
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews'], ['create']),
    rule([''], ['services'], READ),
    rule([''], ['nodes'], ['create', 'get', 'list', 'watch']),
    rule([''], ['nodes/status'], ['patch', 'update']),
    rule([''], ['nodes'], ['patch', 'update']),
    rule([''], ['events'], EVENTS_WRITE),
    rule([''], ['pods'], READ),
    rule([''], ['pods'], ['create', 'delete']),
    rule([''], ['pods/status'], ['patch', 'update']),
    rule([''], ['pods/eviction'], ['create']),
    rule([''], ['configmaps', 'secrets'], READ),
    rule([''], ['persistentvolumeclaims', 'persistentvolumes'], ['get']),
    rule([''], ['endpoints'], ['get']),
    rule(['certificates.k8s.io'], ['certificatesigningrequests'], ['create', 'get', 'list', 'watch']),
    rule(['coordination.k8s.io'], ['leases'], ['create', 'delete', 'get', 'patch', 'update']),
    rule(['storage.k8s.io'], ['volumeattachments'], ['get']),
    rule([''], ['serviceaccounts/token'], ['create']),
    rule([''], ['persistentvolumeclaims/status'], ['get', 'patch', 'update']),
    rule(['storage.k8s.io'], ['csidrivers'], READ),
    rule(['storage.k8s.io'], ['csinodes'], ['create', 'delete', 'get', 'patch', 'update']),
    rule(['node.k8s.io'], ['runtimeclasses'], READ),
  ],
  'system:certificates.k8s.io:certificatesigningrequests:nodeclient': [rule(['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'], ['create'])],
  'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient': [rule(['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'], ['create'])],
  'system:certificates.k8s.io:kube-apiserver-client-approver': [rule(['certificates.k8s.io'], ['signers'], ['approve'], ['kubernetes.io/kube-apiserver-client'])],
  'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver': [rule(['certificates.k8s.io'], ['signers'], ['approve'], ['kubernetes.io/kube-apiserver-client-kubelet'])],
  'system:certificates.k8s.io:kubelet-serving-approver': [rule(['certificates.k8s.io'], ['signers'], ['approve'], ['kubernetes.io/kubelet-serving'])],
  'system:certificates.k8s.io:legacy-unknown-approver': [rule(['certificates.k8s.io'], ['signers'], ['approve'], ['kubernetes.io/legacy-unknown'])],
};

/** ClusterRoleBindings of the component roles: name (= role) -> subjects. */
export const SYSTEM_BINDINGS: Record<string, { kind: string; name: string; namespace?: string }[]> = {
  'system:basic-user': [{ kind: 'Group', name: 'system:authenticated' }],
  'system:discovery': [{ kind: 'Group', name: 'system:authenticated' }],
  'system:public-info-viewer': [{ kind: 'Group', name: 'system:authenticated' }, { kind: 'Group', name: 'system:unauthenticated' }],
  'system:monitoring': [{ kind: 'Group', name: 'system:monitoring' }],
  'system:service-account-issuer-discovery': [{ kind: 'Group', name: 'system:serviceaccounts' }],
  'system:kube-controller-manager': [{ kind: 'User', name: 'system:kube-controller-manager' }],
  'system:kube-scheduler': [{ kind: 'User', name: 'system:kube-scheduler' }],
  'system:cloud-controller-manager': [{ kind: 'User', name: 'system:cloud-controller-manager' }],
  'system:volume-scheduler': [{ kind: 'User', name: 'system:kube-scheduler' }],
  'system:kube-dns': [{ kind: 'ServiceAccount', name: 'kube-dns', namespace: 'kube-system' }],
  'system:node-proxier': [{ kind: 'User', name: 'system:kube-proxy' }],
  'system:kubets:node-network': [{ kind: 'User', name: 'system:kube-proxy' }],
  // Upstream keeps this binding without subjects: nodes get their access from the Node authorizer.
  'system:node': [],
};
