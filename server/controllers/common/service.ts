// What the endpoint controllers share: a Service's selected pods and its ports resolved
// against each pod (a named targetPort is looked up among the pod's container ports).

import type { KubeObject } from '../../../api/types.ts';
import { makeSelector, type Selector } from '../../../api/meta/labels.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from './types.ts';
import { keyOf } from './keys.ts';
import { isPodReady, type Pod } from './pods.ts';
import { R } from './resources.ts';

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  spec?: { selector?: Record<string, string>; ports?: ServicePort[]; clusterIP?: string; publishNotReadyAddresses?: boolean; type?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** undefined when the Service has no selector: its endpoints are the user's to manage. */
export function serviceSelector(svc: Service): Selector | undefined {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return undefined;
  return makeSelector(Object.entries(sel).map(([key, v]) => ({ key, operator: '=', values: [v] })));
}

/** The Service's ports as this pod serves them; ports it cannot resolve are left out. */
export function podPorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const protocol = sp.protocol ?? 'TCP';
    let port: number | undefined;
    const tp = sp.targetPort ?? sp.port;
    if (typeof tp === 'number') port = tp;
    else if (/^\d+$/.test(tp)) port = Number(tp);
    else {
      for (const c of pod.spec?.containers ?? []) {
        const cp = c.ports?.find((p) => p.name === tp && (p.protocol ?? 'TCP') === protocol);
        if (cp?.containerPort) port = cp.containerPort;
      }
    }
    if (port === undefined) continue;
    out.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol, ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

export interface PodEndpoint {
  pod: Pod;
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  ports: EndpointPort[];
}

/** The selected pods with an IP, and how each should be published. */
export function selectedEndpoints(svc: Service, pods: Pod[]): PodEndpoint[] {
  const sel = serviceSelector(svc);
  if (!sel) return [];
  const out: PodEndpoint[] = [];
  for (const pod of pods) {
    const ip = pod.status?.podIP;
    const phase = pod.status?.phase;
    if (!sel.matches(pod.metadata?.labels) || !ip || phase === 'Succeeded' || phase === 'Failed') continue;
    const terminating = Boolean(pod.metadata?.deletionTimestamp);
    const serving = isPodReady(pod) || Boolean(svc.spec?.publishNotReadyAddresses);
    out.push({ pod, ip, ready: serving && !terminating, serving, terminating, ports: podPorts(svc, pod) });
  }
  return out.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

export const targetRef = (p: Pod) => ({ kind: 'Pod', namespace: p.metadata?.namespace, name: p.metadata?.name, uid: p.metadata?.uid });

export const portsKey = (ports: EndpointPort[]) => JSON.stringify([...ports].sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : 1)));

/** Services and pods -> service keys: a pod change touches every Service selecting it. */
export function registerServicePodHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const svcInformer = informers.informer<Service>(R.services);
  const onSvc = (s: KubeObject) => enqueue(keyOf(s));
  svcInformer.addEventHandler({ add: onSvc, update: (_o, n) => onSvc(n), delete: onSvc });
  const forPod = (pod: KubeObject) => {
    for (const svc of svcInformer.lister.list(pod.metadata?.namespace ?? '')) {
      if (serviceSelector(svc)?.matches(pod.metadata?.labels)) enqueue(keyOf(svc));
    }
  };
  informers.informer(R.pods).addEventHandler({
    add: forPod,
    update: (old, pod) => {
      if (svcInformer.lister.list(pod.metadata?.namespace ?? '').length === 0) return;
      forPod(pod);
      if (JSON.stringify(old.metadata?.labels) !== JSON.stringify(pod.metadata?.labels)) forPod(old);
    },
    delete: forPod,
  });
}
