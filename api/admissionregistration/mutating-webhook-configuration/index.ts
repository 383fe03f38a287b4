import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { mutatingWebhookConfigurationTable } from './table.ts';
import { mutatingWebhookConfigurationStrategy } from './strategy.ts';

// MutatingWebhookConfiguration: webhooks that may change objects on admission.
export const mutatingWebhookConfigurations: ResourceType = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'MutatingWebhookConfiguration',
  plural: 'mutatingwebhookconfigurations',
  singular: 'mutatingwebhookconfiguration',
  namespaced: false,
  categories: ['api-extensions'],
  verbs: ALL,
  openapiName: 'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration',
  table: mutatingWebhookConfigurationTable,
  strategy: mutatingWebhookConfigurationStrategy,
};
