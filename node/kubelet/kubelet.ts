// The kubelet: registers the Node, keeps its Lease and status fresh (../common/heartbeat.ts),
// watches the pods bound to it and runs one PodWorker per pod. A relist of the runtime every
// second (upstream's PLEG) wakes the worker of any pod whose containers changed state, and
// removes sandboxes whose pod is gone. On start it adopts the sandboxes it finds (a restart of
// the agent or of containerd leaves pods running).

import { readFileSync } from 'node:fs';
import type { Pod } from '../../api/core/pod/types.ts';
import type { KubeObject } from '../../api/types.ts';
import { createEventRecorder } from '../../client/events.ts';
import { createInformerFactory } from '../../client/informer.ts';
import type { Client, Log } from '../../client/types.ts';
import { systemClock } from '../../client/clock.ts';
import { heartbeatNode, LEASE_RENEW_MS, nodeHeartbeat, NODES } from '../common/heartbeat.ts';
import { nodeConditions } from '../common/node-status.ts';
import type { CriClient } from '../cri/client.ts';
import { getOrUndefined, PODS, SERVICES } from './api-refs.ts';
import { isStatusEcho } from './pod-api.ts';
import { shortLived } from './short-lived.ts';
import { createImageManager } from './images.ts';
import { buildKubeletNode, nodeResources } from './node-info.ts';
import { PodWorker } from './pod-worker.ts';
import { admit } from './admission.ts';
import { patchPodStatus } from './pod-api.ts';
import { MANAGED_LABEL, POD_UID_LABEL } from './runtime-spec.ts';
import { parseQuantity } from '../../api/core/pod/quantity.ts';
import { MIRROR_ANNOTATION, FILE_CHECK_MS, staticPods } from './static-pods.ts';

export interface KubeletOptions {
  client: Client;
  cri: CriClient;
  nodeName: string;
  hostIP: string;
  dataDir: string;
  log: Log;
  caPem?: string;
  /** The port the kubelet's HTTPS server listens on (daemonEndpoints); 10250 by default. */
  kubeletPort?: number;
  podCIDR?: string;
  /** The kube-dns Service address(es) pods with dnsPolicy ClusterFirst get (none: the node's resolv.conf). */
  dnsServers?: string[];
  /** The node's resolv.conf (upstream's --resolv-conf); /etc/resolv.conf by default. */
  resolvConf?: string;
  /** How often the runtime is relisted; 1 s by default. */
  relistMs?: number;
  /** How often running pods' file volumes are refreshed (upstream's --sync-frequency); 60 s by default. */
  syncFrequencyMs?: number;
  /** Static pod manifests (staticPodPath); DATA_DIR/manifests by default. */
  manifestDir?: string;
}

export interface Kubelet {
  ready: Promise<void>;
  /** The pod workers by pod uid (the kubelet's server finds containers through them). */
  workers: ReadonlyMap<string, PodWorker>;
  stop(): Promise<void>;
}

const PENDING_DELETE_GRACE = 30;
/** How long one read of the `kubernetes` Service serves the environment of containers starting (upstream reads it from an informer). */
const KUBERNETES_SERVICE_TTL_MS = 10_000;

/** Upstream's default --cluster-domain (what kube-dns serves). */
const CLUSTER_DOMAIN = 'cluster.local';

function readHostResolvConf(path: string, log: Log): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    log.warn('the node has no resolv.conf: pods with dnsPolicy Default get none', { path, err: String(e) });
    return '';
  }
}

export function startKubelet(opts: KubeletOptions): Kubelet {
  const { client, cri, log, nodeName } = opts;
  let stopped = false;
  const podsDir = `${opts.dataDir}/pods`;
  const alloc = nodeResources(opts.dataDir);
  const events = createEventRecorder({ client, component: 'kubelet', host: nodeName, log });
  const ctx = {
    client,
    cri,
    events,
    images: createImageManager(cri.image),
    log,
    nodeName,
    hostIP: opts.hostIP,
    podsDir,
    caPem: opts.caPem,
    dns: { clusterDNS: opts.dnsServers ?? [], clusterDomain: CLUSTER_DOMAIN, hostResolvConf: readHostResolvConf(opts.resolvConf ?? '/etc/resolv.conf', log) },
    allocatable: { cpu: Number(alloc.cpu), memory: parseQuantity(alloc.memory) ?? 0 },
    kubernetesService: shortLived(KUBERNETES_SERVICE_TTL_MS, () => getOrUndefined(client, SERVICES, 'default', 'kubernetes')),
    syncFrequencyMs: opts.syncFrequencyMs ?? 60_000,
    stopped: () => stopped,
  };
  const workers = new Map<string, PodWorker>();
  const adoptable = new Map<string, { sandboxId: string; attempt: number }>();
  const nodeFactory = createInformerFactory(client, { log });
  const nodeInformer = nodeFactory.informer<KubeObject>(NODES);
  // Only this node's pods, as upstream's kubelet watches them.
  const podFactory = createInformerFactory(
    {
      ...client,
      list: (r, ns, o) => client.list(r, ns, r.plural === 'pods' ? { ...o, fieldSelector: `spec.nodeName=${nodeName}` } : o),
      watch: (r, ns, o, cb) => client.watch(r, ns, r.plural === 'pods' ? { ...o, fieldSelector: `spec.nodeName=${nodeName}` } : o, cb),
    },
    { log },
  );
  const podInformer = podFactory.informer<Pod>(PODS);
  let runtimeDown: string | undefined;
  const heartbeat = nodeHeartbeat({
    client,
    clock: systemClock,
    log,
    nodes: nodeInformer.lister,
    conditions: (now, current) => nodeConditions(now, current, runtimeDown ? { status: 'False', message: runtimeDown } : undefined),
  });
  const hb = heartbeatNode(nodeName);
  const timers: NodeJS.Timeout[] = [];

  function onPod(pod: Pod): void {
    if (stopped) return;
    const uid = pod.metadata?.uid ?? '';
    let w = workers.get(uid);
    if (pod.metadata?.deletionTimestamp) {
      if (!w) w = new PodWorker(ctx, pod, adoptable.get(uid));
      workers.set(uid, w);
      w.pod = pod;
      const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? PENDING_DELETE_GRACE;
      void w.terminate(grace, true).finally(() => workers.delete(uid));
      return;
    }
    if (!w) {
      const phase = pod.status?.phase;
      if ((phase === 'Succeeded' || phase === 'Failed') && !adoptable.has(uid)) return;
      if (!adoptable.has(uid) && (!phase || phase === 'Pending') && !admitted(pod)) return;
      w = new PodWorker(ctx, pod, adoptable.get(uid));
      adoptable.delete(uid);
      workers.set(uid, w);
    } else {
      // Only a status change, holding what the worker reported (the echo of its own write): nothing
      // new for it. (Upstream's pod worker syncs from its runtime cache; ours would ask the runtime.)
      if (!pod.metadata?.deletionTimestamp && isStatusEcho(w.pod, pod, w.reported)) {
        if (Number(pod.metadata?.resourceVersion ?? 0) >= Number(w.pod.metadata?.resourceVersion ?? 0)) w.pod = pod;
        return;
      }
      // Keep our own newer status: an informer event may carry an older one.
      w.pod = { ...pod, status: Number(pod.metadata?.resourceVersion ?? 0) >= Number(w.pod.metadata?.resourceVersion ?? 0) ? pod.status : w.pod.status };
    }
    w.schedule();
  }

  /** Resource admission (admission.ts): a pod that does not fit beside the others is rejected, Failed. */
  const rejected = new Set<string>();
  function admitted(pod: Pod): boolean {
    const uid = pod.metadata?.uid ?? '';
    if (rejected.has(uid)) return false;
    const active = [...workers.values()].filter((w) => !w.terminating && w.pod.status?.phase !== 'Succeeded' && w.pod.status?.phase !== 'Failed').map((w) => w.pod);
    const r = admit(pod, active, alloc);
    if (!r) return true;
    rejected.add(uid);
    events.event(pod, 'Warning', r.reason, r.message);
    void patchPodStatus(client, log, pod, uid, { phase: 'Failed', reason: r.reason, message: `Pod was rejected: ${r.message}` });
    return false;
  }

  podInformer.addEventHandler({
    add: onPod,
    update: (_o, p) => onPod(p),
    delete: (pod) => {
      rejected.delete(pod.metadata?.uid ?? '');
      const w = workers.get(pod.metadata?.uid ?? '');
      if (w && !w.terminating) void w.terminate(1, false).finally(() => workers.delete(w.uid));
    },
  });

  /** PLEG: one ListContainers a second; a container whose state changed wakes its pod. */
  const seen = new Map<string, string>();
  async function relist(): Promise<void> {
    let list;
    try {
      list = await cri.runtime.listContainers({ labelSelector: { [MANAGED_LABEL]: nodeName } });
      runtimeDown = undefined;
    } catch (e) {
      runtimeDown = `container runtime is down: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    const now = new Set<string>();
    for (const c of list) {
      now.add(c.id);
      if (seen.get(c.id) !== c.state) {
        seen.set(c.id, c.state);
        // Not for a state its worker acted on already (the container it just started, running).
        const w = workers.get(c.labels[POD_UID_LABEL]);
        if (w && w.actedOn.get(c.id) !== c.state) w.schedule();
      }
    }
    for (const id of seen.keys()) if (!now.has(id)) seen.delete(id);
  }

  /** Sandboxes of ours whose pod this kubelet no longer has: torn down. */
  async function removeOrphans(): Promise<void> {
    if (!podInformer.hasSynced()) return;
    const sandboxes = await cri.runtime.listPodSandbox({ labelSelector: { [MANAGED_LABEL]: nodeName } }).catch(() => []);
    for (const s of sandboxes) {
      const uid = s.labels[POD_UID_LABEL];
      if (workers.has(uid) || adoptable.has(uid)) continue;
      const w = workers.get(uid) ?? new PodWorker(ctx, { metadata: { uid, name: s.metadata.name, namespace: s.metadata.namespace } }, { sandboxId: s.id, attempt: s.metadata.attempt });
      log.info('removing a sandbox whose pod is gone', { pod: `${s.metadata.namespace}/${s.metadata.name}`, sandbox: s.id.slice(0, 12) });
      await w.terminate(1, false).catch(() => undefined);
    }
  }

  function every(ms: number, fn: () => Promise<void>): void {
    const loop = async () => {
      if (stopped) return;
      await fn().catch((e) => log.warn('kubelet loop failed', { err: e instanceof Error ? e.message : String(e) }));
      if (!stopped) timers.push(setTimeout(() => void loop(), ms));
    };
    timers.push(setTimeout(() => void loop(), ms));
  }

  const ready = (async () => {
    const version = await cri.runtime.version();
    // Adopt what runs already: newest sandbox per pod uid.
    for (const s of await cri.runtime.listPodSandbox({ labelSelector: { [MANAGED_LABEL]: nodeName } })) {
      const uid = s.labels[POD_UID_LABEL];
      const had = adoptable.get(uid);
      if (s.state === 'SANDBOX_READY' && (!had || had.attempt < s.metadata.attempt)) adoptable.set(uid, { sandboxId: s.id, attempt: s.metadata.attempt });
    }
    const fresh = buildKubeletNode({ name: nodeName, hostIP: opts.hostIP, dataDir: opts.dataDir, runtimeVersion: `${version.runtimeName}://${version.runtimeVersion}`, kubeletPort: opts.kubeletPort ?? 10250, podCIDR: opts.podCIDR }, new Date());
    await heartbeat.register(hb, fresh);
    nodeFactory.start();
    podFactory.start();
    await Promise.all([nodeFactory.waitForSync(), podFactory.waitForSync()]);
    every(LEASE_RENEW_MS, async () => {
      await heartbeat.renewLease(hb);
      await heartbeat.syncNodeStatus(hb);
    });
    every(opts.relistMs ?? 1000, relist);
    every(10_000, removeOrphans);
    const manifests = staticPods({
      client,
      dir: opts.manifestDir ?? `${opts.dataDir}/manifests`,
      nodeName,
      log,
      mirrors: () => podInformer.lister.list().filter((p) => p.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined),
    });
    await manifests.sync().catch((e) => log.warn('static pods', { err: (e as Error).message }));
    every(FILE_CHECK_MS, () => manifests.sync());
    log.info('kubelet running', { node: nodeName, runtime: `${version.runtimeName} ${version.runtimeVersion}`, adopted: adoptable.size });
  })();

  return {
    ready,
    workers,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      podFactory.stop();
      nodeFactory.stop();
      await events.flush().catch(() => undefined);
    },
  };
}
