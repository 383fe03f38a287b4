// The service controller of the local cloud provider: `type: LoadBalancer` Services without a
// loadBalancerClass (others belong to another implementation, as upstream's controller leaves
// them) get `status.loadBalancer.ingress`. Two modes:
// - a configured pool: one address per Service, kept once given; `spec.loadBalancerIP` honoured
//   when it is in the pool and free; an exhausted pool leaves the Service pending with a
//   SyncLoadBalancerFailed event, retried when something changes.
// - no pool (the default, as k3s's ServiceLB): every node's address (ExternalIP, else
//   InternalIP), shared by Services as long as their ports differ; a Service already serving
//   a port keeps it (else the older one), another asking for it stays pending.
// The finalizer `service.kubernetes.io/load-balancer-cleanup` is added before an address is
// given and removed after it is released, so a deleted Service always gives its address back.

import type { KubeObject } from '../../api/types.ts';
import type { Client, Lister, Result } from '../../client/types.ts';
import type { EventRecorder } from '../../client/events.ts';
import { isConflict, isNotFound } from '../../client/errors.ts';
import type { Pool } from './pool.ts';
import { SERVICES, type LoadBalancerIngress, type Service } from '../../node/proxy/types.ts';

export const LB_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';
export const RETRY_PENDING_MS = 30_000;

export interface NodeLike extends KubeObject {
  status?: { addresses?: Array<{ type: string; address: string }> };
}

export interface ServiceLbDeps {
  client: Client;
  services: Lister<Service>;
  nodes: Lister<NodeLike>;
  recorder: EventRecorder;
  /** Undefined: node addresses. */
  pool?: Pool;
}

export const wantsLoadBalancer = (s: Service) => s.spec?.type === 'LoadBalancer' && !s.spec.loadBalancerClass && !s.metadata?.deletionTimestamp;

/** A node's address for load-balancer traffic: its ExternalIP, else its InternalIP. */
export function nodeAddress(n: NodeLike): string | undefined {
  const a = n.status?.addresses ?? [];
  return (a.find((x) => x.type === 'ExternalIP') ?? a.find((x) => x.type === 'InternalIP'))?.address;
}

const ingressIPs = (s: Service) => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip);
const portKeys = (s: Service) => (s.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`);
const older = (a: Service, b: Service) => {
  const [ta, tb] = [a.metadata?.creationTimestamp ?? '', b.metadata?.creationTimestamp ?? ''];
  return ta !== tb ? ta < tb : `${a.metadata?.namespace}/${a.metadata?.name}` < `${b.metadata?.namespace}/${b.metadata?.name}`;
};

/** The addresses a Service should have, or why it cannot have any. Pure over the listers' state. */
export function desiredIngress(svc: Service, all: Service[], nodes: NodeLike[], pool?: Pool): { ips: string[] } | { error: string } {
  const others = all.filter((o) => o !== svc && wantsLoadBalancer(o) && !(o.metadata?.namespace === svc.metadata?.namespace && o.metadata?.name === svc.metadata?.name));
  if (!pool) {
    const ips = [...new Set(nodes.filter((n) => !n.metadata?.deletionTimestamp).map(nodeAddress).filter((ip): ip is string => !!ip))].sort();
    if (ips.length === 0) return { error: 'no node has an address to serve it' };
    const mine = new Set(portKeys(svc));
    // Who keeps a port: a Service already serving it, else the older one.
    const holds = (x: Service) => ingressIPs(x).length > 0;
    for (const o of others) {
      if (holds(svc) && !holds(o)) continue;
      if (holds(svc) === holds(o) && !older(o, svc)) continue;
      const clash = portKeys(o).find((k) => mine.has(k));
      if (clash) return { error: `port ${clash} is already used on the node addresses by ${o.metadata?.namespace}/${o.metadata?.name}` };
    }
    return { ips };
  }
  const used = new Set(others.flatMap(ingressIPs).filter((ip) => pool.has(ip)));
  const current = ingressIPs(svc).find((ip) => pool.has(ip) && !used.has(ip));
  const requested = svc.spec?.loadBalancerIP as string | undefined;
  if (requested) {
    if (!pool.has(requested)) return { error: `requested loadBalancerIP ${requested} is not in the load-balancer pool` };
    if (used.has(requested)) return { error: `requested loadBalancerIP ${requested} is already in use` };
    return { ips: [requested] };
  }
  if (current) return { ips: [current] };
  const free = pool.firstFree(used);
  if (!free) return { error: `no address left in the load-balancer pool (${used.size} of ${pool.size} in use)` };
  return { ips: [free] };
}

export function newServiceLbReconciler(d: ServiceLbDeps): (key: string) => Promise<Result> {
  const setIngress = async (svc: Service, ingress: LoadBalancerIngress[]) => {
    await d.client.patch(SERVICES, svc.metadata!.namespace!, svc.metadata!.name!, 'merge', { status: { loadBalancer: { ingress: ingress.length ? ingress : null } } }, { subresource: 'status' });
  };
  const setFinalizers = async (svc: Service, finalizers: string[]) => {
    await d.client.patch(SERVICES, svc.metadata!.namespace!, svc.metadata!.name!, 'merge', { metadata: { finalizers, resourceVersion: svc.metadata?.resourceVersion } });
  };
  return async (key) => {
    const [ns, name] = key.split('/');
    const svc = d.services.get(ns, name);
    if (!svc) return {};
    const finalizers = svc.metadata?.finalizers ?? [];
    const has = finalizers.includes(LB_FINALIZER);
    try {
      if (!wantsLoadBalancer(svc)) {
        if (!has) return {};
        d.recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
        if (ingressIPs(svc).length && !svc.metadata?.deletionTimestamp) await setIngress(svc, []);
        await setFinalizers(svc, finalizers.filter((f) => f !== LB_FINALIZER));
        d.recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
        return {};
      }
      if (!has) {
        await setFinalizers(svc, [...finalizers, LB_FINALIZER]);
        return {}; // the update brings the Service back with the finalizer
      }
      const want = desiredIngress(svc, d.services.list(), d.nodes.list(), d.pool);
      if ('error' in want) {
        d.recorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: failed to ensure load balancer: ${want.error}`);
        if (ingressIPs(svc).length && d.pool) await setIngress(svc, []);
        return { requeueAfterMs: RETRY_PENDING_MS };
      }
      const have = ingressIPs(svc);
      if (have.length === want.ips.length && have.every((ip, i) => ip === want.ips[i])) return {};
      d.recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
      await setIngress(svc, want.ips.map((ip) => ({ ip, ipMode: 'VIP' })));
      d.recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
      return {};
    } catch (e) {
      if (isNotFound(e)) return {};
      if (isConflict(e)) return { requeueAfterMs: 10 };
      throw e;
    }
  };
}
