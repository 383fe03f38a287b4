import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { controllerRevisionTable } from './table.ts';
import { controllerRevisionStrategy } from './strategy.ts';

// ControllerRevision: an immutable snapshot of a StatefulSet or DaemonSet template.
export const controllerRevisions: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  verbs: ALL,
  openapiName: 'io.k8s.api.apps.v1.ControllerRevision',
  table: controllerRevisionTable,
  strategy: controllerRevisionStrategy,
};
