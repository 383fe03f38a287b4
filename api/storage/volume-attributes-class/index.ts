import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { volumeAttributesClassTable } from './table.ts';
import { volumeAttributesClassStrategy } from './strategy.ts';

// VolumeAttributesClass: mutable volume attributes (GA in 1.34).
export const volumeAttributesClasses: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'VolumeAttributesClass',
  plural: 'volumeattributesclasses',
  singular: 'volumeattributesclass',
  namespaced: false,
  shortNames: ['vac'],
  verbs: ALL,
  openapiName: 'io.k8s.api.storage.v1.VolumeAttributesClass',
  table: volumeAttributesClassTable,
  strategy: volumeAttributesClassStrategy,
};
