// The repair loops of Service addresses (upstream's RepairIPAddress and the node-port repair):
// every apiserver runs them at start and then now and then. What a Service holds but storage
// does not record is recorded; what storage records and no Service holds has leaked (a write
// that failed after its reservation, a release that did not reach etcd) and is freed, but
// only once it has looked leaked on several passes in a row: a Service being created holds
// its addresses a moment before it is stored.

import type { KubeObject } from '../../../api/types.ts';
import type { Log } from '../../../client/types.ts';
import type { IpRange } from '../../../api/core/service/ip-range.ts';
import { ipAddressFor, IP_ALLOCATOR, MANAGED_BY_LABEL, ownedBy, type IPAddressAccess } from './address-book.ts';
import type { NodePortRange } from './node-port-range.ts';

export interface RepairDeps {
  /** Live (quorum) reads, not the watch cache. */
  listServices(): Promise<KubeObject[]>;
  listIPAddresses(): Promise<KubeObject[]>;
  ips: IPAddressAccess;
  ports: NodePortRange;
  range: IpRange;
  log: Log;
}

/** Passes an address must look leaked on before it is freed (upstream: 3 for ports). */
export const PASSES_BEFORE_FREE = 3;

export interface RepairResult {
  ipsRecorded: number;
  ipsFreed: number;
  portsRecorded: number;
  portsFreed: number;
  /** Addresses two Services hold (nothing can fix them; they are logged). */
  duplicates: string[];
}

interface SvcSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: { nodePort?: number }[];
}

export class AllocationRepair {
  /** Leaked IPAddress uid / node port -> passes it has looked leaked on. */
  private readonly leakedIps = new Map<string, number>();
  private readonly leakedPorts = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RepairDeps) {}

  async runOnce(): Promise<RepairResult> {
    const { deps } = this;
    const result: RepairResult = { ipsRecorded: 0, ipsFreed: 0, portsRecorded: 0, portsFreed: 0, duplicates: [] };
    // IPAddresses first: an IPAddress made after this read for a Service stored after the
    // Service read below is not judged on this pass.
    const addresses = await deps.listIPAddresses();
    const services = await deps.listServices();
    const holder = new Map<string, KubeObject>();
    const usedPorts = new Map<number, string>();
    for (const svc of services) {
      const spec = (svc.spec ?? {}) as SvcSpec;
      const id = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) {
        if (ip === 'None' || !deps.range.contains(ip)) continue;
        if (holder.has(ip)) result.duplicates.push(ip);
        holder.set(ip, svc);
      }
      for (const p of spec.ports ?? []) {
        if (!p.nodePort || p.nodePort < deps.ports.range[0] || p.nodePort > deps.ports.range[1]) continue;
        if (usedPorts.has(p.nodePort) && usedPorts.get(p.nodePort) !== id) result.duplicates.push(String(p.nodePort));
        usedPorts.set(p.nodePort, id);
      }
    }
    const byName = new Map(addresses.map((a) => [a.metadata!.name!, a]));
    for (const [ip, svc] of holder) {
      const owner = { namespace: svc.metadata!.namespace!, name: svc.metadata!.name! };
      const existing = byName.get(ip);
      if (!existing) {
        deps.log.warn('Service cluster IP was not recorded; recording it', { ip, service: `${owner.namespace}/${owner.name}`, reason: 'ClusterIPNotAllocated' });
        await deps.ips.create(ipAddressFor(ip, owner)).then(
          () => result.ipsRecorded++,
          () => undefined,
        );
      } else if (!ownedBy(existing, owner)) {
        deps.log.warn('Service cluster IP is recorded for another Service', { ip, service: `${owner.namespace}/${owner.name}`, reason: 'ClusterIPAlreadyAllocated' });
        result.duplicates.push(ip);
      }
    }
    const seen = new Set<string>();
    for (const a of addresses) {
      if (a.metadata?.labels?.[MANAGED_BY_LABEL] !== IP_ALLOCATOR) continue;
      const svc = holder.get(a.metadata.name!);
      const parent = svc && { namespace: svc.metadata!.namespace!, name: svc.metadata!.name! };
      if (parent && ownedBy(a, parent)) continue;
      const uid = a.metadata.uid!;
      seen.add(uid);
      const passes = (this.leakedIps.get(uid) ?? 0) + 1;
      this.leakedIps.set(uid, passes);
      if (passes >= PASSES_BEFORE_FREE) {
        deps.log.info('freeing a leaked cluster IP', { ip: a.metadata.name });
        await deps.ips.delete(a.metadata.name!, uid).then(
          () => result.ipsFreed++,
          () => undefined,
        );
        this.leakedIps.delete(uid);
      }
    }
    for (const uid of this.leakedIps.keys()) if (!seen.has(uid)) this.leakedIps.delete(uid);

    // Leak counts from one read; the swap below may run again on a conflict and must not count twice.
    const marked = await deps.ports.inUse();
    const toFree: number[] = [];
    for (const p of [...this.leakedPorts.keys()]) if (!marked.has(p) || usedPorts.has(p)) this.leakedPorts.delete(p);
    for (const p of marked) {
      if (usedPorts.has(p)) continue;
      const passes = (this.leakedPorts.get(p) ?? 0) + 1;
      this.leakedPorts.set(p, passes);
      if (passes >= PASSES_BEFORE_FREE) toFree.push(p);
    }
    const counted = await deps.ports.modify((used) => {
      let recorded = 0;
      let freed = 0;
      for (const p of usedPorts.keys()) {
        if (!deps.ports.has(used, p)) {
          deps.ports.set(used, p, true);
          recorded++;
        }
      }
      for (const p of toFree) {
        if (deps.ports.has(used, p)) {
          deps.ports.set(used, p, false);
          freed++;
        }
      }
      return { result: { recorded, freed }, changed: recorded + freed > 0 };
    });
    for (const p of toFree) this.leakedPorts.delete(p);
    result.portsRecorded = counted.recorded;
    result.portsFreed = counted.freed;
    if (result.duplicates.length) deps.log.warn('addresses held by more than one Service', { addresses: result.duplicates.join(',') });
    return result;
  }

  /** Runs a pass every intervalMs (upstream: 3 minutes) until stop(). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.runOnce().catch((e) => this.deps.log.warn('Service address repair failed', { err: e as Error }));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
