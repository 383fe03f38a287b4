import type { ResourceType } from '../../types.ts';
import { ALL, strField } from '../../builtin.ts';
import { eventTable } from './table.ts';
import { coreEventStrategy } from './strategy.ts';

// Event (core/v1): a report of something that happened to an object.
export const events: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  verbs: ALL,
  openapiName: 'io.k8s.api.core.v1.Event',
  watchCache: false,
  fieldSelectors: {
    'involvedObject.kind': strField('involvedObject.kind'),
    'involvedObject.namespace': strField('involvedObject.namespace'),
    'involvedObject.name': strField('involvedObject.name'),
    'involvedObject.uid': strField('involvedObject.uid'),
    'involvedObject.apiVersion': strField('involvedObject.apiVersion'),
    'involvedObject.resourceVersion': strField('involvedObject.resourceVersion'),
    'involvedObject.fieldPath': strField('involvedObject.fieldPath'),
    reason: strField('reason'),
    reportingComponent: strField('reportingComponent'),
    source: strField('source.component'),
    type: strField('type'),
  },
  table: eventTable,
  strategy: coreEventStrategy,
};
