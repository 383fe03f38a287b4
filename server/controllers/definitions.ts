// Every controller as a ControllerDefinition: its handlers and its reconciler, wired to one
// context. The manager (index.ts) runs them; tests may build one alone.

import { Expectations } from './common/expectations.ts';
import { registerDeploymentHandlers } from './deployment/handlers.ts';
import { newDeploymentReconciler } from './deployment/reconcile.ts';
import { registerCronJobHandlers } from './cronjob/handlers.ts';
import { newCronJobReconciler } from './cronjob/reconcile.ts';
import { disruptionController } from './disruption/index.ts';
import { daemonSetController } from './daemonset/index.ts';
import { resourceQuotaController } from './resource-quota/index.ts';
import { statefulSetController } from './statefulset/index.ts';
import { persistentVolumeBinderController } from './persistentvolume/index.ts';
import { localPathProvisionerController } from './local-path-provisioner/index.ts';
import { persistentVolumeExpanderController } from './persistentvolume-expander/index.ts';
import { pvcProtectionController, pvProtectionController } from './volume-protection/index.ts';
import { registerJobHandlers } from './job/handlers.ts';
import { newJobReconciler } from './job/reconcile.ts';
import { registerEndpointHandlers } from './endpoint/handlers.ts';
import { newEndpointReconciler } from './endpoint/reconcile.ts';
import { registerEndpointSliceHandlers } from './endpointslice/handlers.ts';
import { newEndpointSliceReconciler } from './endpointslice/reconcile.ts';
import { nodeLifecycleController, taintEvictionController } from './node-lifecycle/index.ts';
import { podGcController } from './pod-gc/index.ts';
import { clusterRoleAggregationController } from './clusterrole-aggregation/index.ts';
import { csrApprovingController, csrSigningController } from './certificates/index.ts';
import type { ControllerContext, ControllerDefinition, Enqueue } from './common/types.ts';
import { DISCOVERY_KEY, OwnerGraph } from './garbage-collector/graph.ts';
import { CRDS } from './common/discovery.ts';
import { registerGarbageCollectorHandlers } from './garbage-collector/handlers.ts';
import { newGarbageCollectorReconciler } from './garbage-collector/reconcile.ts';
import { registerNamespaceHandlers } from './namespace/handlers.ts';
import { newNamespaceReconciler } from './namespace/reconcile.ts';
import { registerReplicaSetHandlers } from './replicaset/handlers.ts';
import { replicaSetKind, replicationControllerKind, type ReplicaKind } from './replicaset/kinds.ts';
import { newReplicaSetReconciler } from './replicaset/reconcile.ts';
import { registerRootCAHandlers } from './root-ca-cert-publisher/handlers.ts';
import { newRootCAReconciler } from './root-ca-cert-publisher/reconcile.ts';
import { registerServiceAccountHandlers } from './serviceaccount/handlers.ts';
import { newServiceAccountReconciler } from './serviceaccount/reconcile.ts';

export interface DefinitionOptions extends ControllerContext {
  caPem: string;
  /** The cluster CA's key: csrsigning signs with it (absent: no signing). */
  caKeyPem?: string;
}

type Factory = (o: DefinitionOptions) => ControllerDefinition;

function replicaController(name: string, kind: ReplicaKind): Factory {
  return (o) => {
    const expectations = new Expectations(o.clock);
    return {
      name,
      workers: 5,
      register: (enqueue) => registerReplicaSetHandlers(o.informers, kind, expectations, enqueue),
      reconcile: newReplicaSetReconciler({ ...o, kind, expectations }),
    };
  };
}

/** Upstream's controller names, in the order they start. */
export const CONTROLLERS: Record<string, Factory> = {
  namespace: (o) => ({ name: 'namespace', workers: 2, register: (e) => registerNamespaceHandlers(o.informers, e), reconcile: newNamespaceReconciler(o) }),
  serviceaccount: (o) => ({ name: 'serviceaccount', workers: 1, register: (e) => registerServiceAccountHandlers(o.informers, e), reconcile: newServiceAccountReconciler(o) }),
  'root-ca-cert-publisher': (o) => ({ name: 'root-ca-cert-publisher', workers: 1, register: (e) => registerRootCAHandlers(o.informers, e), reconcile: newRootCAReconciler(o) }),
  'garbage-collector': (o) => {
    const graph = new OwnerGraph(o.informers);
    const register = (e: Enqueue) => {
      registerGarbageCollectorHandlers(graph, e);
      // Resources come and go with CRDs: read discovery now and after each CRD change.
      e(DISCOVERY_KEY);
      const again = () => e(DISCOVERY_KEY, 500);
      o.informers.informer(CRDS).addEventHandler({ add: again, update: again, delete: again });
    };
    return { name: 'garbage-collector', workers: 5, register, reconcile: newGarbageCollectorReconciler({ ...o, graph }) };
  },
  replicaset: replicaController('replicaset', replicaSetKind),
  replicationcontroller: replicaController('replicationcontroller', replicationControllerKind),
  deployment: (o) => ({ name: 'deployment', workers: 5, register: (e) => registerDeploymentHandlers(o.informers, e), reconcile: newDeploymentReconciler(o) }),
  endpoint: (o) => ({ name: 'endpoint', workers: 5, register: (e) => registerEndpointHandlers(o.informers, e), reconcile: newEndpointReconciler(o) }),
  endpointslice: (o) => ({ name: 'endpointslice', workers: 5, register: (e) => registerEndpointSliceHandlers(o.informers, e), reconcile: newEndpointSliceReconciler(o) }),
  job: (o) => {
    const expectations = new Expectations(o.clock);
    return { name: 'job', workers: 5, register: (e) => registerJobHandlers(o.informers, expectations, e), reconcile: newJobReconciler({ ...o, expectations }) };
  },
  statefulset: statefulSetController,
  daemonset: daemonSetController,
  cronjob: (o) => ({ name: 'cronjob', workers: 2, register: (e) => registerCronJobHandlers(o.informers, e), reconcile: newCronJobReconciler(o) }),
  disruption: disruptionController,
  nodelifecycle: nodeLifecycleController,
  'taint-eviction-controller': taintEvictionController,
  podgc: (o) => podGcController(o),
  resourcequota: resourceQuotaController,
  'clusterrole-aggregation': clusterRoleAggregationController,
  csrapproving: csrApprovingController,
  csrsigning: csrSigningController,
  'persistentvolume-binder': persistentVolumeBinderController,
  'persistentvolume-expander': persistentVolumeExpanderController,
  'persistentvolumeclaim-protection': pvcProtectionController,
  'persistentvolume-protection': pvProtectionController,
  'local-path-provisioner': localPathProvisionerController,
};
