// The registry of every resource kubets serves: the built-in kinds below, plus whatever is
// registered at runtime (CustomResourceDefinitions go through the same register/unregister).
// Discovery order follows upstream's APIService priorities, so /apis lists groups as a real
// cluster does and clients pick the same preferred versions.

import type { ResourceType } from './types.ts';
import { mutatingWebhookConfigurations } from './admissionregistration/mutating-webhook-configuration/index.ts';
import { validatingAdmissionPolicyBindings } from './admissionregistration/validating-admission-policy-binding/index.ts';
import { validatingAdmissionPolicies } from './admissionregistration/validating-admission-policy/index.ts';
import { validatingWebhookConfigurations } from './admissionregistration/validating-webhook-configuration/index.ts';
import { customResourceDefinitions } from './apiextensions/custom-resource-definition/index.ts';
import { apiServices } from './apiregistration/api-service/index.ts';
import { controllerRevisions } from './apps/controller-revision/index.ts';
import { daemonSets } from './apps/daemon-set/index.ts';
import { deployments } from './apps/deployment/index.ts';
import { replicaSets } from './apps/replica-set/index.ts';
import { statefulSets } from './apps/stateful-set/index.ts';
import { selfSubjectReviews } from './authentication/self-subject-review/index.ts';
import { tokenReviews } from './authentication/token-review/index.ts';
import { localSubjectAccessReviews } from './authorization/local-subject-access-review/index.ts';
import { selfSubjectAccessReviews } from './authorization/self-subject-access-review/index.ts';
import { selfSubjectRulesReviews } from './authorization/self-subject-rules-review/index.ts';
import { subjectAccessReviews } from './authorization/subject-access-review/index.ts';
import { horizontalPodAutoscalersV1, horizontalPodAutoscalersV2 } from './autoscaling/horizontal-pod-autoscaler/index.ts';
import { cronJobs } from './batch/cron-job/index.ts';
import { jobs } from './batch/job/index.ts';
import { certificateSigningRequests } from './certificates/certificate-signing-request/index.ts';
import { leases } from './coordination/lease/index.ts';
import { bindings } from './core/binding/index.ts';
import { componentStatuses } from './core/component-status/index.ts';
import { configMaps } from './core/config-map/index.ts';
import { endpoints } from './core/endpoints/index.ts';
import { events } from './core/event/index.ts';
import { limitRanges } from './core/limit-range/index.ts';
import { namespaces } from './core/namespace/index.ts';
import { nodes } from './core/node/index.ts';
import { persistentVolumeClaims } from './core/persistent-volume-claim/index.ts';
import { persistentVolumes } from './core/persistent-volume/index.ts';
import { podTemplates } from './core/pod-template/index.ts';
import { pods } from './core/pod/index.ts';
import { replicationControllers } from './core/replication-controller/index.ts';
import { resourceQuotas } from './core/resource-quota/index.ts';
import { secrets } from './core/secret/index.ts';
import { serviceAccounts } from './core/service-account/index.ts';
import { services } from './core/service/index.ts';
import { endpointSlices } from './discovery/endpoint-slice/index.ts';
import { eventsV1 } from './events/event/index.ts';
import { flowSchemas } from './flowcontrol/flow-schema/index.ts';
import { priorityLevelConfigurations } from './flowcontrol/priority-level-configuration/index.ts';
import { ingressClasses } from './networking/ingress-class/index.ts';
import { ingresses } from './networking/ingress/index.ts';
import { ipAddresses } from './networking/ip-address/index.ts';
import { networkPolicies } from './networking/network-policy/index.ts';
import { serviceCIDRs } from './networking/service-cidr/index.ts';
import { runtimeClasses } from './node/runtime-class/index.ts';
import { podDisruptionBudgets } from './policy/pod-disruption-budget/index.ts';
import { clusterRoleBindings } from './rbac/cluster-role-binding/index.ts';
import { clusterRoles } from './rbac/cluster-role/index.ts';
import { roleBindings } from './rbac/role-binding/index.ts';
import { roles } from './rbac/role/index.ts';
import { priorityClasses } from './scheduling/priority-class/index.ts';
import { csiDrivers } from './storage/csi-driver/index.ts';
import { csiNodes } from './storage/csi-node/index.ts';
import { csiStorageCapacities } from './storage/csi-storage-capacity/index.ts';
import { storageClasses } from './storage/storage-class/index.ts';
import { volumeAttachments } from './storage/volume-attachment/index.ts';
import { volumeAttributesClasses } from './storage/volume-attributes-class/index.ts';

/** Every built-in resource kubets serves, as a v1.34 cluster does. */
export const builtinResources: ResourceType[] = [
  pods, services, endpoints, configMaps, secrets, namespaces, nodes, serviceAccounts, events,
  persistentVolumes, persistentVolumeClaims, limitRanges, resourceQuotas, replicationControllers,
  podTemplates, componentStatuses, bindings, deployments, replicaSets, statefulSets, daemonSets,
  controllerRevisions, jobs, cronJobs, horizontalPodAutoscalersV1, horizontalPodAutoscalersV2,
  ingresses, ingressClasses, networkPolicies, ipAddresses, serviceCIDRs, podDisruptionBudgets,
  roles, roleBindings, clusterRoles, clusterRoleBindings, storageClasses, volumeAttachments,
  csiDrivers, csiNodes, csiStorageCapacities, volumeAttributesClasses, priorityClasses, leases,
  endpointSlices, eventsV1, runtimeClasses, certificateSigningRequests,
  mutatingWebhookConfigurations, validatingWebhookConfigurations, validatingAdmissionPolicies,
  validatingAdmissionPolicyBindings, customResourceDefinitions, flowSchemas,
  priorityLevelConfigurations, tokenReviews, selfSubjectReviews, localSubjectAccessReviews,
  selfSubjectAccessReviews, selfSubjectRulesReviews, subjectAccessReviews, apiServices,
];

/**
 * Group priorities as upstream's kube-apiserver registers its local APIServices: higher first,
 * ties by name. Groups not listed (CRDs) get CUSTOM_GROUP_PRIORITY, as upstream gives them.
 */
const GROUP_PRIORITY: Record<string, number> = {
  '': 18000,
  'apiregistration.k8s.io': 18000,
  apps: 17800,
  'events.k8s.io': 17750,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  autoscaling: 17500,
  batch: 17400,
  'certificates.k8s.io': 17300,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'storage.k8s.io': 16800,
  'admissionregistration.k8s.io': 16700,
  'apiextensions.k8s.io': 16700,
  'scheduling.k8s.io': 16600,
  'coordination.k8s.io': 16500,
  'node.k8s.io': 16300,
  'discovery.k8s.io': 16200,
  'flowcontrol.apiserver.k8s.io': 16100,
};
const CUSTOM_GROUP_PRIORITY = 1000;
/** Version priorities within a group where they differ from the default of 15 (built-in GA). */
const VERSION_PRIORITY: Record<string, number> = { 'autoscaling/v2': 30 };
const BUILTIN_VERSION_PRIORITY = 15;
const CUSTOM_VERSION_PRIORITY = 100;

/** A group's priority in discovery (upstream's groupPriorityMinimum of its local APIServices). */
export function groupPriority(group: string): number {
  return GROUP_PRIORITY[group] ?? CUSTOM_GROUP_PRIORITY;
}

/** Whether kubets serves the group itself from the start (not a CRD's). */
export function isBuiltinGroup(group: string): boolean {
  return group in GROUP_PRIORITY;
}

/** A version's priority within its group (upstream's versionPriority of its local APIService). */
export function versionPriority(group: string, version: string): number {
  return VERSION_PRIORITY[`${group}/${version}`] ?? (isBuiltinGroup(group) ? BUILTIN_VERSION_PRIORITY : CUSTOM_VERSION_PRIORITY);
}

export interface GroupVersions {
  /** '' for the core group (served under /api). */
  group: string;
  /** Most preferred first. */
  versions: string[];
  preferredVersion: string;
}

const VERSION_RE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Orders version names as Kubernetes does: GA before beta before alpha, higher numbers first
 * within each; names that are not Kubernetes-style versions come last, alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const ma = VERSION_RE.exec(a);
  const mb = VERSION_RE.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const rank = (m: RegExpExecArray): number => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  if (rank(ma) !== rank(mb)) return rank(mb) - rank(ma);
  if (ma[1] !== mb[1]) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

function key(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

export class Registry {
  readonly #byKey = new Map<string, ResourceType>();
  readonly #listeners = new Set<() => void>();
  #revision = 0;
  #preferred: { revision: number; byGroup: Map<string, string> } | undefined;

  constructor(resources: readonly ResourceType[] = builtinResources) {
    for (const rt of resources) this.#byKey.set(key(rt.group, rt.version, rt.plural), rt);
  }

  /** Adds a resource, replacing one with the same group, version and plural (CRD updates). */
  register(rt: ResourceType): void {
    this.update([], [rt]);
  }

  /** Removes a resource; true when it was there. */
  unregister(group: string, version: string, plural: string): boolean {
    const rt = this.get(group, version, plural);
    if (rt) this.update([rt], []);
    return rt !== undefined;
  }

  /**
   * Removes and adds resources in one step (a CRD's versions changing), then tells every
   * listener once: discovery, OpenAPI and the watch caches follow from there.
   */
  update(remove: readonly ResourceType[], add: readonly ResourceType[]): void {
    for (const rt of remove) {
      const k = key(rt.group, rt.version, rt.plural);
      if (this.#byKey.get(k) === rt) this.#byKey.delete(k);
    }
    for (const rt of add) this.#byKey.set(key(rt.group, rt.version, rt.plural), rt);
    this.#revision++;
    for (const fn of this.#listeners) fn();
  }

  /** Calls `fn` after every change; returns the function that stops it. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Counts changes: equal revisions mean the same set of resources. */
  get revision(): number {
    return this.#revision;
  }

  get(group: string, version: string, plural: string): ResourceType | undefined {
    return this.#byKey.get(key(group, version, plural));
  }

  /** The resource (not a subresource) serving a kind in a group version. */
  byKind(group: string, version: string, kind: string): ResourceType | undefined {
    for (const rt of this.#byKey.values()) {
      if (rt.group === group && rt.version === version && rt.kind === kind) return rt;
    }
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.#byKey.values()];
  }

  /** The resources of one group version, sorted by plural as discovery lists them. */
  resources(group: string, version: string): ResourceType[] {
    return this.all()
      .filter((rt) => rt.group === group && rt.version === version)
      .sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
  }

  /**
   * Resolves what a user typed (plural, singular or short name, case-insensitive), optionally
   * within a group, as kubectl does: matches in discovery order, so the first is in the most
   * preferred group and version.
   */
  find(name: string, group?: string): ResourceType[] {
    const n = name.toLowerCase();
    const out: ResourceType[] = [];
    for (const gv of this.groupVersions()) {
      if (group !== undefined && gv.group !== group) continue;
      for (const version of gv.versions) {
        for (const rt of this.resources(gv.group, version)) {
          if (rt.plural === n || rt.singular === n || (rt.shortNames ?? []).includes(n)) out.push(rt);
        }
      }
    }
    return out;
  }

  preferredVersion(group: string): string | undefined {
    // Asked on every admission read of the cluster: computed once per set of resources.
    if (this.#preferred?.revision !== this.#revision) {
      this.#preferred = { revision: this.#revision, byGroup: new Map(this.groupVersions().map((gv) => [gv.group, gv.preferredVersion])) };
    }
    return this.#preferred.byGroup.get(group);
  }

  /** Every served group with its versions, core first, in upstream's discovery order. */
  groupVersions(): GroupVersions[] {
    const versions = new Map<string, Set<string>>();
    for (const rt of this.#byKey.values()) {
      let set = versions.get(rt.group);
      if (!set) versions.set(rt.group, (set = new Set()));
      set.add(rt.version);
    }
    const groups = [...versions.keys()].sort((a, b) => {
      if (a === '' || b === '') return a === '' ? -1 : 1;
      const d = groupPriority(b) - groupPriority(a);
      return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
    });
    return groups.map((group) => {
      const prio = (v: string): number => versionPriority(group, v);
      const vs = [...(versions.get(group) ?? [])].sort((a, b) => prio(b) - prio(a) || compareKubeVersions(a, b));
      return { group, versions: vs, preferredVersion: vs[0] ?? '' };
    });
  }
}
