// The definition the controller manager runs, under upstream's --controllers name:
// persistentvolume-expander. Upstream's expand controller grows volumes whose in-tree plugin
// can expand them and hands every other volume to an external resizer, saying so on the claim
// (ExternalExpanding). kubets has no in-tree expandable plugin (hostPath and local volumes
// cannot grow), so every claim asking for more than it has is handed over: local-path's
// resizer serves its own volumes; any other class waits for a resizer of its own.

import type { PersistentVolumeClaim } from '../../../api/core/persistent-volume/binding.ts';
import { parseQuantity } from '../../../api/core/pod/quantity.ts';
import type { Result } from '../../../client/types.ts';
import { recorderOf } from '../common/events.ts';
import { keyOf, splitKey } from '../common/keys.ts';
import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { PVCS_R } from '../persistentvolume/resources.ts';

/** Upstream's source.component for the expand controller's events. */
export const COMPONENT = 'volume_expand';
export const EXTERNAL_EXPANDING_MESSAGE = 'waiting for an external controller to expand this PVC';

/** A Bound claim whose request is more than its status capacity: an expansion someone must do. */
export function wantsExpansion(c: PersistentVolumeClaim): boolean {
  if (c.status?.phase !== 'Bound' || !c.spec?.volumeName || c.metadata?.deletionTimestamp) return false;
  const requested = parseQuantity(c.spec?.resources?.requests?.storage);
  const capacity = parseQuantity(c.status?.capacity?.storage);
  return requested !== undefined && capacity !== undefined && requested > capacity;
}

export function newExpanderReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const claims = deps.informers.informer<PersistentVolumeClaim>(PVCS_R).lister;
  const claimEvents = recorderOf(deps.events(COMPONENT), PVCS_R);
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const c = claims.get(namespace, name);
    if (c && wantsExpansion(c)) claimEvents.event(c, 'Normal', 'ExternalExpanding', EXTERNAL_EXPANDING_MESSAGE);
    return {};
  };
}

export function persistentVolumeExpanderController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'persistentvolume-expander',
    workers: 1,
    register: (enqueue) => {
      // As upstream: on a claim's update that leaves its request above its capacity.
      const onClaim = (c: PersistentVolumeClaim) => {
        if (wantsExpansion(c)) enqueue(keyOf(c));
      };
      ctx.informers.informer<PersistentVolumeClaim>(PVCS_R).addEventHandler({ add: onClaim, update: (_o, n) => onClaim(n) });
    },
    reconcile: newExpanderReconciler(ctx),
  };
}
