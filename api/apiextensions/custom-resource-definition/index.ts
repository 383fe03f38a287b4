import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { customResourceDefinitionStrategy } from './strategy.ts';

// CustomResourceDefinition: adds a resource to the API at runtime.
export const customResourceDefinitions: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  verbs: ALL,
  subresources: [status('CustomResourceDefinition')],
  openapiName: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  hasStatus: true,
  strategy: customResourceDefinitionStrategy,
};
