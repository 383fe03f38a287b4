// Service strategy: v1 defaults (type, affinity, ports, traffic and IP family policies),
// empty status on create; allocated IPs and node ports survive updates that omit them.
// Allocation itself is the kind's store hooks (hooks.ts).

import type { KubeObject, Strategy } from '../../types.ts';
import { isHeadless, usesNodePorts, validateService, validateServiceUpdate, type Service, type ServiceSpec } from './validation.ts';

export function defaultServiceSpec(spec: ServiceSpec, hasSelector = spec.selector !== undefined && Object.keys(spec.selector).length > 0): void {
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (usesNodePorts(spec)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.type === 'ExternalName') return;
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
  if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
  if (isHeadless(spec) && !hasSelector) {
    spec.ipFamilyPolicy ??= 'RequireDualStack';
    spec.ipFamilies ??= ['IPv4', 'IPv6'];
  } else {
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.ipFamilies ??= ['IPv4'];
  }
}

/** upstream's patchAllocatedValues: keep what the allocators gave the service. */
function keepAllocated(n: ServiceSpec, o: ServiceSpec): void {
  if (n.type === 'ExternalName' || o.type === 'ExternalName') return;
  if (!n.clusterIP && o.clusterIP) {
    n.clusterIP = o.clusterIP;
    n.clusterIPs = o.clusterIPs;
  }
  if (usesNodePorts(n) && usesNodePorts(o)) {
    for (const p of n.ports ?? []) {
      if (p.nodePort) continue;
      const old = (o.ports ?? []).find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (old?.nodePort) p.nodePort = old.nodePort;
    }
  }
  if (n.type === 'LoadBalancer' && n.externalTrafficPolicy === 'Local' && !n.healthCheckNodePort) n.healthCheckNodePort = o.healthCheckNodePort;
}

const asService = (o: KubeObject): Service => o as Service;

export const serviceStrategy: Strategy = {
  returnDeletedObject: true,
  prepareForCreate(obj) {
    const svc = asService(obj);
    svc.spec ??= {};
    defaultServiceSpec(svc.spec);
    svc.status = { loadBalancer: {} };
  },
  validate: (obj) => validateService(asService(obj)),
  prepareForUpdate(obj, old) {
    const svc = asService(obj);
    const prev = asService(old);
    svc.spec ??= {};
    keepAllocated(svc.spec, prev.spec ?? {});
    defaultServiceSpec(svc.spec);
  },
  validateUpdate: (obj, old) => validateServiceUpdate(asService(obj), asService(old)),
};
