// How the kube-dns Service reaches a node's DNS server: the agent publishes an EndpointSlice
// `kube-dns-<node>` in kube-system with its own address and the DNS ports, owned by its Node
// (so it goes when the Node does). With the Service's internalTrafficPolicy Local, the proxy
// sends each node's queries to that node's server.

import type { Client } from '../../client/types.ts';
import { isNotFound } from '../../client/errors.ts';
import { ENDPOINT_SLICES, SERVICE_NAME_LABEL, type EndpointSlice } from '../proxy/types.ts';

export const DNS_NAMESPACE = 'kube-system';
export const DNS_SERVICE = 'kube-dns';
export const AGENT_MANAGER = 'agent.kubets.io';

export function dnsEndpointSlice(node: { name: string; uid?: string }, address: string, port: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${DNS_SERVICE}-${node.name}`,
      namespace: DNS_NAMESPACE,
      labels: { [SERVICE_NAME_LABEL]: DNS_SERVICE, 'endpointslice.kubernetes.io/managed-by': AGENT_MANAGER },
      ...(node.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid }] } : {}),
    },
    addressType: address.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [address], nodeName: node.name, conditions: { ready: true, serving: true, terminating: false } }],
    ports: [
      { name: 'dns', port, protocol: 'UDP' },
      { name: 'dns-tcp', port, protocol: 'TCP' },
    ],
  };
}

/** Creates or replaces this node's slice. */
export async function publishDnsEndpoint(client: Client, node: { name: string; uid?: string }, address: string, port: number): Promise<void> {
  const want = dnsEndpointSlice(node, address, port);
  const name = want.metadata!.name!;
  try {
    const have = await client.get<EndpointSlice>(ENDPOINT_SLICES, DNS_NAMESPACE, name);
    await client.update(ENDPOINT_SLICES, DNS_NAMESPACE, { ...want, metadata: { ...want.metadata, resourceVersion: have.metadata?.resourceVersion } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await client.create(ENDPOINT_SLICES, DNS_NAMESPACE, want);
  }
}
