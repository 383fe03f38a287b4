// The resources the kubelet reads and writes, and how it fetches what pods refer to.

import type { KubeObject } from '../../api/types.ts';
import type { Client, ResourceRef } from '../../client/types.ts';

export const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
export const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true };
export const SECRETS: ResourceRef = { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true };
export const SERVICES: ResourceRef = { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true };
export const SERVICE_ACCOUNTS: ResourceRef = { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true };

/** A pod's setup cannot go on until something in the API changes (a ConfigMap created, say). */
export class ConfigError extends Error {}

/** The object, or undefined when the API says 404. */
export async function getOrUndefined(client: Client, r: ResourceRef, ns: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(r, ns, name);
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  }
}

/** The string data of a ConfigMap or Secret (Secret values base64-decoded), or undefined when it does not exist. */
export async function keyData(client: Client, kind: 'configmap' | 'secret', ns: string, name: string): Promise<Record<string, Buffer> | undefined> {
  const obj = await getOrUndefined(client, kind === 'configmap' ? CONFIGMAPS : SECRETS, ns, name);
  if (!obj) return undefined;
  const out: Record<string, Buffer> = {};
  const o = obj as { data?: Record<string, string>; binaryData?: Record<string, string> };
  for (const [k, v] of Object.entries(o.data ?? {})) out[k] = kind === 'secret' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8');
  for (const [k, v] of Object.entries(o.binaryData ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}
