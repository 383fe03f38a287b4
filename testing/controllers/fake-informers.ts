// Informers over a FakeClient: each keeps its own cache fed by the client's change events.
// pause() freezes every cache (events queue up), resume() delivers them: a lagging informer.

import type { KubeObject } from '../../api/types.ts';
import { parseLabelSelector } from '../../api/meta/labels.ts';
import type { EventHandler, Informer, InformerFactory, Lister, ResourceRef } from '../../client/types.ts';
import { clone, keyOf } from '../../server/controllers/common/keys.ts';
import type { FakeClient } from './fake-client.ts';

type Change = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; obj: KubeObject };

class FakeInformer<T extends KubeObject> implements Informer<T> {
  readonly cache = new Map<string, T>();
  readonly handlers: EventHandler<T>[] = [];
  readonly indexes = new Map<string, (obj: T) => string[]>();

  apply(c: Change): void {
    const k = keyOf(c.obj);
    const old = this.cache.get(k);
    const obj = c.obj as T;
    if (c.type === 'DELETED') {
      this.cache.delete(k);
      for (const h of this.handlers) h.delete?.(obj);
    } else {
      this.cache.set(k, obj);
      for (const h of this.handlers) (old ? h.update?.(old, obj) : h.add?.(obj));
    }
  }

  addEventHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
  }

  addIndex(name: string, fn: (obj: T) => string[]): void {
    this.indexes.set(name, fn);
  }

  hasSynced(): boolean {
    return true;
  }

  readonly lister: Lister<T> = {
    get: (ns, name) => {
      const o = this.cache.get(ns ? `${ns}/${name}` : name);
      return o ? clone(o) : undefined;
    },
    list: (ns, labelSelector) => {
      const sel = labelSelector ? parseLabelSelector(labelSelector) : undefined;
      return [...this.cache.values()]
        .filter((o) => (ns === undefined || ns === '' || o.metadata?.namespace === ns) && (!sel || sel.matches(o.metadata?.labels)))
        .map((o) => clone(o));
    },
    byIndex: (index, value) => {
      const fn = this.indexes.get(index);
      if (!fn) throw new Error(`no index ${index}`);
      return [...this.cache.values()].filter((o) => fn(o).includes(value)).map((o) => clone(o));
    },
  };
}

export class FakeInformerFactory implements InformerFactory {
  readonly #informers = new Map<string, FakeInformer<KubeObject>>();
  #paused = false;
  #pending: { id: string; c: Change }[] = [];

  constructor(private readonly client: FakeClient) {
    client.onChange((type, r, obj) => {
      const id = `${r.group}/${r.plural}`;
      if (this.#paused) this.#pending.push({ id, c: { type, obj } });
      else this.#informers.get(id)?.apply({ type, obj });
    });
  }

  informer<T extends KubeObject = KubeObject>(r: ResourceRef): Informer<T> {
    const id = `${r.group}/${r.plural}`;
    let inf = this.#informers.get(id);
    if (!inf) {
      inf = new FakeInformer<KubeObject>();
      for (const o of this.client.all(r)) inf.cache.set(keyOf(o), o);
      this.#informers.set(id, inf);
    }
    return inf as unknown as Informer<T>;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) this.#informers.get(p.id)?.apply(p.c);
  }

  start(): void {}
  async waitForSync(): Promise<void> {}
  stop(): void {}
}
