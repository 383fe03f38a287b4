import type { ResourceType } from '../../types.ts';
import { CREATE_ONLY } from '../../builtin.ts';

// SelfSubjectAccessReview: may the caller do this?
export const selfSubjectAccessReviews: ResourceType = {
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  singular: 'selfsubjectaccessreview',
  namespaced: false,
  verbs: CREATE_ONLY,
  openapiName: 'io.k8s.api.authorization.v1.SelfSubjectAccessReview',
};
