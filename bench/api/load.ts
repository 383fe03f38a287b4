// The main thread's handle on the load generator thread (load-worker.ts): send a plan, get
// its figures back.

import { Worker } from 'node:worker_threads';
import type { Pki } from '../../server/pki/index.ts';
import type { RunFigures } from '../stats.ts';

export type Plan =
  /** `ops` requests at `concurrency`; `{i}` in path and body becomes the op's index. */
  | { kind: 'requests'; url: string; method: string; path: string; body?: string; headers?: Record<string, string>; want: number; ops: number; concurrency: number; client?: ClientCert }
  /** Running pods `first`..`first+count-1`: a create and a status update each. */
  | { kind: 'pods'; url: string; namespace: string; first: number; count: number; concurrency: number }
  /**
   * A scheduled pod's writes, as the control plane and a kubelet make them: the ReplicaSet
   * controller's create, the scheduler's binding and Scheduled event, the kubelet's strategic
   * status patch; `watches` pod watch streams open meanwhile (informers).
   */
  | { kind: 'pod-life'; url: string; namespace: string; first: number; count: number; concurrency: number; watches: number }
  /** `streams` watches on the namespace's ConfigMaps, then `events` creates, each timed until every stream has it. */
  | { kind: 'fanout'; url: string; namespace: string; resourceVersion: string; streams: number; events: number; body: string };

/** A client certificate to send requests with instead of the admin's (another user). */
export interface ClientCert {
  cert: string;
  key: string;
}

export type PlanResult =
  | { kind: 'requests'; figures: RunFigures; bytes: number }
  | { kind: 'fanout'; latMs: number[]; openMs: number };

export interface Load {
  run(plan: Plan & { kind: 'requests' | 'pods' | 'pod-life' }): Promise<PlanResult & { kind: 'requests' }>;
  run(plan: Plan & { kind: 'fanout' }): Promise<PlanResult & { kind: 'fanout' }>;
  close(): Promise<void>;
}

export async function startLoad(pki: Pki): Promise<Load> {
  // Worker threads do not inherit tsx's loader: register it there before loading the entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./load-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(code, { eval: true, workerData: pki });
  const waiting = new Map<number, { resolve(r: PlanResult): void; reject(e: Error): void }>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { ready?: true; id?: number; result?: PlanResult; error?: string }) => {
      if (m.ready) return resolve();
      const w = waiting.get(m.id!);
      waiting.delete(m.id!);
      if (m.error !== undefined) w?.reject(new Error(`load generator: ${m.error}`));
      else w?.resolve(m.result!);
    });
  });
  worker.on('error', (e) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  return {
    run: ((plan: Plan) =>
      new Promise<PlanResult>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, plan });
      })) as Load['run'],
    async close() {
      await worker.terminate();
    },
  };
}
