import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { volumeAttachmentTable } from './table.ts';
import { volumeAttachmentStrategy } from './strategy.ts';

// VolumeAttachment: a request to attach a volume to a node.
export const volumeAttachments: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'VolumeAttachment',
  plural: 'volumeattachments',
  singular: 'volumeattachment',
  namespaced: false,
  verbs: ALL,
  subresources: [status('VolumeAttachment')],
  openapiName: 'io.k8s.api.storage.v1.VolumeAttachment',
  hasStatus: true,
  table: volumeAttachmentTable,
  strategy: volumeAttachmentStrategy,
};
