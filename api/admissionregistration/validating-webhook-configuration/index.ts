import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { validatingWebhookConfigurationTable } from './table.ts';
import { validatingWebhookConfigurationStrategy } from './strategy.ts';

// ValidatingWebhookConfiguration: webhooks that may reject objects on admission.
export const validatingWebhookConfigurations: ResourceType = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingWebhookConfiguration',
  plural: 'validatingwebhookconfigurations',
  singular: 'validatingwebhookconfiguration',
  namespaced: false,
  categories: ['api-extensions'],
  verbs: ALL,
  openapiName: 'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration',
  table: validatingWebhookConfigurationTable,
  strategy: validatingWebhookConfigurationStrategy,
};
