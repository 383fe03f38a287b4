import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { eventsV1Table } from './table.ts';
import { eventsV1Convert } from './convert.ts';
import { eventStrategy } from './strategy.ts';

// Event (events.k8s.io/v1): the newer shape of core events, stored with them.
export const eventsV1: ResourceType = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  verbs: ALL,
  storage: { group: '', version: 'v1' },
  convert: eventsV1Convert,
  openapiName: 'io.k8s.api.events.v1.Event',
  watchCache: false,
  table: eventsV1Table,
  // Written for this version's shape: it runs on the request's object, before conversion.
  strategy: eventStrategy,
};
