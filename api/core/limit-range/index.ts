import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { limitRangeStrategy } from './strategy.ts';

// LimitRange: per-namespace defaults and bounds for container resources.
export const limitRanges: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  verbs: ALL,
  openapiName: 'io.k8s.api.core.v1.LimitRange',
  strategy: limitRangeStrategy,
};
