// Our overlay of Kubernetes extensions that client-node's models do not carry: list
// semantics for strategic merge patch and server-side apply, which strings are
// Quantities, what the untyped ('any') fields are, and atomic structs. Researched from
// the behaviour of upstream's API types; kept to the fields clients commonly patch.

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';
export type ListType = 'atomic' | 'set' | 'map';

export interface ListSemantics {
  patchStrategy?: PatchStrategy;
  patchMergeKey?: string;
  listType?: ListType;
  listMapKeys?: string[];
}

const CORE = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const EXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

/** A list keyed by some fields, merged element-wise by patches. */
function keyed(mergeKey: string, ...more: string[]): ListSemantics {
  return { patchStrategy: 'merge', patchMergeKey: mergeKey, listType: 'map', listMapKeys: [mergeKey, ...more] };
}
const atomic: ListSemantics = { listType: 'atomic' };
const mergedSet: ListSemantics = { patchStrategy: 'merge', listType: 'set' };
const byType = keyed('type');
const byName = keyed('name');

const containerLists: Record<string, ListSemantics> = {
  args: atomic,
  command: atomic,
  env: byName,
  envFrom: atomic,
  ports: keyed('containerPort', 'protocol'),
  resizePolicy: atomic,
  restartPolicyRules: atomic,
  volumeDevices: keyed('devicePath'),
  volumeMounts: keyed('mountPath'),
};

/** definition name -> field -> list (or struct) semantics. */
export const FIELD_SEMANTICS: Record<string, Record<string, ListSemantics>> = {
  [`${META}ObjectMeta`]: {
    finalizers: mergedSet,
    ownerReferences: keyed('uid'),
    managedFields: atomic,
  },
  [`${META}LabelSelector`]: { matchExpressions: atomic },
  [`${META}LabelSelectorRequirement`]: { values: atomic },
  [`${CORE}PodSpec`]: {
    containers: byName,
    initContainers: byName,
    ephemeralContainers: byName,
    volumes: { ...byName, patchStrategy: 'merge,retainKeys' },
    imagePullSecrets: byName,
    hostAliases: keyed('ip'),
    tolerations: atomic,
    topologySpreadConstraints: keyed('topologyKey', 'whenUnsatisfiable'),
    readinessGates: atomic,
    resourceClaims: { ...byName, patchStrategy: 'merge,retainKeys' },
    schedulingGates: byName,
  },
  [`${CORE}Container`]: containerLists,
  [`${CORE}EphemeralContainer`]: containerLists,
  [`${CORE}PodStatus`]: {
    conditions: byType,
    podIPs: keyed('ip'),
    hostIPs: keyed('ip'),
    containerStatuses: atomic,
    initContainerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: { ...byName, patchStrategy: 'merge,retainKeys' },
  },
  [`${CORE}PodSecurityContext`]: { supplementalGroups: atomic, sysctls: atomic },
  [`${CORE}Capabilities`]: { add: atomic, drop: atomic },
  [`${CORE}HostAlias`]: { hostnames: atomic },
  [`${CORE}NodeSelector`]: { nodeSelectorTerms: atomic },
  [`${CORE}NodeSelectorTerm`]: { matchExpressions: atomic, matchFields: atomic },
  [`${CORE}ServiceSpec`]: {
    ports: keyed('port', 'protocol'),
    clusterIPs: atomic,
    externalIPs: atomic,
    ipFamilies: atomic,
    loadBalancerSourceRanges: atomic,
  },
  [`${CORE}ServiceStatus`]: { conditions: byType },
  [`${CORE}LoadBalancerStatus`]: { ingress: atomic },
  [`${CORE}NodeSpec`]: { podCIDRs: mergedSet, taints: atomic },
  [`${CORE}NodeStatus`]: {
    conditions: byType,
    addresses: { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' },
    images: atomic,
    volumesInUse: atomic,
    volumesAttached: atomic,
  },
  [`${CORE}NamespaceSpec`]: { finalizers: atomic },
  [`${CORE}NamespaceStatus`]: { conditions: byType },
  [`${CORE}PersistentVolumeClaimSpec`]: { accessModes: atomic },
  [`${CORE}PersistentVolumeClaimStatus`]: { conditions: byType, accessModes: atomic },
  [`${CORE}ReplicationControllerStatus`]: { conditions: byType },
  [`${CORE}ServiceAccount`]: { secrets: byName, imagePullSecrets: atomic },
  [`${CORE}Endpoints`]: { subsets: atomic },
  [`${CORE}EndpointSubset`]: { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  [`${CORE}LimitRangeSpec`]: { limits: atomic },
  [`${APPS}DeploymentStatus`]: { conditions: byType },
  [`${APPS}ReplicaSetStatus`]: { conditions: byType },
  [`${APPS}DaemonSetStatus`]: { conditions: byType },
  [`${APPS}StatefulSetStatus`]: { conditions: byType },
  [`${APPS}StatefulSetSpec`]: { volumeClaimTemplates: atomic },
  'io.k8s.api.batch.v1.JobStatus': { conditions: { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' } },
  'io.k8s.api.batch.v1.CronJobStatus': { active: atomic },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions: byType },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { metrics: atomic },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': { conditions: byType, currentMetrics: atomic },
  'io.k8s.api.rbac.v1.Role': { rules: atomic },
  'io.k8s.api.rbac.v1.ClusterRole': { rules: atomic },
  'io.k8s.api.rbac.v1.RoleBinding': { subjects: atomic },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { subjects: atomic },
  'io.k8s.api.networking.v1.IngressSpec': { rules: atomic, tls: atomic },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { ingress: atomic, egress: atomic, policyTypes: atomic },
  // Webhooks are merged by name (helm's three-way patch of a caBundle names one webhook).
  'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration': { webhooks: byName },
  'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration': { webhooks: byName },
  [`${EXT}CustomResourceDefinitionSpec`]: { versions: atomic },
  [`${EXT}CustomResourceDefinitionStatus`]: { conditions: byType },
};

/** Struct fields whose patch strategy is to keep only the keys the patch names. */
export const RETAIN_KEYS_FIELDS: Record<string, string[]> = {
  [`${APPS}DeploymentSpec`]: ['strategy'],
};

/** Structs replaced whole by apply and merge (x-kubernetes-map-type: atomic). */
export const ATOMIC_STRUCTS = new Set(
  [
    'ConfigMapKeySelector',
    'LocalObjectReference',
    'NodeSelector',
    'NodeSelectorTerm',
    'ObjectFieldSelector',
    'ObjectReference',
    'ResourceFieldSelector',
    'SecretKeySelector',
    'TopologySelectorTerm',
    'TypedLocalObjectReference',
  ]
    .map((n) => CORE + n)
    .concat([`${META}LabelSelector`]),
);

/** Strings that are resource.Quantity values (scalars, or map values for maps). */
export const QUANTITY_FIELDS: Record<string, string[]> = {
  [`${CORE}ResourceRequirements`]: ['limits', 'requests'],
  [`${CORE}VolumeResourceRequirements`]: ['limits', 'requests'],
  [`${CORE}NodeStatus`]: ['capacity', 'allocatable'],
  [`${CORE}PersistentVolumeSpec`]: ['capacity'],
  [`${CORE}PersistentVolumeClaimStatus`]: ['capacity', 'allocatedResources'],
  [`${CORE}ResourceQuotaSpec`]: ['hard'],
  [`${CORE}ResourceQuotaStatus`]: ['hard', 'used'],
  [`${CORE}LimitRangeItem`]: ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'],
  [`${CORE}EmptyDirVolumeSource`]: ['sizeLimit'],
  [`${CORE}ResourceFieldSelector`]: ['divisor'],
  [`${CORE}PodSpec`]: ['overhead'],
  [`${CORE}ContainerStatus`]: ['allocatedResources'],
  'io.k8s.api.node.v1.Overhead': ['podFixed'],
  'io.k8s.api.storage.v1.CSIStorageCapacity': ['capacity', 'maximumVolumeSize'],
  'io.k8s.api.autoscaling.v2.MetricTarget': ['value', 'averageValue'],
  'io.k8s.api.autoscaling.v2.MetricValueStatus': ['value', 'averageValue'],
  'io.k8s.api.resource.v1.Counter': ['value'],
  'io.k8s.api.resource.v1.DeviceCapacity': ['value'],
  'io.k8s.api.resource.v1.CapacityRequirements': ['requests'],
  'io.k8s.api.resource.v1.DeviceRequestAllocationResult': ['consumedCapacity'],
};

/** What client-node's untyped ('any') fields are; others default to RawExtension. */
export const ANY_FIELDS: Record<string, Record<string, string>> = {
  [`${META}ManagedFieldsEntry`]: { fieldsV1: `${META}FieldsV1` },
  [`${EXT}JSONSchemaProps`]: {
    additionalItems: `${EXT}JSONSchemaPropsOrBool`,
    additionalProperties: `${EXT}JSONSchemaPropsOrBool`,
    default: `${EXT}JSON`,
    dependencies: `${EXT}JSONSchemaPropsOrStringArray`,
    enum: `${EXT}JSON`,
    example: `${EXT}JSON`,
    items: `${EXT}JSONSchemaPropsOrArray`,
  },
  [`${EXT}CustomResourceSubresources`]: { status: `${EXT}CustomResourceSubresourceStatus` },
  'io.k8s.api.apiserverinternal.v1alpha1.StorageVersion': {
    spec: 'io.k8s.api.apiserverinternal.v1alpha1.StorageVersionSpec',
  },
};

export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

/** Descriptions for standard fields the generated .d.ts leaves without a comment. */
export const STANDARD_FIELD_DOCS: Record<string, string> = {
  metadata:
    "The object's metadata: name, namespace, labels, annotations, owners and the like. See https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  spec: 'The desired state of the object. See https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  status:
    'The most recently observed state of the object; written by the system, read-only for clients. See https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
};
