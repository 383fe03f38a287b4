// Deployment strategy: apps/v1 defaults (replicas 1, RollingUpdate 25%/25%, history 10,
// progress deadline 600s) plus pod template defaults; selector fixed after create.

import { defaultPodTemplate, workloadStrategy } from '../workload.ts';
import { validateDeploymentStatus } from '../status-validation.ts';
import { validateDeployment, validateDeploymentUpdate, type Deployment } from './validation.ts';

export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export const deploymentStrategy = {
  ...workloadStrategy<Deployment>({
    defaults: defaultDeployment,
    validate: validateDeployment,
    validateStatus: validateDeploymentStatus,
    validateUpdate: validateDeploymentUpdate,
    bumpOnAnnotations: true,
  }),
  // The controller writes deployment.kubernetes.io/revision with the status, as upstream's.
  statusUpdatesAnnotations: true,
};
