// The decisions about init containers and sidecars (restartable init containers, KEP-753),
// pure so they can be tested without a runtime. Init containers run in order; a regular one
// must exit 0 before the next starts, a sidecar (restartPolicy: Always) must only have started
// (its startupProbe passed, or running when it has none; postStart done) and then keeps
// running beside the main containers, restarted whenever it exits, whatever the pod's
// restartPolicy. On the pod's end the main containers stop first, then the sidecars one at a
// time in reverse order of their declaration.

import type { Container, Pod } from '../../api/core/pod/types.ts';

export const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

export interface InitRun {
  /** The latest run in the current sandbox: none yet, running, or exited. */
  state: 'none' | 'running' | 'exited';
  exitCode?: number;
  /** Running and started (startupProbe passed, or none). */
  started: boolean;
}

export interface InitPlan {
  /** Every init container is done (or was once in this sandbox): the main containers may run. */
  initialized: boolean;
  /** Indexes of init containers to start now, or to back off (CrashLoopBackOff), in order. */
  start: number[];
  /** A regular init container failed and the pod's restartPolicy is Never: the pod failed. */
  failed: boolean;
}

/**
 * What to do with the init containers. `previouslyInitialized`: the pod got past them in this
 * sandbox already (a main container ran): regular ones are never run again, exited sidecars
 * are restarted.
 */
export function planInit(inits: Container[], runs: InitRun[], previouslyInitialized: boolean, podRestartPolicy = 'Always'): InitPlan {
  if (previouslyInitialized) {
    const start = inits.flatMap((c, i) => (isSidecar(c) && runs[i]?.state !== 'running' ? [i] : []));
    return { initialized: true, start, failed: false };
  }
  const start: number[] = [];
  for (let i = 0; i < inits.length; i++) {
    const r = runs[i] ?? { state: 'none', started: false };
    if (isSidecar(inits[i])) {
      if (r.state === 'running') {
        if (r.started) continue;
        return { initialized: false, start, failed: false };
      }
      start.push(i);
      // It exited after the next init container had started: restart it without holding them up.
      if (runs.slice(i + 1).some((x) => x && x.state !== 'none')) continue;
      return { initialized: false, start, failed: false };
    }
    if (r.state === 'exited' && r.exitCode === 0) continue;
    if (r.state === 'running') return { initialized: false, start, failed: false };
    if (r.state === 'exited' && podRestartPolicy === 'Never') return { initialized: false, start, failed: true };
    start.push(i);
    return { initialized: false, start, failed: false };
  }
  return { initialized: true, start, failed: false };
}

/**
 * The order containers stop in when the pod ends: first every container that is not a
 * sidecar (main, ephemeral, a regular init container still running) at once, then each sidecar
 * alone, the last declared first. Names of running containers only; empty groups dropped.
 */
export function stopOrder(pod: Pod, running: string[]): string[][] {
  const sidecars = (pod.spec?.initContainers ?? []).filter(isSidecar).map((c) => c.name ?? '');
  const isRunning = new Set(running);
  const first = running.filter((n) => !sidecars.includes(n));
  const groups = [first, ...sidecars.reverse().filter((n) => isRunning.has(n)).map((n) => [n])];
  return groups.filter((g) => g.length > 0);
}
