// The runtime side of a pod's graceful end (pure of API calls): each running container gets
// its preStop hook and then SIGTERM with what is left of the grace period (at least 2 s after
// a hook, as upstream), then the sandbox is stopped and removed.

import type { Pod } from '../../api/core/pod/types.ts';
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
