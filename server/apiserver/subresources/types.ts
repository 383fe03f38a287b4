// What a subresource handler is built from.

import type { ResourceType } from '../../../api/types.ts';
import type { SubresourceHandler } from '../api-context.ts';
import type { GenericStore } from '../registry/store.ts';

export interface SubresourceEnv {
  /** The resource (this very version of it) the subresource belongs to. */
  resource: ResourceType;
  /** Its engine. */
  engine: GenericStore;
  engineOf(group: string, plural: string): GenericStore;
}

export type SubresourceFactory = (env: SubresourceEnv) => SubresourceHandler;
