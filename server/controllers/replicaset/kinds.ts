// What differs between a ReplicaSet and a ReplicationController: their resource and how their
// selector reads. Everything else in this folder serves both.

import type { KubeObject, ObjectMeta } from '../../../api/types.ts';
import { labelSelectorFromObject, makeSelector, NOTHING, type LabelSelector, type Selector } from '../../../api/meta/labels.ts';
import type { ResourceRef } from '../../../client/types.ts';
import type { Condition } from '../common/conditions.ts';
import { R } from '../common/resources.ts';

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: Record<string, unknown>;
}

export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface ReplicaSet extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; selector?: LabelSelector | Record<string, string>; template?: PodTemplate };
  status?: ReplicaSetStatus;
}

export interface ReplicaKind {
  r: ResourceRef;
  selector(rs: ReplicaSet): Selector;
}

function safe(f: () => Selector): Selector {
  try {
    return f();
  } catch {
    return NOTHING;
  }
}

export const replicaSetKind: ReplicaKind = {
  r: R.replicaSets,
  selector: (rs) => safe(() => labelSelectorFromObject(rs.spec?.selector as LabelSelector | undefined)),
};

export const replicationControllerKind: ReplicaKind = {
  r: R.replicationControllers,
  selector: (rc) => {
    const sel = (rc.spec?.selector ?? rc.spec?.template?.metadata?.labels) as Record<string, string> | undefined;
    if (!sel || Object.keys(sel).length === 0) return NOTHING;
    return makeSelector(Object.entries(sel).map(([key, v]) => ({ key, operator: '=', values: [v] })));
  },
};
