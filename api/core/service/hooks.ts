// The Service kind's store hooks: cluster IPs and node ports are reserved just before a write
// is stored and given back when it fails, when a dry run only checked them, when an update
// dropped them, and when the Service is gone. A dry run never reserves or frees anything.

import type { StoreHooks } from '../../types.ts';
import { ServiceAllocator } from './allocator.ts';

export function serviceHooks(allocator = new ServiceAllocator()): StoreHooks {
  return {
    init: (existing) => allocator.load(existing),
    beforeCreate(obj, ctx) {
      const undo = allocator.allocate(obj, undefined);
      if (ctx.dryRun) undo();
      else return undo;
    },
    beforeUpdate(obj, old, ctx) {
      const undo = allocator.allocate(obj, old);
      if (ctx.dryRun) undo();
      else return undo;
    },
    afterUpdate: (obj, old) => allocator.releaseDropped(obj, old),
    afterDelete: (obj) => allocator.release(obj),
  };
}
