import type { ResourceType } from '../../types.ts';
import { ALL, CREATE_ONLY, boolField, proxy, status, strField } from '../../builtin.ts';
import { podTable } from './table.ts';
import { podStrategy } from './strategy.ts';

// Pod: containers scheduled together onto one node.
export const pods: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: ALL,
  subresources: [
    { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'binding', kind: 'Binding', verbs: CREATE_ONLY },
    { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: CREATE_ONLY },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    proxy('PodProxyOptions'),
    { name: 'resize', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    status('Pod'),
  ],
  openapiName: 'io.k8s.api.core.v1.Pod',
  hasStatus: true,
  fieldSelectors: {
    'spec.nodeName': strField('spec.nodeName'),
    'spec.restartPolicy': strField('spec.restartPolicy'),
    'spec.schedulerName': strField('spec.schedulerName'),
    'spec.serviceAccountName': strField('spec.serviceAccountName'),
    'spec.hostNetwork': boolField('spec.hostNetwork'),
    'status.phase': strField('status.phase'),
    'status.podIP': strField('status.podIP'),
    'status.nominatedNodeName': strField('status.nominatedNodeName'),
  },
  indexedFields: ['spec.nodeName'],
  table: podTable,
  strategy: podStrategy,
};
