// Validation of containers: names, images, ports, env, resources, mounts and probes.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import {
  isDNS1123Label,
  isEnvVarName,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  validateEnum,
  validateNonNegative,
} from '../../meta/validation.ts';
import { parseQuantity, QUANTITY_ERROR } from './quantity.ts';
import type { Container, EnvVar, IntOrString, Probe, ResourceRequirements } from './types.ts';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const MESSAGE_POLICIES = ['FallbackToLogsOnError', 'File'];
const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

const INIT_FORBIDDEN = 'may not be set for init containers without restartPolicy=Always';
const EPHEMERAL_FORBIDDEN = 'cannot be set for an Ephemeral Container';

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerContext {
  volumes: Set<string>;
  /** Names seen so far across all container lists: names are unique pod-wide. */
  names: Set<string>;
  hostNetwork: boolean;
}

function validatePortRef(port: IntOrString | undefined, field: string, portNames: Set<string>): FieldError[] {
  if (port === undefined || port === '') return [fieldError.required(field)];
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldError.invalid(field, port, m));
  if (/^\d+$/.test(port)) return isValidPortNum(Number(port)).map((m) => fieldError.invalid(field, port, m));
  const errs = isValidPortName(port).map((m) => fieldError.invalid(field, port, m));
  if (errs.length === 0 && portNames.size > 0 && !portNames.has(port)) {
    errs.push(fieldError.invalid(field, port, 'must contain the name of a port in the container'));
  }
  return errs;
}

function validateProbe(p: Probe | undefined, field: string, portNames: Set<string>, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!p) return [];
  const errs: FieldError[] = [];
  const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((h) => p[h] !== undefined);
  if (handlers.length === 0) errs.push(fieldError.required(field, 'must specify a handler type'));
  for (const h of handlers.slice(1)) errs.push(fieldError.forbidden(`${field}.${h}`, 'may not specify more than 1 handler type'));
  if (p.exec && (p.exec.command ?? []).length === 0) errs.push(fieldError.required(`${field}.exec.command`));
  if (p.httpGet) {
    errs.push(...validatePortRef(p.httpGet.port, `${field}.httpGet.port`, portNames));
    errs.push(...validateEnum(p.httpGet.scheme, ['HTTP', 'HTTPS'], `${field}.httpGet.scheme`));
  }
  if (p.tcpSocket) errs.push(...validatePortRef(p.tcpSocket.port, `${field}.tcpSocket.port`, portNames));
  if (p.grpc) errs.push(...validatePortRef(p.grpc.port, `${field}.grpc.port`, new Set()));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...validateNonNegative(p[f], `${field}.${f}`));
  }
  if (kind !== 'readiness' && p.successThreshold !== undefined && p.successThreshold !== 1) {
    errs.push(fieldError.invalid(`${field}.successThreshold`, p.successThreshold, 'must be 1'));
  }
  return errs;
}

function validateEnv(env: EnvVar[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((e, i) => {
    const p = `${field}[${i}]`;
    if (!e.name) errs.push(fieldError.required(`${p}.name`));
    else for (const m of isEnvVarName(e.name)) errs.push(fieldError.invalid(`${p}.name`, e.name, m));
    if (e.valueFrom) {
      const sources = Object.keys(e.valueFrom).filter((k) => e.valueFrom?.[k] !== undefined);
      if (sources.length === 0) errs.push(fieldError.invalid(`${p}.valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      if (sources.length > 1) errs.push(fieldError.invalid(`${p}.valueFrom`, '', 'may not have more than one field specified at a time'));
      if (e.value) errs.push(fieldError.invalid(`${p}.valueFrom`, '', 'may not be specified when `value` is not empty'));
      const f = e.valueFrom;
      if (f.fieldRef && !f.fieldRef.fieldPath) errs.push(fieldError.required(`${p}.valueFrom.fieldRef.fieldPath`));
      if (f.resourceFieldRef && !f.resourceFieldRef.resource) errs.push(fieldError.required(`${p}.valueFrom.resourceFieldRef.resource`));
      for (const k of ['configMapKeyRef', 'secretKeyRef'] as const) {
        const ref = f[k];
        if (ref && !ref.key) errs.push(fieldError.required(`${p}.valueFrom.${k}.key`));
        if (ref && !ref.name) errs.push(fieldError.required(`${p}.valueFrom.${k}.name`));
      }
    }
  });
  return errs;
}

/** Resource names and quantities, and requests no larger than limits. */
export function validateResources(r: ResourceRequirements | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const parsed: Record<'limits' | 'requests', Map<string, number>> = { limits: new Map(), requests: new Map() };
  for (const which of ['limits', 'requests'] as const) {
    for (const [name, q] of Object.entries(r?.[which] ?? {})) {
      const p = `${field}.${which}[${name}]`;
      const standard = STANDARD_CONTAINER_RESOURCES.includes(name) || name.startsWith('hugepages-');
      if (!standard && (!name.includes('/') || isQualifiedName(name).length > 0 || name.startsWith('kubernetes.io/'))) {
        errs.push(fieldError.invalid(p, name, 'must be a standard resource for containers'));
      }
      const v = parseQuantity(q);
      if (v === undefined) errs.push(fieldError.invalid(p, q, QUANTITY_ERROR));
      else if (v < 0) errs.push(fieldError.invalid(p, String(q), 'must be greater than or equal to 0'));
      else parsed[which].set(name, v);
    }
  }
  for (const [name, req] of parsed.requests) {
    const lim = parsed.limits.get(name);
    if (lim !== undefined && req > lim) {
      errs.push(
        fieldError.invalid(`${field}.requests`, String(r?.requests?.[name]), `must be less than or equal to ${name} limit of ${r?.limits?.[name]}`),
      );
    }
  }
  return errs;
}

export function validateContainer(c: Container, field: string, kind: ContainerKind, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(fieldError.required(`${field}.name`));
  else {
    for (const m of isDNS1123Label(c.name)) errs.push(fieldError.invalid(`${field}.name`, c.name, m));
    if (ctx.names.has(c.name)) errs.push(fieldError.duplicate(`${field}.name`, c.name));
    ctx.names.add(c.name);
  }
  if (!c.image || (typeof c.image === 'string' && c.image.trim() !== c.image)) {
    errs.push(c.image ? fieldError.invalid(`${field}.image`, c.image, 'must not have leading or trailing whitespace') : fieldError.required(`${field}.image`));
  }
  errs.push(...validateEnum(c.imagePullPolicy, PULL_POLICIES, `${field}.imagePullPolicy`));
  errs.push(...validateEnum(c.terminationMessagePolicy, MESSAGE_POLICIES, `${field}.terminationMessagePolicy`));
  const portNames = new Set<string>();
  (c.ports ?? []).forEach((p, i) => {
    const pp = `${field}.ports[${i}]`;
    if (p.name) {
      for (const m of isValidPortName(p.name)) errs.push(fieldError.invalid(`${pp}.name`, p.name, m));
      if (portNames.has(p.name)) errs.push(fieldError.duplicate(`${pp}.name`, p.name));
      portNames.add(p.name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) errs.push(fieldError.required(`${pp}.containerPort`));
    else for (const m of isValidPortNum(p.containerPort)) errs.push(fieldError.invalid(`${pp}.containerPort`, p.containerPort, m));
    if (p.hostPort) for (const m of isValidPortNum(p.hostPort)) errs.push(fieldError.invalid(`${pp}.hostPort`, p.hostPort, m));
    if (ctx.hostNetwork && p.hostPort !== undefined && p.hostPort !== p.containerPort) {
      errs.push(fieldError.invalid(`${pp}.hostPort`, p.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
    }
    errs.push(...validateEnum(p.protocol, PROTOCOLS, `${pp}.protocol`, true));
  });
  errs.push(...validateEnv(c.env, `${field}.env`));
  errs.push(...validateResources(c.resources, `${field}.resources`));
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const mp = `${field}.volumeMounts[${i}]`;
    if (!m.name) errs.push(fieldError.required(`${mp}.name`));
    else if (!ctx.volumes.has(m.name)) errs.push(fieldError.notFound(`${mp}.name`, m.name));
    if (!m.mountPath) errs.push(fieldError.required(`${mp}.mountPath`));
    else if (mountPaths.has(m.mountPath)) errs.push(fieldError.invalid(`${mp}.mountPath`, m.mountPath, 'must be unique'));
    if (m.mountPath) mountPaths.add(m.mountPath);
    if (m.subPath && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      errs.push(fieldError.invalid(`${mp}.subPath`, m.subPath, m.subPath.startsWith('/') ? 'must be a relative path' : "must not contain '..'"));
    }
  });
  // restartPolicy: only init containers take one, and only Always (a sidecar, KEP-753).
  if (c.restartPolicy !== undefined) {
    if (kind === 'initContainers') errs.push(...validateEnum(c.restartPolicy, ['Always'], `${field}.restartPolicy`));
    else errs.push(fieldError.forbidden(`${field}.restartPolicy`, kind === 'ephemeralContainers' ? EPHEMERAL_FORBIDDEN : 'may not be set for non-init containers'));
  }
  // Hooks and probes: for regular containers and sidecars; refused on plain init and ephemeral containers.
  const sidecar = kind === 'initContainers' && c.restartPolicy === 'Always';
  const refused = kind === 'ephemeralContainers' ? EPHEMERAL_FORBIDDEN : kind === 'initContainers' && !sidecar ? INIT_FORBIDDEN : undefined;
  if (c.lifecycle !== undefined && refused) errs.push(fieldError.forbidden(`${field}.lifecycle`, refused));
  for (const [probe, k] of [['livenessProbe', 'liveness'], ['readinessProbe', 'readiness'], ['startupProbe', 'startup']] as const) {
    if (c[probe] === undefined) continue;
    if (refused) errs.push(fieldError.forbidden(`${field}.${probe}`, refused));
    else errs.push(...validateProbe(c[probe], `${field}.${probe}`, portNames, k));
  }
  return errs;
}
