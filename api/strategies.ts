// Every built-in kind's strategy, keyed "<group>/<Kind>" ("/Pod" for core). The registry
// attaches them to its entries.

import type { Strategy } from './types.ts';
import { customResourceDefinitionStrategy } from './apiextensions/custom-resource-definition/strategy.ts';
import { controllerRevisionStrategy } from './apps/controller-revision/strategy.ts';
import { daemonSetStrategy } from './apps/daemon-set/strategy.ts';
import { deploymentStrategy } from './apps/deployment/strategy.ts';
import { replicaSetStrategy } from './apps/replica-set/strategy.ts';
import { statefulSetStrategy } from './apps/stateful-set/strategy.ts';
import { horizontalPodAutoscalerStrategy } from './autoscaling/horizontal-pod-autoscaler/strategy.ts';
import { cronJobStrategy } from './batch/cron-job/strategy.ts';
import { jobStrategy } from './batch/job/strategy.ts';
import { certificateSigningRequestStrategy } from './certificates/certificate-signing-request/strategy.ts';
import { leaseStrategy } from './coordination/lease/strategy.ts';
import { configMapStrategy } from './core/config-map/strategy.ts';
import { endpointsStrategy } from './core/endpoints/strategy.ts';
import { coreEventStrategy } from './core/event/strategy.ts';
import { limitRangeStrategy } from './core/limit-range/strategy.ts';
import { namespaceStrategy } from './core/namespace/strategy.ts';
import { nodeStrategy } from './core/node/strategy.ts';
import { persistentVolumeClaimStrategy } from './core/persistent-volume-claim/strategy.ts';
import { persistentVolumeStrategy } from './core/persistent-volume/strategy.ts';
import { podTemplateStrategy } from './core/pod-template/strategy.ts';
import { podStrategy } from './core/pod/strategy.ts';
import { replicationControllerStrategy } from './core/replication-controller/strategy.ts';
import { resourceQuotaStrategy } from './core/resource-quota/strategy.ts';
import { secretStrategy } from './core/secret/strategy.ts';
import { serviceAccountStrategy } from './core/service-account/strategy.ts';
import { serviceStrategy } from './core/service/strategy.ts';
import { endpointSliceStrategy } from './discovery/endpoint-slice/strategy.ts';
import { eventStrategy } from './events/event/strategy.ts';
import { ingressClassStrategy } from './networking/ingress-class/strategy.ts';
import { ingressStrategy } from './networking/ingress/strategy.ts';
import { networkPolicyStrategy } from './networking/network-policy/strategy.ts';
import { runtimeClassStrategy } from './node/runtime-class/strategy.ts';
import { podDisruptionBudgetStrategy } from './policy/pod-disruption-budget/strategy.ts';
import { clusterRoleBindingStrategy } from './rbac/cluster-role-binding/strategy.ts';
import { clusterRoleStrategy } from './rbac/cluster-role/strategy.ts';
import { roleBindingStrategy } from './rbac/role-binding/strategy.ts';
import { roleStrategy } from './rbac/role/strategy.ts';
import { priorityClassStrategy } from './scheduling/priority-class/strategy.ts';
import { storageClassStrategy } from './storage/storage-class/strategy.ts';

export const strategies: Record<string, Strategy> = {
  '/ConfigMap': configMapStrategy,
  '/Endpoints': endpointsStrategy,
  '/Event': coreEventStrategy,
  '/LimitRange': limitRangeStrategy,
  '/Namespace': namespaceStrategy,
  '/Node': nodeStrategy,
  '/PersistentVolume': persistentVolumeStrategy,
  '/PersistentVolumeClaim': persistentVolumeClaimStrategy,
  '/Pod': podStrategy,
  '/PodTemplate': podTemplateStrategy,
  '/ReplicationController': replicationControllerStrategy,
  '/ResourceQuota': resourceQuotaStrategy,
  '/Secret': secretStrategy,
  '/Service': serviceStrategy,
  '/ServiceAccount': serviceAccountStrategy,
  'apiextensions.k8s.io/CustomResourceDefinition': customResourceDefinitionStrategy,
  'apps/ControllerRevision': controllerRevisionStrategy,
  'apps/DaemonSet': daemonSetStrategy,
  'apps/Deployment': deploymentStrategy,
  'apps/ReplicaSet': replicaSetStrategy,
  'apps/StatefulSet': statefulSetStrategy,
  'autoscaling/HorizontalPodAutoscaler': horizontalPodAutoscalerStrategy,
  'batch/CronJob': cronJobStrategy,
  'batch/Job': jobStrategy,
  'certificates.k8s.io/CertificateSigningRequest': certificateSigningRequestStrategy,
  'coordination.k8s.io/Lease': leaseStrategy,
  'discovery.k8s.io/EndpointSlice': endpointSliceStrategy,
  'events.k8s.io/Event': eventStrategy,
  'networking.k8s.io/Ingress': ingressStrategy,
  'networking.k8s.io/IngressClass': ingressClassStrategy,
  'networking.k8s.io/NetworkPolicy': networkPolicyStrategy,
  'node.k8s.io/RuntimeClass': runtimeClassStrategy,
  'policy/PodDisruptionBudget': podDisruptionBudgetStrategy,
  'rbac.authorization.k8s.io/ClusterRole': clusterRoleStrategy,
  'rbac.authorization.k8s.io/ClusterRoleBinding': clusterRoleBindingStrategy,
  'rbac.authorization.k8s.io/Role': roleStrategy,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingStrategy,
  'scheduling.k8s.io/PriorityClass': priorityClassStrategy,
  'storage.k8s.io/StorageClass': storageClassStrategy,
};
