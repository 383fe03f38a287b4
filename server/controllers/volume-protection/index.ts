// The definitions the controller manager runs, under upstream's --controllers names:
// persistentvolumeclaim-protection and persistentvolume-protection.

import { podClaimNames } from '../../../api/core/persistent-volume/binding.ts';
import type { KubeObject } from '../../../api/types.ts';
import { keyFor, keyOf } from '../common/keys.ts';
import { R } from '../common/resources.ts';
import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { PVCS_R, PVS } from '../persistentvolume/resources.ts';
import { newPvcProtectionReconciler, newPvProtectionReconciler } from './reconcile.ts';

export function pvcProtectionController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'persistentvolumeclaim-protection',
    workers: 1,
    register: (enqueue) => {
      const onClaim = (c: KubeObject) => enqueue(keyOf(c));
      ctx.informers.informer(PVCS_R).addEventHandler({ add: onClaim, update: (_o, n) => onClaim(n) });
      // A pod that finishes or goes away may free its claims.
      const onPod = (p: KubeObject) => {
        for (const name of podClaimNames(p as never)) enqueue(keyFor(p.metadata?.namespace ?? '', name));
      };
      ctx.informers.informer(R.pods).addEventHandler({ update: (_o, n) => onPod(n), delete: onPod });
    },
    reconcile: newPvcProtectionReconciler(ctx),
  };
}

export function pvProtectionController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'persistentvolume-protection',
    workers: 1,
    register: (enqueue) => {
      const onVolume = (v: KubeObject) => enqueue(keyOf(v));
      ctx.informers.informer(PVS).addEventHandler({ add: onVolume, update: (_o, n) => onVolume(n) });
    },
    reconcile: newPvProtectionReconciler(ctx),
  };
}
