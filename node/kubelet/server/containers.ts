// Finding a pod's sandbox and containers in the runtime by the labels the kubelet puts on
// them (io.kubernetes.pod.namespace/name, io.kubernetes.container.name), newest first, so
// that the server answers for what really runs, workers or not.

import type { RuntimeService, Container, PodSandbox } from '../../cri/types.ts';
import { CONTAINER_NAME_LABEL, POD_NAMESPACE_LABEL, POD_NAME_LABEL } from '../runtime-spec.ts';

export async function podSandboxes(rt: RuntimeService, namespace: string, name: string): Promise<PodSandbox[]> {
  const all = await rt.listPodSandbox({ labelSelector: { [POD_NAMESPACE_LABEL]: namespace, [POD_NAME_LABEL]: name } });
  return all.sort((a, b) => b.createdAt - a.createdAt);
}

/** The ready sandbox of a pod, if any. */
export async function readySandbox(rt: RuntimeService, namespace: string, name: string): Promise<PodSandbox | undefined> {
  return (await podSandboxes(rt, namespace, name)).find((s) => s.state === 'SANDBOX_READY');
}

/** Every instance of a container of a pod (all sandboxes), latest attempt first. */
export async function containerInstances(rt: RuntimeService, namespace: string, pod: string, container: string): Promise<Container[]> {
  const all = await rt.listContainers({ labelSelector: { [POD_NAMESPACE_LABEL]: namespace, [POD_NAME_LABEL]: pod, [CONTAINER_NAME_LABEL]: container } });
  return all.sort((a, b) => b.createdAt - a.createdAt || b.metadata.attempt - a.metadata.attempt);
}

export async function runningContainer(rt: RuntimeService, namespace: string, pod: string, container: string): Promise<Container | undefined> {
  return (await containerInstances(rt, namespace, pod, container)).find((c) => c.state === 'CONTAINER_RUNNING');
}
