// What the pod admission plugins share: they change the spec of a pod being created, and
// nothing else (updates, subresources and other kinds pass untouched).

import type { PodSpec } from '../../../../api/core/pod/types.ts';
import type { AdmissionPlugin, Attributes } from '../types.ts';

export function isPodCreate(a: Attributes): boolean {
  return a.operation === 'CREATE' && !a.subresource && a.resource.group === '' && a.resource.plural === 'pods' && !!a.object;
}

/** A mutating plugin that changes a new pod's spec. */
export function podCreatePlugin(name: string, mutate: (spec: PodSpec) => void): AdmissionPlugin {
  return {
    name,
    handles: (op) => op === 'CREATE',
    admit(a) {
      if (isPodCreate(a)) mutate((a.object!.spec ??= {}) as PodSpec);
    },
  };
}
