// A pod's status as the kubelet writes it, from what the runtime says about its containers
// (pure): container, init-container and ephemeral-container statuses (state, lastState, ready, started,
// restartCount, image, imageID, containerID), the phase by upstream's rules, and the
// kubelet-owned conditions, each keeping its lastTransitionTime while its status holds.

import type { Container, Pod } from '../../api/core/pod/types.ts';
import { rfc3339 } from '../../api/meta/time.ts';
import type { ContainerStatus as CriStatus } from '../cri/types.ts';
import { isSidecar } from './init-containers.ts';

export interface Waiting {
  reason: string;
  message?: string;
}

export interface ContainerView {
  /** The container's runs in the runtime, newest first. */
  runs: CriStatus[];
  /** Why it is not running, when the kubelet knows better than the runtime (back-off, pull errors, config errors). */
  waiting?: Waiting;
  ready: boolean;
  started: boolean;
}

export interface PodView {
  pod: Pod;
  hostIP: string;
  podIPs: string[];
  sandboxReady: boolean;
  initialized: boolean;
  containers: Map<string, ContainerView>;
  now: Date;
  startTime?: string;
}

const nsTime = (ns: number) => rfc3339(new Date(Math.floor(ns / 1e6)));

function terminated(s: CriStatus): Record<string, unknown> {
  const reason = s.reason || (s.exitCode === 0 ? 'Completed' : 'Error');
  const t: Record<string, unknown> = { exitCode: s.exitCode, reason, startedAt: s.startedAt ? nsTime(s.startedAt) : null, finishedAt: nsTime(s.finishedAt || s.createdAt), containerID: `containerd://${s.id}` };
  if (s.message) t.message = s.message;
  return t;
}

/**
 * One container's status. `hasInitContainers`: the pod has init containers, and then each of
 * its containers not created yet (init, main and ephemeral alike, before and after the pod
 * initialized) waits with PodInitializing, as upstream's kubelet writes it; ContainerCreating otherwise.
 */
export function containerStatus(c: Container, v: ContainerView | undefined, hasInitContainers: boolean): Record<string, unknown> {
  const [latest, prev] = v?.runs ?? [];
  const out: Record<string, unknown> = { name: c.name, image: c.image, imageID: latest?.imageRef ?? '', ready: !!v?.ready, restartCount: latest?.metadata.attempt ?? 0, started: !!v?.started };
  if (latest) out.containerID = `containerd://${latest.id}`;
  let state: Record<string, unknown>;
  let last: Record<string, unknown> = {};
  if (latest?.state === 'CONTAINER_RUNNING') {
    state = { running: { startedAt: nsTime(latest.startedAt) } };
    if (prev?.state === 'CONTAINER_EXITED') last = { terminated: terminated(prev) };
  } else if (latest?.state === 'CONTAINER_EXITED' && !v?.waiting) {
    state = { terminated: terminated(latest) };
    if (prev?.state === 'CONTAINER_EXITED') last = { terminated: terminated(prev) };
  } else {
    const w = v?.waiting ?? { reason: hasInitContainers ? 'PodInitializing' : 'ContainerCreating' };
    state = { waiting: w.message ? { reason: w.reason, message: w.message } : { reason: w.reason } };
    if (latest?.state === 'CONTAINER_EXITED') last = { terminated: terminated(latest) };
  }
  out.state = state;
  out.lastState = last;
  return out;
}

/** Upstream's getPhase, for the containers of a pod whose init containers are done. */
export function podPhase(pod: Pod, statuses: Record<string, unknown>[], initialized: boolean, initFailed: boolean): string {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (!initialized) return initFailed && policy === 'Never' ? 'Failed' : 'Pending';
  let running = 0;
  let waitingFresh = 0;
  let crashLooping = 0;
  let succeeded = 0;
  let failed = 0;
  for (const s of statuses) {
    const st = s.state as { running?: unknown; waiting?: unknown; terminated?: { exitCode: number } };
    const hadRun = !!(s.lastState as { terminated?: unknown }).terminated;
    if (st.running) running++;
    else if (st.terminated) (st.terminated.exitCode === 0 ? succeeded++ : failed++);
    else if (hadRun) crashLooping++;
    else waitingFresh++;
  }
  if (running > 0 || crashLooping > 0) return 'Running';
  if (waitingFresh > 0) return 'Pending';
  if (policy === 'Always') return 'Running';
  if (policy === 'OnFailure') return failed > 0 ? 'Running' : 'Succeeded';
  return failed > 0 ? 'Failed' : 'Succeeded';
}

type Condition = { type: string; status: string; reason?: string; message?: string; lastProbeTime: null; lastTransitionTime: string };

function condition(pod: Pod, now: Date, type: string, ok: boolean, reason?: string, message?: string): Condition {
  const was = ((pod.status?.conditions ?? []) as Condition[]).find((c) => c.type === type);
  const status = ok ? 'True' : 'False';
  const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime: was?.status === status && was.lastTransitionTime ? was.lastTransitionTime : rfc3339(now) };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

/** The whole status the kubelet owns, to be diffed against the API's and patched. */
export function podStatus(v: PodView): Record<string, unknown> {
  const { pod } = v;
  const inits = pod.spec?.initContainers ?? [];
  const hasInit = inits.length > 0;
  const initStatuses = inits.map((c) => containerStatus(c, v.containers.get(`init/${c.name}`), hasInit));
  const statuses = (pod.spec?.containers ?? []).map((c) => containerStatus(c, v.containers.get(c.name ?? ''), hasInit));
  const sidecar = inits.map(isSidecar);
  const exitedZero = (s: Record<string, unknown>) => (s.state as { terminated?: { exitCode: number } }).terminated?.exitCode === 0;
  // Only a regular init container fails the pod's initialization; a sidecar that exits is restarted.
  const initFailed = initStatuses.some((s, i) => {
    const t = (s.state as { terminated?: { exitCode: number } }).terminated;
    return !sidecar[i] && !!t && t.exitCode !== 0;
  });
  const phase = podPhase(pod, statuses, v.initialized, initFailed);
  const done = phase === 'Succeeded' || phase === 'Failed';
  // Incomplete: a regular init container that has not exited 0, a sidecar that has not started.
  const incomplete = inits.filter((_, i) => (sidecar[i] ? initStatuses[i].started !== true : !exitedZero(initStatuses[i]))).map((c) => c.name);
  // Sidecars count towards the pod's readiness, before the main containers (upstream's order).
  const unready = [...initStatuses.filter((s, i) => sidecar[i] && !s.ready), ...statuses.filter((s) => !s.ready)].map((s) => s.name);
  const conditions = [
    condition(pod, v.now, 'PodReadyToStartContainers', v.sandboxReady),
    condition(pod, v.now, 'Initialized', v.initialized || (done && !initFailed), 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    condition(pod, v.now, 'Ready', unready.length === 0 && !done, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : `containers with unready status: [${unready.join(' ')}]`),
    condition(pod, v.now, 'ContainersReady', unready.length === 0 && !done, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : `containers with unready status: [${unready.join(' ')}]`),
  ];
  const scheduled = ((pod.status?.conditions ?? []) as Condition[]).find((c) => c.type === 'PodScheduled');
  if (scheduled) conditions.push(scheduled);
  const out: Record<string, unknown> = {
    phase,
    conditions,
    hostIP: v.hostIP,
    hostIPs: [{ ip: v.hostIP }],
    startTime: v.startTime ?? rfc3339(v.now),
    containerStatuses: statuses,
  };
  if (v.podIPs.length) {
    out.podIP = v.podIPs[0];
    out.podIPs = v.podIPs.map((ip) => ({ ip }));
  }
  if (inits.length) out.initContainerStatuses = initStatuses;
  // Ephemeral containers are never ready and never restarted.
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => containerStatus(c, v.containers.get(`eph/${c.name}`), hasInit));
  if (ephemeral.length) out.ephemeralContainerStatuses = ephemeral.map(({ started: _, ...s }) => s);
  return out;
}
