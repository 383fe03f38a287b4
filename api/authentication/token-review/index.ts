import type { ResourceType } from '../../types.ts';
import { CREATE_ONLY } from '../../builtin.ts';

// TokenReview: asks the server who a bearer token belongs to.
export const tokenReviews: ResourceType = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  namespaced: false,
  verbs: CREATE_ONLY,
  openapiName: 'io.k8s.api.authentication.v1.TokenReview',
};
