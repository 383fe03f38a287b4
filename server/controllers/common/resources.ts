// The resources controllers work with, taken from the registry so they carry its verbs.

import { Registry } from '../../../api/registry.ts';
import type { ResourceType } from '../../../api/types.ts';

const registry = new Registry();

function must(group: string, version: string, plural: string): ResourceType {
  const rt = registry.get(group, version, plural);
  if (!rt) throw new Error(`resource ${group}/${version}/${plural} is not registered`);
  return rt;
}

export const R = {
  namespaces: must('', 'v1', 'namespaces'),
  pods: must('', 'v1', 'pods'),
  services: must('', 'v1', 'services'),
  endpoints: must('', 'v1', 'endpoints'),
  configMaps: must('', 'v1', 'configmaps'),
  secrets: must('', 'v1', 'secrets'),
  serviceAccounts: must('', 'v1', 'serviceaccounts'),
  replicationControllers: must('', 'v1', 'replicationcontrollers'),
  replicaSets: must('apps', 'v1', 'replicasets'),
  deployments: must('apps', 'v1', 'deployments'),
  statefulSets: must('apps', 'v1', 'statefulsets'),
  daemonSets: must('apps', 'v1', 'daemonsets'),
  controllerRevisions: must('apps', 'v1', 'controllerrevisions'),
  jobs: must('batch', 'v1', 'jobs'),
  cronJobs: must('batch', 'v1', 'cronjobs'),
  endpointSlices: must('discovery.k8s.io', 'v1', 'endpointslices'),
  clusterRoles: must('rbac.authorization.k8s.io', 'v1', 'clusterroles'),
} as const;

/** Every built-in resource that can be listed and deleted, preferred versions only. */
export function deletableNamespacedResources(all: readonly ResourceType[] = registry.all()): ResourceType[] {
  const seen = new Set<string>();
  const out: ResourceType[] = [];
  for (const rt of all) {
    if (!rt.namespaced || !rt.verbs.includes('list') || !rt.verbs.includes('delete')) continue;
    const id = `${rt.group}/${rt.plural}`;
    if (seen.has(id)) continue;
    const preferred = registry.preferredVersion(rt.group);
    if (preferred !== undefined && preferred !== rt.version && registry.get(rt.group, preferred, rt.plural)) continue;
    seen.add(id);
    out.push(rt);
  }
  return out;
}

export function apiVersionOf(rt: { group: string; version: string }): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

export { registry };
