import type { ResourceType } from '../../types.ts';
import { CREATE_ONLY } from '../../builtin.ts';

// SelfSubjectRulesReview: what may the caller do in a namespace?
export const selfSubjectRulesReviews: ResourceType = {
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectRulesReview',
  plural: 'selfsubjectrulesreviews',
  singular: 'selfsubjectrulesreview',
  namespaced: false,
  verbs: CREATE_ONLY,
  openapiName: 'io.k8s.api.authorization.v1.SelfSubjectRulesReview',
};
