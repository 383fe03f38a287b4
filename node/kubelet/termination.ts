// The container lifecycle hooks on the runtime side (pure of API calls): postStart after a
// start; and a pod's graceful end: each running container gets its preStop hook and then
// SIGTERM with what is left of the grace period (at least 2 s after a hook, as upstream),
// the main containers first and then the sidecars in reverse order; then the sandbox is
// stopped and removed.

import type { Container, Pod } from '../../api/core/pod/types.ts';
import { isNotFound } from '../cri/client.ts';
import type { RuntimeService } from '../cri/types.ts';
import { stopOrder } from './init-containers.ts';
import { runProbe } from './probes.ts';

export async function removeSandbox(runtime: RuntimeService, id: string): Promise<void> {
  await runtime.stopPodSandbox(id).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  await runtime.removePodSandbox(id).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
}

export interface StopPod {
  runtime: RuntimeService;
  pod: Pod;
  sandboxId: string;
  podIP: string;
  graceSeconds: number;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export async function stopPodInRuntime(o: StopPod): Promise<void> {
  await stopContainers(o);
  await removeSandbox(o.runtime, o.sandboxId);
}

/**
 * Stops the pod's running containers (or only those named) within the grace period: the
 * main containers first, then the sidecars one by one in reverse order (init-containers.ts).
 */
export async function stopContainers(o: StopPod, only?: Set<string>): Promise<void> {
  const { runtime, pod } = o;
  const deadline = Date.now() + o.graceSeconds * 1000;
  const list = (await runtime.listContainers({ podSandboxId: o.sandboxId }).catch(() => [])).filter(
    (c) => c.state === 'CONTAINER_RUNNING' && (!only || only.has(c.metadata.name)),
  );
  for (const group of stopOrder(pod, list.map((c) => c.metadata.name))) {
    await Promise.all(list.filter((c) => group.includes(c.metadata.name)).map((c) => killContainer(o, c.id, c.metadata.name, `Stopping container ${c.metadata.name}`, deadline)));
  }
}

/**
 * One container's graceful stop, as upstream's killContainer: the Killing event with
 * `message`, its preStop hook, then SIGTERM with what is left until `deadline` (epoch ms; at
 * least 2 s after a hook).
 */
export async function killContainer(o: StopPod, id: string, name: string, message: string, deadline = Date.now() + o.graceSeconds * 1000): Promise<void> {
  const { runtime, pod } = o;
  const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].find((x) => x.name === name);
  o.event('Normal', 'Killing', message);
  const preStop = (spec?.lifecycle as { preStop?: { exec?: { command?: string[] }; httpGet?: never } } | undefined)?.preStop;
  if (preStop && o.graceSeconds > 0) {
    const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    const r = await runProbe({ ...preStop, timeoutSeconds: left }, { runtime, containerId: id, container: spec ?? {}, podIP: o.podIP });
    if (!r.ok) o.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${r.message}`);
  }
  const left = Math.max(preStop ? 2 : 0, Math.ceil((deadline - Date.now()) / 1000));
  await runtime.stopContainer(id, left).catch(() => undefined);
}

/**
 * The postStart hook, run as upstream's kubelet runs it: right after the start, before the
 * container counts as started; when it fails the container is killed (FailedPostStartHook)
 * and restarted by the pod's restartPolicy. Resolves whether it passed.
 */
export async function runPostStart(runtime: RuntimeService, c: Container, id: string, podIP: string, graceSeconds: number, event: StopPod['event']): Promise<boolean> {
  const hook = (c.lifecycle as { postStart?: { exec?: { command?: string[] }; httpGet?: never } } | undefined)?.postStart;
  if (!hook) return true;
  const r = await runProbe({ ...hook, timeoutSeconds: Math.max(1, graceSeconds) }, { runtime, containerId: id, container: c, podIP });
  if (r.ok) return true;
  event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${r.message}`);
  await runtime.stopContainer(id, graceSeconds).catch(() => undefined);
  return false;
}
