// PodTemplate strategy: a pod template with scheme defaults and pod spec validation.

import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { defaultPodTemplate, validatePodTemplate } from '../../apps/workload.ts';
import type { PodTemplateSpec } from '../pod/types.ts';

interface PodTemplate extends KubeObject {
  template?: PodTemplateSpec;
}

export const podTemplateStrategy = simpleStrategy<PodTemplate>({
  returnDeletedObject: true,
  namespaced: true,
  defaults: (pt) => defaultPodTemplate(pt.template),
  validate: (pt) => validatePodTemplate(pt.template, 'template', undefined, ['Always', 'OnFailure', 'Never']),
  generation: false,
});
