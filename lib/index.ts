// kubets as a library: `import { startKubets } from 'kubets'`. Everything public is here, typed
// only with ./types.ts, so the package's declarations are this file and that one.

import { startKubets as start } from './start.ts';
import { readCrds as read } from './crds.ts';
import type { KubeObject, Kubets, KubetsOptions } from './types.ts';

export type * from './types.ts';

/**
 * Starts a kubets in this process: apiserver, controllers, scheduler and, when asked, simulated
 * nodes, on 127.0.0.1 with a fresh PKI. In memory by default. Call stop() when done.
 *
 * @example
 * const k = await startKubets({ nodes: 2 });
 * const kc = new KubeConfig();
 * kc.loadFromString(k.kubeconfig);
 * // ... your test ...
 * await k.stop();
 */
export function startKubets(opts: KubetsOptions = {}): Promise<Kubets> {
  return start(opts);
}

/** The CustomResourceDefinitions in these YAML or JSON files and folders (other kinds are skipped). */
export function readCrds(paths: string | string[]): Promise<KubeObject[]> {
  return read(paths);
}
