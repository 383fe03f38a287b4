// The cloud node controller of the local provider: a Node registered by a kubelet started
// with an external cloud provider carries the taint node.cloudprovider.kubernetes.io/
// uninitialized (NoSchedule); this controller fills in what the "cloud" knows — providerID
// `kubets://<node>`, the instance-type label, the addresses (from the annotations
// kubets.io/internal-ip and kubets.io/external-ip, else alpha.kubernetes.io/provided-node-ip,
// else the ones the kubelet reported) — and then removes the taint, as upstream's does.
// Addresses of initialized Nodes are kept in line with the annotations too.

import type { KubeObject } from '../../api/types.ts';
import type { Client, Lister, Result } from '../../client/types.ts';
import { isConflict, isNotFound } from '../../client/errors.ts';
import { NODES } from '../../node/proxy/types.ts';

export const UNINITIALIZED_TAINT = 'node.cloudprovider.kubernetes.io/uninitialized';
export const PROVIDER = 'kubets';
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
export const INTERNAL_IP_ANNOTATION = 'kubets.io/internal-ip';
export const EXTERNAL_IP_ANNOTATION = 'kubets.io/external-ip';
export const PROVIDED_NODE_IP_ANNOTATION = 'alpha.kubernetes.io/provided-node-ip';

interface Address {
  type: string;
  address: string;
}

export interface CloudNode extends KubeObject {
  spec?: { providerID?: string; taints?: Array<{ key: string; value?: string; effect: string }> };
  status?: { addresses?: Address[] };
}

/** The addresses the provider reports for a Node (undefined: keep what the kubelet reported). */
export function cloudAddresses(node: CloudNode): Address[] | undefined {
  const ann = node.metadata?.annotations ?? {};
  const split = (v?: string) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const internal = split(ann[INTERNAL_IP_ANNOTATION] ?? ann[PROVIDED_NODE_IP_ANNOTATION]);
  const external = split(ann[EXTERNAL_IP_ANNOTATION]);
  if (internal.length === 0 && external.length === 0) return undefined;
  // Only an external address given: the kubelet's internal ones stay.
  const internals = internal.length ? internal.map((address) => ({ type: 'InternalIP', address })) : (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP');
  return [
    ...internals,
    ...external.map((address) => ({ type: 'ExternalIP', address })),
    { type: 'Hostname', address: node.metadata?.name ?? '' },
  ];
}

const sameAddresses = (a: Address[] = [], b: Address[] = []) => a.length === b.length && a.every((x, i) => x.type === b[i].type && x.address === b[i].address);

export function newCloudNodeReconciler(d: { client: Client; nodes: Lister<CloudNode> }): (key: string) => Promise<Result> {
  return async (name) => {
    const node = d.nodes.get('', name);
    if (!node || node.metadata?.deletionTimestamp) return {};
    try {
      const addresses = cloudAddresses(node);
      if (addresses && !sameAddresses(addresses, node.status?.addresses)) {
        await d.client.patch(NODES, '', name, 'merge', { status: { addresses } }, { subresource: 'status' });
      }
      const taints = node.spec?.taints ?? [];
      if (!taints.some((t) => t.key === UNINITIALIZED_TAINT)) return {};
      await d.client.patch(NODES, '', name, 'merge', {
        metadata: { labels: { [INSTANCE_TYPE_LABEL]: PROVIDER }, resourceVersion: node.metadata?.resourceVersion },
        spec: { providerID: node.spec?.providerID ?? `${PROVIDER}://${name}`, taints: taints.filter((t) => t.key !== UNINITIALIZED_TAINT) },
      });
      return {};
    } catch (e) {
      if (isNotFound(e)) return {};
      if (isConflict(e)) return { requeueAfterMs: 10 };
      throw e;
    }
  };
}
