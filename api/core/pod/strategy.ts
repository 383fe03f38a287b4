// Pod strategy: defaults on create (admission plugins add service account, priority and
// tolerations before), status Pending with its QoS class,
// generation tracked on spec, and the narrow set of spec changes an update may make.

import type { KubeObject, Strategy } from '../../types.ts';
import { defaultPod } from './defaults.ts';
import { podQOSClass } from './qos.ts';
import type { Pod } from './types.ts';
import { validatePodUpdate } from './update.ts';
import { validatePod } from './validation.ts';

const asPod = (o: KubeObject): Pod => o as Pod;

export const podStrategy: Strategy = {
  prepareForCreate(obj) {
    const pod = asPod(obj);
    defaultPod(pod);
    pod.status = { phase: 'Pending', qosClass: podQOSClass(pod.spec) };
  },
  validate: (obj) => validatePod(asPod(obj)),
  prepareForUpdate(obj, old) {
    const pod = asPod(obj);
    const prev = asPod(old);
    defaultPod(pod);
    if (pod.spec && prev.spec) {
      // Fields only admission sets on create survive a PUT that omits them.
      for (const k of ['serviceAccountName', 'serviceAccount', 'priority', 'preemptionPolicy', 'nodeName'] as const) {
        if (pod.spec[k] === undefined && prev.spec[k] !== undefined) (pod.spec as Record<string, unknown>)[k] = prev.spec[k];
      }
    }
  },
  generationFields: ['spec'],
  validateUpdate: (obj, old) => validatePodUpdate(asPod(obj), asPod(old)),
  // A pod on a node lingers while the kubelet stops it; unscheduled or finished ones go at once.
  gracePeriod(obj, requested) {
    const pod = asPod(obj);
    const phase = pod.status?.phase;
    if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    return Math.max(0, requested ?? pod.spec.terminationGracePeriodSeconds ?? 30);
  },
  returnDeletedObject: true,
};
