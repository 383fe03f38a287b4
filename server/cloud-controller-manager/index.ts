// The cloud-controller-manager of kubets' local cloud provider: the cloud node controller and
// the service (load-balancer) controller, each on its own work queue over shared informers.
// Started by `kubets server` beside the controller-manager, behind its own Lease
// (kube-system/cloud-controller-manager, server/control-plane.ts).

import type { Client, Clock, InformerFactory, Log } from '../../client/types.ts';
import { createWorkQueue } from '../../client/workqueue.ts';
import { runController } from '../../client/controller.ts';
import { createEventRecorder } from '../../client/events.ts';
import { NODES, SERVICES, type Service } from '../../node/proxy/types.ts';
import { newCloudNodeReconciler, type CloudNode } from './cloud-node.ts';
import { parsePool } from './pool.ts';
import { newServiceLbReconciler, wantsLoadBalancer, LB_FINALIZER } from './service-lb.ts';

export interface CloudControllerManagerOptions {
  client: Client;
  informers: InformerFactory;
  log: Log;
  clock: Clock;
  /** Load-balancer addresses (IPs, CIDRs, ranges); none: the nodes' addresses. */
  loadBalancerPool?: string[];
}

export function startCloudControllerManager(o: CloudControllerManagerOptions): { stop(): Promise<void> } {
  const pool = o.loadBalancerPool?.length ? parsePool(o.loadBalancerPool) : undefined;
  const services = o.informers.informer<Service>(SERVICES);
  const nodes = o.informers.informer<CloudNode>(NODES);
  const recorder = createEventRecorder({ client: o.client, component: 'service-controller', clock: o.clock, log: o.log });
  const abort = new AbortController();
  const svcQueue = createWorkQueue<string>({ clock: o.clock, name: 'service' });
  const nodeQueue = createWorkQueue<string>({ clock: o.clock, name: 'cloud-node' });
  const keyOf = (s: Service) => `${s.metadata?.namespace}/${s.metadata?.name}`;
  const ours = (s: Service) => wantsLoadBalancer(s) || (s.metadata?.finalizers ?? []).includes(LB_FINALIZER);
  // Addresses are contended: any change to a load-balanced Service (or a node, without a
  // pool) may free or take what another one waits for, so all of them are looked at again.
  const all = () => {
    for (const s of services.lister.list()) if (ours(s)) svcQueue.add(keyOf(s));
  };
  services.addEventHandler({ add: (s) => ours(s) && all(), update: (a, b) => (ours(a) || ours(b)) && all(), delete: (s) => ours(s) && all() });
  nodes.addEventHandler({
    add: (n) => (nodeQueue.add(n.metadata?.name ?? ''), pool || all()),
    update: (_a, n) => (nodeQueue.add(n.metadata?.name ?? ''), pool || all()),
    delete: () => pool || all(),
  });
  const runs: Promise<void>[] = [];
  o.informers.start();
  void o.informers.waitForSync().then(
    () => {
      if (abort.signal.aborted) return;
      runs.push(runController({ name: 'service', workers: 1, queue: svcQueue, reconcile: newServiceLbReconciler({ client: o.client, services: services.lister, nodes: nodes.lister, recorder, pool }), log: o.log, signal: abort.signal }));
      runs.push(runController({ name: 'cloud-node', workers: 1, queue: nodeQueue, reconcile: newCloudNodeReconciler({ client: o.client, nodes: nodes.lister }), log: o.log, signal: abort.signal }));
      o.log.info('cloud controllers started', { controllers: ['cloud-node', 'service'], pool: o.loadBalancerPool ?? 'node addresses' });
    },
    (e: unknown) => abort.signal.aborted || o.log.error('informers did not sync; cloud controllers not started', { err: e }),
  );
  return {
    async stop() {
      abort.abort();
      svcQueue.shutDown();
      nodeQueue.shutDown();
      await Promise.all(runs);
      await recorder.flush();
    },
  };
}
