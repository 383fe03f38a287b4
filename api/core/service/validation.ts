// Service validation: type, ports, cluster IPs, traffic policies; clusterIP fixed once set.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  validateEnum,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../meta/validation.ts';

export interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
  appProtocol?: string;
}

export interface ServiceSpec {
  type?: string;
  ports?: ServicePort[];
  selector?: Record<string, string>;
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  externalIPs?: string[];
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
  loadBalancerClass?: string;
  publishNotReadyAddresses?: boolean;
  [k: string]: unknown;
}

export interface Service {
  metadata?: import('../../types.ts').ObjectMeta;
  spec?: ServiceSpec;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const IP_ERROR = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

export const isHeadless = (s: ServiceSpec) => s.clusterIP === 'None';
export const usesNodePorts = (s: ServiceSpec) => s.type === 'NodePort' || s.type === 'LoadBalancer';

function validatePorts(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ports = spec.ports ?? [];
  if (ports.length === 0 && spec.type !== 'ExternalName' && !isHeadless(spec)) errs.push(fieldError.required('spec.ports'));
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const f = `spec.ports[${i}]`;
    if (!p.name) {
      if (ports.length > 1) errs.push(fieldError.required(`${f}.name`));
    } else {
      for (const m of isDNS1123Label(p.name)) errs.push(fieldError.invalid(`${f}.name`, p.name, m));
      if (names.has(p.name)) errs.push(fieldError.duplicate(`${f}.name`, p.name));
      names.add(p.name);
    }
    if (p.port === undefined) errs.push(fieldError.required(`${f}.port`));
    else for (const m of isValidPortNum(p.port)) errs.push(fieldError.invalid(`${f}.port`, p.port, m));
    errs.push(...validateEnum(p.protocol, ['SCTP', 'TCP', 'UDP'], `${f}.protocol`, true));
    const t = p.targetPort;
    if (typeof t === 'number') for (const m of isValidPortNum(t)) errs.push(fieldError.invalid(`${f}.targetPort`, t, m));
    else if (typeof t === 'string') for (const m of isValidPortName(t)) errs.push(fieldError.invalid(`${f}.targetPort`, t, m));
    if (p.nodePort) {
      if (!usesNodePorts(spec)) errs.push(fieldError.forbidden(`${f}.nodePort`, `may not be used when \`type\` is '${spec.type}'`));
      else for (const m of isValidPortNum(p.nodePort)) errs.push(fieldError.invalid(`${f}.nodePort`, p.nodePort, m));
    }
    const key = `${p.port}/${p.protocol}`;
    if (keys.has(key)) errs.push(fieldError.duplicate(f, { port: p.port, protocol: p.protocol }));
    keys.add(key);
  });
  return errs;
}

export function validateServiceSpec(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateEnum(spec.type, SERVICE_TYPES, 'spec.type', true));
  errs.push(...validatePorts(spec));
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateEnum(spec.sessionAffinity, ['ClientIP', 'None'], 'spec.sessionAffinity', true));
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (timeout !== undefined && (timeout <= 0 || timeout > 86400)) {
    errs.push(fieldError.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
  }
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(fieldError.required('spec.externalName'));
    else for (const m of isDNS1123Subdomain(spec.externalName.replace(/\.$/, ''))) errs.push(fieldError.invalid('spec.externalName', spec.externalName, m));
    if (spec.clusterIP) errs.push(fieldError.forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  } else {
    (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).forEach((ip, i) => {
      if (ip === 'None') {
        if (i > 0 || spec.type !== 'ClusterIP') errs.push(fieldError.invalid(`spec.clusterIPs[${i}]`, ip, `may not be set to 'None' for ${spec.type} services`));
      } else if (!isValidIP(ip)) errs.push(fieldError.invalid(`spec.clusterIPs[${i}]`, ip, IP_ERROR));
    });
    if (spec.clusterIP && spec.clusterIPs && spec.clusterIPs[0] !== spec.clusterIP) {
      errs.push(fieldError.invalid('spec.clusterIPs', spec.clusterIPs, 'element [0] must match clusterIP'));
    }
    errs.push(...validateEnum(spec.internalTrafficPolicy, ['Cluster', 'Local'], 'spec.internalTrafficPolicy'));
  }
  if (usesNodePorts(spec)) errs.push(...validateEnum(spec.externalTrafficPolicy, ['Cluster', 'Local'], 'spec.externalTrafficPolicy', true));
  else if (spec.externalTrafficPolicy) {
    errs.push(fieldError.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
  }
  if (spec.healthCheckNodePort && !(spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) {
    errs.push(fieldError.invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  }
  errs.push(...validateEnum(spec.ipFamilyPolicy, ['SingleStack', 'PreferDualStack', 'RequireDualStack'], 'spec.ipFamilyPolicy'));
  (spec.ipFamilies ?? []).forEach((f, i) => {
    errs.push(...validateEnum(f, ['IPv4', 'IPv6'], `spec.ipFamilies[${i}]`));
    if ((spec.ipFamilies ?? []).indexOf(f) < i) errs.push(fieldError.duplicate(`spec.ipFamilies[${i}]`, f));
  });
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isValidIP(ip)) errs.push(fieldError.invalid(`spec.externalIPs[${i}]`, ip, IP_ERROR));
  });
  return errs;
}

export function validateService(svc: Service): FieldError[] {
  return [...validateObjectMeta(svc.metadata, true, 'dns1035'), ...validateServiceSpec(svc.spec ?? {})];
}

export function validateServiceUpdate(next: Service, prev: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  errs.push(...validateServiceSpec(next.spec ?? {}));
  const n = next.spec ?? {};
  const o = prev.spec ?? {};
  if (n.type !== 'ExternalName' && o.type !== 'ExternalName' && o.clusterIP && n.clusterIP !== o.clusterIP) {
    errs.push(fieldError.invalid('spec.clusterIPs[0]', n.clusterIP ?? '', 'may not change once set'));
  }
  return errs;
}
