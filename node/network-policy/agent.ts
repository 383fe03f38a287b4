// NetworkPolicy on this node: Pod, Namespace and NetworkPolicy informers mark the rules dirty;
// each sync (the proxy's sync loop: one at a time, merged, periodic resync, backoff) works out
// every local pod's isolation and allows (model.ts), renders the table (rules.ts) and, when
// it differs from what was installed, installs it in one nft transaction (the proxy's
// applier). Pod status changes are frequent and mostly change nothing: those cost a render,
// not an nft call.

import { readFile, writeFile } from 'node:fs/promises';
import type { InformerFactory, Log } from '../../client/types.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Pod } from '../../api/core/pod/types.ts';
import { NftApplier, nftRunner, type NftRunner } from '../proxy/apply.ts';
import { syncLoop } from '../proxy/sync-loop.ts';
import { NAMESPACES, NETWORK_POLICIES, PODS } from '../proxy/types.ts';
import { buildPodRules, type NetworkPolicy } from './model.ts';
import { buildPolicyRuleset, POLICY_TABLE } from './rules.ts';

export const POLICY_SYNC_PERIOD_MS = 30_000;
const BRIDGE_NF = '/proc/sys/net/bridge/bridge-nf-call-iptables';

export interface PolicyAgentOptions {
  informers: InformerFactory;
  nodeName: string;
  nft?: NftRunner;
  table?: string;
  syncPeriodMs?: number;
  log?: Log;
  /** Turn on br_netfilter for this network namespace (default true). */
  bridgeNetfilter?: boolean;
}

export interface PolicyAgent {
  /** Resolves once the rules reflect everything the informers held when it was called. */
  sync(): Promise<void>;
  stop(): void;
}

/** Same-node pod traffic crosses the CNI bridge; this makes it pass the forward hook. */
export async function enableBridgeNetfilter(log?: Log): Promise<void> {
  try {
    if ((await readFile(BRIDGE_NF, 'utf8')).trim() !== '1') await writeFile(BRIDGE_NF, '1');
  } catch (e) {
    log?.error('br_netfilter is not available: NetworkPolicy does not hold between pods on one bridge', { error: String(e) });
  }
}

export function startPolicyAgent(o: PolicyAgentOptions): PolicyAgent {
  const pods = o.informers.informer<Pod & KubeObject>(PODS);
  const namespaces = o.informers.informer(NAMESPACES);
  const policies = o.informers.informer<NetworkPolicy>(NETWORK_POLICIES);
  const applier = new NftApplier(o.nft ?? nftRunner());
  const table = o.table ?? POLICY_TABLE;
  const period = o.syncPeriodMs ?? POLICY_SYNC_PERIOD_MS;
  let installed: string | undefined;
  let installedAt = 0;
  let bridgeChecked = o.bridgeNetfilter === false;

  async function syncOnce(): Promise<void> {
    if (!bridgeChecked) {
      bridgeChecked = true;
      await enableBridgeNetfilter(o.log);
    }
    const rules = buildPodRules(policies.lister.list(), pods.lister.list(), namespaces.lister.list(), o.nodeName);
    const rs = buildPolicyRuleset(rules, table);
    // The same text is not installed again, except by the periodic resync (repairs the kernel's copy).
    if (rs.text === installed && Date.now() - installedAt < period - 1000) return;
    installed = undefined;
    await applier.apply(rs);
    installed = rs.text;
    installedAt = Date.now();
  }

  const loop = syncLoop({
    what: 'network policy sync',
    ready: () => pods.hasSynced() && namespaces.hasSynced() && policies.hasSynced(),
    waitForSync: () => o.informers.waitForSync(),
    syncOnce,
    periodMs: period,
    log: o.log,
  });
  const onChange = { add: () => void loop.kick(), update: () => void loop.kick(), delete: () => void loop.kick() };
  pods.addEventHandler(onChange);
  namespaces.addEventHandler(onChange);
  policies.addEventHandler(onChange);
  return { sync: () => loop.sync(), stop: () => loop.stop() };
}
