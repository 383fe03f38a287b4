import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { validatingAdmissionPolicyBindingTable } from './table.ts';
import { validatingAdmissionPolicyBindingStrategy } from './strategy.ts';

// ValidatingAdmissionPolicyBinding: where and with which parameters a policy applies.
export const validatingAdmissionPolicyBindings: ResourceType = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  plural: 'validatingadmissionpolicybindings',
  singular: 'validatingadmissionpolicybinding',
  namespaced: false,
  categories: ['api-extensions'],
  verbs: ALL,
  openapiName: 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding',
  table: validatingAdmissionPolicyBindingTable,
  strategy: validatingAdmissionPolicyBindingStrategy,
};
