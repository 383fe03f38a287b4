// Service networking of one node, started by `kubets agent` (its one seam: startNodeNetworking
// before the kubelet, stop after it): the proxy's nftables rules (node/proxy), NetworkPolicy
// (node/network-policy, its own table), the cluster DNS server (node/dns) and this node's
// endpoint of the kube-dns Service.
//
// Where DNS listens: on every address at DNS_PORT (10053, not 53, which a host's own resolver
// may hold), published in the EndpointSlice `kube-system/kube-dns-<node>` at the pod
// network's gateway address (the first address of the pod CIDR, which the CNI bridge holds):
// pods reach it, and the kube-dns Service (internalTrafficPolicy Local) DNATs 10.96.0.10:53
// there. Every part fails alone: a node without nft still runs pods, and says why.

import type { Client, Log } from '../client/types.ts';
import type { RestConfig } from '../client/rest.ts';
import { networkingClient } from './proxy/identity.ts';
import { createInformerFactory } from '../client/informer.ts';
import { startProxier, type Proxier } from './proxy/proxier.ts';
import { startPolicyAgent, type PolicyAgent } from './network-policy/agent.ts';
import { startDnsServer, type DnsServer } from './dns/server.ts';
import { upstreamFromResolvConf } from './dns/forward.ts';
import { publishDnsEndpoint } from './dns/node-endpoint.ts';
import { NODES } from './proxy/types.ts';

export const DNS_PORT = 10053;
/** The kube-dns Service address the apiserver's bootstrap creates (kubeadm's default). */
export const CLUSTER_DNS = '10.96.0.10';
export const DEFAULT_POD_CIDR = '10.88.0.0/16';

export interface NodeNetworkingOptions {
  client: Client;
  /** The node's credentials and data dir: a joined node's networking gets an identity of its
   * own from them (node/proxy/identity.ts: system:kube-proxy). */
  config?: RestConfig;
  dataDir?: string;
  nodeName: string;
  /** The pods' CIDR on this node (the CNI bridge's range). */
  podCIDR?: string;
  log: Log;
  dnsPort?: number;
  /** Turns a part off (tests of other things, machines without nft). */
  proxy?: boolean;
  dns?: boolean;
  networkPolicy?: boolean;
}

export interface NodeNetworking {
  /** The nameservers pods get with dnsPolicy ClusterFirst. */
  clusterDNS: string[];
  proxier?: Proxier;
  policy?: PolicyAgent;
  dnsServer?: DnsServer;
  stop(): Promise<void>;
}

/** The first host address of a CIDR (the bridge gateway host-local hands out). */
export function gatewayOf(cidr: string): string {
  const [addr, bits] = cidr.split('/');
  const n = addr.split('.').reduce((a, p) => a * 256 + Number(p), 0);
  const size = 2 ** (32 - Number(bits));
  const gw = Math.floor(n / size) * size + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(gw / 2 ** s) % 256).join('.');
}

export async function startNodeNetworking(o: NodeNetworkingOptions): Promise<NodeNetworking> {
  const log = o.log;
  const podCIDR = o.podCIDR ?? DEFAULT_POD_CIDR;
  const client = await networkingClient({ nodeClient: o.client, config: o.config, dataDir: o.dataDir, nodeName: o.nodeName, log }).catch((e) => {
    log.error('no identity of its own for the node\'s networking; using the node\'s (EndpointSlices, Namespaces and NetworkPolicies will be refused)', { error: String(e) });
    return o.client;
  });
  const informers = createInformerFactory(client);
  let proxier: Proxier | undefined;
  let dnsServer: DnsServer | undefined;
  let policy: PolicyAgent | undefined;
  if (o.proxy !== false) {
    proxier = startProxier({ informers, nodeName: o.nodeName, clusterCIDR: podCIDR, log });
  }
  if (o.networkPolicy ?? o.proxy !== false) {
    policy = startPolicyAgent({ informers, nodeName: o.nodeName, log });
  }
  if (o.dns !== false) {
    const port = o.dnsPort ?? DNS_PORT;
    try {
      dnsServer = await startDnsServer({ informers, host: '0.0.0.0', port, dnsIP: CLUSTER_DNS, upstream: upstreamFromResolvConf(), log });
      const node = await client.get(NODES, '', o.nodeName).catch(() => undefined);
      // Before the Node exists (first start) the slice has no owner; the next start sets it.
      await publishDnsEndpoint(client, { name: o.nodeName, uid: node?.metadata?.uid }, gatewayOf(podCIDR), port);
      log.info('cluster DNS serving', { port, endpoint: `${gatewayOf(podCIDR)}:${port}`, service: CLUSTER_DNS });
    } catch (e) {
      log.error('cluster DNS not started', { error: String(e) });
    }
  }
  informers.start();
  return {
    clusterDNS: dnsServer ? [CLUSTER_DNS] : [],
    proxier,
    policy,
    dnsServer,
    async stop() {
      // The proxy's table stays: a restarted agent resyncs over it without a gap.
      proxier?.stop();
      policy?.stop();
      await dnsServer?.close();
      informers.stop();
      if (client !== o.client) (client as { close?(): void }).close?.();
    },
  };
}
