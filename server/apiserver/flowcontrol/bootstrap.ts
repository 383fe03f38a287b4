// Upstream's bootstrap API Priority and Fairness configuration (flowcontrol.apiserver.k8s.io/v1):
// the mandatory objects (exempt, catch-all) and the suggested ones, made by the apiserver at
// start when absent, marked for auto-update as upstream marks them.

import type { KubeObject } from '../../../api/types.ts';

export const AUTO_UPDATE_ANNOTATION = 'apf.kubernetes.io/autoupdate-spec';

type Subject = { kind: 'User'; user: { name: string } } | { kind: 'Group'; group: { name: string } } | { kind: 'ServiceAccount'; serviceAccount: { namespace: string; name: string } };

const users = (...names: string[]): Subject[] => names.map((name) => ({ kind: 'User', user: { name } }));
const groups = (...names: string[]): Subject[] => names.map((name) => ({ kind: 'Group', group: { name } }));
const kubeSystemSAs = (...names: string[]): Subject[] => names.map((name) => ({ kind: 'ServiceAccount', serviceAccount: { namespace: 'kube-system', name } }));

const ALL_RESOURCES = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] }];
const ALL_NON_RESOURCES = [{ verbs: ['*'], nonResourceURLs: ['*'] }];

function limited(name: string, shares: number, lendablePercent: number, queuing?: { queues: number; handSize: number; queueLengthLimit: number }): KubeObject {
  return {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'PriorityLevelConfiguration',
    metadata: { name, annotations: { [AUTO_UPDATE_ANNOTATION]: 'true' } },
    spec: {
      type: 'Limited',
      limited: {
        nominalConcurrencyShares: shares,
        lendablePercent,
        limitResponse: queuing ? { type: 'Queue', queuing } : { type: 'Reject' },
      },
    },
  };
}

function flowSchema(name: string, level: string, precedence: number, distinguisher: 'ByUser' | 'ByNamespace' | undefined, rules: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'FlowSchema',
    metadata: { name, annotations: { [AUTO_UPDATE_ANNOTATION]: 'true' } },
    spec: {
      priorityLevelConfiguration: { name: level },
      matchingPrecedence: precedence,
      ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}),
      rules,
    },
  };
}

const allOf = (subjects: Subject[]) => [{ subjects, resourceRules: ALL_RESOURCES, nonResourceRules: ALL_NON_RESOURCES }];
const q = (queues: number, handSize: number, queueLengthLimit: number) => ({ queues, handSize, queueLengthLimit });

export const PRIORITY_LEVELS: KubeObject[] = [
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'PriorityLevelConfiguration',
    metadata: { name: 'exempt', annotations: { [AUTO_UPDATE_ANNOTATION]: 'true' } },
    spec: { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } },
  },
  limited('catch-all', 5, 0),
  limited('node-high', 40, 25, q(64, 6, 50)),
  limited('system', 30, 33, q(64, 6, 50)),
  limited('leader-election', 10, 0, q(16, 4, 50)),
  limited('workload-high', 40, 50, q(128, 6, 50)),
  limited('workload-low', 100, 90, q(128, 6, 50)),
  limited('global-default', 20, 50, q(128, 6, 50)),
];

const leaseRules = (kubeSystemOnly: boolean) => [
  { verbs: ['get', 'create', 'update'], apiGroups: [''], resources: ['endpoints', 'configmaps'], namespaces: [kubeSystemOnly ? 'kube-system' : '*'] },
  { verbs: ['get', 'create', 'update'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], namespaces: ['*'] },
];

export const FLOW_SCHEMAS: KubeObject[] = [
  flowSchema('exempt', 'exempt', 1, undefined, allOf(groups('system:masters'))),
  flowSchema('probes', 'exempt', 2, undefined, [{ subjects: groups('system:unauthenticated', 'system:authenticated'), nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }] }]),
  flowSchema('system-leader-election', 'leader-election', 100, 'ByUser', [{ subjects: [...users('system:kube-controller-manager', 'system:kube-scheduler'), ...kubeSystemSAs('*')], resourceRules: leaseRules(true) }]),
  flowSchema('endpoint-controller', 'workload-high', 150, 'ByUser', [
    {
      subjects: [...users('system:kube-controller-manager'), ...kubeSystemSAs('endpoint-controller', 'endpointslicemirroring-controller')],
      resourceRules: [{ verbs: ['get', 'create', 'update'], apiGroups: [''], resources: ['endpoints'], namespaces: ['*'] }],
    },
  ]),
  flowSchema('workload-leader-election', 'leader-election', 200, 'ByUser', [{ subjects: kubeSystemSAs('*'), resourceRules: leaseRules(false) }]),
  flowSchema('system-node-high', 'node-high', 400, 'ByUser', [
    {
      subjects: groups('system:nodes'),
      resourceRules: [
        { verbs: ['*'], apiGroups: [''], resources: ['nodes', 'nodes/status'], clusterScope: true },
        { verbs: ['*'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], namespaces: ['*'] },
      ],
    },
  ]),
  flowSchema('system-nodes', 'system', 500, 'ByUser', allOf(groups('system:nodes'))),
  flowSchema('kube-controller-manager', 'workload-high', 800, 'ByNamespace', allOf(users('system:kube-controller-manager'))),
  flowSchema('kube-scheduler', 'workload-high', 800, 'ByNamespace', allOf(users('system:kube-scheduler'))),
  flowSchema('kube-system-service-accounts', 'workload-high', 900, 'ByNamespace', allOf(kubeSystemSAs('*'))),
  flowSchema('service-accounts', 'workload-low', 9000, 'ByUser', allOf(groups('system:serviceaccounts'))),
  flowSchema('global-default', 'global-default', 9900, 'ByUser', allOf(groups('system:unauthenticated', 'system:authenticated'))),
  flowSchema('catch-all', 'catch-all', 10000, 'ByUser', allOf(groups('system:unauthenticated', 'system:authenticated'))),
];
