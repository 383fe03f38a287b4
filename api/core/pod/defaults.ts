// Pod defaulting in two layers, as upstream has them: the v1 scheme defaults for any pod spec
// (also templates) and the extras only a Pod gets. What admission adds on create (service
// account, priority, default tolerations) is in server/apiserver/admission/plugins/.

import type { Container, PodSpec, Probe, Volume, Pod } from './types.ts';

const DEFAULT_MODE = 0o644; // 420

/** Tag of an image reference: 'latest' when neither tag nor digest is given. */
export function imageTag(image: string): string {
  const noDigest = image.split('@')[0];
  const last = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const i = last.indexOf(':');
  if (i >= 0) return last.slice(i + 1);
  return image.includes('@') ? '' : 'latest';
}

export function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.path ??= '/';
    p.httpGet.scheme ??= 'HTTP';
  }
}

function defaultHandler(h: unknown): void {
  const get = (h as { httpGet?: { path?: string; scheme?: string } } | undefined)?.httpGet;
  if (get) {
    get.path ??= '/';
    get.scheme ??= 'HTTP';
  }
}

export function defaultContainer(c: Container, hostNetwork: boolean): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (!c.imagePullPolicy && typeof c.image === 'string') {
    c.imagePullPolicy = imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.resources ??= {};
  for (const p of c.ports ?? []) {
    p.protocol ??= 'TCP';
    if (hostNetwork && p.hostPort === undefined) p.hostPort = p.containerPort;
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (c.lifecycle) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' ? (v as Obj) : undefined);

export function defaultVolume(v: Volume): void {
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  const secret = obj(v.secret);
  if (secret) secret.defaultMode ??= DEFAULT_MODE;
  const configMap = obj(v.configMap);
  if (configMap) configMap.defaultMode ??= DEFAULT_MODE;
  const downwardAPI = obj(v.downwardAPI);
  if (downwardAPI) {
    downwardAPI.defaultMode ??= DEFAULT_MODE;
    for (const item of (downwardAPI.items as Obj[] | undefined) ?? []) {
      const ref = obj(item.fieldRef);
      if (ref) ref.apiVersion ??= 'v1';
    }
  }
  const projected = obj(v.projected);
  if (projected) {
    projected.defaultMode ??= DEFAULT_MODE;
    for (const s of (projected.sources as Obj[] | undefined) ?? []) {
      const token = obj(s.serviceAccountToken);
      if (token) token.expirationSeconds ??= 3600;
      for (const item of ((obj(s.downwardAPI)?.items as Obj[] | undefined) ?? [])) {
        const ref = obj(item.fieldRef);
        if (ref) ref.apiVersion ??= 'v1';
      }
    }
  }
  const hostPath = obj(v.hostPath);
  if (hostPath) hostPath.type ??= '';
  const iscsi = obj(v.iscsi);
  if (iscsi) iscsi.iscsiInterface ??= 'default';
  const ephemeral = obj(obj(obj(v.ephemeral)?.volumeClaimTemplate)?.spec);
  if (ephemeral) ephemeral.volumeMode ??= 'Filesystem';
}

/** SetDefaults_PodSpec and what it recurses into: used for pods and every pod template. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.containers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.initContainers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c, hostNetwork);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
}

/** SetDefaults_Pod: pod-only extras (not templates): service links, requests from limits. */
export function defaultPod(pod: Pod): void {
  pod.spec ??= {};
  defaultPodSpec(pod.spec);
  pod.spec.enableServiceLinks ??= true;
  for (const c of [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits || !c.resources) continue;
    const requests = (c.resources.requests ??= {});
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  }
}
