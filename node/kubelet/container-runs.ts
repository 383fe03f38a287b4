// What the runtime holds of one pod's containers, as the pod worker reads it: every run of
// each container (keyed by name, init/<name> or eph/<name>: the labels tell init and
// ephemeral containers from the others), newest first, exit details cached once final; and
// the termination messages containers wrote (terminationMessagePath, up to 4 KiB).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../../api/core/pod/types.ts';
import type { ContainerStatus as CriStatus, RuntimeService } from '../cri/types.ts';

export const INIT_LABEL = 'kubets.io/init';
export const EPHEMERAL_LABEL = 'kubets.io/ephemeral';
/** Ephemeral containers' keys: eph/<name>. */
export const EPHEMERAL = 'eph/';

/**
 * `ids`: the sandbox holds exactly these containers (it was made in this sync): their statuses
 * are read without listing the sandbox first, one CRI call fewer per pod while many start.
 */
export async function containerRuns(runtime: RuntimeService, sandboxId: string | undefined, pod: Pod, exited: Map<string, CriStatus>, ids?: string[]): Promise<Map<string, CriStatus[]>> {
  const out = new Map<string, CriStatus[]>();
  if (!sandboxId) return out;
  const list = ids ?? (await runtime.listContainers({ podSandboxId: sandboxId })).map((c) => c.id);
  const inits = new Set((pod.spec?.initContainers ?? []).map((c) => c.name));
  const statuses = await Promise.all(list.map(async (id) => exited.get(id) ?? (await runtime.containerStatus(id).catch(() => undefined))));
  for (const st of statuses) {
    if (!st) continue;
    if (st.state === 'CONTAINER_EXITED') exited.set(st.id, st);
    const name = st.metadata.name;
    const key = inits.has(name) && st.labels[INIT_LABEL] === 'true' ? `init/${name}` : st.labels[EPHEMERAL_LABEL] === 'true' ? `${EPHEMERAL}${name}` : name;
    const arr = out.get(key) ?? [];
    arr.push(st);
    out.set(key, arr);
  }
  for (const arr of out.values()) arr.sort((a, b) => b.metadata.attempt - a.metadata.attempt);
  return out;
}

/** The file a container's terminationMessagePath is mounted from. */
export function terminationLogPath(podDir: string, key: string): string {
  return join(podDir, 'containers', key.replace('/', '_'), 'termination-log');
}

/** Fills state.terminated.message from what each terminated container wrote. */
export function addTerminationMessages(statuses: Record<string, unknown>[], podDir: string): void {
  for (const s of statuses) {
    const t = (s.state as { terminated?: Record<string, unknown> }).terminated;
    if (!t || t.message) continue;
    try {
      const msg = readFileSync(terminationLogPath(podDir, String(s.name)), 'utf8');
      if (msg) t.message = msg.slice(0, 4096);
    } catch {
      /* none written */
    }
  }
}
