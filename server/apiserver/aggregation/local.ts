// The local APIServices upstream's kube-apiserver registers for every group version it serves
// itself (built-in groups at start, labelled automanaged=onstart; CRD groups as they come and
// go, automanaged=true), so `kubectl get apiservices` lists them as on a real cluster.

import { groupPriority, isBuiltinGroup, versionPriority, type GroupVersions } from '../../../api/registry.ts';
import { AUTOMANAGED_LABEL, type APIService } from './types.ts';

export function apiServiceName(group: string, version: string): string {
  return `${version}.${group}`;
}

export function localAPIServices(gvs: GroupVersions[]): APIService[] {
  const out: APIService[] = [];
  for (const { group, versions } of gvs) {
    for (const version of versions) {
      out.push({
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: apiServiceName(group, version), labels: { [AUTOMANAGED_LABEL]: isBuiltinGroup(group) ? 'onstart' : 'true' } },
        spec: { ...(group ? { group } : {}), version, groupPriorityMinimum: groupPriority(group), versionPriority: versionPriority(group, version) },
      });
    }
  }
  return out;
}

/** Whether a stored local APIService needs its spec brought back to what it should be. */
export function localSpecDiffers(have: APIService, want: APIService): boolean {
  const a = have.spec;
  const b = want.spec;
  return !!a.service || (a.group ?? '') !== (b.group ?? '') || a.version !== b.version || a.groupPriorityMinimum !== b.groupPriorityMinimum || a.versionPriority !== b.versionPriority;
}
