// Follows one resource inside the apiserver: a list, then a watch from its resourceVersion,
// and a relist (reporting every object again) whenever the watch ends. The in-process
// counterpart of an informer, for the aggregation controllers.

import type { KubeObject } from '../../../api/types.ts';
import type { GenericStore } from '../registry/store.ts';
import type { RequestContext, WatchHandle } from '../registry/types.ts';
import type { Logger } from '../../log.ts';

export interface Follower {
  stop(): void;
}

export async function follow(
  engine: () => GenericStore,
  ctx: () => RequestContext,
  on: (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject) => void,
  log: Logger,
  onRelist?: (live: KubeObject[]) => void,
): Promise<Follower> {
  let stopped = false;
  let handle: WatchHandle | undefined;
  const run = async (): Promise<void> => {
    const page = await engine().list(ctx(), { resourceVersion: '0' });
    onRelist?.(page.items);
    for (const o of page.items) on('ADDED', o);
    if (stopped) return;
    handle = await engine().watch(ctx(), { resourceVersion: page.resourceVersion }, (e) => {
      if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') on(e.type, e.object);
    }, () => restart(200));
  };
  const restart = (ms: number): void => {
    if (stopped) return;
    const again = setTimeout(() => void run().catch((err) => {
      log.warn('aggregation watch restart failed', { err: err as Error });
      restart(1000);
    }), ms);
    again.unref();
  };
  await run();
  return {
    stop() {
      stopped = true;
      handle?.stop();
    },
  };
}
