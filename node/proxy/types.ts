// The slice of core/v1 Service and discovery/v1 EndpointSlice the node's networking reads
// (proxy, DNS, NetworkPolicy), and the resources it watches. node/ never imports server/, so
// these are declared here rather than borrowed from the controllers.

import type { KubeObject } from '../../api/types.ts';
import type { ResourceRef } from '../../client/types.ts';
import type { ServicePort, ServiceSpec } from '../../api/core/service/validation.ts';

export type { ServicePort, ServiceSpec };

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ipMode?: string;
}

export interface Service extends KubeObject {
  spec?: ServiceSpec;
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}

export interface Endpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
  hostname?: string;
  zone?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

export interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSlice extends KubeObject {
  addressType: string;
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export const SERVICES: ResourceRef = { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true };
export const ENDPOINT_SLICES: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true };
export const NAMESPACES: ResourceRef = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };
export const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };
export const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
export const NETWORK_POLICIES: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true };

/** The index EndpointSlices are filed under: `<namespace>/<service name>` of their label. */
export const BY_SERVICE = 'kubernetes.io/service-name';

export function sliceService(s: KubeObject): string[] {
  const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
  return svc ? [`${s.metadata?.namespace ?? ''}/${svc}`] : [];
}

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None' || svc.spec?.clusterIPs?.[0] === 'None';
}

/** The Service's cluster IPs (none for headless and ExternalName). */
export function clusterIPs(svc: Service): string[] {
  if (svc.spec?.type === 'ExternalName' || isHeadless(svc)) return [];
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}
