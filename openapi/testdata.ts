// A few served resources for the openapi tests, independent of api/registry.ts.

import type { ResourceType } from '../api/types.ts';
import { ALL_VERBS } from '../api/types.ts';

export const testResources: ResourceType[] = [
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, verbs: ALL_VERBS },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, verbs: ALL_VERBS },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, verbs: ALL_VERBS },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, verbs: ALL_VERBS },
];
