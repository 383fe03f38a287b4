import type { ResourceType } from '../../types.ts';
import { CREATE_ONLY } from '../../builtin.ts';

// SelfSubjectReview: asks the server who the caller is.
export const selfSubjectReviews: ResourceType = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  verbs: CREATE_ONLY,
  openapiName: 'io.k8s.api.authentication.v1.SelfSubjectReview',
};
