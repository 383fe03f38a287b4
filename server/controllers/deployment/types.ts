// The Deployment fields the controller reads and writes, and its condition reasons.

import type { KubeObject } from '../../../api/types.ts';
import type { LabelSelector } from '../../../api/meta/labels.ts';
import type { Condition } from '../common/conditions.ts';
import type { PodTemplate, ReplicaSet } from '../replicaset/kinds.ts';

export type IntOrString = number | string;

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface Deployment extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplate;
    strategy?: { type?: 'RollingUpdate' | 'Recreate'; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: DeploymentStatus;
}

export type { ReplicaSet };

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Deployment annotations not copied onto its ReplicaSets. */
export const ANNOTATIONS_NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to',
]);

export const Reason = {
  NewRSCreated: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  RSUpdated: 'ReplicaSetUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumAvailable: 'MinimumReplicasAvailable',
  MinimumUnavailable: 'MinimumReplicasUnavailable',
  FailedCreate: 'ReplicaSetCreateError',
} as const;
