// The container lifecycle hooks on the runtime side (pure of API calls): postStart after a
// start; and a pod's graceful end: each running container gets its preStop hook and then
// SIGTERM with what is left of the grace period (at least 2 s after a hook, as upstream),
// then the sandbox is stopped and removed.

import type { Container, Pod } from '../../api/core/pod/types.ts';
import { isNotFound } from '../cri/client.ts';
import type { RuntimeService } from '../cri/types.ts';
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
  const { runtime, pod } = o;
  const deadline = Date.now() + o.graceSeconds * 1000;
  const list = await runtime.listContainers({ podSandboxId: o.sandboxId }).catch(() => []);
  const specs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  await Promise.all(
    list
      .filter((c) => c.state === 'CONTAINER_RUNNING')
      .map(async (c) => {
        const spec = specs.find((x) => x.name === c.metadata.name);
        o.event('Normal', 'Killing', `Stopping container ${c.metadata.name}`);
        const preStop = (spec?.lifecycle as { preStop?: { exec?: { command?: string[] }; httpGet?: never } } | undefined)?.preStop;
        if (preStop && o.graceSeconds > 0) {
          const r = await runProbe({ ...preStop, timeoutSeconds: Math.max(1, o.graceSeconds) }, { runtime, containerId: c.id, container: spec ?? {}, podIP: o.podIP });
          if (!r.ok) o.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${r.message}`);
        }
        const left = Math.max(preStop ? 2 : 0, Math.ceil((deadline - Date.now()) / 1000));
        await runtime.stopContainer(c.id, left).catch(() => undefined);
      }),
  );
  await removeSandbox(runtime, o.sandboxId);
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
