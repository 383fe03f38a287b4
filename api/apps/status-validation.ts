// What a workload's status write may say: counts and observedGeneration are never negative,
// and a part is never more than the whole it belongs to (ready pods are among the replicas,
// available ones among the ready), as upstream's ValidateXxxStatus.

import { fieldError, type FieldError } from '../meta/errors.ts';
import { validateNonNegative } from '../meta/validation.ts';
import type { KubeObject } from '../types.ts';

type Counts = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Every named count not negative, then each [part, whole] with part <= whole. */
export function validateStatusCounts(obj: KubeObject, fields: string[], parts: [string, string][] = []): FieldError[] {
  const status = (obj.status ?? {}) as Counts;
  const errs = [...fields, 'observedGeneration'].flatMap((f) => validateNonNegative(status[f], `status.${f}`));
  if (errs.length) return errs;
  for (const [part, whole] of parts) {
    if (num(status[part]) > num(status[whole])) {
      errs.push(fieldError.invalid(`status.${part}`, status[part], `cannot be greater than ${whole === 'replicas' ? 'status.replicas' : whole}`));
    }
  }
  return errs;
}

const REPLICA_PARTS: [string, string][] = [
  ['fullyLabeledReplicas', 'replicas'],
  ['readyReplicas', 'replicas'],
  ['availableReplicas', 'replicas'],
  ['availableReplicas', 'readyReplicas'],
];

/** ReplicaSet and ReplicationController. */
export const validateReplicaSetStatus = (o: KubeObject) =>
  validateStatusCounts(o, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'], REPLICA_PARTS);

export const validateDeploymentStatus = (o: KubeObject) =>
  validateStatusCounts(o, ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'terminatingReplicas', 'collisionCount'], [
    ['updatedReplicas', 'replicas'],
    ['availableReplicas', 'replicas'],
    ['availableReplicas', 'readyReplicas'],
  ]);

export const validateStatefulSetStatus = (o: KubeObject) =>
  validateStatusCounts(o, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'collisionCount'], [
    ['readyReplicas', 'replicas'],
    ['currentReplicas', 'replicas'],
    ['updatedReplicas', 'replicas'],
  ]);

export const validateDaemonSetStatus = (o: KubeObject) =>
  validateStatusCounts(o, [
    'currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady',
    'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount',
  ]);

export const validateJobStatus = (o: KubeObject) => validateStatusCounts(o, ['active', 'succeeded', 'failed', 'terminating', 'ready']);
