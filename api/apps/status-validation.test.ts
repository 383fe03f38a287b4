import test from 'ava';
import type { KubeObject } from '../types.ts';
import { validateDaemonSetStatus, validateDeploymentStatus, validateJobStatus, validateReplicaSetStatus, validateStatefulSetStatus } from './status-validation.ts';

const cases: Array<[string, (o: KubeObject) => { field: string; detail: string }[], Record<string, unknown>, string[]]> = [
  ['replicaset ok', validateReplicaSetStatus, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 2, observedGeneration: 4 }, []],
  ['replicaset negative', validateReplicaSetStatus, { replicas: -1, observedGeneration: -2 }, ['status.replicas: Invalid value: -1: must be greater than or equal to 0', 'status.observedGeneration: Invalid value: -2: must be greater than or equal to 0']],
  ['replicaset more ready than replicas', validateReplicaSetStatus, { replicas: 1, readyReplicas: 2, availableReplicas: 1 }, ['status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas']],
  ['deployment available above ready', validateDeploymentStatus, { replicas: 3, readyReplicas: 1, availableReplicas: 2 }, ['status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas']],
  ['statefulset updated above replicas', validateStatefulSetStatus, { replicas: 1, updatedReplicas: 2 }, ['status.updatedReplicas: Invalid value: 2: cannot be greater than status.replicas']],
  ['daemonset negative', validateDaemonSetStatus, { numberReady: -1 }, ['status.numberReady: Invalid value: -1: must be greater than or equal to 0']],
  ['job not a number', validateJobStatus, { active: 'two' }, ['status.active: Invalid value: "two": must be an integer']],
  ['empty status', validateDeploymentStatus, {}, []],
];
for (const [name, validate, status, want] of cases) {
  test(name, (t) => t.deepEqual(validate({ status }).map((e) => `${e.field}: ${e.detail}`), want));
}
