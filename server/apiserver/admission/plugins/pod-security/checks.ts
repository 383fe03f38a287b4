// The Pod Security Standards as upstream's pod-security-admission checks them: each check reads
// a pod's metadata and spec and answers a forbidden reason and detail, worded as upstream's so
// that `kubectl` users see the same refusal. Baseline checks run first, then the restricted
// ones; at the restricted level the baseline checks a restricted one supersedes are skipped
// (upstream's "overlapping" checks), in upstream's order of registration.

import type { ObjectMeta } from '../../../../../api/types.ts';
import type { Container, PodSpec } from '../../../../../api/core/pod/types.ts';

export type Level = 'privileged' | 'baseline' | 'restricted';
export interface Violation {
  reason: string;
  detail: string;
}
type Check = (meta: ObjectMeta, spec: PodSpec) => Violation | undefined;

type SecurityContext = {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  procMount?: string;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seccompProfile?: { type?: string };
  appArmorProfile?: { type?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: { name?: string }[];
};

const joinQuote = (items: string[]) => (items.length ? `"${items.join('", "')}"` : '');
const plural = (one: string, many: string, n: number) => (n === 1 ? one : many);
const containersOf = (names: string[]) => `${plural('container', 'containers', names.length)} ${joinQuote(names)}`;
const sorted = (s: Set<string>) => [...s].sort();

/** Init containers, then containers, then ephemeral containers: upstream's visiting order. */
function containers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}
const sc = (c: { securityContext?: unknown }): SecurityContext => (c.securityContext ?? {}) as SecurityContext;
const podSc = (spec: PodSpec): SecurityContext => (spec.securityContext ?? {}) as SecurityContext;
const name = (c: Container) => c.name ?? '';

/** Containers failing `bad`, as upstream's `container "a"` / `containers "a", "b"`. */
function badContainers(spec: PodSpec, bad: (s: SecurityContext, c: Container) => boolean): string[] {
  return containers(spec).filter((c) => bad(sc(c), c)).map(name);
}

/** "pod and containers ..." for settings that may be made on the pod and on containers. */
function setters(podBad: boolean, names: string[]): string {
  const out = podBad ? ['pod'] : [];
  if (names.length) out.push(containersOf(names));
  return out.join(' and ');
}

const hostNamespaces: Check = (_m, spec) => {
  const on = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true);
  return on.length ? { reason: 'host namespaces', detail: on.map((k) => `${k}=true`).join(', ') } : undefined;
};

const privileged: Check = (_m, spec) => {
  const bad = badContainers(spec, (s) => s.privileged === true);
  return bad.length ? { reason: 'privileged', detail: `${containersOf(bad)} must not set securityContext.privileged=true` } : undefined;
};

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const capabilitiesBaseline: Check = (_m, spec) => {
  const caps = new Set<string>();
  const bad = badContainers(spec, (s) => {
    const extra = (s.capabilities?.add ?? []).filter((c) => !BASELINE_CAPABILITIES.has(c));
    extra.forEach((c) => caps.add(c));
    return extra.length > 0;
  });
  if (!bad.length) return undefined;
  return { reason: 'non-default capabilities', detail: `${containersOf(bad)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add` };
};

const hostPathVolumes: Check = (_m, spec) => {
  const bad = (spec.volumes ?? []).filter((v) => v.hostPath != null).map((v) => v.name ?? '');
  return bad.length ? { reason: 'hostPath volumes', detail: `${plural('volume', 'volumes', bad.length)} ${joinQuote(bad)}` } : undefined;
};

const hostPorts: Check = (_m, spec) => {
  const ports = new Set<string>();
  const bad = containers(spec).filter((c) => {
    const used = (c.ports ?? []).filter((p) => p.hostPort);
    used.forEach((p) => ports.add(String(p.hostPort)));
    return used.length > 0;
  }).map(name);
  if (!bad.length) return undefined;
  const list = sorted(ports);
  return { reason: 'hostPort', detail: `${containersOf(bad)} ${plural('uses', 'use', bad.length)} ${plural('hostPort', 'hostPorts', list.length)} ${list.join(', ')}` };
};

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const appArmorProfile: Check = (meta, spec) => {
  const okType = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
  const values = new Set<string>();
  const podProfile = podSc(spec).appArmorProfile;
  const podBad = podProfile !== undefined && !okType(podProfile.type);
  if (podBad) values.add(podProfile!.type ?? '');
  const bad = badContainers(spec, (s) => {
    if (s.appArmorProfile === undefined || okType(s.appArmorProfile.type)) return false;
    values.add(s.appArmorProfile.type ?? '');
    return true;
  });
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION) && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/')))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .sort();
  const who = [setters(podBad, bad), annotations.length ? plural('annotation', 'annotations', annotations.length) : ''].filter(Boolean);
  if (!who.length) return undefined;
  const all = [...sorted(values), ...annotations];
  return { reason: plural('forbidden AppArmor profile', 'forbidden AppArmor profiles', all.length), detail: `${who.join(' and ')} must not set AppArmor profile type to ${joinQuote(all)}` };
};

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const seLinuxOptions: Check = (_m, spec) => {
  const types = new Set<string>();
  let user = false;
  let role = false;
  const bad = (s: SecurityContext) => {
    const o = s.seLinuxOptions;
    if (!o) return false;
    let ok = true;
    if (!SELINUX_TYPES.has(o.type ?? '')) (ok = false), types.add(o.type ?? '');
    if (o.user) (ok = false), (user = true);
    if (o.role) (ok = false), (role = true);
    return !ok;
  };
  const podBad = bad(podSc(spec));
  const names = badContainers(spec, bad);
  if (!podBad && !names.length) return undefined;
  const data: string[] = [];
  // As upstream: user and role are named only beside a forbidden type.
  if (types.size) {
    data.push(`${plural('type', 'types', types.size)} ${joinQuote(sorted(types))}`);
    if (user) data.push('user may not be set');
    if (role) data.push('role may not be set');
  }
  return { reason: 'seLinuxOptions', detail: `${setters(podBad, names)} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
};

const procMount: Check = (_m, spec) => {
  const types = new Set<string>();
  const bad = badContainers(spec, (s) => {
    if (s.procMount === undefined || s.procMount === 'Default') return false;
    types.add(s.procMount);
    return true;
  });
  return bad.length ? { reason: 'procMount', detail: `${containersOf(bad)} must not set securityContext.procMount to ${joinQuote(sorted(types))}` } : undefined;
};

const validSeccomp = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
const seccompProfileBaseline: Check = (_m, spec) => {
  const values = new Set<string>();
  const pod = podSc(spec).seccompProfile;
  const podBad = pod !== undefined && !validSeccomp(pod.type);
  if (podBad) values.add(pod!.type ?? '');
  const bad = badContainers(spec, (s) => {
    if (s.seccompProfile === undefined || validSeccomp(s.seccompProfile.type)) return false;
    values.add(s.seccompProfile.type ?? '');
    return true;
  });
  if (!podBad && !bad.length) return undefined;
  return { reason: 'seccompProfile', detail: `${setters(podBad, bad)} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(values))}` };
};

const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const sysctls: Check = (_m, spec) => {
  const bad = (podSc(spec).sysctls ?? []).map((s) => s.name ?? '').filter((n) => !SAFE_SYSCTLS.has(n));
  return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
};

const windowsHostProcess: Check = (_m, spec) => {
  const podBad = podSc(spec).windowsOptions?.hostProcess === true;
  const bad = badContainers(spec, (s) => s.windowsOptions?.hostProcess === true);
  if (!podBad && !bad.length) return undefined;
  return { reason: 'hostProcess', detail: `${setters(podBad, bad)} must not set securityContext.windowsOptions.hostProcess=true` };
};

// ---- restricted ----

const allowPrivilegeEscalation: Check = (_m, spec) => {
  const bad = badContainers(spec, (s) => s.allowPrivilegeEscalation !== false);
  return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersOf(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
};

const capabilitiesRestricted: Check = (_m, spec) => {
  const caps = new Set<string>();
  const missingDrop = badContainers(spec, (s) => !(s.capabilities?.drop ?? []).includes('ALL'));
  const adding = badContainers(spec, (s) => {
    const extra = (s.capabilities?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
    extra.forEach((c) => caps.add(c));
    return extra.length > 0;
  });
  const details: string[] = [];
  if (missingDrop.length) details.push(`${containersOf(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length) details.push(`${containersOf(adding)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add`);
  return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
};

/** Upstream's restricted volume types, named by their field (cephfs and storageos lower-cased as upstream). */
const ALLOWED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const RESTRICTED_TYPE_NAMES: Record<string, string> = { cephFS: 'cephfs', storageOS: 'storageos', storageos: 'storageos' };
const restrictedVolumes: Check = (_m, spec) => {
  const types = new Set<string>();
  const bad = (spec.volumes ?? []).filter((v) => {
    const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] != null);
    if (sources.some((s) => ALLOWED_VOLUME_SOURCES.has(s))) return false;
    types.add(sources.length ? (RESTRICTED_TYPE_NAMES[sources[0]!] ?? sources[0]!) : 'unknown');
    return true;
  }).map((v) => v.name ?? '');
  if (!bad.length) return undefined;
  return { reason: 'restricted volume types', detail: `${plural('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${plural('uses', 'use', bad.length)} ${plural('restricted volume type', 'restricted volume types', types.size)} ${joinQuote(sorted(types))}` };
};

const runAsNonRoot: Check = (_m, spec) => {
  const pod = podSc(spec).runAsNonRoot;
  const explicit = badContainers(spec, (s) => s.runAsNonRoot === false);
  if (pod === false || explicit.length) {
    return { reason: 'runAsNonRoot != true', detail: `${setters(pod === false, explicit)} must not set securityContext.runAsNonRoot=false` };
  }
  const implicit = pod === true ? [] : badContainers(spec, (s) => s.runAsNonRoot === undefined);
  return implicit.length ? { reason: 'runAsNonRoot != true', detail: `pod or ${containersOf(implicit)} must set securityContext.runAsNonRoot=true` } : undefined;
};

const runAsUser: Check = (_m, spec) => {
  const podBad = podSc(spec).runAsUser === 0;
  const bad = badContainers(spec, (s) => s.runAsUser === 0);
  return podBad || bad.length ? { reason: 'runAsUser=0', detail: `${setters(podBad, bad)} must not set runAsUser=0` } : undefined;
};

const seccompProfileRestricted: Check = (_m, spec) => {
  const values = new Set<string>();
  const pod = podSc(spec).seccompProfile;
  const podBad = pod !== undefined && !validSeccomp(pod.type);
  if (podBad) values.add(pod!.type ?? '');
  const podSet = pod !== undefined && !podBad;
  const explicit = badContainers(spec, (s) => {
    if (s.seccompProfile === undefined || validSeccomp(s.seccompProfile.type)) return false;
    values.add(s.seccompProfile.type ?? '');
    return true;
  });
  if (podBad || explicit.length) {
    return { reason: 'seccompProfile', detail: `${setters(podBad, explicit)} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(values))}` };
  }
  const implicit = podSet ? [] : badContainers(spec, (s) => s.seccompProfile === undefined);
  if (!implicit.length) return undefined;
  return { reason: 'seccompProfile', detail: `pod or ${containersOf(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
};

// Upstream's registration order (its files, alphabetically), split by level.
const BASELINE: Check[] = [appArmorProfile, hostNamespaces, hostPorts, privileged, procMount, seLinuxOptions, sysctls, windowsHostProcess];
/** Baseline checks a restricted one replaces (capabilities, hostPath, seccomp). */
const OVERLAPPING_BASELINE: Check[] = [capabilitiesBaseline, hostPathVolumes, seccompProfileBaseline];
const RESTRICTED: Check[] = [allowPrivilegeEscalation, capabilitiesRestricted, restrictedVolumes, runAsNonRoot, runAsUser, seccompProfileRestricted];

/** Every violation of the level, in upstream's order. */
export function evaluatePod(level: Level, meta: ObjectMeta, spec: PodSpec): Violation[] {
  if (level === 'privileged') return [];
  const checks = level === 'baseline' ? [...BASELINE, ...OVERLAPPING_BASELINE] : [...BASELINE, ...RESTRICTED];
  return checks.map((c) => c(meta, spec)).filter((v): v is Violation => v !== undefined);
}

/** Upstream's AggregateCheckResult.ForbiddenDetail: `reason (detail), reason (detail)`. */
export function forbiddenDetail(vs: Violation[]): string {
  return vs.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}

/** Upstream's ForbiddenReason: the reasons alone (warnings about existing pods). */
export function forbiddenReason(vs: Violation[]): string {
  return vs.map((v) => v.reason).join(', ');
}
