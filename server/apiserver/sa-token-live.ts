// Whether a service-account token whose signature verified still stands for someone, as
// upstream's token validator decides: its ServiceAccount exists with the uid it names and is
// not being deleted; a bound token's Pod, Secret or Node likewise; a legacy token's Secret
// still holds exactly this token. A token outlives nothing it was bound to.

import type { KubeObject } from '../../api/types.ts';
import type { ServiceAccountIdentity } from '../pki/sa-token.ts';

/** Reads an object from the watch cache (group, plural, namespace, name); undefined when absent. */
export type Lookup = (group: string, plural: string, namespace: string, name: string) => Promise<KubeObject | undefined>;

function alive(obj: KubeObject | undefined, uid: string | undefined): boolean {
  if (!obj || obj.metadata?.deletionTimestamp) return false;
  return !uid || obj.metadata?.uid === uid;
}

export async function serviceAccountTokenLive(sa: ServiceAccountIdentity, token: string, lookup: Lookup): Promise<boolean> {
  const account = await lookup('', 'serviceaccounts', sa.namespace, sa.name);
  if (!alive(account, sa.uid)) return false;
  if (sa.pod && !alive(await lookup('', 'pods', sa.namespace, sa.pod.name), sa.pod.uid)) return false;
  if (sa.secret && !alive(await lookup('', 'secrets', sa.namespace, sa.secret.name), sa.secret.uid)) return false;
  if (sa.node && !alive(await lookup('', 'nodes', '', sa.node.name), sa.node.uid)) return false;
  if (sa.legacySecretName) {
    const secret = await lookup('', 'secrets', sa.namespace, sa.legacySecretName);
    if (!alive(secret, undefined) || secret!.type !== 'kubernetes.io/service-account-token') return false;
    const held = (secret!.data as Record<string, string> | undefined)?.token;
    if (!held || Buffer.from(held, 'base64').toString('utf8') !== token) return false;
    if (secret!.metadata?.annotations?.['kubernetes.io/service-account.name'] !== sa.name) return false;
  }
  return true;
}
