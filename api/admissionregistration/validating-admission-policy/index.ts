import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { validatingAdmissionPolicyTable } from './table.ts';
import { validatingAdmissionPolicyStrategy } from './strategy.ts';

// ValidatingAdmissionPolicy: CEL rules evaluated in-process on admission.
export const validatingAdmissionPolicies: ResourceType = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicy',
  plural: 'validatingadmissionpolicies',
  singular: 'validatingadmissionpolicy',
  namespaced: false,
  categories: ['api-extensions'],
  verbs: ALL,
  subresources: [status('ValidatingAdmissionPolicy')],
  openapiName: 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy',
  hasStatus: true,
  table: validatingAdmissionPolicyTable,
  strategy: validatingAdmissionPolicyStrategy,
};
