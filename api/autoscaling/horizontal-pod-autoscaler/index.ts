import { hpaV1Convert } from './convert.ts';
import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { throughConversion } from '../../strategy-kit.ts';
import { horizontalPodAutoscalerV1Table, horizontalPodAutoscalerTable } from './table.ts';
import { horizontalPodAutoscalerStrategy } from './strategy.ts';

// HorizontalPodAutoscaler (autoscaling/v1): CPU-only form, stored as autoscaling/v2.
export const horizontalPodAutoscalersV1: ResourceType = {
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  verbs: ALL,
  subresources: [status('HorizontalPodAutoscaler')],
  storage: { version: 'v2' },
  convert: hpaV1Convert,
  openapiName: 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler',
  hasStatus: true,
  table: horizontalPodAutoscalerV1Table,
  // The strategy is written for the storage version (v2); it runs on the object converted to it.
  strategy: throughConversion(horizontalPodAutoscalerStrategy, hpaV1Convert),
};

// HorizontalPodAutoscaler (autoscaling/v2): scales a target on resource, pod, object or external metrics.
export const horizontalPodAutoscalersV2: ResourceType = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  verbs: ALL,
  subresources: [status('HorizontalPodAutoscaler')],
  openapiName: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  hasStatus: true,
  table: horizontalPodAutoscalerTable,
  strategy: horizontalPodAutoscalerStrategy,
};
