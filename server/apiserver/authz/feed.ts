// Keeps an in-memory index in step with one resource, informer-style, straight from the
// apiserver's watch cache: list once, then watch from that revision; when the watch ends
// (cache reset, 410), list again and replace what the index holds.
// The feed remembers only which objects it gave the sink (namespace/name), not the objects:
// holding every parsed Pod for a relist cost the apiserver ~11 KB per pod, its largest share.

import type { KubeObject } from '../../../api/types.ts';
import type { GenericStore } from '../registry/store.ts';
import type { RequestContext, WatchHandle } from '../registry/types.ts';

export interface IndexSink {
  upsert(obj: KubeObject): void;
  /** The object went away: after a relist only its metadata's namespace and name are known. */
  remove(obj: KubeObject): void;
}

export interface Feed {
  stop(): void;
}

const ctx = (): RequestContext => ({
  user: { username: 'system:apiserver', groups: ['system:masters'] },
  namespace: '',
  now: new Date(),
  dryRun: false,
  fieldValidation: 'Ignore',
  warnings: [],
});

const idOf = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** What a relist tells the sink of an object no longer there: its namespace and name. */
function gone(id: string): KubeObject {
  const slash = id.indexOf('/');
  const namespace = id.slice(0, slash);
  return { metadata: { ...(namespace ? { namespace } : {}), name: id.slice(slash + 1) } };
}

/** Lists the resource into the sink and keeps it current; resolves once the first list is in. */
export async function feedIndex(engine: GenericStore, sink: IndexSink, onError: (e: Error) => void): Promise<Feed> {
  let stopped = false;
  let handle: WatchHandle | undefined;
  const known = new Set<string>();

  let generation = 0;
  const start = async (): Promise<void> => {
    const mine = ++generation;
    const page = await engine.list(ctx(), { resourceVersion: '0' });
    const seen = new Set<string>();
    for (const o of page.items) {
      const id = idOf(o);
      seen.add(id);
      known.add(id);
      sink.upsert(o);
    }
    for (const id of known) {
      if (!seen.has(id)) {
        known.delete(id);
        sink.remove(gone(id));
      }
    }
    if (stopped) return;
    handle = await engine.watch(
      ctx(),
      { resourceVersion: page.resourceVersion },
      (e) => {
        if (e.type === 'ADDED' || e.type === 'MODIFIED') {
          known.add(idOf(e.object));
          sink.upsert(e.object);
        } else if (e.type === 'DELETED') {
          known.delete(idOf(e.object));
          sink.remove(e.object);
        } else if (e.type === 'ERROR' && mine === generation) {
          handle?.stop();
          restart();
        }
      },
      () => {
        if (mine === generation) restart();
      },
    );
  };
  const restart = () => {
    if (stopped) return;
    generation++;
    setTimeout(() => void start().catch((e: Error) => {
      onError(e);
      restart();
    }), 100).unref();
  };
  await start();
  return {
    stop() {
      stopped = true;
      handle?.stop();
    },
  };
}
