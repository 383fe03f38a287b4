// A persistentVolumeClaim volume on the node: claim -> bound PersistentVolume -> the directory
// it names (hostPath, created for DirectoryOrCreate as the local-path provisioner asks, or a
// local volume's path, which must exist). The container gets that directory bind-mounted, so
// what it writes outlives the pod. An unbound or missing claim is a ConfigError: the pod
// worker reports FailedMount and retries until the claim is bound.

import { existsSync, mkdirSync } from 'node:fs';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/core/persistent-volume/binding.ts';
import type { Client, ResourceRef } from '../../client/types.ts';
import { ConfigError, getOrUndefined } from './api-refs.ts';

const PVCS: ResourceRef = { group: '', version: 'v1', plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true };
const PVS: ResourceRef = { group: '', version: 'v1', plural: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false };

/** The node directory behind the pod's claim `claimName` in namespace `ns`. */
export async function claimPath(client: Client, ns: string, claimName: string): Promise<string> {
  const c = (await getOrUndefined(client, PVCS, ns, claimName)) as PersistentVolumeClaim | undefined;
  if (!c) throw new ConfigError(`persistentvolumeclaim "${claimName}" not found`);
  const volumeName = c.spec?.volumeName;
  if (!volumeName || c.status?.phase !== 'Bound') throw new ConfigError(`PVC ${ns}/${claimName} has non-bound phase ("${c.status?.phase ?? 'Pending'}") or empty pvc.Spec.VolumeName ("${volumeName ?? ''}")`);
  const v = (await getOrUndefined(client, PVS, '', volumeName)) as PersistentVolume | undefined;
  if (!v) throw new ConfigError(`persistentvolume "${volumeName}" not found`);
  if (v.spec?.hostPath?.path) {
    const { path, type } = v.spec.hostPath;
    if (type === 'DirectoryOrCreate') mkdirSync(path, { recursive: true, mode: 0o777 });
    else if (!existsSync(path)) throw new ConfigError(`hostPath type check failed: ${path} is not a directory`);
    return path;
  }
  if (v.spec?.local?.path) {
    if (!existsSync(v.spec.local.path)) throw new ConfigError(`path "${v.spec.local.path}" does not exist`);
    return v.spec.local.path;
  }
  throw new ConfigError(`persistentvolume "${volumeName}" has no volume source this node can mount (hostPath or local)`);
}
