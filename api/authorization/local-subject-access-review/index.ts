import type { ResourceType } from '../../types.ts';
import { CREATE_ONLY } from '../../builtin.ts';

// LocalSubjectAccessReview: may a user act within this namespace?
export const localSubjectAccessReviews: ResourceType = {
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'LocalSubjectAccessReview',
  plural: 'localsubjectaccessreviews',
  singular: 'localsubjectaccessreview',
  namespaced: true,
  verbs: CREATE_ONLY,
  openapiName: 'io.k8s.api.authorization.v1.LocalSubjectAccessReview',
};
