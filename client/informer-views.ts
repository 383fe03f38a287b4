// One shared informer per resource for every loop of a process. The controller-manager,
// scheduler and cloud-controller-manager of `kubets server` each come and go with their own
// Lease, so each gets a view: an InformerFactory over the process's one factory that starts
// the informers it asks for, waits for those alone, and on stop takes back its handlers and
// lets go of its informers. An informer no view holds any more is stopped and dropped (a
// process leading nothing keeps no cache); the next view to ask lists again. Before this,
// each component had its own factory, and at 30,000 pods the scheduler and the controllers
// each kept a copy of every pod.
//
// Indexes stay with the informer: a view asking for an index the informer has already (a
// term starting again, two loops filing by the same name) reuses it, since an index's name
// says what it files by.

import type { KubeObject } from '../api/types.ts';
import type { EventHandler, Informer, InformerFactory, ResourceRef } from './types.ts';
import type { SharedInformer, SharedInformerFactory } from './informer.ts';

export interface InformerViews {
  /** A factory for one loop (one leader term): stop() releases what it took. */
  view(): InformerFactory;
  /** How many views hold each informer, by group/version/plural (tests and metrics). */
  holders(): Map<string, number>;
}

const keyOf = (r: ResourceRef) => `${r.group}/${r.version}/${r.plural}`;

export function createInformerViews(newFactory: () => SharedInformerFactory): InformerViews {
  let factory: SharedInformerFactory | undefined;
  const held = new Map<string, { inf: SharedInformer<KubeObject>; views: number }>();

  const take = (r: ResourceRef): SharedInformer<KubeObject> => {
    const key = keyOf(r);
    let h = held.get(key);
    if (!h) {
      // The factory is made when the first informer is taken and dropped with the last one.
      factory ??= newFactory();
      h = { inf: factory.informerFor(r), views: 0 };
      held.set(key, h);
    }
    h.views++;
    return h.inf;
  };

  const release = (r: ResourceRef): void => {
    const key = keyOf(r);
    const h = held.get(key);
    if (!h || --h.views > 0) return;
    held.delete(key);
    if (held.size === 0) {
      factory?.stop();
      factory = undefined;
    } else {
      h.inf.stop();
      factory?.forget(r);
    }
  };

  return {
    holders: () => new Map([...held].map(([k, h]) => [k, h.views])),
    view(): InformerFactory {
      const mine = new Map<string, { r: ResourceRef; inf: SharedInformer<KubeObject>; handlers: EventHandler[]; informer: Informer }>();
      let started = false;
      let stopped = false;
      const stoppedInformer = (r: ResourceRef): Informer => {
        const f = newFactory();
        f.stop();
        return f.informer(r);
      };
      const get = (r: ResourceRef): { informer: Informer } => {
        const key = keyOf(r);
        let m = mine.get(key);
        if (!m) {
          // A loop finishing after its term ended (a reconcile in flight) gets an informer that
          // never starts, as a stopped factory hands out, and holds nothing.
          if (stopped) return { informer: stoppedInformer(r) };
          const inf = take(r);
          const handlers: EventHandler[] = [];
          const informer: Informer = {
            lister: inf.lister,
            hasSynced: () => inf.hasSynced(),
            addEventHandler: (h) => {
              if (stopped) return;
              handlers.push(h);
              inf.addEventHandler(h);
            },
            addIndex: (name, fn) => {
              if (!inf.cache.hasIndex(name)) inf.addIndex(name, fn);
            },
          };
          mine.set(key, (m = { r, inf, handlers, informer }));
          if (started) inf.start();
        }
        return m;
      };
      return {
        informer: <T extends KubeObject>(r: ResourceRef) => get(r).informer as unknown as Informer<T>,
        start() {
          if (stopped) return;
          started = true;
          for (const m of mine.values()) m.inf.start();
        },
        async waitForSync() {
          await Promise.all([...mine.values()].map((m) => m.inf.syncedPromise));
        },
        stop() {
          if (stopped) return;
          stopped = true;
          for (const m of mine.values()) {
            for (const h of m.handlers) m.inf.removeEventHandler(h);
            release(m.r);
          }
          mine.clear();
        },
      };
    },
  };
}
