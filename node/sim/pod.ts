// A simulated pod's life, as pure functions: the status a kubelet would post once the
// containers run, when they exit, and when the pod is meant to exit at all (restartPolicy
// Never or OnFailure, or the kubets.io/sim-exit-after annotation).

import type { Container, Pod } from '../../api/core/pod/types.ts';
import { rfc3339 } from '../../api/meta/time.ts';
import { fakeHex } from './node.ts';

export const EXIT_AFTER_ANNOTATION = 'kubets.io/sim-exit-after';
export const EXIT_CODE_ANNOTATION = 'kubets.io/sim-exit-code';
export const DEFAULT_EXIT_AFTER_MS = 1000;

/** "2s", "500ms", "1m30s", "1.5h" to milliseconds; undefined when not a duration. */
export function parseDuration(s: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * units[m[2]];
    end = re.lastIndex;
  }
  return end > 0 && end === s.length ? total : undefined;
}

/** How long after starting the pod's containers exit, or undefined when they run forever. */
export function exitAfterMs(pod: Pod): number | undefined {
  const ann = pod.metadata?.annotations?.[EXIT_AFTER_ANNOTATION];
  if (ann !== undefined) return parseDuration(ann) ?? DEFAULT_EXIT_AFTER_MS;
  const rp = pod.spec?.restartPolicy;
  return rp === 'Never' || rp === 'OnFailure' ? DEFAULT_EXIT_AFTER_MS : undefined;
}

export function exitCode(pod: Pod): number {
  const n = Number(pod.metadata?.annotations?.[EXIT_CODE_ANNOTATION] ?? '0');
  return Number.isInteger(n) ? n : 1;
}

/** docker.io/library/busybox:1.36 -> docker.io/library/busybox (the repository, no tag). */
export function imageRepository(image: string): string {
  let ref = image.split('@')[0];
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  const first = ref.split('/')[0];
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return ref;
  return ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

function imageName(image: string): string {
  const repo = imageRepository(image);
  const tagged = image.split('@')[0];
  const slash = tagged.lastIndexOf('/');
  const colon = tagged.lastIndexOf(':');
  return colon > slash ? `${repo}:${tagged.slice(colon + 1)}` : `${repo}:latest`;
}

/** The pod conditions a kubelet owns, in the order it writes them. */
export const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

type Wanted = { type: string; status: 'True' | 'False'; reason?: string };

/**
 * The conditions a kubelet posts: those it does not own as they are, then its own with
 * lastTransitionTime kept from the pod's current condition when the status did not change.
 */
function conditions(pod: Pod, wanted: Wanted[], at: string): Record<string, unknown>[] {
  const current = (pod.status?.conditions ?? []) as Array<{ type?: string; status?: string; lastTransitionTime?: string }>;
  const out: Record<string, unknown>[] = current.filter((c) => !KUBELET_CONDITIONS.includes(c.type ?? ''));
  for (const w of wanted) {
    const was = current.find((c) => c.type === w.type);
    const since = was?.status === w.status && was.lastTransitionTime ? was.lastTransitionTime : at;
    out.push({ type: w.type, status: w.status, lastProbeTime: null, lastTransitionTime: since, ...(w.reason ? { reason: w.reason } : {}) });
  }
  return out;
}

function baseStatus(pod: Pod, hostIP: string, podIP: string, startTime: string): Record<string, unknown> {
  const ip = pod.spec?.hostNetwork ? hostIP : podIP;
  return {
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: typeof pod.status?.startTime === 'string' ? pod.status.startTime : startTime,
  };
}

/** Image name and ID by image reference: a few images serve thousands of pods. */
const images = new Map<string, { image: string; imageID: string }>();

function imageOf(image: string): { image: string; imageID: string } {
  let v = images.get(image);
  if (!v) {
    const repo = imageRepository(image);
    if (images.size >= 1000) images.clear();
    images.set(image, (v = { image: imageName(image), imageID: `${repo}@sha256:${fakeHex(`image/${repo}`)}` }));
  }
  return v;
}

function containerBase(pod: Pod, c: Container): Record<string, unknown> {
  const seed = `${pod.metadata?.uid ?? ''}/${c.name ?? ''}`;
  return {
    name: c.name,
    ...imageOf(c.image ?? ''),
    containerID: `containerd://${fakeHex(`container/${seed}`)}`,
    restartCount: 0,
  };
}

function initStatuses(pod: Pod, at: string): Record<string, unknown>[] {
  return (pod.spec?.initContainers ?? []).map((c) => ({
    ...containerBase(pod, c),
    ready: c.restartPolicy === 'Always',
    started: c.restartPolicy === 'Always',
    state: c.restartPolicy === 'Always'
      ? { running: { startedAt: at } }
      : { terminated: { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at, containerID: `containerd://${fakeHex(`container/${pod.metadata?.uid}/${c.name}`)}` } },
    lastState: {},
  }));
}

/**
 * The status of a pod whose containers all run and are ready: the fields a kubelet sets, to be
 * laid over the pod's current status (conditions keep their transition times when unchanged).
 */
export function runningStatus(pod: Pod, hostIP: string, podIP: string, now: Date): Record<string, unknown> {
  const at = rfc3339(now);
  const init = initStatuses(pod, at);
  return {
    phase: 'Running',
    conditions: conditions(pod, KUBELET_CONDITIONS.map((type) => ({ type, status: 'True' })), at),
    ...baseStatus(pod, hostIP, podIP, at),
    ...(init.length ? { initContainerStatuses: init } : {}),
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      ...containerBase(pod, c),
      ready: true,
      started: true,
      state: { running: { startedAt: at } },
      lastState: {},
    })),
  };
}

/** The status once every container exited with `code` (Succeeded for 0, else Failed). */
export function exitedStatus(pod: Pod, hostIP: string, podIP: string, startedAt: string, now: Date, code: number): Record<string, unknown> {
  const at = rfc3339(now);
  const reason = code === 0 ? 'Completed' : 'Error';
  return {
    phase: code === 0 ? 'Succeeded' : 'Failed',
    conditions: conditions(pod, [
      { type: 'PodReadyToStartContainers', status: 'False' },
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'PodCompleted' },
      { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' },
      { type: 'PodScheduled', status: 'True' },
    ], at),
    ...baseStatus(pod, hostIP, podIP, startedAt),
    containerStatuses: (pod.spec?.containers ?? []).map((c) => {
      const base = containerBase(pod, c);
      return {
        ...base,
        ready: false,
        started: false,
        state: { terminated: { exitCode: code, reason, startedAt, finishedAt: at, containerID: base.containerID } },
        lastState: {},
      };
    }),
  };
}

/**
 * What the sim keeps of a pod (its informer's transform): identity, the two sim annotations,
 * the spec fields a pod's life reads (node, host network, restart policy, containers' names,
 * images and restart policies) and the status it patches against. At 30,000 pods the rest
 * (managedFields, volumes, defaults, labels, owner references) is most of each pod's bytes.
 */
export function simPodView(pod: Pod): Pod {
  const m = pod.metadata ?? {};
  const annotations: Record<string, string> = {};
  let annotated = false;
  for (const k of [EXIT_AFTER_ANNOTATION, EXIT_CODE_ANNOTATION]) {
    const v = m.annotations?.[k];
    if (v !== undefined) {
      annotations[k] = v;
      annotated = true;
    }
  }
  const s = pod.spec;
  const container = (c: Container): Container => ({ name: c.name, image: c.image, ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}) });
  return {
    apiVersion: pod.apiVersion,
    kind: pod.kind,
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
      ...(annotated ? { annotations } : {}),
    },
    spec: s && {
      nodeName: s.nodeName,
      ...(s.hostNetwork ? { hostNetwork: true } : {}),
      ...(s.restartPolicy ? { restartPolicy: s.restartPolicy } : {}),
      containers: (s.containers ?? []).map(container),
      ...(s.initContainers?.length ? { initContainers: s.initContainers.map(container) } : {}),
    },
    status: pod.status,
  } as Pod;
}
