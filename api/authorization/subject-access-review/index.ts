import type { ResourceType } from '../../types.ts';
import { CREATE_ONLY } from '../../builtin.ts';

// SubjectAccessReview: may a user do this?
export const subjectAccessReviews: ResourceType = {
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SubjectAccessReview',
  plural: 'subjectaccessreviews',
  singular: 'subjectaccessreview',
  namespaced: false,
  verbs: CREATE_ONLY,
  openapiName: 'io.k8s.api.authorization.v1.SubjectAccessReview',
};
