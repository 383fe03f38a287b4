import type { ResourceType } from '../../types.ts';
import { CREATE_ONLY } from '../../builtin.ts';

// Binding: assigns a pod to a node (POST only; the legacy form of pods/binding).
export const bindings: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Binding',
  plural: 'bindings',
  singular: 'binding',
  namespaced: true,
  verbs: CREATE_ONLY,
  openapiName: 'io.k8s.api.core.v1.Binding',
};
